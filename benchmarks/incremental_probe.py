"""`wiredesk run` in this process, counting what it reads from the lake, stage by stage.

Usage: python incremental_probe.py OUT.json run --input ... --lake ... (the `run` command's
arguments). Runs with whatever code PYTHONPATH names, so that one harness measures two
versions. Local paths only: the probe puts a counting subclass of fsspec's local filesystem
in place of `file://` (pyarrow then reads through it, not through its own local reader: a
little slower, the same for every version measured). A read is charged to the Prefect task
that made it ("flow" outside tasks); only reads below --lake count, the run's staging not.
Writes {"read": {stage: {"files", "bytes"}}, "timed": {step: seconds}, "peak_mib", "exit"}.
"""

from __future__ import annotations

import functools
import importlib
import json
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable
from multiprocessing.sharedctypes import RawArray

import fsspec
from fsspec.implementations.local import LocalFileSystem

# Counters in shared memory: the forked extraction workers (where the alias index is read)
# add to them too. A slot per stage name; a worker's reads are charged to "extract workers".
STAGES = ["flow", "ingest", "clean", "dedup", "extract", "extract workers", "link", "cluster",
          "validate", "publish", "quarantine", "block", "other"]
LABELS = ["seen hashes", "alias loading"]
_READ = RawArray("q", 2 * len(STAGES))       # files, bytes per stage
_TIMED = RawArray("d", len(LABELS))
_LOCK = multiprocessing.Lock()
_PARENT = os.getpid()
LAKE = STAGING = "/"  # set from the run's --lake: only its reads count, not its staging
# Steps timed on their own (module, attribute, label); absent ones are skipped (versions differ).
STEPS = [("tasks.lake", "Lake.seen_hashes", "seen hashes"),
         ("tasks.extract", "lake_aliases", "alias loading"),
         ("tasks.extract.link_stage", "lake_aliases", "alias loading"),
         ("tasks.extract.aliases", "AliasIndex.load", "alias loading")]


def _slot() -> int:
    if os.getpid() != _PARENT:
        return STAGES.index("extract workers")
    from prefect.context import TaskRunContext

    ctx = TaskRunContext.get()
    name = ctx.task.name if ctx is not None else "flow"
    return STAGES.index(name if name in STAGES else "other")


class CountedFileSystem(LocalFileSystem):
    """The local filesystem, counting the files opened for reading and the bytes read."""

    def _open(self, path: str, mode: str = "rb", **kwargs: object):  # type: ignore[override]
        handle = super()._open(path, mode, **kwargs)
        path = self._strip_protocol(path)
        if "r" in mode and path.startswith(LAKE) and not path.startswith(STAGING):
            slot = 2 * _slot()
            with _LOCK:
                _READ[slot] += 1
            read = handle.read

            def counted(*args: object) -> bytes:
                data = read(*args)
                with _LOCK:
                    _READ[slot + 1] += len(data)
                return data
            handle.read = counted
        return handle


def _timed(fn: Callable, label: str) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            with _LOCK:
                _TIMED[LABELS.index(label)] += time.perf_counter() - start
    return wrapper


def _install() -> None:
    fsspec.register_implementation("file", CountedFileSystem, clobber=True)
    fsspec.register_implementation("local", CountedFileSystem, clobber=True)
    for module, attribute, label in STEPS:
        try:
            owner = importlib.import_module(module)
        except ImportError:
            continue
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is not None and hasattr(owner, name):
            setattr(owner, name, _timed(getattr(owner, name), label))


def main(out: str, args: list[str]) -> int:
    from flows.cli import app  # first: it sets Prefect's settings before Prefect loads

    global LAKE, STAGING
    LAKE = os.path.abspath(args[args.index("--lake") + 1]) + "/"
    STAGING = LAKE + "_state/staging/"
    _install()
    try:
        code = int(app(args, standalone_mode=False) or 0)  # click returns typer.Exit's code
    except SystemExit as exc:
        code = int(exc.code or 0)
    except Exception as exc:  # click's usage errors
        code = int(getattr(exc, "exit_code", 3))
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"read": {stage: {"files": _READ[2 * i], "bytes": _READ[2 * i + 1]}
                            for i, stage in enumerate(STAGES) if _READ[2 * i]},
                   "timed": dict(zip(LABELS, _TIMED, strict=True)), "peak_mib": peak,
                   "exit": code}, fh)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
