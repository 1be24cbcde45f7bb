from __future__ import annotations

import datetime as dt
import itertools
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tasks.lake.lock as lock_module
from tasks.lake import LOCK_STALE_SECONDS, Lake, LakeBusy, LakeCorrupt, LakeError
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


def test_missing_snapshots_only_count_when_the_lake_has_articles(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    assert lake.missing_snapshots() == []  # an empty lake lacks nothing
    part = tmp_path / "articles" / "ingest_date=2024-08-20" / "part-r1-0000.parquet"
    part.parent.mkdir(parents=True)
    pq.write_table(pa.table({"article_id": ["a"]}), part)
    assert lake.missing_snapshots() == ["stories", "story_members", "story_facts",
                                        "story_quotes"]
    (tmp_path / "stories").mkdir()
    pq.write_table(pa.table({"story_id": ["s"]}), tmp_path / "stories" / "stories.parquet")
    assert lake.missing_snapshots() == ["story_members", "story_facts", "story_quotes"]


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


def _lock(root: Path) -> dict:
    """The lake's lock: its highest generation."""
    return json.loads(max((root / "_state" / "lock").glob("[0-9]*.json")).read_text())


def _plant(root: Path, holder: dict, generation: int = 1) -> Path:
    path = root / "_state" / "lock" / f"{generation:010d}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(holder))
    return path


def test_one_run_at_a_time_holds_the_lake(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    with lake.lock("r1"):
        assert _lock(tmp_path)["run_id"] == "r1" and "released" not in _lock(tmp_path)
        with pytest.raises(LakeBusy, match="being written by run r1"), lake.lock("r2"):
            pass
        assert _lock(tmp_path)["run_id"] == "r1"  # the loser leaves it alone
    assert _lock(tmp_path)["released"]
    with pytest.raises(RuntimeError), lake.lock("r3"):  # a failed run lets go too
        raise RuntimeError("boom")
    assert _lock(tmp_path)["run_id"] == "r3" and _lock(tmp_path)["released"]
    names = sorted(p.name for p in (tmp_path / "_state" / "lock").iterdir())
    assert names == ["0000000001.json", "0000000002.json"]  # numbers only grow


def test_a_lock_left_by_a_dead_process_of_this_machine_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lake = Lake(str(tmp_path))
    _plant(tmp_path, {"run_id": "old", "host": socket.gethostname(), "pid": dead.pid})
    with lake.lock("new"):
        assert _lock(tmp_path)["run_id"] == "new"
    far = {"run_id": "far", "host": "elsewhere", "pid": dead.pid, "beat": _ago(60)}
    _plant(tmp_path, far, 3)
    with pytest.raises(LakeBusy, match="host elsewhere"), lake.lock("new"):
        pass  # another machine's run, alive a minute ago
    _plant(tmp_path, far | {"beat": _ago(LOCK_STALE_SECONDS + 60)}, 3)
    with lake.lock("new"):  # its heartbeat stopped: that run is dead
        assert _lock(tmp_path)["run_id"] == "new" and _lock(tmp_path)["generation"] == 4


def test_an_unreadable_lock_is_busy_until_two_heartbeats_old(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    garbage = _plant(tmp_path, {})
    garbage.write_bytes(b"\x00half a lo")
    with pytest.raises(LakeBusy, match="0000000001.json, which cannot be read"), \
            lake.lock("r1"):
        pass
    old = time.time() - 2 * lock_module.LOCK_HEARTBEAT_SECONDS - 5
    os.utime(garbage, (old, old))
    with lake.lock("r1"):
        assert _lock(tmp_path)["generation"] == 2


def test_the_holder_renews_its_heartbeat(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_module, "LOCK_HEARTBEAT_SECONDS", 0.2)
    lake = Lake(str(tmp_path))
    with lake.lock("r1"):
        first = _lock(tmp_path)["beat"]
        time.sleep(1.5)
        assert _lock(tmp_path)["beat"] > first


def test_a_run_that_lost_the_lake_writes_nothing_more(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A run paused past LOCK_STALE_SECONDS (a suspended laptop) is taken over; when it wakes
    # up, its heartbeat sees a higher generation and its writes are refused.
    monkeypatch.setattr(lock_module, "LOCK_HEARTBEAT_SECONDS", 0.2)
    lake = Lake(str(tmp_path))
    with lake.lock("sleeper"):
        _plant(tmp_path, {"run_id": "successor", "host": "elsewhere", "pid": 1,
                          "beat": _ago(0)}, 2)
        time.sleep(1)
        with pytest.raises(LakeError, match="lost the lake .* to run successor"):
            _publish(lake)
    assert _lock(tmp_path)["run_id"] == "successor" and "released" not in _lock(tmp_path)
    assert not list(tmp_path.glob("ingest_log/**/*.parquet"))


def test_a_publish_checks_the_lock_is_still_its_own(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    with lake.lock("sleeper"):
        _plant(tmp_path, {"run_id": "successor", "host": "elsewhere", "pid": 1,
                          "beat": _ago(0)}, 2)
        with pytest.raises(LakeBusy, match="lost the lake"):
            _publish(lake)  # before the heartbeat noticed: the commit looks first
    assert not list(tmp_path.glob("ingest_log/**/*.parquet"))
    assert not list(tmp_path.glob("_state/journal/*"))


def _ago(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)).isoformat()


def test_the_lock_is_exclusive_on_object_stores_too() -> None:
    lake = Lake("memory://locked-lake")
    with lake.lock("r1"), pytest.raises(LakeBusy), lake.lock("r2"):
        pass
    top = lake.path("_state", "lock", "0000000001.json")
    assert json.loads(lake.fs.cat(top))["released"]
    lake.fs.pipe(top, json.dumps({"run_id": "far", "host": "elsewhere", "pid": 1,
                                  "beat": _ago(LOCK_STALE_SECONDS + 1)}).encode())
    with lake.lock("r3"):
        assert json.loads(lake.fs.cat(lake.path("_state", "lock", "0000000002.json"))
                          )["run_id"] == "r3"


# ---- several processes taking over one dead lock at once --------------------------------

RACERS, ROUNDS, HOLD = 8, 50, 0.02


def _racer(root: str, start: object, out: str) -> None:
    lake = Lake(root)
    for name in ("open", "rm", "ls", "exists", "mv"):  # the latency of an object store
        setattr(lake.fs, name, _slowly(getattr(lake.fs, name)))
    for round_ in range(ROUNDS):
        start.wait()  # all at once, on the dead lock the test has just left
        try:
            with lake.lock(f"round{round_}-{os.getpid()}"):
                began = time.monotonic()
                time.sleep(HOLD)
                ended = time.monotonic()
            line = f"{round_} {began} {ended}"
        except LakeBusy:
            line = f"{round_} busy"
        except Exception as exc:  # anything else is a bug of the lock
            line = f"{round_} error {exc!r}"
        with open(out, "a") as fh:  # one short append: atomic
            fh.write(line + "\n")
        start.wait()  # the round is over


def _slowly(call: object) -> object:
    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(random.uniform(0, 0.005))
        return call(*args, **kwargs)
    return slow


def _die_holding(root: str) -> None:
    holding = Lake(root).lock("dead")
    holding.__enter__()
    os._exit(0)  # killed holding the lake: no release (and no garbage collection of it)


def test_racing_take_overs_of_a_dead_lock_never_make_two_holders(tmp_path: Path) -> None:
    fork = multiprocessing.get_context("fork")
    root, out = str(tmp_path / "lake"), tmp_path / "holders.txt"
    start = fork.Barrier(RACERS + 1)
    racers = [fork.Process(target=_racer, args=(root, start, str(out))) for _ in range(RACERS)]
    for racer in racers:
        racer.start()
    try:
        for _ in range(ROUNDS):
            dead = fork.Process(target=_die_holding, args=(root,))
            dead.start()
            dead.join()  # reaped: its pid is gone
            start.wait(timeout=60)
            start.wait(timeout=60)
    finally:
        for racer in racers:
            racer.join(timeout=60)
    lines = [line.split(maxsplit=2) for line in out.read_text().splitlines()]
    assert len(lines) == RACERS * ROUNDS
    assert not [line for line in lines if line[1] == "error"]
    spans = sorted((float(b), float(e[0]), r) for r, b, *e in lines if b != "busy")
    assert {r for _, _, r in spans} == {str(r) for r in range(ROUNDS)}  # each dead lock taken
    overlaps = [(a, b) for a, b in itertools.pairwise(spans) if b[0] < a[1]]
    assert not overlaps, f"{len(overlaps)} times two processes held the lake at once"


# ---- a damaged lake is named, never a parser's traceback --------------------------------

def test_an_unreadable_file_is_lake_corrupt_naming_it_and_the_repair(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    _publish(lake)
    part = next(tmp_path.glob("ingest_log/*/*.parquet"))
    part.write_bytes(part.read_bytes()[:-100])  # a copy cut short
    with pytest.raises(LakeCorrupt) as cut:
        lake.read("ingest_log", ["content_sha256", "status"])
    message = str(cut.value)
    assert message.startswith(f"{part} cannot be read as Parquet (no Parquet footer")
    assert f"run `wiredesk check --repair --lake {tmp_path}` to move it aside" in message
    assert "\n" not in message
    part.unlink()
    (part.parent / "junk.parquet").write_text("not a table")
    with pytest.raises(LakeCorrupt, match="junk.parquet cannot be read as Parquet"):
        lake.read("ingest_log")


def test_a_garbage_journal_is_lake_corrupt_naming_it(tmp_path: Path) -> None:
    journal = tmp_path / "_state" / "journal" / "r9.json"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b"\x00\x17 garbage")
    with pytest.raises(LakeCorrupt, match=rf"^{journal} is not a readable publish journal "
                                          r"\(.*\); run `wiredesk check --repair"):
        Lake(str(tmp_path)).recover()
    journal.write_text('{"run_id": "r9"}')  # JSON, but not a journal
    with pytest.raises(LakeCorrupt, match="not a publish journal"):
        Lake(str(tmp_path)).recover()


def test_put_file_copies_a_local_file_in_whole(tmp_path: Path) -> None:
    local = tmp_path / "index.html"
    local.write_text("<html>docs</html>")
    lake = Lake(str(tmp_path / "lake"))
    lake.put_file(str(local), lake.path("_docs", "index.html"))
    assert (tmp_path / "lake" / "_docs" / "index.html").read_text() == "<html>docs</html>"
    assert not list((tmp_path / "lake").rglob("*.tmp"))


_HOLD = """
import sys, time
from tasks.lake import Lake
with Lake(sys.argv[1]).lock(sys.argv[2]):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""
_WAIT = """
import sys, time
from tasks.lake import Lake, LakeBusy
start = time.monotonic()
try:
    with Lake(sys.argv[1]).lock(sys.argv[2], wait=float(sys.argv[3]), say=print):
        print(f"took it after {time.monotonic() - start:.1f} s", flush=True)
except LakeBusy as exc:
    print(f"busy: {exc}", flush=True)
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    root = Path(__file__).resolve().parents[3]
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=root, text=True,
                            env={**os.environ, "PYTHONPATH": str(root)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.parametrize("wait", [60, 2])
def test_a_run_waits_for_the_run_holding_the_lake_up_to_its_lock_wait(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait: float) -> None:
    # Two real processes: the holder keeps the lake for ~6 s; a waiter allowed 60 s queues
    # behind it, saying whom it waits for; one allowed 2 s gives up with LakeBusy.
    holder = _python(_HOLD, str(tmp_path), "scheduled-run", "6")
    try:
        assert holder.stdout.readline().strip() == "held"
        waiter = _python(_WAIT, str(tmp_path), "manual-run", str(wait))
        out, _ = waiter.communicate(timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert out.startswith("waiting for the lake (at most ")
    assert "being written by run scheduled-run" in out.splitlines()[0]
    if wait == 60:
        assert "took it after" in out and _lock(tmp_path)["run_id"] == "manual-run"
        assert _lock(tmp_path)["generation"] == 2
    else:
        assert "busy: " in out and "gave up after waiting 2 s for it" in out
        assert _lock(tmp_path)["run_id"] == "scheduled-run"


def test_lock_wait_zero_fails_at_once(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    with lake.lock("holder"):
        start = time.monotonic()
        with pytest.raises(LakeBusy, match="being written by run holder") as caught, \
                lake.lock("other", wait=0):
            pass
        assert time.monotonic() - start < 1 and "gave up" not in str(caught.value)
