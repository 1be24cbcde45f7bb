"""Dedup: exact copies collapse, near-copies are marked, against this run and the whole lake.

Exact copies share an article_id (the hash of the normalized body): the second one is a
`duplicate` in ingest_log and gets no row. Near-copies are found by MinHash LSH over word
3-gram shingles taken inside paragraphs (signatures by rensa, our own banding), and confirmed
by the estimated containment of the smaller text in the larger: a copy cut short, wrapped in
page furniture, lightly edited, reordered, or glued to another article is still a copy. The
earlier article is canonical; the copy is published with `duplicate_of` set and is not sent
to extraction. Signatures persist in the lake's `_state/minhash/`.

Settings (tuned on evaluation/copies.py, allsides perturbations; see its report):
- 3-word shingles: 5% of words edited still leaves ~85% of 3-grams intact (~75% of 5-grams),
  while other outlets' stories on the same event share well under 70% of them.
- shingles never cross a paragraph break, so reordered paragraphs keep their shingle set.
- words are NFKC-casefolded runs of letters and digits: quote, dash and punctuation styles
  do not matter.
- MIN_CONTAINMENT 0.75 sits between copies (>= 0.82 exact for 5% edits) and the most similar
  non-copies found in allsides (0.66); 42 bands of 3 rows make any pair with Jaccard >= 0.45
  (a concatenation of two equal halves: 0.5) a candidate with probability >= 0.98.
Work per article is bounded by BUCKET_CAP and MAX_CANDIDATES (see CopyDesk): templated text,
where every article shares buckets with every other, stays linear.
Stored signatures depend on these settings, blake2b word hashes and rensa's MinHash algorithm
(RMinHash.ALGORITHM_VERSION): change any of them and old state must be re-signed.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import rensa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks.clean import LOG_SCHEMA
from tasks.lake import Lake, LakeError
from tasks.schemas import conform, empty

SEED = 1
SHINGLE_WORDS = 3
BANDS, ROWS = 42, 3
# 126, not the 128 of the first scheme (5-gram strings): a stored signature of another length
# was made by an older scheme and is recomputed from the article body (see dedup_task).
NUM_PERM = BANDS * ROWS
MIN_CONTAINMENT = 0.75
MIN_SHINGLES_FOR_CONTAINMENT = 20  # a few shared sentences do not make a short text a copy
# Bounded work on any input (see CopyDesk): an LSH bucket stops growing at BUCKET_CAP
# articles, and an article is confirmed against at most MAX_CANDIDATES of its candidates.
BUCKET_CAP = 32
MAX_CANDIDATES = 128

MINHASH_SCHEMA = pa.schema([("article_id", pa.string()),
                            ("signature", pa.list_(pa.uint32())),
                            ("shingles", pa.int32()),
                            ("canonical_id", pa.string())])

_WORD = re.compile(r"\w+|\n\n")  # words, and paragraph breaks as tokens of their own


@dataclass
class Verdict:
    status: str  # "published" or "duplicate"
    article_id: str
    duplicate_of: str | None = None
    similarity: float | None = None
    reason: str | None = None


@dataclass
class CopyDesk:
    """What the lake and this run have published so far, to check each new article against.

    Articles are numbered in the order remembered; their signatures, shingle counts and
    canonicals are rows of numpy arrays, and an LSH bucket is the packed numbers of its
    members, so that an article's candidates are gathered, ranked and confirmed in a few
    vectorised steps.

    Work per article is bounded, whatever the input (text made of one template, where
    every article collides with every other, was quadratic):
    - a bucket stops growing at BUCKET_CAP members; an article left out of a full bucket is
      still indexed in its other bands (`saturated` counts the entries left out);
    - at most MAX_CANDIDATES candidates are confirmed: those sharing the most bands with the
      article (the expected count is BANDS * Jaccard^3: 9 for a Jaccard of 0.6, 1 or 2 for
      unrelated articles sharing page furniture), canonicals before their copies (a copy's
      canonical is confirmed with it anyway), earlier before later (`unconfirmed` counts the
      candidates left out).
    Both counters 0 means every verdict is exactly what an unbounded index gives. On real
    news they stay 0: on 10,000 allsides articles, the 2,223 BBC files and the copies
    benchmark (evaluation/copies.py) no bucket held more than 7 articles (CNN pages sharing
    furniture) and no article had more than 7 candidates. Where a cap bites, a copy is still
    found: it shares many bands with its original, so it meets it through the bands that are
    not full and ranks first among the candidates. What changes is which of several originals
    a copy names (one a little less similar), and now and then a borderline copy (similarity
    just over MIN_CONTAINMENT) is missed: on 10,000 templated records (evaluation/copies.py)
    20 of 6,129 near copies, and 2,024 name another original, 0.016 less similar (median).
    """

    known_ids: dict[str, str] = field(default_factory=dict)  # article_id -> where first read
    # LSH: from a band's key (its number and values) to its articles' numbers (int32 bytes).
    buckets: dict[int, bytes] = field(default_factory=dict)
    new_state: list[dict] = field(default_factory=list)
    saturated: int = 0  # band entries not made: the bucket held BUCKET_CAP articles
    unconfirmed: int = 0  # candidates not confirmed: the article had over MAX_CANDIDATES
    ids: list[str] = field(default_factory=list)  # article number -> article_id
    _number: dict[str, int] = field(default_factory=dict, repr=False)
    _signatures: np.ndarray = field(
        default_factory=lambda: np.empty((0, NUM_PERM), dtype=np.uint32), repr=False)
    _shingles: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)
    _canonical: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)

    @classmethod
    def from_lake(cls, article_ids: pa.Table | None, minhash: pa.Table | None) -> CopyDesk:
        desk = cls()
        if article_ids is not None:
            desk.known_ids = dict.fromkeys(article_ids["article_id"].to_pylist(), "the lake")
        if minhash is not None and minhash.num_rows:
            if not pc.all(pc.equal(pc.list_value_length(minhash["signature"]), NUM_PERM)
                          ).as_py():
                raise LakeError(f"the lake's near-duplicate signatures are not {NUM_PERM} "
                                "long: written by another dedup scheme, which needs a migration")
            signatures = np.asarray(pc.list_flatten(minhash["signature"]), dtype=np.uint32)
            for signature, aid, shingles, canonical in zip(
                    signatures.reshape(-1, NUM_PERM), minhash["article_id"].to_pylist(),
                    minhash["shingles"].to_pylist(), minhash["canonical_id"].to_pylist(),
                    strict=True):
                keys = _band_keys(signature)
                desk._remember(aid, signature, shingles, canonical, keys, desk._buckets(keys))
        return desk

    def check(self, article_id: str, body: str, source_uri: str,
              signed: tuple[np.ndarray, int] | None = None) -> Verdict:
        """Decide one article, in input order, and remember it for those that follow.
        `signed` is its (signature, shingle count) when computed in a batch beforehand."""
        if article_id in self.known_ids:
            first = self.known_ids[article_id]
            return Verdict("duplicate", article_id, reason=f"exact copy of text read from {first}")
        self.known_ids[article_id] = source_uri
        signature, shingles = signed or signature_of(body)
        keys = _band_keys(signature)
        buckets = self._buckets(keys)
        best = self._nearest(signature, shingles, buckets)
        canonical = best[0] if best else article_id
        self._remember(article_id, signature, shingles, canonical, keys, buckets)
        self.new_state.append({"article_id": article_id, "signature": signature,
                               "shingles": shingles, "canonical_id": canonical})
        if best:
            return Verdict("published", article_id, best[0], round(best[1], 4),
                           reason=f"near copy ({best[2]})")
        return Verdict("published", article_id)

    def state_table(self) -> pa.Table:
        return _state_table(self.new_state)

    def _nearest(self, signature: np.ndarray, shingles: int,
                 buckets: list[bytes | None]) -> tuple[str, float, str] | None:
        """The earlier article this one nearly copies, its similarity and the measure."""
        candidates = self._candidates(buckets)
        if not candidates.size:
            return None
        # A copy of a copy points at the original, if it copies that too (a copy of a
        # concatenation need not copy the concatenation's canonical): the candidates and
        # their canonicals are measured at once.
        canonicals = self._canonical[candidates]
        pool = candidates if (canonicals == candidates).all() else _distinct(
            np.sort(np.concatenate([candidates, canonicals])))
        value, by_jaccard = similarities(signature, shingles, self._signatures[pool],
                                         self._shingles[pool])
        at = np.searchsorted(pool, candidates)
        at = at[~np.isnan(value[at])]  # the candidates it copies
        if not at.size:
            return None
        original = np.searchsorted(pool, self._canonical[pool[at]])
        at = np.where(np.isnan(value[original]), at, original)
        best = value[at].max()
        top = at[value[at] == best]  # a tie goes to the smallest article_id
        pick = top[0] if (top == top[0]).all() else min(top, key=lambda i: self.ids[pool[i]])
        return (self.ids[pool[pick]], float(best),
                "jaccard" if by_jaccard[pick] else "containment")

    def _candidates(self, buckets: list[bytes | None]) -> np.ndarray:
        """The numbers of the articles in these buckets, at most MAX_CANDIDATES of them (see
        the class)."""
        found = np.sort(np.frombuffer(b"".join(filter(None, buckets)), dtype="<i4"))
        starts = _starts(found)
        numbers = found[starts].astype(np.int64)
        if numbers.size <= MAX_CANDIDATES:
            return numbers
        shared = np.diff(np.append(starts, found.size))
        copy = self._canonical[numbers] != numbers
        order = np.lexsort((numbers, copy, -shared))[:MAX_CANDIDATES]
        self.unconfirmed += numbers.size - MAX_CANDIDATES
        return np.sort(numbers[order])

    def _buckets(self, keys: list[int]) -> list[bytes | None]:
        return list(map(self.buckets.get, keys))

    def _remember(self, article_id: str, signature: np.ndarray, shingles: int,
                  canonical: str, keys: list[int], buckets: list[bytes | None]) -> None:
        number = len(self.ids)
        if number == len(self._signatures):  # grow the arrays by half as much again
            capacity = max(64, number * 3 // 2)
            self._signatures = _grown(self._signatures, capacity)
            self._shingles = _grown(self._shingles, capacity)
            self._canonical = _grown(self._canonical, capacity)
        self.ids.append(article_id)
        self._number[article_id] = number
        self._signatures[number] = signature
        self._shingles[number] = shingles
        # a canonical the state does not hold (it never writes one so) stands for itself
        self._canonical[number] = self._number.get(canonical, number)
        packed = number.to_bytes(4, "little")
        if buckets.count(None) == len(keys):  # the usual case: no band value seen before
            self.buckets.update(zip(keys, itertools.repeat(packed)))
            return
        for key, bucket in zip(keys, buckets, strict=True):
            if bucket is None:
                self.buckets[key] = packed
            elif len(bucket) < 4 * BUCKET_CAP:
                self.buckets[key] = bucket + packed
            else:
                self.saturated += 1


def _starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array."""
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return np.flatnonzero(first)


