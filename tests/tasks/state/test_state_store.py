"""Bucketed state tables: split, lookups that read only their buckets, compaction, and the
version marks that make a run rebuild a state."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.lake import Lake
from tasks.state import State, rebuild, stale
from tasks.state.store import MAX_FILES, BucketedTable, compact_written

HASHES = BucketedTable("seen", "content_sha256", pa.schema([("content_sha256", pa.string())]),
                       buckets=16)


def _hashes(*values: str) -> pa.Table:
    return pa.table({"content_sha256": list(values)}, schema=HASHES.schema)


def _publish(lake: Lake, run_id: str, table: pa.Table) -> dict[str, pa.Table]:
    state = HASHES.split(table)
    lake.publish(run_id, "2024-08-20", {}, state, {"run_id": run_id})
    return state


def test_rows_go_to_the_bucket_of_their_key(tmp_path: Path) -> None:
    state = HASHES.split(_hashes("a1" + "0" * 62, "b2" + "0" * 62, "a3" + "0" * 62))
    assert sorted(state) == ["seen/b=001", "seen/b=002", "seen/b=003"]  # 0xa1 % 16 == 1
    ints = BucketedTable("bands", "band", pa.schema([("band", pa.uint64())]), buckets=16)
    assert ints.bucket_of(pa.array([17, 2**64 - 1], pa.uint64())).tolist() == [1, 15]


def test_a_lookup_reads_only_the_buckets_of_its_keys(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    wanted, other = "a1" + "0" * 62, "b2" + "0" * 62
    _publish(lake, "r1", _hashes(wanted, other, "a1" + "f" * 62))
    # Every other bucket is garbage: reading any of them would raise.
    for path in HASHES.files(lake, 2):
        Path(path).write_bytes(b"not parquet")
    found = HASHES.lookup(lake, [wanted, "a1" + "e" * 62])
    assert found["content_sha256"].to_pylist() == [wanted]
    with pytest.raises(Exception):  # noqa: B017 - the garbage is really there
        HASHES.lookup(lake, [other])


def test_a_bucket_with_many_files_is_compacted_to_a_sorted_one(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    values = [f"a{i % 10}" + f"{i:062d}" for i in range(40)]  # all in bucket 0xa? % 16
    for run in range(MAX_FILES + 2):
        _publish(lake, f"r{run:02d}", _hashes(*values[run * 4:run * 4 + 4], values[0]))
    buckets = {int(p.rpartition("/b=")[2]) for p in HASHES.split(_hashes(*values))}
    assert any(len(HASHES.files(lake, b)) > MAX_FILES for b in buckets)
    assert compact_written(lake, [HASHES], [f"seen/b={b:03d}" for b in buckets], "c1") > 0
    for bucket in buckets:
        files = HASHES.files(lake, bucket)
        assert len(files) <= MAX_FILES
    rows = HASHES.read(lake, [f for b in buckets for f in HASHES.files(lake, b)])
    assert sorted(set(rows["content_sha256"].to_pylist())) == sorted(values)
    merged = next(f for b in buckets for f in HASHES.files(lake, b) if "-c" in f)
    keys = pq.read_table(merged)["content_sha256"].to_pylist()
    assert keys == sorted(set(keys))  # sorted and distinct: row groups prune by key


def test_a_missing_or_older_state_is_stale_and_rebuilt(tmp_path: Path) -> None:
    lake, calls = Lake(str(tmp_path)), []
    state = State("seen", 2, lambda lake, tag: calls.append(tag))
    assert stale(lake, [state]) == [state]
    assert list(rebuild(lake, [state], "t1")) == ["seen"] and calls == ["t1"]
    assert stale(lake, [state]) == []
    older = State("seen", 1, state.rebuild)
    assert stale(lake, [older]) == [older]  # written by another version


def test_a_rebuild_cut_short_is_done_again(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))

    def dies(lake: Lake, tag: str) -> None:
        raise RuntimeError("killed")

    good = State("seen", 1, lambda lake, tag: None)
    rebuild(lake, [good], "t1")
    with pytest.raises(RuntimeError):
        rebuild(lake, [State("seen", 1, dies)], "t2")
    assert stale(lake, [good]) == [good]  # the mark went first


def test_a_compaction_keeps_one_row_of_each_even_with_list_columns(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    signed = BucketedTable("sigs", "article_id", pa.schema(
        [("article_id", pa.string()), ("signature", pa.list_(pa.uint32()))]), buckets=1)
    for run in range(MAX_FILES + 1):  # the same article twice (a compaction cut short)
        rows = pa.table({"article_id": [f"{run:02d}", "00"], "signature": [[run], [0]]},
                        schema=signed.schema)
        lake.publish(f"r{run}", "2024-08-20", {}, signed.split(rows), {"run_id": f"r{run}"})
    assert signed.compact(lake, 0, "c1")
    rows = signed.read(lake, signed.files(lake, 0)).sort_by("article_id").to_pylist()
    assert rows == [{"article_id": f"{i:02d}", "signature": [i]} for i in range(MAX_FILES + 1)]


def _spoil_row_group(path: str, index: int) -> None:
    """Overwrite the pages of one row group of a Parquet file with garbage."""
    chunks = pq.ParquetFile(path).metadata.row_group(index)
    with open(path, "r+b") as fh:
        for i in range(chunks.num_columns):
            column = chunks.column(i)
            start = column.dictionary_page_offset or column.data_page_offset
            fh.seek(start)
            fh.write(b"\xff" * column.total_compressed_size)


def test_a_lookup_reads_only_the_row_groups_of_its_keys_in_their_bucket(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    pairs = BucketedTable("pairs", "key", pa.schema([("key", pa.string()), ("value", pa.int64())]),
                          buckets=2, row_group=4)
    keys = [f"{i:02x}" + "0" * 14 for i in range(32)]  # even heads in bucket 0, odd in 1
    pairs.replace(lake, pa.table({"key": keys, "value": range(32)}, schema=pairs.schema), "t")
    even = pairs.files(lake, 0)
    assert len(even) == 1 and pq.ParquetFile(even[0]).metadata.num_row_groups == 4
    _spoil_row_group(even[0], 1)  # keys 08, 0a, 0c, 0e
    # 09 lies in bucket 1, inside the spoilt row group's range of bucket 0: not asked there.
    found = pairs.lookup(lake, [keys[0], keys[9], "3" + "0" * 15])
    assert sorted(found["value"].to_pylist()) == [0, 9]
    with pytest.raises(Exception):  # noqa: B017 - the spoilt row group is really read
        pairs.lookup(lake, [keys[10]])
