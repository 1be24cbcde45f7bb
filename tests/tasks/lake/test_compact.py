"""Compaction of closed partitions: after 30 runs' worth of files, few files, the same rows;
readers during the swap never count wrong; a kill at any point leaves every partition whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from conftest import glob_now, sample_value

from tasks.check import check, parquet_problems
from tasks.lake import Lake, LakeBusy
from tasks.lake.compact import closed_partitions, compact, sweep
from tasks.schemas import PARTITIONED, SNAPSHOTS, TABLES, conform

ROOT = Path(__file__).resolve().parents[3]
TODAY = dt.date(2026, 12, 5)
def _rows(table: str, run: int, n: int) -> pa.Table:
    """n rows of a table for run `run`; every string distinct, ids unique across runs."""
    rows = []
    for i in range(n):
        row = {f.name: sample_value(f.type) for f in TABLES[table]}
        row |= {f.name: f"{f.name}-{run}-{i}" for f in TABLES[table] if f.type == pa.string()}
        row |= {"article_id": hashlib.sha256(f"{run}-{i}".encode()).hexdigest()[:16]}
        if table == "ingest_log":
            row |= {"status": "published", "reason": None}
        if table == "quotes":
            row |= {"kind": "direct"}
        rows.append(row)
    return conform(table, rows, run_id=f"run{run:02d}")


def _lake(root: Path, runs: int = 30, days: int = 3, rows: int = 4,
          tables: list[str] = PARTITIONED + SNAPSHOTS) -> Lake:
    """`runs` publishes spread over `days` closed days, then one today (open)."""
    lake = Lake(str(root))
    for run in range(runs + 1):
        day = TODAY if run == runs else TODAY - dt.timedelta(days=days - run % days)
        published = {name: _rows(name, run, rows + run % 3) for name in tables}
        with lake.lock(f"run{run:02d}"):
            lake.publish(f"run{run:02d}", day.isoformat(), published, {}, {"run_id": f"run{run}"})
    return lake


def _compact_all(lake: Lake, closed_before: dt.date = TODAY) -> list[dict]:
    with lake.lock("compact-test"):
        done = [compact(lake, part, "compact-test", {"run_id": "compact-test"})
                for part in closed_partitions(lake, closed_before)]
        sweep(lake, "compact-test")
    return done


def _fingerprint(lake: Lake) -> dict[str, tuple[int, str]]:
    """Rows and an order-free content hash per table, read as wiredesk reads it."""
    out = {}
    for name in [n for n in PARTITIONED if lake.files(n)]:
        rows = sorted(json.dumps(r, sort_keys=True, default=str)
                      for r in lake.read(name).to_pylist())
        out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def _files_per_partition(root: Path) -> dict[str, int]:
    return {f"{d.parent.name}/{d.name}": len(list(d.glob("*.parquet")))
            for name in PARTITIONED for d in sorted((root / name).glob("ingest_date=*"))}


def test_thirty_runs_compact_to_one_file_per_closed_partition(tmp_path: Path) -> None:
    lake = _lake(tmp_path)
    before, files_before = _fingerprint(lake), _files_per_partition(tmp_path)
    snapshots = {n: (tmp_path / n / f"{n}.parquet").read_bytes() for n in SNAPSHOTS}
    today = f"ingest_date={TODAY}"
    assert files_before["articles/ingest_date=2026-12-02"] == 10 and files_before[
        f"articles/{today}"] == 1

    done = _compact_all(lake)

    assert len(done) == 3 * len(PARTITIONED) and all(d["atomic"] for d in done)
    after = _files_per_partition(tmp_path)
    assert after == {k: 1 for k in files_before}  # today's single file untouched
    assert _fingerprint(lake) == before
    articles = duckdb.sql(f"SELECT count(*), count(DISTINCT article_id) FROM read_parquet("
                          f"'{tmp_path}/articles/**/*.parquet', hive_partitioning = true)")
    assert articles.fetchall()[0] == (before["articles"][0],) * 2
    assert {n: (tmp_path / n / f"{n}.parquet").read_bytes() for n in SNAPSHOTS} == snapshots
    assert check(lake, deep=True) == []
    assert not list((tmp_path / "_state").glob("staging/*"))
    assert not list(tmp_path.rglob("*.tmp"))
    # Closed days only: today's partition, open to more runs, is left alone.
    assert not list((tmp_path / "articles" / today).glob("part-compact-*"))
    merged = next((tmp_path / "articles" / "ingest_date=2026-12-02").glob("*.parquet"))
    assert pq.ParquetFile(merged).num_row_groups == 1  # not one per small file

    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")}
    assert _compact_all(lake) == []  # a second compaction changes nothing
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")} == stamps


def test_a_straggler_after_compaction_is_merged_by_the_next(tmp_path: Path) -> None:
    lake = _lake(tmp_path, runs=6)
    _compact_all(lake)
    with lake.lock("late"):  # a run that started that day, queued behind the compaction
        lake.publish("late", "2026-12-02", {"articles": _rows("articles", 99, 3)}, {}, {})
    before = _fingerprint(lake)
    assert _files_per_partition(tmp_path)["articles/ingest_date=2026-12-02"] == 2
    assert [d["table"] for d in _compact_all(lake)] == ["articles"]
    assert _files_per_partition(tmp_path)["articles/ingest_date=2026-12-02"] == 1
    assert _fingerprint(lake) == before


def test_a_stray_file_in_a_partition_stays(tmp_path: Path) -> None:
    lake = _lake(tmp_path, runs=3, days=1, tables=["articles"])
    stray = tmp_path / "articles" / "ingest_date=2026-12-04" / "_SUCCESS"
    stray.write_text("")  # left by someone's Spark job: the folder is not swapped whole
    before = _fingerprint(lake)
    assert [d["atomic"] for d in _compact_all(lake)] == [False]
    assert stray.exists() and _fingerprint(lake) == before
    assert _files_per_partition(tmp_path)["articles/ingest_date=2026-12-04"] == 1


def test_files_from_before_a_column_was_added_merge_with_it_null(tmp_path: Path) -> None:
    lake = _lake(tmp_path, runs=2, days=1, tables=["articles"])
    folder = tmp_path / "articles" / "ingest_date=2026-12-04"
    old = _rows("articles", 50, 3).drop_columns(["source_name_source"])  # schema version 1
    pq.write_table(old, folder / "part-20240101T000000Z-old000-0000.parquet")

    def rows() -> list[tuple]:  # as an analyst reads such a lake (README)
        return sorted(duckdb.sql(f"SELECT {', '.join(TABLES['articles'].names)} FROM "
                                 f"read_parquet('{folder}/*.parquet', union_by_name = true)"
                                 ).fetchall(), key=str)
    before = rows()
    assert sum(r[4] is None for r in before) == 3  # source_name_source
    assert [d["files_before"] for d in _compact_all(lake)] == [3]
    assert rows() == before
    merged = next(folder.glob("*.parquet"))
    assert pq.read_schema(merged).names == TABLES["articles"].names
    assert parquet_problems(lake, deep=True) == []


def test_compaction_needs_the_lock(tmp_path: Path) -> None:
    lake = _lake(tmp_path, runs=3, days=1)
    part = closed_partitions(lake, TODAY)[0]
    with pytest.raises(LakeBusy, match="must hold the lake's lock"):
        compact(lake, part, "compact-nolock", {})


def test_object_stores_commit_through_the_publish_journal() -> None:
    import fsspec

    url = f"memory://compact-{os.getpid()}"
    try:
        lake = Lake(url)
        for run in range(6):
            with lake.lock(f"run{run}"):
                lake.publish(f"run{run}", "2026-12-01",
                             {n: _rows(n, run, 3) for n in PARTITIONED}, {}, {})
        before = _fingerprint(lake)
        done = _compact_all(lake)
        assert len(done) == len(PARTITIONED) and not any(d["atomic"] for d in done)
        assert _fingerprint(lake) == before
        assert all(len(lake.files(n)) == 1 for n in PARTITIONED)
        assert not lake.fs.glob(lake.path("_state/journal/*.json"))
        assert not lake.fs.glob(lake.path("**/.*.tmp"))
    finally:
        fsspec.filesystem("memory").rm(f"/compact-{os.getpid()}", recursive=True)


def test_readers_never_see_a_row_twice_or_miss_one_during_compaction(tmp_path: Path) -> None:
    # Many closed partitions, so that the swaps go on while readers list and read.
    lake = _lake(tmp_path, runs=160, days=40, rows=2, tables=["articles", "ingest_log"])
    expected = {n: c for n, (c, _) in _fingerprint(lake).items()}
    seen: list[tuple[str, int]] = []
    vanished = []  # a file listed just before its partition's swap, opened just after
    done = threading.Event()

    def read() -> None:
        con = duckdb.connect()
        while not done.is_set():
            for name, count in [
                ("articles", lambda: con.sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/"
                                             "articles/**/*.parquet')").fetchall()[0][0]),
                ("ingest_log", lambda: ds.dataset(tmp_path / "ingest_log", format="parquet",
                                                  partitioning="hive").count_rows()),
            ]:
                try:
                    seen.append((name, count()))
                except (FileNotFoundError, duckdb.IOException) as exc:
                    vanished.append(str(exc))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    time.sleep(0.5)
    before = len(seen)
    try:
        done_parts = _compact_all(lake)
    finally:
        during = len(seen) - before
        done.set()
        for reader in readers:
            reader.join()
    assert len(done_parts) == 40 * 2
    print(f"reads during the compaction: {during}, listed-then-vanished: {len(vanished)}")
    assert during >= 10, "the readers hardly read while the compaction ran"
    wrong = [(name, count) for name, count in seen if count != expected[name]]
    assert wrong == []
    # A query that listed a partition just before its swap and opens a file just after
    # fails (a file-not-found, never wrong rows); run again, it reads the new file.
    assert all("No such file" in why or "not found" in why.lower() for why in vanished), \
        vanished[:3]


_KILLED = """
import sys
from tasks.lake import Lake
from tasks.lake.compact import closed_partitions, compact, sweep
import datetime as dt
lake = Lake(sys.argv[1])
with lake.lock("compact-killed"):
    for part in closed_partitions(lake, dt.date(2026, 12, 5)):
        compact(lake, part, "compact-killed", {"run_id": "compact-killed"})
