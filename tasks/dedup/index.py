"""The lake's copy state (`_state/copies/`), read in part: what a run's articles can meet.

Two bucketed tables (tasks/state/store.py): the signatures, by article_id (`signatures/`),
and the LSH band index, one row per (band key, article) (`bands/`). A run looks up its own
article ids (an exact copy of a lake article is found there), then its new articles' band
keys, then the signatures of the articles those name and of their canonicals: a CopyDesk
built from those rows decides every article as one built from the whole lake would (but
for BUCKET_CAP and MAX_CANDIDATES, which order the lake's articles by their place in the
state; on real news they never bite). Memory and reads grow with the run's articles and
their candidates; a compacted bucket file is sorted by key, so at scale a lookup reads the
row groups holding its keys, not the whole bucket.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks.dedup.desk import MINHASH_SCHEMA, CopyDesk
from tasks.dedup.signatures import BANDS, NUM_PERM, band_key_matrix, signatures_of
from tasks.lake import Lake
from tasks.state import State
from tasks.state.store import BucketedTable

# A signature row is ~520 bytes: row groups of 32 make a look-up of a few candidates read
# ~16 KB per candidate's group, not its bucket's signatures.
SIGNATURES = BucketedTable("copies/signatures", "article_id", MINHASH_SCHEMA, buckets=16,
                           row_group=32)
BANDS_TABLE = BucketedTable("copies/bands", "band",
                            pa.schema([("band", pa.uint64()), ("article_id", pa.string())]),
                            buckets=16)


def desk_for(lake: Lake, rows: list[dict]) -> tuple[CopyDesk, dict[str, tuple[np.ndarray, int]]]:
    """A CopyDesk with what the lake holds that these articles (cleaned rows) can meet, and
    the signatures of the new ones (article_id -> (signature, shingle count))."""
    bodies = {}
    for row in rows:
        bodies.setdefault(row["article_id"], row["body"])
    known = SIGNATURES.lookup(lake, bodies, ["article_id"])["article_id"].to_pylist()
    fresh = [aid for aid in bodies if aid not in set(known)]
    signatures, sizes = signatures_of([bodies[aid] for aid in fresh])
    signed = {aid: (sig, int(size)) for aid, sig, size in zip(fresh, signatures, sizes,
                                                               strict=True)}
    hits = BANDS_TABLE.lookup(lake, band_key_matrix(signatures).ravel().tolist(),
                              ["article_id"])
    candidates = SIGNATURES.lookup(lake, set(hits["article_id"].to_pylist()))
    have = set(candidates["article_id"].to_pylist())
    canonicals = SIGNATURES.lookup(lake, set(candidates["canonical_id"].to_pylist()) - have)
    minhash = _distinct(pa.concat_tables([candidates, canonicals]))
    ids = pa.table({"article_id": pa.array([*known, *minhash["article_id"].to_pylist()],
                                           pa.string())})
    return CopyDesk.from_lake(ids, minhash), signed


def state_rows(minhash: pa.Table) -> dict[str, pa.Table]:
    """A run's new signatures as bucketed state files (for Lake.publish)."""
    return SIGNATURES.split(minhash) | BANDS_TABLE.split(band_rows(minhash))


def band_rows(minhash: pa.Table) -> pa.Table:
    """One row per (band key, article) of signature rows."""
    signatures = np.asarray(pc.list_flatten(minhash["signature"]), dtype=np.uint32)
    keys = band_key_matrix(signatures.reshape(-1, NUM_PERM))
    ids = np.repeat(np.asarray(minhash["article_id"].to_pylist(), dtype=object), BANDS)
    return pa.table({"band": pa.array(keys.ravel(), pa.uint64()),
                     "article_id": pa.array(ids, pa.string())}, schema=BANDS_TABLE.schema)


def _distinct(minhash: pa.Table) -> pa.Table:
    """One row an article (a compaction cut short can leave a row twice)."""
    ids = minhash["article_id"].to_pylist()
    first = sorted({aid: i for i, aid in reversed(list(enumerate(ids)))}.values())
    return minhash.take(pa.array(first, pa.int64())) if len(first) < len(ids) else minhash


def _rebuild(lake: Lake, tag: str) -> None:
    """Sign every published article again (its body), file by file."""
    old = lake.path("_state", "minhash")  # the first layout: one unbucketed file a run
    if lake.fs.exists(old):
        lake.fs.rm(old, recursive=True)
    parts = []
    for path in lake.files("articles"):
        articles = pq.read_table(path, columns=["article_id", "body", "duplicate_of"],
                                 filesystem=lake.fs)
        signatures, sizes = signatures_of(articles["body"].to_pylist())
        canonical = pc.coalesce(articles["duplicate_of"], articles["article_id"])
        parts.append(pa.table([articles["article_id"],
                               pa.array(list(signatures), pa.list_(pa.uint32())),
                               pa.array(sizes, pa.int32()), canonical],
                              schema=MINHASH_SCHEMA))
    minhash = pa.concat_tables(parts) if parts else MINHASH_SCHEMA.empty_table()
    SIGNATURES.replace(lake, minhash, tag)
    BANDS_TABLE.replace(lake, band_rows(minhash), tag)


COPIES = State("copies", 3, _rebuild, {"copies/signatures": SIGNATURES.schema,
                                       "copies/bands": BANDS_TABLE.schema})
