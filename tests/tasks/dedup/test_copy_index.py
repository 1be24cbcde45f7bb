"""The lake's copy state read in part: the run's articles meet what they can copy, and
nothing else is read."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import pyarrow as pa

from tasks.clean import article_id
from tasks.dedup import CopyDesk, dedup_batches
from tasks.dedup.index import BANDS_TABLE, COPIES, SIGNATURES, desk_for, state_rows
from tasks.dedup.signatures import band_key_matrix, signature_of
from tasks.lake import Lake
from tasks.schemas import conform
from tasks.state import rebuild

WORDS = [f"w{i}" for i in range(3000)]


def _body(seed: int) -> str:
    rng = random.Random(seed)
    return "\n\n".join(" ".join(rng.choices(WORDS, k=60)) for _ in range(4))


def _rows(bodies: list[str], prefix: str) -> list[dict]:
    return [{"article_id": article_id(b), "body": b, "source_uri": f"{prefix}{i}",
             "source_id": None, "content_sha256": f"{prefix}{i}", "bytes": len(b)}
            for i, b in enumerate(bodies)]


def _lake(tmp_path: Path, bodies: list[str]) -> tuple[Lake, pa.Table, CopyDesk]:
    """A lake that published `bodies` (articles and copy state), and the full desk."""
    lake, desk = Lake(str(tmp_path)), CopyDesk()
    articles, _ = dedup_batches([pa.Table.from_pylist(_rows(bodies, "old"))], desk)
    published = conform("articles", [
        {**a, "source_name_source": "none", "published_date_source": "none", "language": "en",
         "word_count": 240, "ingested_at": dt.datetime(2024, 8, 20, tzinfo=dt.UTC)}
        for a in articles.to_pylist()], run_id="r1")
    lake.publish("r1", "2024-08-20", {"articles": published}, state_rows(desk.state_table()),
                 {"run_id": "r1"})
    return lake, desk.state_table(), desk


def _edited(body: str) -> str:
    words = body.split(" ")
    words[10] = words[30] = "changed"
    return " ".join(words)


def test_a_run_finds_copies_of_lake_articles_as_the_whole_lake_would(tmp_path: Path) -> None:
    bodies = [_body(i) for i in range(40)]
    lake, minhash, _ = _lake(tmp_path, bodies)
    new = [bodies[3].upper(), _edited(bodies[7]), _body(99), _edited(_body(99))]
    rows = _rows(new, "new")
    desk, signed = desk_for(lake, rows)
    assert len(desk.ids) < 5  # the near copy's candidates, not the lake's 40 articles
    _, log = dedup_batches([pa.Table.from_pylist(rows)], desk, signed=signed)
    full = CopyDesk.from_lake(pa.table({"article_id": minhash["article_id"]}), minhash)
    articles, full_log = dedup_batches([pa.Table.from_pylist(rows)], full)
    assert log == full_log
    assert [r["status"] for r in log] == ["duplicate", "published", "published", "published"]
    near = {a["source_uri"]: a["duplicate_of"] for a in articles.to_pylist()}
    assert near == {"new1": article_id(bodies[7]), "new2": None, "new3": article_id(new[2])}


def test_a_lookup_reads_only_the_buckets_its_articles_need(tmp_path: Path) -> None:
    bodies = [_body(i) for i in range(40)]
    lake, _, _ = _lake(tmp_path, bodies)
    copy = _edited(bodies[7])
    bands = set(BANDS_TABLE.bucket_of(pa.array(band_key_matrix(
        signature_of(copy)[0][np.newaxis]).ravel(), pa.uint64())).tolist())
    ids = pa.array([article_id(copy), article_id(bodies[7])])
    signatures = set(SIGNATURES.bucket_of(ids).tolist())
    spoilt = 0
    for table, needed in ((BANDS_TABLE, bands), (SIGNATURES, signatures)):
        for bucket in set(range(table.buckets)) - needed:
            for path in table.files(lake, bucket):
                Path(path).write_bytes(b"garbage: reading it would raise")
                spoilt += 1
    assert spoilt >= 10  # the signatures of 38 of the 40 articles, at least
    desk, _ = desk_for(lake, _rows([copy], "new"))
    assert desk.check(article_id(copy), copy, "new0").duplicate_of == article_id(bodies[7])


def test_the_state_is_rebuilt_from_the_published_articles(tmp_path: Path) -> None:
    bodies = [_body(i) for i in range(20)] + [_edited(_body(3))]
    lake, minhash, _ = _lake(tmp_path, bodies)
    rebuild(lake, [COPIES], "rebuilt")
    assert COPIES.current(lake)
    again = SIGNATURES.lookup(lake, minhash["article_id"].to_pylist())
    assert sorted(again.to_pylist(), key=lambda r: r["article_id"]) == sorted(
        minhash.to_pylist(), key=lambda r: r["article_id"])
    assert not list(Path(tmp_path, "_state/copies/signatures").glob("*/part-r1.parquet"))
