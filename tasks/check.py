"""Is a lake whole? `wiredesk check` lists what is wrong with it, and `--repair` mends it.

What is checked:
- every published Parquet file (each table's partitions and snapshots, `_state/`'s own
  tables) can be read and has its table's declared schema: the footer by default, every row
  group with `deep` (a footer is the file's last bytes, so a cut file always shows there;
  damaged pages inside a file only a deep check finds);
- the story snapshots are there when articles are;
- every publish journal and run record (`_runs/*.json`) parses;
- no publish was left half done, and no lock was left by a dead run.

Each problem names the path, what is wrong and what repairs it. `repair` takes the lake's
lock, moves corrupt files aside under `_quarantine/_corrupt/<time>/<their path>` (nothing
is deleted), with a `moved.json` saying why, finishes interrupted publishes, sweeps what
dead runs left, and lets a dead run's lock go. A missing snapshot is redrawn by the next
run that publishes.

`assert_healthy` is the part a run calls before it works: every journal, and the footers of
the files written since the last healthy check (by modification time, from one listing of
the lake; `_state/checked.json` marks the check). A file's footer is its last bytes, so a
file cut or replaced after the check has a newer time and is read; what it no longer reads
is the footers of untouched old files (damage that keeps a file's time, like bit rot
inside it, is for `wiredesk check`; a run reading such a file stops with LakeCorrupt).
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.lake import Lake, LakeCorrupt, published_parquet, unreadable
from tasks.lake.errors import repair_hint
from tasks.lake.generations import current
from tasks.lake.lock import abandoned
from tasks.schemas import ADDED_COLUMNS, TABLES

# What moving a file aside costs, by the folder it was in (the repair says it).
_LOSS = {"ingest_log": "its records are read again by the next run",
         "_state": "the next run rebuilds that state from the published tables",
         "articles": "its articles leave the table; ingest_log still lists them"}
_READERS = 16  # footers read at once (an object store answers each in tens of ms)
CHECKED = "_state/checked.json"  # written by a healthy assert_healthy: older files were read
# Files this much older than the mark are read again too: a storage's times may be coarse.
SLACK_SECONDS = 5.0


@dataclass(frozen=True)
class Problem:
    path: str  # as the user writes it (with the lake's protocol)
    problem: str
    repair: str
    action: str = "none"  # what repair does: move | finish | release | none
    relative: str = ""  # the path below the lake

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}; {self.repair}"


def _problem(lake: Lake, path: str, problem: str, repair: str, action: str = "none"
             ) -> Problem:
    relative = posixpath.relpath(path, lake.root)
    return Problem(lake.uri(relative), problem, repair, action, relative)


def check(lake: Lake, deep: bool = False) -> list[Problem]:
    """Every problem of the lake, files first. Nothing is changed."""
    holder = current(lake)
    writing = bool(holder and not holder.get("released") and not abandoned(holder))
    problems = parquet_problems(lake, deep) + snapshot_problems(lake)
    problems += journal_problems(lake, writing) + record_problems(lake)
    if holder and not holder.get("released") and (why := abandoned(holder)):
        problems.append(_problem(lake, holder["path"], f"lock left by run "
                                 f"{holder.get('run_id')}, which is gone ({why})",
                                 "the next run takes it over; --repair lets it go", "release"))
    return problems


def assert_healthy(lake: Lake) -> None:
    """Raise LakeCorrupt (one line: path, problem, repair) unless every journal parses and
    every Parquet file written since the last healthy check reads with its declared schema
    (footers only). Call it holding the lock, before a run works on the lake."""
    since = _checked_at(lake)
    problems = parquet_problems(lake, since=since) + journal_problems(lake, writing=True)
    if problems:
        first = problems[0]
        more = (f" ({len(problems) - 1} more: `wiredesk check --lake {lake.url}` lists them)"
                if len(problems) > 1 else "")
        raise LakeCorrupt(f"{first.path} {first.problem}; {repair_hint(lake.url)}{more}")
    if lake.fs.exists(lake.root):
        lake.write_json({"checked_at": dt.datetime.now(dt.UTC).isoformat()},
                        lake.path(CHECKED))


def _checked_at(lake: Lake) -> float | None:
    """The time of the last healthy check, on the storage's own clock (the mark's mtime)."""
    try:
        return _mtime(lake.fs.info(lake.path(CHECKED)))
    except FileNotFoundError:
        return None


def _mtime(info: dict) -> float | None:
    when = info.get("mtime", info.get("LastModified", info.get("last_modified")))
    if isinstance(when, dt.datetime):
        return when.timestamp()
    return float(when) if when is not None else None


def repair(lake: Lake, deep: bool = False) -> list[str]:
    """Mend the lake, holding its lock (LakeBusy if a run is writing it). Returns what was
    done, one line each."""
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
    done: list[str] = []
    if (holder := current(lake)) and not holder.get("released") and (why := abandoned(holder)):
        done.append(f"let go the lock left by run {holder.get('run_id')} ({why})")
    with lake.lock(f"check-repair-{stamp}"):  # takes over a dead run's lock
        aside = lake.path("_quarantine", "_corrupt", stamp)
        moved = []
        for problem in check(lake, deep):
            if problem.action != "move":
                continue
            target = posixpath.join(aside, problem.relative)
            lake.fs.makedirs(posixpath.dirname(target), exist_ok=True)
            lake.fs.mv(lake.path(problem.relative), target)
            moved.append({"path": problem.relative, "problem": problem.problem})
            _forget_state(lake, problem.relative)
            done.append(f"moved {problem.path} aside to "
                        f"{lake.uri(posixpath.relpath(target, lake.root))}: {problem.problem}")
        if moved:
            lake.write_json({"moved_at": stamp, "files": moved},
                            posixpath.join(aside, "moved.json"))
        done += [f"finished the interrupted publish of run {run_id}" for run_id in lake.recover()]
    return done


def _forget_state(lake: Lake, relative: str) -> None:
    """A state missing a file is stale: its version mark goes, so the next run rebuilds it."""
    from tasks.state.registry import STATES

    for state in STATES:
        marker = state.marker(lake)
        if relative.startswith(f"_state/{state.name}/") and lake.fs.exists(marker):
            lake.fs.rm(marker)


def parquet_problems(lake: Lake, deep: bool = False,
                     since: float | None = None) -> list[Problem]:
    """Unreadable Parquet files and files whose schema is not their table's; with `since`,
    only among the files modified after it (less SLACK_SECONDS)."""
    expected = dict(TABLES) | {f"_state/{folder}": schema
                               for folder, schema in state_schemas().items()}
    files = [(name, path) for name in TABLES for path in _listed(lake, lake.path(name), since)]
    files += [(_state_table(lake, path, expected), path)
              for path in _state_files(lake, since)]
    with ThreadPoolExecutor(min(_READERS, max(1, len(files)))) as pool:
        found = pool.map(lambda f: _parquet_problem(lake, f[1], expected.get(f[0]), deep, f[0]),
                         files)
        return [p for p in found if p]


def snapshot_problems(lake: Lake) -> list[Problem]:
    return [_problem(lake, lake.path(name, f"{name}.parquet"), "missing (the lake has articles)",
                     "redrawn by the next run that publishes")
            for name in lake.missing_snapshots()]


def journal_problems(lake: Lake, writing: bool) -> list[Problem]:
    """Unparseable journals; and, when no run is writing, publishes left half done."""
    problems = []
    for journal in sorted(_glob(lake, "_state/journal/*.json")):
        try:
            entry = lake.read_journal(journal)
        except LakeCorrupt as exc:
            problem = str(exc).split(" ", 1)[1].split("; run `wiredesk", 1)[0]
            problems.append(_problem(lake, journal, problem, "--repair moves it aside: the "
                                     "publish it describes is dropped and its records are read "
                                     "again by the next run", "move"))
            continue
        if not writing:
            problems.append(_problem(lake, journal, f"the publish of run {entry['run_id']} was "
                                     "cut short (readers see part of it)", "finished by the next "
                                     "run, or now by --repair", "finish"))
    return problems


def record_problems(lake: Lake) -> list[Problem]:
    problems = []
    for path in sorted(_glob(lake, "_runs/*.json")):
        try:
            with lake.fs.open(path, "rb") as fh:
                if not isinstance(json.loads(fh.read()), dict):
                    raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(_problem(lake, path, f"is not a readable run record ({_line(exc)})",
                                     "--repair moves it aside (the run's tables are untouched)",
                                     "move"))
    return problems


def _parquet_problem(lake: Lake, path: str, schema: pa.Schema | None, deep: bool,
                     table: str) -> Problem | None:
    loss = _LOSS.get(table.split("/")[0], "its rows leave the table")
    repair = f"--repair moves it aside ({loss})"
    try:
        with lake.fs.open(path, "rb") as fh:
            parquet = pq.ParquetFile(fh)
            found = parquet.schema_arrow
            if deep:
                for group in range(parquet.num_row_groups):
                    parquet.read_row_group(group, use_threads=False)  # files in parallel
    except Exception as exc:
        if (why := unreadable(exc)) is None:
            raise  # the storage failed, not the file
        return _problem(lake, path, f"cannot be read as Parquet ({why})", repair, "move")
    if schema is not None and (diff := _schema_difference(found, schema,
                                                           ADDED_COLUMNS.get(table, {}))):
        return _problem(lake, path, f"has not the declared schema of {table} ({diff})", repair,
                        "move")
    return None


def _schema_difference(found: pa.Schema, declared: pa.Schema,
                       added: Collection[str] = ()) -> str:
    """What differs; a column added to the table later may be missing (an older file)."""
    have = {f.name: f.type for f in found}
    want = {f.name: f.type for f in declared if f.name in have or f.name not in added}
    parts = []
    if missing := [n for n in want if n not in have]:
        parts.append("missing " + ", ".join(missing))
    if extra := [n for n in have if n not in want]:
        parts.append("unexpected " + ", ".join(extra))
    parts += [f"{n} is {have[n]}, not {t}" for n, t in want.items() if n in have and have[n] != t]
    if not parts and list(have) != list(want):
        parts.append("columns in another order")
    return "; ".join(parts)


def _listed(lake: Lake, base: str, since: float | None) -> list[str]:
    """Published Parquet files below `base` (no temporaries), those modified after `since`."""
    if not lake.fs.exists(base):
        return []
    found = lake.fs.find(base, detail=True)  # with each file's time, from one listing
    return sorted(path for path in published_parquet(found)
                  if since is None or (_mtime(found[path]) or since) >= since - SLACK_SECONDS)


def _state_files(lake: Lake, since: float | None = None) -> list[str]:
    """`_state/`'s own Parquet tables (not a run's staging, nor temporaries)."""
    skip = ("staging", "lock", "journal")
    return [p for p in _listed(lake, lake.path("_state"), since)
            if posixpath.relpath(p, lake.path("_state")).split("/")[0] not in skip]


def _state_table(lake: Lake, path: str, expected: Collection[str]) -> str:
    """The state folder a file belongs to: the registered one holding it, else its first."""
    relative = posixpath.relpath(path, lake.root)
    return next((name for name in expected if relative.startswith(name + "/")),
                "/".join(relative.split("/")[:2]))


def state_schemas() -> dict[str, pa.Schema]:
    from tasks.state.registry import schemas  # each stage owns its state's schema

    return schemas()


def _glob(lake: Lake, pattern: str) -> list[str]:
    return lake.fs.glob(lake.path(pattern)) if lake.fs.exists(lake.root) else []


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
