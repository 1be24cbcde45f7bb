"""Compaction: a closed partition's many small files rewritten as few, without a reader ever
seeing a row twice or missing one.

Every run appends `part-<run_id>-NNNN.parquet` to the partition of the day it started, so
hourly runs leave ~24 files a day in each of the seven partitioned tables. A partition is
**closed** once its day (UTC) is at least `min_age_days` old (default 1: yesterday and
before): runs write only to the partition of the day they started, so no run starting from
now on writes there. A run that started that day and is still queued for the lake may yet
add a file after the compaction (the lock keeps them apart, never mixed); the next
compaction merges it. Compaction merges a partition when it has more files than its rows
need (one per ROWS_PER_FILE rows), so a second compaction changes nothing.

Readers glob the table folder (`read_parquet('lake/articles/**/*.parquet')`, pyarrow
datasets, Spark) and honour different conventions: pyarrow and Spark skip names starting
with `.` or `_`; DuckDB's glob skips neither (it lists `.x.parquet` and descends into `.d/`)
but needs the `.parquet` suffix. No order of file renames inside one folder takes a reader
from n files to one without a moment where it sees both (rows twice) or neither (rows
missing). So the merged files are written outside every table folder, under the
compaction's staging (`_state/staging/<id>/<table>/ingest_date=<day>/`), and the staged
folder and the live partition folder are exchanged in one step (`renameat2` with
`RENAME_EXCHANGE`, Linux): a listing shows the old files or the new ones, never both. The
swapped-out old files are then deleted from staging. A kill at any point leaves each
partition whole, old or new; what it leaves in staging is swept by the next run or
compaction (`Lake.recover`), as a run's staging always was.

Where the storage cannot exchange folders (object stores, a disk without the call), the
publish journal commits each partition: it lists the old files' renames to hidden
temporaries, then the merged files' renames into place; a kill after the journal is rolled
forward by the next run or compaction. Readers then miss the partition's rows for the
length of those renames (never see them twice): see the README.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import math
import os
import posixpath
import re
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.lake import ROWS_PER_FILE, Lake, LakeBusy, LakeCorrupt, _with_added, unreadable
from tasks.lake import lock as _lock
from tasks.schemas import ADDED_COLUMNS, PARTITIONED, with_metadata

MIN_AGE_DAYS = 1
GROUP_BYTES = 64 * 2**20  # rows are gathered into row groups of about this size
_PARTITION = re.compile(r"^ingest_date=(\d{4}-\d{2}-\d{2})$")
_RENAME_EXCHANGE = 2  # linux/fs.h


@dataclass(frozen=True)
class Partition:
    table: str
    day: str
    files: tuple[str, ...]  # published files, in the order readers list them
    rows: int

    @property
    def needed(self) -> int:
        """Files the partition's rows need once compacted."""
        return max(1, math.ceil(self.rows / ROWS_PER_FILE))


@dataclass
class CompactionSummary:
    compaction_id: str
    lake: str
    started_at: str
    closed_before: str  # partitions of days before this one were closed
    kind: str = "compaction"  # tells this record from a run's in `_runs/`
    outcome: str = "running"  # compacted | nothing to compact
    partitions: list[dict] = field(default_factory=list)  # table, day, files before/after, rows
    atomic: bool = True  # every partition swapped in one step (False: journaled renames)
    finished_at: str | None = None

    def lines(self) -> list[str]:
        before = sum(p["files_before"] for p in self.partitions)
        after = sum(p["files_after"] for p in self.partitions)
        rows = sum(p["rows"] for p in self.partitions)
        tables = sorted({p["table"] for p in self.partitions})
        return [f"compaction {self.compaction_id}: {self.outcome}",
                f"partitions of days before {self.closed_before}: {len(self.partitions)} "
                f"compacted in {len(tables)} tables ({', '.join(tables) or 'none'}), files "
                f"{before} -> {after}, rows {rows} (unchanged)",
                f"lake: {self.lake}"]

    def to_dict(self) -> dict:
        return asdict(self)


