"""Worker processes for extraction, built so that no single article can take a run down.

- Each chunk of articles runs in a forked worker process: the workers inherit the loaded
  model, and a crash (segfault, out of memory, a kill) ends a worker, not the run.
- A time limit per article is enforced inside the worker with SIGALRM (a worker runs its
  work in its main thread, where signals are delivered): the article fails, the chunk goes
  on.
- A worker that dies, or hangs past the limit in code that never returns to Python, loses
  no batch: the chunks it had not returned are run again one article at a time, each in a
  worker of its own, so only the culprit fails.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

GRACE_SECONDS = 30  # beyond its time limit, how long a silent worker is given before a kill


class ArticleTimeout(BaseException):
    """An article ran past its time limit. A BaseException, so that no `except Exception`
    in the code it interrupts can swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ArticleTimeout in this thread after `seconds` (no limit: None, or not the main
    thread, where signals cannot be delivered)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ArticleTimeout(f"timeout after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


Work = Callable[[list[Any]], Any]


def run_chunks(work: Work, chunks: Sequence[list[Any]], processes: int,
               initializer: Callable[..., None], initargs: tuple,
               seconds: Callable[[list[Any]], float],
               lost: Callable[[Any, str], Any]) -> list[Any]:
    """`work(chunk)` for every chunk, in forked workers: the results, in chunk order.

    `seconds(chunk)` is the time a chunk may take (`work` enforces its items' limits itself;
    this is the hard stop for a worker that stops answering). A chunk whose worker died or
    hung is run again item by item, giving one result per item (`work([item])`) in its
    place; an item that kills or hangs a worker of its own gives `lost(item, why)`."""
    results: list[list[Any]] = [[] for _ in chunks]
    unfinished = _pooled(work, chunks, processes, initializer, initargs, seconds, results)
    for i in unfinished:
        results[i] = [_alone(work, item, initializer, initargs, seconds, lost)
                      for item in chunks[i]]
    return [result for part in results for result in part]


def _pooled(work: Work, chunks: Sequence[list[Any]], processes: int,
            initializer: Callable[..., None], initargs: tuple,
            seconds: Callable[[list[Any]], float], results: list[list[Any]]) -> list[int]:
    """Run the chunks in one pool; returns the indices of chunks that did not come back."""
    if not chunks:
        return []
    pool = _pool(min(processes, len(chunks)), initializer, initargs)
    pending: dict[Future, int] = {pool.submit(work, chunk): i for i, chunk in enumerate(chunks)}
    # No chunk coming back for this long means a worker is stuck beyond its own alarms.
    stall = max(seconds(chunk) for chunk in chunks) + GRACE_SECONDS
    failed: list[int] = []
    try:
        while pending:
            done, _ = wait(pending, timeout=stall, return_when=FIRST_COMPLETED)
            if not done:
                break  # stuck: kill the workers below, re-run what is left item by item
            for future in done:
                i = pending.pop(future)
                try:
                    results[i] = [future.result()]
                except BrokenProcessPool:
                    return sorted([*failed, i, *pending.values()])
                except Exception:  # e.g. a result that would not pickle: item by item
                    failed.append(i)
    finally:
        _kill(pool)
    return sorted([*failed, *pending.values()])


def _alone(work: Work, item: Any, initializer: Callable[..., None], initargs: tuple,
           seconds: Callable[[list[Any]], float], lost: Callable[[Any, str], Any]) -> Any:
    pool = _pool(1, initializer, initargs)
    try:
        return pool.submit(work, [item]).result(timeout=seconds([item]) + GRACE_SECONDS)
    except BrokenProcessPool:
        return lost(item, "worker process died (crashed, killed or out of memory)")
    except TimeoutError:
        return lost(item, f"timeout: the worker stopped answering after "
                          f"{seconds([item]) + GRACE_SECONDS:g} s")
    except Exception as exc:
        return lost(item, f"{type(exc).__name__}: {exc}")
    finally:
        _kill(pool)


def cores() -> int:
    """Cores a batch may use: the machine's, shared among the tasks that a Dask worker runs
    at once (its threads) when the batch runs on one."""
    threads = 1
    if "distributed" in sys.modules:  # imported by Dask workers (and a flow that uses them)
        from distributed import get_worker

        with contextlib.suppress(ValueError):  # not in a worker
            threads = get_worker().state.nthreads
    return max(1, (os.cpu_count() or 1) // threads)


class DaemonWorker(RuntimeError):
    """Extraction met a process that may not fork: a Dask worker under a nanny by default."""


def _pool(processes: int, initializer: Callable[..., None], initargs: tuple
          ) -> ProcessPoolExecutor:
    if multiprocessing.current_process().daemon:
        raise DaemonWorker(
            "extraction forks a process per chunk of articles (so one article cannot take "
            "the batch down), which a daemonic process may not: start the Dask workers with "
            "DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment (or --no-nanny)")
    # fork: the workers inherit the loaded model and the lake's aliases; nothing is sent.
    return ProcessPoolExecutor(processes, get_context("fork"), initializer=initializer,
                               initargs=initargs)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, running work included (Python 3.11 has no public way to end a
    running worker: `_processes` is the pool's own table of them)."""
    for process in list((pool._processes or {}).values()):
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)