def _distinct(ordered: np.ndarray) -> np.ndarray:
    return ordered[_starts(ordered)]


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    out = np.empty((rows, *array.shape[1:]), dtype=array.dtype)
    out[:len(array)] = array
    return out


def _band_keys(signature: np.ndarray) -> list[int]:
    """One 64-bit key a band: its number and ROWS values combined (a rare clash only adds a
    candidate, which the similarity check then rejects)."""
    rows = signature[:BANDS * ROWS].reshape(BANDS, ROWS).astype(np.uint64)
    key = np.arange(BANDS, dtype=np.uint64)
    for i in range(ROWS):
        key = key * np.uint64(0x9E3779B97F4A7C15) + rows[:, i]
    return key.tolist()


def _state_table(rows: list[dict]) -> pa.Table:
    """State rows to MINHASH_SCHEMA, the signatures passed to Arrow as one numpy block."""
    if not rows:
        return MINHASH_SCHEMA.empty_table()
    values = pa.array(np.concatenate([r["signature"] for r in rows]).astype(np.uint32))
    offsets = pa.array(np.arange(len(rows) + 1, dtype=np.int32) * NUM_PERM)
    return pa.table([pa.array([r["article_id"] for r in rows], pa.string()),
                     pa.ListArray.from_arrays(offsets, values),
                     pa.array([r["shingles"] for r in rows], pa.int32()),
                     pa.array([r["canonical_id"] for r in rows], pa.string())],
                    schema=MINHASH_SCHEMA)


