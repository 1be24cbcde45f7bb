"""Dedup: exact copies collapse, near-copies are marked, against this run and the whole lake.

Exact copies share an article_id (the hash of the normalized body): the second one is a
`duplicate` in ingest_log and gets no row. Near-copies are found by MinHash LSH over word
5-gram shingles (signatures by rensa, banding by datasketch) and confirmed by the estimated
Jaccard similarity or containment (a copy cut short, or wrapped in extra text, is still a
copy). The earlier article is canonical; the copy is published with `duplicate_of` set and
is not sent to extraction. Signatures persist in the lake's `_state/minhash/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import rensa
from datasketch import LeanMinHash, MinHashLSH
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.clean import LOG_SCHEMA, normalized_key
from tasks.lake import Lake
from tasks.schemas import conform, empty

NUM_PERM = 128
SEED = 1
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.3  # low, so that containment pairs (Jaccard about 0.5) become candidates
MIN_JACCARD = 0.8
MIN_CONTAINMENT = 0.9
MIN_SHINGLES_FOR_CONTAINMENT = 20  # a few shared sentences do not make a short text a copy

MINHASH_SCHEMA = pa.schema([("article_id", pa.string()),
                            ("signature", pa.list_(pa.uint32())),
                            ("shingles", pa.int32()),
                            ("canonical_id", pa.string())])


@dataclass
class Verdict:
    status: str  # "published" or "duplicate"
    article_id: str
    duplicate_of: str | None = None
    similarity: float | None = None
    reason: str | None = None


@dataclass
class CopyDesk:
    """What the lake and this run have published so far, to check each new article against."""

    known_ids: dict[str, str] = field(default_factory=dict)  # article_id -> where first read
    signatures: dict[str, tuple[np.ndarray, int, str]] = field(default_factory=dict)
    lsh: MinHashLSH = field(default_factory=lambda: MinHashLSH(LSH_THRESHOLD, NUM_PERM))
    new_state: list[dict] = field(default_factory=list)

    @classmethod
    def from_lake(cls, article_ids: pa.Table | None, minhash: pa.Table | None) -> CopyDesk:
        desk = cls()
        if article_ids is not None:
            desk.known_ids = dict.fromkeys(article_ids["article_id"].to_pylist(), "the lake")
        if minhash is not None:
            for row in minhash.to_pylist():
                desk._remember(row["article_id"], np.asarray(row["signature"], np.uint32),
                               row["shingles"], row["canonical_id"])
        return desk

    def check(self, article_id: str, body: str, source_uri: str) -> Verdict:
        """Decide one article, in input order, and remember it for those that follow."""
        if article_id in self.known_ids:
            first = self.known_ids[article_id]
            return Verdict("duplicate", article_id, reason=f"exact copy of text read from {first}")
        self.known_ids[article_id] = source_uri
        signature, shingles = signature_of(body)
        best = self._nearest(signature, shingles)
        canonical = best[0] if best else article_id
        self._remember(article_id, signature, shingles, canonical)
        self.new_state.append({"article_id": article_id, "signature": signature.tolist(),
                               "shingles": shingles, "canonical_id": canonical})
        if best:
            return Verdict("published", article_id, best[0], round(best[1], 4),
                           reason=f"near copy ({best[2]})")
        return Verdict("published", article_id)

    def state_table(self) -> pa.Table:
        return pa.Table.from_pylist(self.new_state, schema=MINHASH_SCHEMA)

    def _nearest(self, signature: np.ndarray, shingles: int) -> tuple[str, float, str] | None:
        """The canonical article this one nearly copies, its similarity and the measure."""
        matches = []
        for other in self.lsh.query(_lean(signature)):
            other_sig, other_shingles, canonical = self.signatures[other]
            if match := similarity(signature, shingles, other_sig, other_shingles):
                if canonical != other:  # a copy of a copy: measure against the original
                    original = self.signatures[canonical]
                    match = similarity(signature, shingles, original[0], original[1]) or match
                matches.append((canonical, *match))
        return min(matches, key=lambda m: (-m[1], m[0])) if matches else None

    def _remember(self, article_id: str, signature: np.ndarray, shingles: int,
                  canonical: str) -> None:
        self.signatures[article_id] = (signature, shingles, canonical)
        self.lsh.insert(article_id, _lean(signature), check_duplication=False)


def similarity(sig_a: np.ndarray, size_a: int, sig_b: np.ndarray,
               size_b: int) -> tuple[float, str] | None:
    """Estimated Jaccard, or containment of the smaller text in the larger, when either is
    high enough to call the pair copies; None otherwise."""
    jaccard = float(np.mean(sig_a == sig_b))
    if jaccard >= MIN_JACCARD:
        return jaccard, "jaccard"
    # |A∩B| follows from the Jaccard estimate and the two shingle counts.
    smaller = min(size_a, size_b)
    overlap = jaccard * (size_a + size_b) / (1 + jaccard)
    containment = min(1.0, overlap / smaller) if smaller else 0.0
    if containment >= MIN_CONTAINMENT and smaller >= MIN_SHINGLES_FOR_CONTAINMENT:
        return containment, "containment"
    return None


def shingles_of(body: str) -> set[str]:
    words = normalized_key(body).split()
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words)}
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature_of(body: str) -> tuple[np.ndarray, int]:
    shingles = shingles_of(body)
    minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(list(shingles))
    return np.asarray(minhash.digest(), dtype=np.uint32), len(shingles)


def _lean(signature: np.ndarray) -> LeanMinHash:
    # datasketch only bands the values; they come from rensa, so no datasketch hashing scheme.
    return LeanMinHash(seed=SEED, hashvalues=signature.astype(np.uint64), scheme="legacy")


def dedup_batches(batches: list[pa.Table], desk: CopyDesk) -> tuple[pa.Table, list[dict]]:
    """Cleaned article batches (in input order) to (articles to publish, their ledger rows)."""
    articles, log = [], []
    for row in (row for batch in batches for row in batch.to_pylist()):
        verdict = desk.check(row["article_id"], row["body"], row["source_uri"])
        log.append({"source_uri": row["source_uri"], "source_id": row["source_id"],
                    "content_sha256": row["content_sha256"], "bytes": row["bytes"],
                    "status": verdict.status, "reason": verdict.reason,
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
    canonical = canonical.select(["article_id", "body", "published_date", "title"])
    paths["canonical"] = []
    for i in range(0, canonical.num_rows, batch_size):
        paths["canonical"].append(staging.path(f"canonical-{i // batch_size:05d}.parquet"))
        staging.write_parquet(canonical.slice(i, batch_size), paths["canonical"][-1])
    return paths
