"""The lake as storage: paths, reading published columns, and atomic, journaled writes.

Stages never touch the lake except through this module. Storage is a URL (fsspec), so a
local folder and an object store take the same code path.

Publishing is all-or-nothing for readers: every file is first written under a hidden
temporary name (`.name.tmp`, which DuckDB globs, pandas and Spark all skip), then a journal
lists the renames, then the renames happen, then the journal goes. A run that dies before
the journal leaves only temporaries (swept away); one that dies after it is rolled forward
by the next run, so no reader ever sees half a run (`journal.py`). On an object store a
single file is written in place and a publish's renames are one batch of copies
(`store.py`).

Readers never wait; writers take turns. A run holds the lake's lock (`_state/lock/`, see
`lock.py`) from its first read of the lake's state (copies, entities, stories) to its
publish: two runs that overlapped would each miss what the other published. Every write
passes a gate (`gate.py`) that a signal or the lock's release closes.

A file that cannot be read is reported as `LakeCorrupt`, one line naming it and the repair
(`wiredesk check --repair`, see `tasks/check.py`), never as a parser's traceback.
"""

from __future__ import annotations

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
from tasks.lake.gate import LakeClosed, RunInterrupted
from tasks.lake.journal import ROWS_PER_FILE, Journaled
from tasks.lake.lock import LOCK_HEARTBEAT_SECONDS, LOCK_STALE_SECONDS
from tasks.lake.store import temporary as _temporary
from tasks.schemas import ADDED_COLUMNS, SNAPSHOTS, TABLES

__all__ = ["LOCK_HEARTBEAT_SECONDS", "LOCK_STALE_SECONDS", "RETRIED", "ROWS_PER_FILE", "Lake",
           "LakeBusy", "LakeClosed", "LakeCorrupt", "LakeError", "LakeFull", "RunInterrupted",
           "published_parquet", "unreadable"]

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


class Lake(Journaled):
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

    def _glob(self, pattern: str) -> Iterable[str]:
        return self.fs.glob(self.path(pattern)) if self.fs.exists(self.root) else []

    def _find(self, folder: str) -> list[str]:
        """Every file below a folder of the lake (not the folder: SeaweedFS lists an empty
        one as an entry of its own)."""
        found = self.fs.find(self.path(folder), detail=True)
        return [path for path, info in found.items() if info.get("type") == "file"]


def published_parquet(paths: Iterable[str]) -> list[str]:
    """Published Parquet files among `paths`: a name starting with "." is a temporary (each
    listing of published Parquet files filters here)."""
    return [p for p in paths
            if p.endswith(".parquet") and not posixpath.basename(p).startswith(".")]