def similarity(sig_a: np.ndarray, size_a: int, sig_b: np.ndarray,
               size_b: int) -> tuple[float, str] | None:
    """The estimated containment of the smaller text in the larger (never below the Jaccard
    estimate) when the pair are copies, and whether the Jaccard alone says so; else None.
    One measure for every pair, so that candidates rank fairly against each other."""
    value, by_jaccard = similarities(sig_a, size_a, sig_b[np.newaxis], np.array([size_b]))
    if np.isnan(value[0]):
        return None
    return float(value[0]), "jaccard" if by_jaccard[0] else "containment"


def similarities(signature: np.ndarray, size: int, others: np.ndarray,
                 sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """similarity() of one article to many (rows of `others`) at once: the values, NaN where
    the pair are not copies, and whether the Jaccard alone says so."""
    jaccard = np.count_nonzero(others == signature, axis=1) / others.shape[1]
    smaller = np.minimum(sizes, size)
    # |A∩B| follows from the Jaccard estimate and the two shingle counts.
    overlap = jaccard * (size + sizes) / (1 + jaccard)
    containment = np.maximum(jaccard, np.minimum(1.0, overlap / np.maximum(smaller, 1)))
    by_jaccard = (jaccard >= MIN_CONTAINMENT) & (smaller > 0)
    copy = by_jaccard | ((containment >= MIN_CONTAINMENT)
                         & (smaller >= MIN_SHINGLES_FOR_CONTAINMENT))
    return np.where(copy, containment, np.nan), by_jaccard


def _words(body: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", body).casefold())


def shingles_of(body: str) -> set[str]:
    """The shingles as text (for reading and tests; signatures hash the same 3-grams)."""
    out, para = set(), []
    for word in [*_words(body), "\n\n"]:
        if word != "\n\n":
            para.append(word)
            continue
        out |= {" ".join(para[i:i + SHINGLE_WORDS])
                for i in range(len(para) - SHINGLE_WORDS + 1)}
        para = []
    return out or {" ".join(w for w in _words(body) if w != "\n\n")}


def signature_of(body: str) -> tuple[np.ndarray, int]:
    signatures, sizes = signatures_of([body])
    return signatures[0], int(sizes[0])


def signatures_of(bodies: list[str], chunk: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (n x NUM_PERM, uint32) and distinct shingle counts of many bodies,
    `chunk` at a time to bound memory."""
    parts = [_signatures(bodies[i:i + chunk]) for i in range(0, len(bodies), chunk)]
    if not parts:
        return np.empty((0, NUM_PERM), dtype=np.uint32), np.empty(0, dtype=np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _signatures(bodies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One batch. Python only splits words and hashes each distinct word once; the 3-grams,
    their count and the MinHash itself are vectorised (numpy, rensa's flat-hash batch)."""
    docs = [_words(body) for body in bodies]
    vocab: defaultdict[str, int] = defaultdict()
    vocab.default_factory = vocab.__len__  # a new word gets the next id, all in C
    vocab["\n\n"]  # id 0: the paragraph break
    flat = np.fromiter(itertools.chain.from_iterable(map(vocab.__getitem__, words)
                                                     for words in docs),
                       np.int64, sum(map(len, docs)))
    word_hash = np.array([_hash64(w) for w in vocab], dtype=np.uint64)
    doc = np.repeat(np.arange(len(docs)), [len(words) for words in docs])
    k = SHINGLE_WORDS
    n_grams = max(len(flat) - k + 1, 0)
    # A 3-gram is valid when its words are in one document and one paragraph (no break token).
    valid = doc[:n_grams] == doc[k - 1:k - 1 + n_grams]
    gram = np.zeros(n_grams, dtype=np.uint64)
    for i in range(k):
        ids = flat[i:i + n_grams]
        valid &= ids != 0
        gram = gram * np.uint64(0x100000001B3) + word_hash[ids]  # order-sensitive combination
    gram, gram_doc = _mix(gram[valid]), doc[:n_grams][valid]
    # A text with no 3-gram at all (only very short paragraphs) is one shingle: its words.
    if (empty := np.setdiff1d(np.arange(len(docs)), gram_doc)).size:
        extra = np.array([_hash64(" ".join(docs[d])) for d in empty], dtype=np.uint64)
        order = np.argsort(np.concatenate([gram_doc, empty]), kind="stable")
        gram = np.concatenate([gram, extra])[order]
        gram_doc = np.concatenate([gram_doc, empty])[order]
    # Distinct 3-grams a document: sort (document, top 44 bits of the hash) keys; a clash
    # inside one text is a ~1e-8 event. MinHash itself ignores repeats, so it gets them all.
    key = (gram_doc.astype(np.uint64) << np.uint64(44)) | (gram >> np.uint64(20))
    key.sort()
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    sizes = np.bincount((key[first] >> np.uint64(44)).astype(np.int64), minlength=len(docs))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(gram_doc, minlength=len(docs)))])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        gram, offsets.astype(np.uint64), NUM_PERM, SEED)
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(docs), NUM_PERM), sizes