def closed_partitions(lake: Lake, closed_before: dt.date, tables: list[str] | None = None
                      ) -> list[Partition]:
    """Partitions of days before `closed_before` with more files than their rows need."""
    found = []
    for table in tables or PARTITIONED:
        base = lake.path(table)
        if not lake.fs.exists(base):
            continue
        for folder in sorted(lake.fs.ls(base, detail=False)):
            match = _PARTITION.match(posixpath.basename(folder.rstrip("/")))
            if not match or dt.date.fromisoformat(match[1]) >= closed_before:
                continue
            files = tuple(lake.files_in(folder))
            if len(files) < 2:
                continue
            part = Partition(table, match[1], files, sum(_footer_rows(lake, p) for p in files))
            if len(files) > part.needed:
                found.append(part)
    return found


def compact(lake: Lake, part: Partition, compaction_id: str, record: dict) -> dict:
    """Merge one partition's files into `part.needed` files and swap them in. Call it
    holding the lake's lock. Returns what was done (table, day, files, rows, atomic)."""
    _assert_held(lake)
    live = lake.path(part.table, f"ingest_date={part.day}")
    staged = lake.path("_state", "staging", compaction_id, part.table, f"ingest_date={part.day}")
    written = _write_merged(lake, part, staged, compaction_id)
    done = {"table": part.table, "day": part.day, "files_before": len(part.files),
            "files_after": len(written), "rows": part.rows}
    # The whole folder is swapped: only when it holds nothing but the files merged (a stray
    # file of someone else's would leave with them).
    alone = set(lake.fs.ls(live, detail=False)) == set(part.files)
    if alone and _exchange(lake, staged, live):
        lake.fs.rm(staged, recursive=True)  # now the old files: no reader lists them
        return done | {"atomic": True}
    _journaled(lake, part, written, live, compaction_id, record)
    return done | {"atomic": False}


def sweep(lake: Lake, compaction_id: str) -> None:
    """Remove the compaction's (empty) staging folder once every partition is swapped."""
    staging = lake.path("_state", "staging", compaction_id)
    if lake.fs.exists(staging):
        lake.fs.rm(staging, recursive=True)


def _write_merged(lake: Lake, part: Partition, folder: str, compaction_id: str) -> list[str]:
    """The partition's rows, file by file in reader order, into files of ROWS_PER_FILE rows.
    Files written before a column was added to the table get it null (as wiredesk reads
    them)."""
    schema = merged_schema(lake, part)
    written: list[str] = []
    writer: pq.ParquetWriter | None = None
    rows_in_file = 0
    with contextlib.ExitStack() as files:
        for chunk in _row_groups(lake, part):
            while chunk.num_rows:
                if writer is None or rows_in_file == ROWS_PER_FILE:
                    if writer is not None:
                        with lake._writing(written[-1]):
                            writer.close()
                    path = posixpath.join(folder, f"part-{compaction_id}-{len(written):04d}"
                                                  ".parquet")
                    with lake._writing(path):
                        lake.fs.makedirs(folder, exist_ok=True)
                        handle = files.enter_context(lake.fs.open(path, "wb"))
                    writer = pq.ParquetWriter(handle, schema, compression="zstd")
                    written.append(path)
                    rows_in_file = 0
                take = min(chunk.num_rows, ROWS_PER_FILE - rows_in_file)
                with lake._writing(written[-1]):  # through the gate: a stop ends it here
                    writer.write_table(chunk.slice(0, take))
                rows_in_file += take
                chunk = chunk.slice(take)
        if writer is not None:
            with lake._writing(written[-1]):
                writer.close()
    return written


def _row_groups(lake: Lake, part: Partition) -> Iterator[pa.Table]:
    """The partition's rows gathered into tables of about GROUP_BYTES: the merged file has
    a few large row groups, not one per small file (and memory holds one at a time)."""
    pending: list[pa.Table] = []
    for chunk in _chunks(lake, part):
        pending.append(chunk)
        if sum(t.nbytes for t in pending) >= GROUP_BYTES:
            yield pa.concat_tables(pending)
            pending = []
    if pending:
        yield pa.concat_tables(pending)


