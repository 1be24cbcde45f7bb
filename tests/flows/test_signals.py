"""SIGTERM and SIGINT end a run promptly and cleanly: writes stop, the lock is let go only
once nothing more is written, and the process ends with 128 + signal within seconds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from flows.stop import STOP_GRACE_SECONDS, stop_on_signals
from tasks.check import check
from tasks.lake import Lake, LakeError, RunInterrupted
from tasks.lake.gate import GATE

ROOT = Path(__file__).resolve().parents[2]
WIREDESK = Path(sys.executable).parent / "wiredesk"

pytestmark = pytest.mark.e2e


def _lock(lake: Path) -> dict | None:
    tops = sorted((lake / "_state" / "lock").glob("[0-9]*.json"))
    try:
        return json.loads(tops[-1].read_text()) if tops else None
    except ValueError:  # being written
        return None


def _env(tmp: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_HOME": str(tmp / "prefect"),
            "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


# ---- in this process: the gate ------------------------------------------------------------

def test_a_signal_inside_a_write_waits_for_it_and_then_nothing_more_is_written(
        tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    table = pa.table({"x": [1]})
    try:
        with stop_on_signals() as watchdog:
            watchdog.cancel()  # this process is pytest's: it goes on
            with pytest.raises(RunInterrupted) as stopped, GATE.writing(lake.path("a")):
                os.kill(os.getpid(), signal.SIGTERM)  # inside a write, say a publish's renames
                time.sleep(0.2)  # the handler has run: it did not cut the write
                (tmp_path / "a").write_text("whole")
            assert stopped.value.code == 128 + signal.SIGTERM
            with pytest.raises(RunInterrupted):  # and every later write is refused
                lake.write_parquet(table, lake.path("b.parquet"))
    finally:
        GATE.reset()
    assert (tmp_path / "a").read_text() == "whole" and not (tmp_path / "b.parquet").exists()


def test_letting_go_waits_for_writes_in_flight(tmp_path: Path) -> None:
    lake, events = Lake(str(tmp_path)), []

    def slow_write() -> None:
        with GATE.writing(lake.path("staging", "x.parquet")):
            time.sleep(0.5)
            events.append("write ended")

    with lake.lock("r1"):
        writer = threading.Thread(target=slow_write)
        writer.start()
        time.sleep(0.1)
    events.append(f"released={_lock(tmp_path)['released'] is not None}")
    writer.join()
    assert events == ["write ended", "released=True"]
    with pytest.raises(LakeError, match="run r1 no longer holds the lake"):  # a straggler
        lake.write_json({}, lake.path("late.json"))


WATCHED = """
import os, sys, time
sys.path.insert(0, {root!r})
import flows.stop as stop
from tasks.lake import Lake
stop.STOP_GRACE_SECONDS = 1
with stop.stop_on_signals(), Lake({lake!r}).lock("stuck"):
    print("holding", flush=True)
    while True:  # like Prefect retrying a dead server: swallows everything
        try:
            time.sleep(60)
        except BaseException:
            pass
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_watchdog_ends_a_run_that_does_not_end_by_itself(tmp_path: Path,
                                                             signum: int) -> None:
    lake = tmp_path / "lake"
    script = textwrap.dedent(WATCHED.format(root=str(ROOT), lake=str(lake)))
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    assert run.stdout.readline() == "holding\n"
    time.sleep(0.5)  # in its loop
    sent = time.monotonic()
    run.send_signal(signum)
    assert run.wait(10) == 128 + signum
    assert time.monotonic() - sent < 1 + 2 + 1  # grace, drain, margin
    assert _lock(lake)["run_id"] == "stuck" and _lock(lake)["released"]
    assert "run ended (did not end by itself)" in run.stderr.read()


# ---- a real `wiredesk run` ----------------------------------------------------------------

def _start(tmp: Path, seeds: Path, lake: Path) -> subprocess.Popen:
    drop = tmp / "drop"
    if not drop.exists():
        shutil.copytree(seeds, drop)
    return subprocess.Popen([str(WIREDESK), "run", "--input", str(drop), "--lake", str(lake),
                             "--processes", "1"], env=_env(tmp), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _in_group(pgid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if os.getpgid(int(stat.parent.name)) == pgid:
                found.append(int(stat.parent.name))
        except (ProcessLookupError, ValueError):
            continue
    return found


def _interrupt(tmp: Path, seeds: Path, lake: Path, signum: int, group: bool,
               after: float) -> tuple[int, float, str]:
    run = _start(tmp, seeds, lake)
    deadline = time.monotonic() + 240  # Prefect's ephemeral server starts first
    while not ((held := _lock(lake)) and not held.get("released")):
        assert run.poll() is None and time.monotonic() < deadline, run.stdout.read()
        time.sleep(0.1)
    time.sleep(after)  # into the run: cleaning, extracting
    sent = time.monotonic()
    (os.killpg if group else os.kill)(run.pid, signum)
    try:
        status = run.wait(30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    time.sleep(0.5)
    assert not [p for p in _in_group(run.pid) if p != run.pid]  # its server and workers too
    return status, took, run.stdout.read()


@pytest.mark.parametrize("signum,group", [(signal.SIGTERM, True), (signal.SIGINT, False)],
                         ids=["SIGTERM to the process group", "SIGINT to the process"])
def test_a_signalled_run_ends_promptly_and_the_next_run_publishes_all(
        tmp_path: Path, seeds: Path, signum: int, group: bool) -> None:
    if not WIREDESK.exists():
        pytest.skip(f"no wiredesk command beside {sys.executable}")
    lake = tmp_path / "lake"
    status, took, output = _interrupt(tmp_path, seeds, lake, signum, group, after=3)
    assert status == 128 + signum, output
    assert took < STOP_GRACE_SECONDS + 5, output
    assert f"{signal.Signals(signum).name} received" in output
    assert _lock(lake)["released"]  # let go, after its last write
    assert not list(lake.glob("*/ingest_date=*/*.parquet"))  # nothing half-published
    assert check(Lake(str(lake))) == []
    if signum == signal.SIGINT:
        return  # one following run is enough to show the lake is whole
    after = subprocess.run([str(WIREDESK), "run", "--input", str(tmp_path / "drop"), "--lake",
                            str(lake), "--processes", "1"], env=_env(tmp_path),
                           capture_output=True, text=True, timeout=600)
    assert after.returncode == 0, after.stdout + after.stderr
    articles = Lake(str(lake)).read("articles", ["article_id"])
    assert articles.num_rows == len(list(seeds.iterdir())) == 5  # what a clean run publishes
    assert check(Lake(str(lake))) == [] and not list((lake / "_state" / "staging").iterdir())