def _hash64(text: str) -> int:
    # blake2b, not hash(): signatures persist in the lake, so they must not vary by process.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, so that 3-grams sharing words get unrelated hashes."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def dedup_batches(batches: list[pa.Table], desk: CopyDesk,
                  chunk: int = 1000) -> tuple[pa.Table, list[dict]]:
    """Cleaned article batches (in input order) to (articles to publish, their ledger rows).
    Signatures are computed in batches of `chunk`, then each article decided in order; an
    exact copy (its article_id already known) is never signed."""
    rows = [row for batch in batches for row in batch.to_pylist()]
    articles, log = [], []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        fresh: dict[str, str] = {}
        for row in part:
            if row["article_id"] not in desk.known_ids:
                fresh.setdefault(row["article_id"], row["body"])
        signatures, sizes = signatures_of(list(fresh.values()))
        signed = {aid: (sig, int(size))
                  for aid, sig, size in zip(fresh, signatures, sizes, strict=True)}
        for row in part:
            verdict = desk.check(row["article_id"], row["body"], row["source_uri"],
                                 signed.get(row["article_id"]))
            log.append({"source_uri": row["source_uri"], "source_id": row["source_id"],
                        "content_sha256": row["content_sha256"], "bytes": row["bytes"],
                        "status": verdict.status,
                        "reason": "; ".join(r for r in (verdict.reason, row.get("note")) if r)
                        or None,
                        "article_id": verdict.article_id})
            if verdict.status == "published":
                articles.append({**row, "duplicate_of": verdict.duplicate_of,
                                 "duplicate_similarity": verdict.similarity})
    return pa.Table.from_pylist(articles), log


