"""The lake and its lock on a real S3 server (SeaweedFS on loopback, `s3_env`)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
import s3fs

import tasks.lake.generations as lock_files
import tasks.lake.lock as lock_module
from tasks.lake import Lake, LakeBusy
from tasks.schemas import conform

pytestmark = pytest.mark.server


def test_a_second_conditional_put_is_refused(s3_bucket: str) -> None:
    """What the lock relies on: PutObject with If-None-Match: * fails on an existing key."""
    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    key = f"{s3_bucket}/lock/0000000001.json"
    fs.pipe_file(key, b"first", mode="create")
    with pytest.raises(OSError) as refused:
        fs.pipe_file(key, b"second", mode="create")
    assert lock_files.precondition_failed(refused.value)
    assert fs.cat_file(key) == b"first"
    with pytest.raises(FileExistsError):  # as the lock creates its generations
        lock_files.create_exclusive(fs, key, b"third")
    assert fs.cat_file(key) == b"first"


def test_one_run_holds_the_lake_and_the_next_takes_it_once_released(s3_bucket: str) -> None:
    lake, other = Lake(f"s3://{s3_bucket}/lake"), Lake(f"s3://{s3_bucket}/lake")
    with lake.lock("r1"):
        with pytest.raises(LakeBusy, match="being written by run r1"):
            other.lock("r2").__enter__()
        holder = lock_files.current(other)
        assert holder["run_id"] == "r1" and not holder.get("released")
    with other.lock("r2"):  # the release is seen at once: no listing cached
        assert lock_files.current(lake)["run_id"] == "r2"
    assert lock_files.generations(lake) == [1, 2]


def test_of_runs_taking_a_dead_lock_at_once_exactly_one_wins(s3_bucket: str) -> None:
    lake = Lake(f"s3://{s3_bucket}/lake")
    dead = {"run_id": "r0", "host": "elsewhere", "pid": 1, "since": "2020-01-01T00:00:00+00:00",
            "beat": "2020-01-01T00:00:00+00:00", "token": "t", "generation": 1}
    lake.fs.pipe_file(lock_files.generation_path(lake, 1), json.dumps(dead).encode())
    held, refused = [], []
    for k in range(4):  # each reads generation 1 as free, then creates generation 2
        taker = lock_module.LakeLock(Lake(f"s3://{s3_bucket}/lake"), f"r{k + 1}")
        taker.generation = 1
        try:
            taker.holder["generation"] = 2
            lock_files.create_exclusive(taker.lake.fs, lock_files.generation_path(lake, 2),
                                          json.dumps(taker.holder).encode())
            held.append(taker.run_id)
        except FileExistsError:
            refused.append(taker.run_id)
    assert held == ["r1"] and refused == ["r2", "r3", "r4"]
    assert lock_files.current(lake)["run_id"] == "r1"


def test_publish_and_read_back(s3_bucket: str) -> None:
    lake = Lake(f"s3://{s3_bucket}/lake")
    log = [{"source_uri": "a.txt", "source_id": None, "content_sha256": "h1", "bytes": 10,
            "status": "published", "reason": None, "article_id": "0123456789abcdef"}]
    with lake.lock("r1"):
        files = lake.publish("r1", "2024-08-20", {"ingest_log": conform("ingest_log", log,
                                                                        run_id="r1")},
                             {"minhash": pa.table({"article_id": ["0123456789abcdef"]})},
                             {"run_id": "r1"})
    assert files == [f"s3://{s3_bucket}/lake/ingest_log/ingest_date=2024-08-20/part-r1-0000.parquet",
                     f"s3://{s3_bucket}/lake/_state/minhash/part-r1.parquet"]
    assert lake.read("ingest_log", ["content_sha256"]).column(0).to_pylist() == ["h1"]
    assert json.loads(lake.fs.cat_file(lake.path("_runs", "r1.json")))["files"] == files
    assert not lake.fs.glob(lake.path("**/.*.tmp")) and not lake.fs.glob(
        lake.path("_state/journal/*"))


def test_a_publish_cut_after_its_journal_is_finished_and_one_cut_before_is_swept(
        s3_bucket: str) -> None:
    lake = Lake(f"s3://{s3_bucket}/lake")
    assert lake.in_place
    log = conform("ingest_log", [{"source_uri": "a.txt", "source_id": None,
                                  "content_sha256": "h1", "bytes": 10, "status": "published",
                                  "reason": None, "article_id": "0123456789abcdef"}],
                  run_id="r1")
    part = lake.path("ingest_log", "ingest_date=2024-08-20", "part-r1-0000.parquet")
    state = lake.path("_state", "minhash", "part-r1.parquet")
    with lake.lock("r0"):
        renames = lake._write_aside([(part, log), (state, pa.table({"article_id": ["a"]}))])
        # r1 died after its journal and its first rename (a copy, then the delete)
        lake.fs.copy(*renames[0])
        lake.fs.rm(renames[0][0])
        lake.fs.pipe_file(lake.path("_state", "journal", "r1.json"), json.dumps(
            {"run_id": "r1", "renames": renames, "record": {"run_id": "r1"}}).encode())
        # r2 died while writing its temporaries, before its journal
        [[cut, _]] = lake._write_aside([(part.replace("r1", "r2"), log)])
        assert lake.recover() == ["r1"]
    assert lake.files("ingest_log") == [part] and lake.fs.exists(state)
    assert json.loads(lake.fs.cat_file(lake.path("_runs", "r1.json"))) == {"run_id": "r1"}
    assert not lake.fs.exists(cut) and not lake._glob("**/.*.tmp")
    assert lake.read("ingest_log", ["content_sha256"]).column(0).to_pylist() == ["h1"]
