"""Running the real command line in a session of its own, its process tree's memory sampled
from /proc until it exits; what it leaves running is ended."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpora.inputs import ROOT

SAMPLE_SECONDS = 0.5


def _proc_table() -> list[tuple[int, int, int, int]]:
    """(pid, ppid, session, rss bytes) of every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    rows = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat.rsplit(b")", 1)[1].split()  # after "pid (comm)": state ppid pgrp session
        rows.append((int(entry.name), int(rest[1]), int(rest[3]), int(rest[21]) * page))
    return rows


def tree_rss(root: int) -> tuple[int, int, int]:
    """(largest process RSS, summed RSS, process count) of `root` and its descendants (by
    parent, and by session for those orphaned by a parent that exited)."""
    rows = _proc_table()
    children = defaultdict(list)
    for pid, ppid, _, _ in rows:
        children[ppid].append(pid)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo += children.get(pid, [])
    rss = [r for pid, _, session, r in rows if pid in tree or session == root]
    return max(rss, default=0), sum(rss), len(rss)


@dataclass
class Run:
    exit: int | None  # None: killed at the time limit
    seconds: float
    peak_mib: float  # largest single process
    tree_mib: float  # whole tree, summed
    maxrss_mib: float  # wait4: the CLI and its reaped descendants, largest
    stdout: str
    stderr: str
    leftover: int = 0  # processes of the run still alive after it exited


def wiredesk_command() -> list[str]:
    script = Path(sys.executable).parent / "wiredesk"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from flows.cli import app; sys.exit(app())"]


def run_cli(args: list[str], env: dict[str, str], log_dir: Path, timeout: float) -> Run:
    """Run `wiredesk <args>` in its own session; sample its tree's memory until it exits."""
    import subprocess

    out_path, err_path = log_dir / "run.stdout", log_dir / "run.stderr"
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([*wiredesk_command(), *args], stdout=out, stderr=err, env=env,
                                start_new_session=True)
    peak = tree = 0
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        largest, total, _ = tree_rss(proc.pid)
        peak, tree = max(peak, largest), max(tree, total)
        if not killed and time.perf_counter() - start > timeout:
            os.killpg(proc.pid, signal.SIGTERM)
            killed = True
            deadline = time.perf_counter() + 20
        elif killed and time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    leftover = _stop_leftovers(proc.pid)
    mib = 2**20
    return Run(None if killed else proc.returncode, seconds,
               max(peak, usage.ru_maxrss * 1024) / mib, tree / mib, usage.ru_maxrss / 1024,
               out_path.read_text(errors="replace"), err_path.read_text(errors="replace"),
               leftover)


def _stop_leftovers(session: int) -> int:
    """Processes of the run's session still alive after it exited: counted, given 15 s, then
    ended (they are this harness's own descendants)."""
    def alive() -> list[int]:
        return [pid for pid, _, s, _ in _proc_table() if s == session and pid != os.getpid()]

    found = len(alive())
    deadline = time.perf_counter() + 15
    while alive() and time.perf_counter() < deadline:
        time.sleep(1)
    if alive():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(session, signal.SIGKILL)
    return found


def run_env(work: Path) -> dict[str, str]:
    """The environment of a run: this checkout's code first; Prefect ephemeral in a home of
    its own under `work` (unless the caller set PREFECT_HOME / PREFECT_API_URL)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("PREFECT_HOME", str(work / "prefect-home"))
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env
