"""Dedup: exact copies collapse, near-copies are marked, against this run and the whole lake.

Exact copies share an article_id (the hash of the normalized body): the second one is a
`duplicate` in ingest_log and gets no row. Near-copies are found by MinHash LSH over word
3-gram shingles taken inside paragraphs (signatures by rensa, our own banding), and confirmed
by the estimated containment of the smaller text in the larger: a copy cut short, wrapped in
page furniture, lightly edited, reordered, or glued to another article is still a copy. The
earlier article is canonical; the copy is published with `duplicate_of` set and is not sent
to extraction. Signatures and their LSH bands persist in the lake's `_state/copies/`,
bucketed, and a run reads only the buckets its articles need (`index.py`).

The package: `signatures` (shingles, MinHash, band keys), `desk` (the CopyDesk deciding each
article, and the similarity measure), `index` (the lake's state, looked up and rebuilt).

Settings (tuned on evaluation/copies/, allsides perturbations; see its report):
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
(RMinHash.ALGORITHM_VERSION): change any of them and raise `index.COPIES`'s version, so the
state is rebuilt (re-signed from the published bodies).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks.dedup.desk import (
    BUCKET_CAP,
    MAX_CANDIDATES,
    MIN_CONTAINMENT,
    MIN_SHINGLES_FOR_CONTAINMENT,
    MINHASH_SCHEMA,
    CopyDesk,
    Verdict,
    similarities,
    similarity,
)
from tasks.dedup.index import desk_for
from tasks.dedup.signatures import (
    BANDS,
    NUM_PERM,
    ROWS,
    SEED,
    SHINGLE_WORDS,
    band_keys,
    shingles_of,
    signature_of,
    signatures_of,
)
from tasks.lake import Lake
from tasks.schemas import STAGED_LOG, conform, empty

__all__ = ["BANDS", "BUCKET_CAP", "MAX_CANDIDATES", "MINHASH_SCHEMA", "MIN_CONTAINMENT",
           "MIN_SHINGLES_FOR_CONTAINMENT", "NUM_PERM", "ROWS", "SEED", "SHINGLE_WORDS",
           "CopyDesk", "Verdict", "band_keys", "dedup_batches", "dedup_task", "shingles_of",
           "signature_of", "signatures_of", "similarities", "similarity"]


def dedup_batches(batches: list[pa.Table], desk: CopyDesk, chunk: int = 1000,
                  signed: dict[str, tuple[np.ndarray, int]] | None = None,
                  ) -> tuple[pa.Table, list[dict]]:
    """Cleaned article batches (in input order) to (articles to publish, their ledger rows).
    Signatures are computed in batches of `chunk` (but those given in `signed`), then each
    article decided in order; an exact copy (its article_id already known) is never signed."""
    given = signed or {}
    rows = [row for batch in batches for row in batch.to_pylist()]
    articles, log = [], []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        fresh: dict[str, str] = {}
        for row in part:
            if row["article_id"] not in desk.known_ids and row["article_id"] not in given:
                fresh.setdefault(row["article_id"], row["body"])
        signatures, sizes = signatures_of(list(fresh.values()))
        signed = given | {aid: (sig, int(size))
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
    read = [pq.read_table(p, filesystem=staging.fs) for pair in cleaned for p in pair]
    # Only what the run's articles can meet is read from the lake (index.py).
    desk, signed = desk_for(lake, [row for batch in read[0::2] for row in batch.to_pylist()])
    articles, log = dedup_batches(read[0::2], desk, signed=signed)
    if desk.saturated or desk.unconfirmed:
        get_run_logger().warning(
            "dedup: crowded LSH buckets (templated text?): %d band entries left out of full "
            "buckets, %d candidates not confirmed; some near copies may be missed",
            desk.saturated, desk.unconfirmed)
    log_rows = pa.concat_tables([*read[1::2], pa.Table.from_pylist(log, schema=STAGED_LOG)])
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
