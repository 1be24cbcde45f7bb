"""Every write to a lake passes a gate, so that a run can stop writing at a known point.

The gate refuses to start a write once the process has been told to stop (a signal: see
`flows/stop.py`) or once the lake's lock has been let go (`close`), and counts the writes in
flight, so that the lock is released only when nothing more will be written (`drain`).

A stop raises `RunInterrupted`, a `SystemExit`: the process ends with status 128 + signal
and no `except Exception` guard (per article, per task) mistakes it for a failure of its own.

The signal handler runs in the main thread between two bytecodes of whatever it was doing.
It never takes a lock here: it sets `stopped` and, when the main thread is inside a write,
leaves the exception `pending` for the write to raise once it has finished (a publish's
renames are one write), so a signal never tears a write in half.
"""

from __future__ import annotations

import itertools
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tasks.lake.errors import LakeError


class RunInterrupted(SystemExit):
    """A signal stopped the run: the process exits with status 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum

    def __str__(self) -> str:
        return (f"interrupted by {signal.Signals(self.signum).name}: this run wrote nothing "
                "more; a publish it had begun is finished by the next run")


class LakeClosed(LakeError):
    """A write to a lake whose lock this process has let go."""


class _Gate:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._ids = itertools.count()
        self._writes: dict[int, str] = {}  # write id -> path, for writes in flight
        self._closed: dict[str, str] = {}  # roots whose lock was let go -> why
        self.stopped: int | None = None  # the signal that stopped the process
        self.pending: RunInterrupted | None = None  # for the main thread, after its write
        self.main_depth = 0  # writes the main thread is inside (touched by it alone)

    def reset(self) -> None:
        """A new run in this process (tests run several)."""
        self.stopped, self.pending = None, None

    def stop(self, signum: int) -> RunInterrupted | None:
        """Refuse every write from now on. Called by the signal handler, in the main thread:
        returns the exception to raise now, or None when the main thread is inside a write,
        which raises it when it has finished."""
        self.stopped = signum
        exc = RunInterrupted(signum)
        if self.main_depth:
            self.pending = exc
            return None
        return exc

    @contextmanager
    def deferring(self) -> Iterator[None]:
        """A section a signal must not cut (taking or letting go of a lock): in the main
        thread, a signal's exception is raised after it."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        self.main_depth += 1
        try:
            yield
        finally:
            self.main_depth -= 1
            if not self.main_depth and (pending := self.pending) is not None:
                self.pending = None
                raise pending

    @contextmanager
    def writing(self, path: str) -> Iterator[None]:
        """Around one write (or one publish's commit): refused once stopped or closed."""
        main = threading.current_thread() is threading.main_thread()
        if main:
            self.main_depth += 1  # first: from here on a signal waits for the write
        try:
            with self._lock:
                if self.stopped is not None:
                    raise RunInterrupted(self.stopped)
                if why := next((w for r, w in self._closed.items() if _below(path, r)), None):
                    raise LakeClosed(f"{path} not written: {why}")
                write = next(self._ids)
                self._writes[write] = path
        except BaseException:
            if main:
                self.main_depth -= 1
            raise
        try:
            yield
        finally:
            with self._lock:
                del self._writes[write]
                self._idle.notify_all()
            if main:
                self.main_depth -= 1
                if not self.main_depth and (pending := self.pending) is not None:
                    self.pending = None
                    raise pending

    def open(self, root: str) -> None:
        with self._lock:
            self._closed.pop(root, None)

    def close(self, root: str, why: str) -> None:
        """No more writes below root from this process (until it takes the lock again)."""
        with self._lock:
            self._closed[root] = why

    def drain(self, root: str, timeout: float) -> bool:
        """Wait until no write below root is in flight; False if some still are."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while any(_below(p, root) for p in self._writes.values()):
                left = deadline - time.monotonic()
                if left <= 0 or not self._idle.wait(left):
                    return not any(_below(p, root) for p in self._writes.values())
            return True


def _below(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


GATE = _Gate()
