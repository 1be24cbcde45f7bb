"""One run writes a lake at a time: a lock made of numbered generations.

`_state/lock/<generation>.json` (ten digits): the highest generation is the lock, and names
its holder. To take the lake, a run reads the highest generation N; if its holder is
running, the lake is busy; if it released it, or is dead (its process on this machine has
ended, or its heartbeat stopped LOCK_STALE_SECONDS ago), the run creates N + 1 exclusively
(`O_EXCL` link on local disks, `open(path, "xb")` elsewhere: a conditional PUT with
`If-None-Match: *` on S3). Of several runs taking over the same dead lock, exactly one
creates N + 1; the others are told who won. A run then lists the generations again and
holds the lake only if its own is still the highest (a run that read N long ago and finds
N + 1 pruned creates a generation below the lock, and gives way).

The holder rewrites its generation with a heartbeat every LOCK_HEARTBEAT_SECONDS (a rewrite
of its own file can never overwrite a successor's), checks that no one has taken the lake
over meanwhile, and on release marks its generation released: nothing is deleted but old
generations, so numbers only grow. Before marking it released, it stops every write of this
process below the lake and waits for those in flight: the lock is let go only when the
process will write nothing more there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import posixpath
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from tasks.lake.errors import LakeBusy, LakeError
from tasks.lake.gate import GATE, RunInterrupted
from tasks.lake.generations import (
    LOCK_DIR,
    create_exclusive,
    generation_path,
    generations,
    read_generation,
)

if TYPE_CHECKING:
    from tasks.lake import Lake

LOCK_HEARTBEAT_SECONDS = 60  # how often a run holding the lake says it is alive
LOCK_STALE_SECONDS = 600  # a lock this long without a heartbeat was left by a dead run
LOCK_DRAIN_SECONDS = 10  # how long a release waits for writes in flight
LOCK_POLL_SECONDS = 5.0  # how often a run waiting for the lake looks again
KEEP_GENERATIONS = 20  # older generations are pruned by the next holder

log = logging.getLogger(__name__)


class LakeLock:
    """This process's hold on a lake, for one run."""

    def __init__(self, lake: Lake, run_id: str):
        self.lake, self.run_id = lake, run_id
        self.generation = 0
        self.holder = {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid(),
                       "since": _now(), "beat": _now(), "token": uuid.uuid4().hex}
        self._stop = threading.Event()
        self._beating: threading.Thread | None = None
        self._released = threading.Lock()
        self.lost: str | None = None  # why the lake is no longer ours, when it is not

    def acquire(self) -> None:
        with GATE.deferring():  # a signal waits until the lock is taken and registered
            self._acquire()

    def _acquire(self) -> None:
        lake = self.lake
        lake.fs.makedirs(lake.path(*LOCK_DIR), exist_ok=True)
        top = max(generations(lake), default=0)
        if top:
            other = read_generation(lake, top)
            if not is_free(other):
                raise busy(lake, other)
        self.generation = top + 1
        self.holder["generation"] = self.generation
        path = generation_path(lake, self.generation)
        try:
            create_exclusive(lake.fs, path, json.dumps(self.holder).encode())
        except FileExistsError:  # another run took it over first
            raise busy(lake, read_generation(lake, self.generation)) from None
        except OSError as exc:  # an object store may report a lost race as a conflict
            if read_generation(lake, self.generation).get("token") != self.holder["token"]:
                raise LakeError(f"cannot create the lock {lake.uri(*LOCK_DIR)}: {exc}") from exc
        if (highest := max(generations(lake))) != self.generation:
            # We read an old top and created a pruned generation: the lock is higher up.
            self._write({**self.holder, "released": _now(), "gave_way_to": highest})
            raise busy(lake, read_generation(lake, highest))
        GATE.open(lake.root)
        HELD.add(self)
        self._beating = threading.Thread(target=self._heartbeat, daemon=True,
                                         name=f"lake-lock-{self.run_id}")
        self._beating.start()
        self._prune()

    def release(self, drain_seconds: float | None = None) -> bool:
        """Stop this process writing below the lake, wait for writes in flight, and mark the
        generation released. Safe to call twice and from any thread. False when writes are
        still in flight after drain_seconds (default LOCK_DRAIN_SECONDS): the lock is then
        left, to be taken over when this process has ended."""
        if not self._released.acquire(blocking=False):
            return True
        with GATE.deferring():  # a signal does not cut a release in half
            return self._release(LOCK_DRAIN_SECONDS if drain_seconds is None else drain_seconds)

    def _release(self, drain_seconds: float) -> bool:
        HELD.discard(self)
        self._stop.set()
        if self._beating and self._beating is not threading.current_thread():
            self._beating.join(drain_seconds)
        GATE.close(self.lake.root, f"run {self.run_id} no longer holds the lake")
        if not GATE.drain(self.lake.root, drain_seconds):
            log.error("writes to %s still in flight after %s s: the lock is left to be taken "
                      "over when this process has ended", self.lake.url, drain_seconds)
            return False
        if self.lost:
            return True  # someone else holds it: leave their lock alone
        try:
            self._write({**self.holder, "beat": _now(), "released": _now()})
        except OSError as exc:  # e.g. a full disk: taken over once this process has ended
            log.error("could not release the lock of %s: %s", self.lake.url, exc)
            return False
        return True

    def still_held(self) -> bool:
        """Whether this generation is still the highest; if not, stop writing below the lake."""
        if self.lost is None:
            top = max(generations(self.lake), default=0)
            if top != self.generation:
                other = read_generation(self.lake, top)
                self.lost = (f"run {self.run_id} lost the lake {self.lake.url!r} to run "
                             f"{other.get('run_id')} (host {other.get('host')}, pid "
                             f"{other.get('pid')}), which took it over after no heartbeat "
                             f"for {LOCK_STALE_SECONDS // 60} minutes; this run stops writing")
                log.error(self.lost)
                GATE.close(self.lake.root, self.lost)
        return self.lost is None

    def _heartbeat(self) -> None:
        while not self._stop.wait(LOCK_HEARTBEAT_SECONDS):
            try:
                if not self.still_held():
                    return
                self.holder["beat"] = _now()
                self._write(self.holder)
            except OSError:  # a storage hiccup: the next beat tries again
                continue

    def _write(self, holder: dict) -> None:
        """Rewrite our own generation, aside and renamed (in place on an object store): a
        reader never sees half of it."""
        path = generation_path(self.lake, holder["generation"])
        if self.lake.in_place:  # one PUT: whole or not at all (no copy, no temporary)
            self.lake.fs.pipe_file(path, json.dumps(holder).encode())
            return
        tmp = posixpath.join(posixpath.dirname(path), f".{holder['generation']:010d}."
                             f"{uuid.uuid4().hex[:8]}.tmp")
        try:
            with self.lake.fs.open(tmp, "wb") as fh:
                fh.write(json.dumps(holder).encode())
            self.lake.fs.mv(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.lake.fs.rm(tmp)
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            # A full disk: rewrite it in place (a reader seeing it half-written retries).
            with self.lake.fs.open(path, "wb") as fh:
                fh.write(json.dumps(holder).encode())

    def _prune(self) -> None:
        for old in generations(self.lake):
            if old < self.generation - KEEP_GENERATIONS:
                with contextlib.suppress(FileNotFoundError):  # pruned by a run before us
                    self.lake.fs.rm(generation_path(self.lake, old))


HELD: set[LakeLock] = set()  # the locks this process holds (the signal watchdog lets go)


def is_free(holder: dict) -> bool:
    return bool(holder.get("released")) or abandoned(holder) is not None


def abandoned(holder: dict) -> str | None:
    """Why a lock was left by a run that is gone, or None if its holder may be alive: its
    process on this machine has ended, or its heartbeat stopped long ago (a run on another
    machine). An unreadable lock older than two heartbeats is left by a dead run too."""
    if holder.get("released"):
        return None
    if "unreadable" in holder:
        if holder["unreadable"] == "missing":
            return "missing"
        age = _age(holder.get("modified"))
        return (f"unreadable ({holder['unreadable']}) since {holder['modified']}"
                if age is not None and age > 2 * LOCK_HEARTBEAT_SECONDS else None)
    if holder.get("host") == socket.gethostname() and not _alive(holder.get("pid")):
        return f"its process {holder.get('pid')} on this machine has ended"
    age = _age(holder.get("beat"))
    return f"no heartbeat since {holder['beat']}" if age and age > LOCK_STALE_SECONDS else None


def take(lake: Lake, run_id: str, wait: float = 0,
         say: Callable[[str], None] | None = None) -> LakeLock:
    """Take the lake for run_id, waiting up to `wait` seconds for a run that holds it (a
    manual run meeting a scheduled one queues behind it), or raise LakeBusy. `say` is told
    whom the run waits for, when it starts waiting and when the holder changes."""
    say = say or log.warning
    deadline = time.monotonic() + wait
    waiting_for = None
    while True:
        held = LakeLock(lake, run_id)
        try:
            held.acquire()
            return held
        except LakeBusy as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                if wait > 0:
                    raise LakeBusy(f"{exc}; gave up after waiting {wait:g} s for it "
                                   "(lock_wait, --lock-wait)", exc.holder) from None
                raise
            who = (exc.holder.get("run_id"), exc.holder.get("generation"))
            if who != waiting_for:
                waiting_for = who
                say(f"waiting for the lake (at most {left:.0f} s more): {exc}")
        if GATE.stopped is not None:  # a signal while waiting: this run never started
            raise RunInterrupted(GATE.stopped)
        time.sleep(min(LOCK_POLL_SECONDS, max(left, 0.01)))


def busy(lake: Lake, holder: dict) -> LakeBusy:
    if "unreadable" in holder:
        return LakeBusy(f"lake {lake.url!r} is locked by {lake.uri(*LOCK_DIR)}/"
                        f"{holder['generation']:010d}.json, which cannot be read "
                        f"({holder['unreadable']}); it is taken over "
                        f"{2 * LOCK_HEARTBEAT_SECONDS} seconds after it was written", holder)
    return LakeBusy(
        f"lake {lake.url!r} is being written by run {holder.get('run_id')} (host "
        f"{holder.get('host')}, pid {holder.get('pid')}, since {holder.get('since')}); run "
        f"again when it has finished (a dead run's lock is taken over at once on its machine, "
        f"{LOCK_STALE_SECONDS // 60} minutes after its last heartbeat elsewhere)", holder)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _age(stamp: object) -> float | None:
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return (dt.datetime.now(dt.UTC) - when).total_seconds()


def _alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
