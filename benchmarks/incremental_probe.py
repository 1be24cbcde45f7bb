"""`wiredesk run` in this process, counting what it reads from the lake, stage by stage.

Usage: python incremental_probe.py OUT.json run --input ... --lake ... (the `run` command's
arguments). Runs with whatever code PYTHONPATH names, so that one harness measures two
versions. Local paths only: the probe puts a counting subclass of fsspec's local filesystem
in place of `file://` (pyarrow then reads through it, not through its own local reader: a
little slower, the same for every version measured). A read is charged to the Prefect task
that made it ("flow" outside tasks); only reads below --lake count, the run's staging not.
Writes {"read": {stage: {"files", "bytes"}}, "where": {stage: {folder: [files, bytes]}},
"timed": {step: seconds}, "peak_mib", "exit"}; a folder is a path below the lake with its
partitions and buckets (`ingest_date=...`, `week=...`, `b=...`) as `*`, to tell which reads grow.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.sharedctypes import RawArray

import fsspec
from fsspec.implementations.local import LocalFileSystem

# Counters in shared memory: the forked extraction workers (where the alias index is read)
# add to them too. A slot per stage name; a worker's reads are charged to "extract workers".
STAGES = ["flow", "ingest", "clean", "dedup", "extract", "extract workers", "link", "cluster",
          "story-desk", "validate", "publish", "quarantine", "block", "other"]
LABELS = ["seen hashes", "alias loading"]
_READ = RawArray("q", 2 * len(STAGES))       # files, bytes per stage
_TIMED = RawArray("d", len(LABELS))
_LOCK = multiprocessing.Lock()
_PARENT = os.getpid()
LAKE = STAGING = "/"  # set from the run's --lake: only its reads count, not its staging
# Each read as a line "stage<TAB>folder<TAB>bytes", appended by whichever process made it
# (one short write with O_APPEND: lines of several processes never interleave).
_FD, WHERE = tempfile.mkstemp(prefix="wiredesk-probe-", suffix=".tsv")
os.close(_FD)
_PARTITION = re.compile(r"/[^/=]+=[^/]*")
# Steps timed on their own (module, attribute, label); absent ones are skipped (versions differ).
# "seen hashes" is ingest's look-ups in its state: the seen content hashes and the file log.
STEPS = [("tasks.lake", "Lake.seen_hashes", "seen hashes"),
         ("tasks.ingest", "seen_among", "seen hashes"),
         ("tasks.ingest", "unchanged", "seen hashes"),
         ("tasks.extract", "lake_aliases", "alias loading"),
         ("tasks.extract.link_stage", "lake_aliases", "alias loading"),
         ("tasks.extract.aliases", "AliasIndex.load", "alias loading"),
         ("tasks.extract.aliases", "AliasIndex.read_groups", "alias loading")]


_RUNNING: list[str] = []  # the tasks running now, latest last (see _follow_tasks)
_INSIDE: list[str] = []  # the timed step running in this thread, if any


def _slot() -> int:
    if os.getpid() != _PARENT:
        return STAGES.index("extract workers")
    from prefect.context import TaskRunContext

    ctx = TaskRunContext.get()
    # pyarrow opens a dataset's files in threads of its own, outside the task's context:
    # such a read is the running task's (the flow runs one at a time), else the flow's.
    name = ctx.task.name if ctx is not None else _RUNNING[-1] if _RUNNING else "flow"
    return STAGES.index(name if name in STAGES else "other")


def _follow_tasks() -> None:
    """Keep _RUNNING: the name of each task run while its context is entered."""
    from prefect.context import TaskRunContext

    enter, leave = TaskRunContext.__enter__, TaskRunContext.__exit__

    def entered(self: TaskRunContext) -> TaskRunContext:
        _RUNNING.append(self.task.name)
        return enter(self)

    def left(self: TaskRunContext, *exc: object) -> None:
        with contextlib.suppress(ValueError):
            _RUNNING.remove(self.task.name)
        return leave(self, *exc)
    TaskRunContext.__enter__, TaskRunContext.__exit__ = entered, left


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
            where = f"{STAGES[slot // 2]}\t{_folder(path)}\t"
            _note(where + "open")

            def counted(*args: object) -> bytes:
                data = read(*args)
                with _LOCK:
                    _READ[slot + 1] += len(data)
                _note(where + str(len(data)))
                return data
            handle.read = counted
        return handle


def _folder(path: str) -> str:
    """The file's folder below the lake, its partitions and buckets as `*`."""
    folder = os.path.dirname(path[len(LAKE):])
    return _PARTITION.sub("/*", "/" + folder).lstrip("/") or "."


def _note(line: str) -> None:
    fd = os.open(WHERE, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _where() -> dict[str, dict[str, list[int]]]:
    """{stage: {folder: [files, bytes]}} from the notes."""
    out: dict[str, dict[str, list[int]]] = {}
    with open(WHERE, encoding="utf-8") as fh:
        for line in fh:
            stage, folder, size = line.rstrip("\n").split("\t")
            files_bytes = out.setdefault(stage, {}).setdefault(folder, [0, 0])
            if size == "open":
                files_bytes[0] += 1
            else:
                files_bytes[1] += int(size)
    os.unlink(WHERE)
    return out


def _timed(fn: Callable, label: str) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        if _INSIDE:  # a timed step calling another (AliasIndex.load its read_groups)
            return fn(*args, **kwargs)
        start = time.perf_counter()
        _INSIDE.append(label)
        try:
            return fn(*args, **kwargs)
        finally:
            _INSIDE.pop()
            with _LOCK:
                _TIMED[LABELS.index(label)] += time.perf_counter() - start
    return wrapper


def _install() -> None:
    _follow_tasks()
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
                   "where": _where(),
                   "timed": dict(zip(LABELS, _TIMED, strict=True)), "peak_mib": peak,
                   "exit": code}, fh)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
