"""SIGTERM and SIGINT end a run promptly and cleanly.

For the length of a run, a handler in the main thread turns the first signal into this:
1. every write to a lake is refused from now on (`tasks.lake.gate`); a write in flight
   finishes first, and a publish's commit (journal and renames) is never cut in half;
2. `RunInterrupted` (a `SystemExit` with status 128 + signal) is raised in the main thread,
   so the run unwinds through `Lake.lock`, which lets the lock go once writes in flight
   have ended; no per-article `except Exception` guard catches it;
3. a watchdog ends the process STOP_GRACE_SECONDS later whatever it is doing: Prefect may
   still be retrying to report the crash to an ephemeral server that the same signal killed
   (it is a child in our process group). The watchdog lets go of any lock still held (when
   no write is in flight), ends this process's children (that server, extraction workers)
   and exits with 128 + signal. A second signal ends the process at once.

A publish cut short is finished by the next run (the journal), so nothing is half-published.

Under a Prefect runner (a deployment), Prefect's own SIGTERM bridge stays installed: the
runner's cancellation depends on it. Its `TerminationSignal` then unwinds the run the same
way, and `Lake.lock` lets go only when writes in flight have ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tasks.lake.gate import GATE, RunInterrupted
from tasks.lake.lock import HELD

__all__ = ["STOP_GRACE_SECONDS", "RunInterrupted", "stop_on_signals"]

STOP_GRACE_SECONDS = 5.0  # after a signal, how long the run may take to unwind by itself
_DRAIN_SECONDS = 2.0  # then how long the watchdog waits for writes in flight


class _Watchdog:
    def __init__(self) -> None:
        self.signum: int | None = None
        self._fired, self._cancelled = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._watch, name="wiredesk-stop", daemon=True)
        self._thread.start()

    def fire(self, signum: int) -> None:
        self.signum = signum
        self._fired.set()

    def disarm(self) -> None:
        if self.signum is None:  # once fired, the process ends
            self._fired.set()

    def cancel(self) -> None:
        """Keep the process alive after a signal (tests of this module)."""
        self._cancelled.set()
        self._fired.set()

    def _watch(self) -> None:
        self._fired.wait()
        if self.signum is None or self._cancelled.wait(STOP_GRACE_SECONDS):
            return
        _end(self.signum, _DRAIN_SECONDS, "did not end by itself")


_OWNER: tuple[int, _Watchdog] | None = None  # the process that installed the handler


@contextmanager
def stop_on_signals() -> Iterator[_Watchdog | None]:
    """Around a run: SIGTERM and SIGINT stop it cleanly (see the module's docstring). Does
    nothing outside the main thread, and leaves an ignored signal ignored. Gives the
    watchdog (None outside the main thread)."""
    global _OWNER
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    GATE.reset()
    names = [signal.SIGINT] + ([] if _supervised() else [signal.SIGTERM])
    watchdog, outer = _Watchdog(), _OWNER
    _OWNER = (os.getpid(), watchdog)
    previous = {s: signal.signal(s, _handler) for s in names
                if signal.getsignal(s) not in (signal.SIG_IGN, None)}
    try:
        yield watchdog
    except BaseException as exc:
        if type(exc).__name__ == "TerminationSignal" and GATE.stopped is None:
            GATE.stop(getattr(exc, "signal", signal.SIGTERM))  # Prefect's bridge: no more writes
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _OWNER = outer
        watchdog.disarm()


def _handler(signum: int, frame: object) -> None:
    owner = _OWNER
    if owner is None or owner[0] != os.getpid():  # a forked worker: die as by default
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if GATE.stopped is not None:  # asked twice: now
        _end(signum, 0, "asked again")
    owner[1].fire(signum)
    exc = GATE.stop(signum)
    _say(f"wiredesk: {signal.Signals(signum).name} received: the run stops writing "
         f"{'now' if exc else 'once the write under way has ended'} and lets the lake's lock "
         f"go; the process ends within {STOP_GRACE_SECONDS:g} s")
    if exc is not None:
        raise exc  # else the main thread is inside a write: raised when it has finished


def _end(signum: int, drain_seconds: float, why: str) -> None:
    """Let go of the locks this process holds (once no write is in flight), end its
    children, and exit with 128 + signal."""
    for held in list(HELD):
        if not held.release(drain_seconds):
            _say(f"wiredesk: writes to {held.lake.url} still in flight: its lock is left, and "
                 "taken over by the next run once this process has ended")
    _end_children()
    _say(f"wiredesk: {signal.Signals(signum).name}: run ended ({why}); a publish it had "
         "begun is finished by the next run")
    os._exit(128 + signum)


def _end_children(wait: float = 1.0) -> None:
    """SIGTERM, then SIGKILL, to this process's children (Prefect's ephemeral server,
    extraction workers); they would outlive os._exit."""
    children = _children()
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while (alive := [p for p in children if _reap(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _children() -> list[int]:
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == me:
                found.append(int(stat.parent.name))
    return found


def _reap(pid: int) -> bool:
    """Whether the child is still running (reaping it if it has ended)."""
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return False


def _supervised() -> bool:
    """Whether a Prefect runner supervises this flow run (its control channel is set up):
    then Prefect's SIGTERM handler must stay, or the runner cannot cancel gracefully."""
    try:
        from prefect._internal import control_listener
    except ImportError:
        return False
    return getattr(control_listener, "_configured_port", None) is not None


def _say(line: str) -> None:
    os.write(2, (line + "\n").encode())  # not sys.stderr: a handler may interrupt its write
