"""The lake as storage: paths, reading published columns, and atomic, journaled writes.

Stages never touch the lake except through this module. Storage is a URL (fsspec), so a
local folder and an object store take the same code path.

Publishing is all-or-nothing for readers: every file is first written under a hidden
temporary name (`.name.tmp`, which DuckDB globs, pandas and Spark all skip), then a journal
lists the renames, then the renames happen, then the journal goes. A run that dies before
the journal leaves only temporaries (swept away); one that dies after it is rolled forward
by the next run, so no reader ever sees half a run. On an object store a single file is
written in place and a publish's renames are one batch of copies (`store.py`).

Readers never wait; writers take turns. A run holds the lake's lock (`_state/lock/`, see
`lock.py`) from its first read of the lake's state (copies, entities, stories) to its
publish: two runs that overlapped would each miss what the other published. Every write
passes a gate (`gate.py`) that a signal or the lock's release closes.

A file that cannot be read is reported as `LakeCorrupt`, one line naming it and the repair
(`wiredesk check --repair`, see `tasks/check.py`), never as a parser's traceback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.lake import lock as _lock
from tasks.lake import store
from tasks.lake.errors import LakeBusy, LakeCorrupt, LakeError, LakeFull, repair_hint, unreadable
from tasks.lake.errors import line as _line
from tasks.lake.gate import GATE, LakeClosed, RunInterrupted
from tasks.lake.lock import LOCK_HEARTBEAT_SECONDS, LOCK_STALE_SECONDS
from tasks.lake.store import temporary as _temporary
from tasks.schemas import ADDED_COLUMNS, PARTITIONED, SNAPSHOTS, TABLES, with_metadata

__all__ = ["LOCK_HEARTBEAT_SECONDS", "LOCK_STALE_SECONDS", "RETRIED", "Lake", "LakeBusy",
           "LakeClosed", "LakeCorrupt", "LakeError", "LakeFull", "RunInterrupted",
           "published_parquet", "unreadable"]

ROWS_PER_FILE = 250_000
RETRIED = ("rejected", "failed", "quarantined")  # ingest_log statuses read again by later runs


def _with_added(table: str, part: pa.Table, columns: list[str] | None) -> pa.Table:
    """`part` with the columns added to `table` after it was written, null, in place."""
    schema = TABLES[table]
    for name in ADDED_COLUMNS[table]:
        if name not in part.column_names and (columns is None or name in columns):
            order = columns or [n for n in schema.names if n in part.column_names or n == name]
            part = part.add_column(order.index(name), name,
                                   pa.nulls(part.num_rows, schema.field(name).type))
    return part


class Lake:
    def __init__(self, url: str):
        self.url = url
        try:
            # Other processes write the lake (the next run, the lock's holder): a listing
            # cached by the driver (s3fs keeps them forever) would hide their files.
            self.fs, self.root = fsspec.core.url_to_fs(url, use_listings_cache=False)
        except (ImportError, ValueError) as exc:
            raise LakeError(f"cannot open lake {url!r}: {exc}") from exc
        self.root = self.root.rstrip("/")
        self.in_place = store.in_place(self.fs)  # an object store: one file is one atomic PUT

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def uri(self, *parts: str) -> str:
        """A path below the lake as the user would write it (keeps the protocol)."""
        path = self.path(*parts)
        protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        return path if protocol in ("file", "local") else f"{protocol}://{path}"

    @contextmanager
    def lock(self, run_id: str, wait: float = 0,
             say: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the lake for one run, waiting up to `wait` seconds for the run holding it
        (`say` is told whom it waits for), or raise LakeBusy naming that run. A lock whose
        holder is dead (its process on this machine has ended, or its heartbeat stopped
        LOCK_STALE_SECONDS ago) is taken over; of several runs taking it over at once, one
        wins. On leaving, this process stops writing below the lake, then lets go."""
        held = _lock.take(self, run_id, wait, say)
        try:
            yield
        finally:
            held.release()

    # ---- reading what is published -------------------------------------------------------

    def missing_snapshots(self) -> list[str]:
        """Story snapshots absent (deleted or lost) from a lake that has articles: the next
        run redraws them, even when it has nothing new."""
        if not self.files("articles"):
            return []
        return [name for name in SNAPSHOTS
                if not self.fs.exists(self.path(name, f"{name}.parquet"))]

    def files(self, table: str) -> list[str]:
        """Published Parquet files of a table, in a stable order (temporaries excluded)."""
        base = self.path(table)
        return sorted(published_parquet(self.fs.find(base))) if self.fs.exists(base) else []

    def files_in(self, folder: str) -> list[str]:
        """The Parquet files directly in a folder (a partition, a state's bucket or week), in
        a stable order, temporaries excluded; none when the folder is missing."""
        return (sorted(published_parquet(self.fs.ls(folder, detail=False)))
                if self.fs.exists(folder) else [])

    def read(self, table: str, columns: list[str] | None = None,
             filters: object = None) -> pa.Table | None:
        """Every published row of a table (only the given columns; only the rows `filters`,
        a pyarrow expression, keeps), or None if it has none.
        A file that cannot be read raises LakeCorrupt naming it. A file written before a
        column was added to its table reads with that column null."""
        parts = []
        added = ADDED_COLUMNS.get(table, {})
        for path in self.files(table):
            try:
                wanted = columns
                if columns is not None and added.keys() & set(columns):
                    have = set(pq.read_schema(path, filesystem=self.fs).names)
                    wanted = [c for c in columns if c in have or c not in added]
                part = pq.read_table(path, columns=wanted, filesystem=self.fs,
                                     filters=filters)
                parts.append(_with_added(table, part, columns) if added else part)
            except Exception as exc:
                if (why := unreadable(exc)) is None:
                    raise  # the storage, not the file: retried by the caller
                raise LakeCorrupt(self.corrupt(path, f"cannot be read as Parquet ({why})")
                                  ) from None
        try:
            return pa.concat_tables(parts) if parts else None
        except pa.ArrowInvalid as exc:  # one file's columns differ from the others'
            raise LakeCorrupt(f"{self.uri(table)}: files with different columns ({_line(exc)})"
                              f"; run `wiredesk check --lake {self.url}` to find the odd "
                              "one") from None

    def corrupt(self, path: str, problem: str) -> str:
        """The one-line message for a corrupt file: where, what, and what to do."""
        return f"{self.uri(posixpath.relpath(path, self.root))} {problem}; {repair_hint(self.url)}"

    # ---- writing ---------------------------------------------------------------------------

    def write_parquet(self, table: pa.Table, path: str, **options: object) -> None:
        """Write under a temporary name, then rename (on an object store, in place): readers
        see all of the file or nothing. `options` go to pyarrow's write_table (e.g.
        row_group_size)."""
        with self._writing(path):
            if self.in_place:
                pq.write_table(table, path, filesystem=self.fs, compression="zstd", **options)
                return
            self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
            tmp = _temporary(path)
            with self._tidy(tmp):
                pq.write_table(table, tmp, filesystem=self.fs, compression="zstd", **options)
            self.fs.mv(tmp, path)

    def write_json(self, obj: object, path: str) -> None:
        with self._writing(path):
            self._put_json(obj, path)

    def put_file(self, local: str, path: str) -> None:
        """Copy a local file into the lake (e.g. data docs), aside then renamed, through the
        gate; a full disk is LakeFull."""
        with self._writing(path):
            if self.in_place:
                self.fs.put_file(local, path)
                return
            self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
            tmp = _temporary(path)
            with self._tidy(tmp):
                self.fs.put_file(local, tmp)
            self.fs.mv(tmp, path)

    def _put_json(self, obj: object, path: str) -> None:
        if self.in_place:
            self.fs.pipe_file(path, json.dumps(obj, indent=2, default=str).encode())
            return
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        tmp = _temporary(path)
        with self._tidy(tmp), self.fs.open(tmp, "w") as fh:
            json.dump(obj, fh, indent=2, default=str)
        self.fs.mv(tmp, path)

    @contextmanager
    def _writing(self, path: str) -> Iterator[None]:
        """One write: through the gate (stops, a lock let go), a full disk said plainly."""
        with GATE.writing(path):
            try:
                yield
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                    raise
                raise LakeFull(
                    f"{self.uri(posixpath.relpath(path, self.root))} cannot be written: the "
                    f"lake's storage is full ({os.strerror(exc.errno)}); give it room and run "
                    "again (nothing of this run is published half: the next run finishes a "
                    "publish it had begun and sweeps the rest)") from None

    @contextmanager
    def _tidy(self, tmp: str) -> Iterator[None]:
        """A temporary whose write failed goes at once (on a full disk, its space helps)."""
        try:
            yield
        except BaseException:
            with contextlib.suppress(OSError):
                self.fs.rm(tmp)
            raise

    def publish(self, run_id: str, ingest_date: str, tables: dict[str, pa.Table],
                state: dict[str, pa.Table], record: dict) -> list[str]:
        """Publish a run's tables, its internal state and its run record, all or nothing.

        Returns the published paths. Partitioned tables append under
        `ingest_date=<day>/part-<run_id>-NNNN.parquet`; snapshots are replaced whole.
        """
        planned: list[tuple[str, pa.Table]] = []
        for name, table in tables.items():
            table = table.replace_schema_metadata(with_metadata(name).metadata)
            if name in PARTITIONED:
                planned += [(self.path(name, f"ingest_date={ingest_date}",
                                       f"part-{run_id}-{i:04d}.parquet"), chunk)
                            for i, chunk in enumerate(_chunks(table))]
            elif name in SNAPSHOTS:
                planned.append((self.path(name, f"{name}.parquet"), table))
            else:
                raise ValueError(f"unknown table {name!r}")
        # State appends a part per run to its folder; a key naming a file replaces it.
        planned += [(self.path("_state", name) if name.endswith(".parquet") else
                     self.path("_state", name, f"part-{run_id}.parquet"), table)
                    for name, table in state.items() if table.num_rows]

        renames = self._write_aside(planned)
        record = {**record, "files": [self.uri(posixpath.relpath(final, self.root))
                                      for _, final in renames]}
        journal = self.path("_state", "journal", f"{run_id}.json")
        with self._writing(journal):  # the commit: journal and renames, never cut in half
            for held in [h for h in _lock.HELD if h.lake.root == self.root]:
                if not held.still_held():
                    raise LakeBusy(held.lost)
            entry = {"run_id": run_id, "renames": renames, "record": record}
            self._put_json(entry, journal)
            self._roll_forward(journal, entry)
        return record["files"]

    def _write_aside(self, planned: list[tuple[str, pa.Table]]) -> list[list[str]]:
        """Write each table under a temporary name beside its final one: [[tmp, final]].
        On an object store, all at once (concurrent PUTs). A failure takes back what was
        written: nothing is journaled yet, so none of it could ever be published."""
        if self.in_place:
            renames = [[_temporary(final), final] for final, _ in planned]
            try:
                with self._writing(renames[0][0]) if renames else contextlib.nullcontext():
                    store.put_all(self.fs, [(tmp, table) for (tmp, _), (_, table)
                                            in zip(renames, planned, strict=True)])
            except BaseException:
                with contextlib.suppress(OSError):
                    self.fs.rm([tmp for tmp, _ in renames])
                raise
            return renames
        renames = []
        for final, table in planned:  # each a write of its own: a signal stops in between
            tmp = _temporary(final)
            try:
                with self._writing(tmp), self._tidy(tmp):
                    self.fs.makedirs(posixpath.dirname(final), exist_ok=True)
                    pq.write_table(table, tmp, filesystem=self.fs, compression="zstd")
            except BaseException:
                for written, _ in renames:  # never journaled: this run's space back now
                    with contextlib.suppress(OSError):
                        self.fs.rm(written)
                raise
            renames.append([tmp, final])
        return renames

    def recover(self) -> list[str]:
        """Finish publishes that died half-way, and sweep the temporaries and staging of runs
        that never got to publish. Call it holding the lock, before a run reads the lake.
        Returns the run ids rolled forward."""
        done = []
        for journal in sorted(self._glob("_state/journal/*.json")):
            with GATE.writing(journal):
                done.append(self._roll_forward(journal))
        if self.in_place:  # one bulk delete; a store that keeps empty folders (SeaweedFS)
            # lists each run's emptied staging folder, which holds nothing to sweep
            if left := [*self._glob("**/.*.tmp"), *self._find("_state/staging")]:
                self.fs.rm(left)
            return done
        for tmp in self._glob("**/.*.tmp"):
            self.fs.rm(tmp)
        for staging in self._glob("_state/staging/*"):
            self.fs.rm(staging, recursive=True)
        return done

    def _roll_forward(self, journal: str, entry: dict | None = None) -> str:
        """Finish a journaled publish: its renames (skipping those done, unless `entry` is
        the one this process just wrote), its run record, then the journal goes."""
        fresh = entry is not None
        entry = entry if fresh else self.read_journal(journal)
        store.rename_all(self.fs, [(tmp, final) for tmp, final in entry["renames"]],
                         missing_ok=not fresh)
        self._put_json(entry["record"], self.path("_runs", f"{entry['run_id']}.json"))
        self.fs.rm(journal)
        return entry["run_id"]

    def read_journal(self, journal: str) -> dict:
        """A publish journal, or LakeCorrupt naming it (the lake would be stuck on it)."""
        try:
            with self.fs.open(journal, "rb") as fh:
                entry = json.loads(fh.read())
            if not (isinstance(entry, dict) and isinstance(entry.get("run_id"), str)
                    and isinstance(entry.get("record"), dict)
                    and isinstance(entry.get("renames"), list)
                    and all(isinstance(r, list) and len(r) == 2 and all(
                        isinstance(p, str) for p in r) for r in entry["renames"])):
                raise ValueError("not a publish journal: run_id, renames and record expected")
        except (ValueError, UnicodeDecodeError) as exc:
            raise LakeCorrupt(self.corrupt(journal, f"is not a readable publish journal "
                                                    f"({_line(exc)})")) from None
        return entry

    def _glob(self, pattern: str) -> Iterable[str]:
        return self.fs.glob(self.path(pattern)) if self.fs.exists(self.root) else []

    def _find(self, folder: str) -> list[str]:
        """Every file below a folder of the lake (not the folder: SeaweedFS lists an empty
        one as an entry of its own)."""
        found = self.fs.find(self.path(folder), detail=True)
        return [path for path, info in found.items() if info.get("type") == "file"]


def _chunks(table: pa.Table) -> Iterable[pa.Table]:
    """Empty tables write no file: a partition only holds rows."""
    for offset in range(0, table.num_rows, ROWS_PER_FILE):
        yield table.slice(offset, ROWS_PER_FILE)


def published_parquet(paths: Iterable[str]) -> list[str]:
    """Published Parquet files among `paths`: a name starting with "." is a temporary (each
    listing of published Parquet files filters here)."""
    return [p for p in paths
            if p.endswith(".parquet") and not posixpath.basename(p).startswith(".")]