"""


@pytest.mark.e2e  # a subprocess, killed
@pytest.mark.parametrize("swapped", [0, 10, 40])
def test_a_kill_at_any_point_leaves_every_partition_whole(tmp_path: Path, swapped: int) -> None:
    lake = _lake(tmp_path, runs=60, days=12, rows=2)
    before, files_before = _fingerprint(lake), _files_per_partition(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(tmp_path)],
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    staging = tmp_path / "_state" / "staging"
    while time.monotonic() < deadline and proc.poll() is None:
        staged = glob_now(staging, "*/*/*/*.parquet")
        merged = glob_now(tmp_path, "*/ingest_date=*/part-compact-killed-*.parquet")
        if (staged if swapped == 0 else len(merged) >= swapped):
            break
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Mid-way: each partition old or new, never both, every row there once.
    assert _fingerprint(lake) == before
    for partition, files in _files_per_partition(tmp_path).items():
        merged = list((tmp_path / partition).glob("part-compact-killed-*"))
        assert (files, len(merged)) in ((files_before[partition], 0), (1, 1)), partition
    # The next run or compaction sweeps what was left (the dead holder's lock is taken over).
    with lake.lock("next"):
        lake.recover()
    assert not list(staging.glob("*"))
    assert _fingerprint(lake) == before
    _compact_all(lake)
    assert _fingerprint(lake) == before and check(lake) == []
    assert set(_files_per_partition(tmp_path).values()) == {1}
