from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tasks.lake as lake_module
from tasks.lake import LOCK_STALE_SECONDS, Lake, LakeBusy
from tasks.schemas import conform

LOG = [{"source_uri": "a.txt", "source_id": None, "content_sha256": "h1", "bytes": 10,
        "status": "published", "reason": None, "article_id": "0123456789abcdef"},
       {"source_uri": "b.txt", "source_id": None, "content_sha256": "h2", "bytes": 0,
        "status": "rejected", "reason": "empty", "article_id": None}]


def _publish(lake: Lake, run_id: str = "r1") -> list[str]:
    tables = {"ingest_log": conform("ingest_log", LOG, run_id=run_id)}
    state = {"minhash": pa.table({"article_id": ["0123456789abcdef"]})}
    return lake.publish(run_id, "2024-08-20", tables, state, {"run_id": run_id})


def test_publish_writes_partitions_state_and_record(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    files = _publish(lake)
    assert files == [str(tmp_path / "ingest_log/ingest_date=2024-08-20/part-r1-0000.parquet"),
                     str(tmp_path / "_state/minhash/part-r1.parquet")]
    record = json.loads((tmp_path / "_runs/r1.json").read_text())
    assert record["files"] == files
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.glob("_state/journal/*"))
    rows = duckdb.sql(f"SELECT status, ingest_date FROM read_parquet('{tmp_path}/ingest_log/**/"
                      "*.parquet', hive_partitioning = true) ORDER BY status").fetchall()
    assert [r[0] for r in rows] == ["published", "rejected"] and str(rows[0][1]) == "2024-08-20"
    assert pq.read_schema(files[0]).metadata[b"wiredesk.table"] == b"ingest_log"


def test_seen_hashes_skip_rejected(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    _publish(lake)
    assert lake.seen_hashes() == {"h1"}


def test_interrupted_publish_is_rolled_forward(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    real_mv = lake.fs.mv
    calls = []

    def dies_after_first_rename(src: str, dst: str, **kw: object) -> None:
        if "journal" not in dst and dst.endswith(".parquet"):
            calls.append(dst)
            if len(calls) == 2:
                raise OSError("power cut")
        real_mv(src, dst, **kw)

    lake.fs.mv = dies_after_first_rename
    with pytest.raises(OSError, match="power cut"):
        _publish(lake)
    lake.fs.mv = real_mv
    assert list(tmp_path.glob("_state/journal/*.json"))
    assert Lake(str(tmp_path)).recover() == ["r1"]
    assert (tmp_path / "_state/minhash/part-r1.parquet").exists()
    assert (tmp_path / "_runs/r1.json").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_temporaries_without_a_journal_are_swept(tmp_path: Path) -> None:
    stray = tmp_path / "articles" / "ingest_date=2024-08-20" / ".part-x.parquet.ab.tmp"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"half")
    staging = tmp_path / "_state" / "staging" / "crashed-run" / "records-00000.parquet"
    staging.parent.mkdir(parents=True)
    staging.write_bytes(b"left behind")
    assert Lake(str(tmp_path)).recover() == []
    assert not stray.exists() and not staging.parent.exists()
    assert Lake(str(tmp_path)).files("articles") == []


def test_object_store_urls_work(tmp_path: Path) -> None:
    lake = Lake("memory://lake-test")
    _publish(lake)
    assert lake.read("ingest_log", ["status"]).num_rows == 2
    assert lake.uri("_docs") == "memory:///lake-test/_docs"


def test_one_run_at_a_time_holds_the_lake(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    lock = tmp_path / "_state" / "lock.json"
    with lake.lock("r1"):
        assert json.loads(lock.read_text())["run_id"] == "r1"
        with pytest.raises(LakeBusy, match="being written by run r1"), lake.lock("r2"):
            pass
        assert json.loads(lock.read_text())["run_id"] == "r1"  # the loser leaves it alone
    assert not lock.exists()
    with pytest.raises(RuntimeError), lake.lock("r3"):  # a failed run lets go too
        raise RuntimeError("boom")
    assert not lock.exists()


def test_a_lock_left_by_a_dead_process_of_this_machine_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lake, lock = Lake(str(tmp_path)), tmp_path / "_state" / "lock.json"
    lock.parent.mkdir()
    lock.write_text(json.dumps({"run_id": "old", "host": socket.gethostname(), "pid": dead.pid}))
    with lake.lock("new"):
        assert json.loads(lock.read_text())["run_id"] == "new"
    far = {"run_id": "far", "host": "elsewhere", "pid": dead.pid, "beat": _ago(60)}
    lock.write_text(json.dumps(far))
    with pytest.raises(LakeBusy, match="host elsewhere"), lake.lock("new"):
        pass  # another machine's run, alive a minute ago
    lock.write_text(json.dumps(far | {"beat": _ago(LOCK_STALE_SECONDS + 60)}))
    with lake.lock("new"):  # its heartbeat stopped: that run is dead
        assert json.loads(lock.read_text())["run_id"] == "new"


def test_the_holder_renews_its_heartbeat(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lake_module, "LOCK_HEARTBEAT_SECONDS", 0.2)
    lake, lock = Lake(str(tmp_path)), tmp_path / "_state" / "lock.json"
    with lake.lock("r1"):
        first = json.loads(lock.read_text())["beat"]
        time.sleep(1.5)
        assert json.loads(lock.read_text())["beat"] > first


def _ago(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)).isoformat()


def test_the_lock_is_exclusive_on_object_stores_too() -> None:
    lake = Lake("memory://locked-lake")
    with lake.lock("r1"), pytest.raises(LakeBusy), lake.lock("r2"):
        pass
    assert not lake.fs.exists(lake.path("_state", "lock.json"))