@task(name="dedup", cache_policy=NO_CACHE)
def dedup_task(cleaned: list[tuple[str, str]], lake_url: str, staging_url: str, run_id: str,
               batch_size: int) -> dict[str, list[str]]:
    """Decide every cleaned article against the lake and the run, in one pass (order matters:
    the earlier copy is canonical). Stages the run's articles, ingest_log and minhash state,
    and the canonical articles in batches for extraction."""
    lake, staging = Lake(lake_url), Lake(staging_url)
    desk = CopyDesk.from_lake(lake.read("articles", ["article_id"]),
                              lake.read("_state/minhash"))
    read = [pq.read_table(p, filesystem=staging.fs) for pair in cleaned for p in pair]
    articles, log = dedup_batches(read[0::2], desk)
    if desk.saturated or desk.unconfirmed:
        get_run_logger().warning(
            "dedup: crowded LSH buckets (templated text?): %d band entries left out of full "
            "buckets, %d candidates not confirmed; some near copies may be missed",
            desk.saturated, desk.unconfirmed)
    log_rows = pa.concat_tables([*read[1::2], pa.Table.from_pylist(log, schema=LOG_SCHEMA)])
    staged = {"articles": conform("articles", articles, run_id=run_id) if articles.num_rows
              else empty("articles"),
              "ingest_log": conform("ingest_log", log_rows, run_id=run_id),
              "minhash": desk.state_table()}
    paths: dict[str, list[str]] = {}
    for name, table in staged.items():  # an empty table stages no file
        paths[name] = [staging.path(f"{name}.parquet")] if table.num_rows else []
        for path in paths[name]:
            staging.write_parquet(table, path)
    canonical = staged["articles"].filter(pc.is_null(staged["articles"]["duplicate_of"]))
    canonical = canonical.select(["article_id", "body", "published_date", "title", "language"])
    paths["canonical"] = []
    for i in range(0, canonical.num_rows, batch_size):
        paths["canonical"].append(staging.path(f"canonical-{i // batch_size:05d}.parquet"))
        staging.write_parquet(canonical.slice(i, batch_size), paths["canonical"][-1])
    return paths