def merged_schema(lake: Lake, part: Partition) -> pa.Schema:
    """The table's schema; a column added after some of the files were written is nullable
    in the merged file, since their rows have it null."""
    schema = with_metadata(part.table)
    for name in ADDED_COLUMNS.get(part.table, {}):
        if any(name not in pq.read_schema(p, filesystem=lake.fs).names for p in part.files):
            index = schema.get_field_index(name)
            schema = schema.set(index, schema.field(name).with_nullable(True))
    return schema


def _chunks(lake: Lake, part: Partition) -> Iterator[pa.Table]:
    """Each file's row groups, in the merged schema (one row group in memory)."""
    schema = merged_schema(lake, part)
    for path in part.files:
        try:
            with lake.fs.open(path, "rb") as fh:
                parquet = pq.ParquetFile(fh)
                for group in range(parquet.num_row_groups):
                    table = parquet.read_row_group(group)
                    if ADDED_COLUMNS.get(part.table):
                        table = _with_added(part.table, table, None)
                    yield table.select(schema.names).cast(schema)
        except LakeCorrupt:
            raise
        except Exception as exc:
            if (why := unreadable(exc)) is None:
                raise
            raise LakeCorrupt(lake.corrupt(path, f"cannot be read as Parquet ({why})")
                              ) from None


def _exchange(lake: Lake, staged: str, live: str) -> bool:
    """Swap two folders in one step; False where the storage cannot (nothing changed)."""
    if not isinstance(lake.fs, LocalFileSystem):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # a C library without it (not glibc 2.28+)
        return False
    with lake._writing(live):
        _assert_held(lake)
        at_cwd = -100  # paths are absolute
        if renameat2(at_cwd, os.fsencode(staged), at_cwd, os.fsencode(live),
                     _RENAME_EXCHANGE) == 0:
            return True
        code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False  # this disk or kernel cannot exchange: the journal does it
    raise OSError(code, f"cannot swap {staged} and {live}: {os.strerror(code)}")


def _journaled(lake: Lake, part: Partition, written: list[str], live: str,
               compaction_id: str, record: dict) -> None:
    """Commit one partition through the publish journal: old files hidden (swept by
    `Lake.recover`), then the merged ones in place; rolled forward after a kill."""
    renames = [[old, posixpath.join(posixpath.dirname(old), f".{posixpath.basename(old)}."
                                    f"{uuid.uuid4().hex[:8]}.tmp")] for old in part.files]
    renames += [[new, posixpath.join(live, posixpath.basename(new))] for new in written]
    journal = lake.path("_state", "journal", f"{compaction_id}.json")
    with lake._writing(journal):
        _assert_held(lake)
        lake._put_json({"run_id": compaction_id, "renames": renames, "record": record},
                       journal)
        lake._roll_forward(journal)
    for hidden in [new for _, new in renames[:len(part.files)]]:
        with contextlib.suppress(FileNotFoundError):
            lake.fs.rm(hidden)


def _assert_held(lake: Lake) -> None:
    """Like a publish: never commit on a lake whose lock another has taken over."""
    held = [h for h in _lock.HELD if h.lake.root == lake.root]
    if not held:
        raise LakeBusy(f"compaction of {lake.url!r} must hold the lake's lock")
    for hold in held:
        if not hold.still_held():
            raise LakeBusy(hold.lost or "the lake's lock was lost")


def _footer_rows(lake: Lake, path: str) -> int:
    try:
        return pq.read_metadata(path, filesystem=lake.fs).num_rows
    except Exception as exc:
        if (why := unreadable(exc)) is None:
            raise
        raise LakeCorrupt(lake.corrupt(path, f"cannot be read as Parquet ({why})")) from None


@task(name="compact", cache_policy=NO_CACHE)
def compact_table_task(lake_url: str, table: str, compaction_id: str, closed_before: dt.date,
                       record: dict) -> list[dict]:
    """Compact a table's closed partitions, one after another (each swap is its own
    commit); returns one entry per partition compacted."""
    lake = Lake(lake_url)
    return [compact(lake, part, compaction_id, record)
            for part in closed_partitions(lake, closed_before, [table])]
