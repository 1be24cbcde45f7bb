"""The lake as storage: paths, reading published columns, and atomic, journaled writes.

Stages never touch the lake except through this module. Storage is a URL (fsspec), so a
local folder and an object store take the same code path.

Publishing is all-or-nothing for readers: every file is first written under a hidden
temporary name (`.name.tmp`, which DuckDB globs, pandas and Spark all skip), then a journal
lists the renames, then the renames happen, then the journal goes. A run that dies before
the journal leaves only temporaries (swept away); one that dies after it is rolled forward
by the next run, so no reader ever sees half a run.

Readers never wait; writers take turns. A run holds `_state/lock.json` from its first read of
the lake's state (copies, entities, stories) to its publish: two runs that overlapped would
each miss what the other published.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import socket
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from tasks.schemas import PARTITIONED, SNAPSHOTS, with_metadata

ROWS_PER_FILE = 250_000
LOCK_HEARTBEAT_SECONDS = 60  # how often a run holding the lake says it is alive
LOCK_STALE_SECONDS = 600  # a lock this long without a heartbeat was left by a dead run
RETRIED = ("rejected", "failed", "quarantined")  # ingest_log statuses read again by later runs


class LakeError(RuntimeError):
    """The lake cannot be reached or written."""


class LakeBusy(LakeError):
    """Another run is writing the lake."""


class Lake:
    def __init__(self, url: str):
        self.url = url
        try:
            self.fs, self.root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as exc:
            raise LakeError(f"cannot open lake {url!r}: {exc}") from exc
        self.root = self.root.rstrip("/")

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def uri(self, *parts: str) -> str:
        """A path below the lake as the user would write it (keeps the protocol)."""
        path = self.path(*parts)
        protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        return path if protocol in ("file", "local") else f"{protocol}://{path}"

    @contextmanager
    def lock(self, run_id: str) -> Iterator[None]:
        """Hold the lake for one run, or raise LakeBusy. The lock file is created only if
        absent (exclusive create: local files, memory, S3 conditional writes). Its holder
        renews a heartbeat in it; a lock whose heartbeat stopped (a run killed on any
        machine), or whose process on this machine is gone, is taken over."""
        path = self.path("_state", "lock.json")
        holder = {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid(),
                  "since": _now(), "beat": _now()}
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        for attempt in (1, 2):
            try:
                with self.fs.open(path, "xb") as fh:
                    fh.write(json.dumps(holder).encode())
                break
            except FileExistsError:
                other = self._holder(path)
                if attempt == 1 and _abandoned(other):
                    self.fs.rm(path)
                    continue
                raise LakeBusy(
                    f"lake {self.url!r} is being written by run {other.get('run_id')} (host "
                    f"{other.get('host')}, pid {other.get('pid')}, since {other.get('since')});"
                    f" run again when it has finished (a dead run's lock is taken over "
                    f"{LOCK_STALE_SECONDS // 60} minutes after its last heartbeat), or delete "
                    f"{self.uri('_state', 'lock.json')} if it cannot be read") from None
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(LOCK_HEARTBEAT_SECONDS):
                try:  # written aside and renamed: a reader never sees half a lock
                    self.write_json(holder | {"beat": _now()}, path)
                except OSError:  # a storage hiccup: the next beat tries again
                    continue

        beating = threading.Thread(target=heartbeat, name=f"lake-lock-{run_id}", daemon=True)
        beating.start()
        try:
            yield
        finally:
            stop.set()
            beating.join()
            if self._holder(path).get("run_id") == run_id:
                self.fs.rm(path)

    def _holder(self, path: str) -> dict:
        try:
            with self.fs.open(path) as fh:
                return json.load(fh)
        except (FileNotFoundError, ValueError):
            return {}

    # ---- reading what is published -------------------------------------------------------

    def files(self, table: str) -> list[str]:
        """Published Parquet files of a table, in a stable order (temporaries excluded)."""
        base = self.path(table)
        if not self.fs.exists(base):
            return []
        return sorted(p for p in self.fs.find(base)
                      if p.endswith(".parquet") and not posixpath.basename(p).startswith("."))

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table | None:
        """Every published row of a table (only the given columns), or None if it has none."""
        parts = [pq.read_table(p, columns=columns, filesystem=self.fs) for p in self.files(table)]
        return pa.concat_tables(parts) if parts else None

    def seen_hashes(self) -> set[str]:
        """Content hashes of records earlier runs read (rejected, failed and quarantined ones
        are retried: a fixed file, bug or expectation takes effect)."""
        log = self.read("ingest_log", ["content_sha256", "status"])
        if log is None:
            return set()
        return {h for h, s in zip(log["content_sha256"].to_pylist(), log["status"].to_pylist(),
                                  strict=True) if s not in RETRIED}

    # ---- writing ---------------------------------------------------------------------------

    def write_parquet(self, table: pa.Table, path: str) -> None:
        """Write under a temporary name, then rename: readers see all of the file or nothing."""
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        tmp = _temporary(path)
        pq.write_table(table, tmp, filesystem=self.fs, compression="zstd")
        self.fs.mv(tmp, path)

    def write_json(self, obj: object, path: str) -> None:
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        tmp = _temporary(path)
        with self.fs.open(tmp, "w") as fh:
            json.dump(obj, fh, indent=2, default=str)
        self.fs.mv(tmp, path)

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
        planned += [(self.path("_state", name, f"part-{run_id}.parquet"), table)
                    for name, table in state.items() if table.num_rows]

        renames = []
        for final, table in planned:
            tmp = _temporary(final)
            self.fs.makedirs(posixpath.dirname(final), exist_ok=True)
            pq.write_table(table, tmp, filesystem=self.fs, compression="zstd")
            renames.append([tmp, final])
        record = {**record, "files": [self.uri(posixpath.relpath(final, self.root))
                                      for _, final in renames]}
        journal = self.path("_state", "journal", f"{run_id}.json")
        self.write_json({"run_id": run_id, "renames": renames, "record": record}, journal)
        self._roll_forward(journal)
        return record["files"]

    def recover(self) -> list[str]:
        """Finish publishes that died half-way, and sweep the temporaries and staging of runs
        that never got to publish. Call it holding the lock, before a run reads the lake.
        Returns the run ids rolled forward."""
        done = [self._roll_forward(j) for j in sorted(self._glob("_state/journal/*.json"))]
        for tmp in self._glob("**/.*.tmp"):
            self.fs.rm(tmp)
        for staging in self._glob("_state/staging/*"):
            self.fs.rm(staging, recursive=True)
        return done

    def _roll_forward(self, journal: str) -> str:
        with self.fs.open(journal) as fh:
            entry = json.load(fh)
        for tmp, final in entry["renames"]:
            if self.fs.exists(tmp):
                self.fs.mv(tmp, final)
        self.write_json(entry["record"], self.path("_runs", f"{entry['run_id']}.json"))
        self.fs.rm(journal)
        return entry["run_id"]

    def _glob(self, pattern: str) -> Iterable[str]:
        return self.fs.glob(self.path(pattern)) if self.fs.exists(self.root) else []


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _abandoned(holder: dict) -> bool:
    """Left by a run that is gone: its process on this machine has ended, or its heartbeat
    stopped long ago (a run on another machine)."""
    if holder.get("host") == socket.gethostname() and not _alive(holder.get("pid")):
        return True
    try:
        beat = dt.datetime.fromisoformat(holder["beat"])
    except (KeyError, TypeError, ValueError):
        return False  # unreadable: leave it to a person
    return (dt.datetime.now(dt.UTC) - beat).total_seconds() > LOCK_STALE_SECONDS


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


def _temporary(path: str) -> str:
    head, name = posixpath.split(path)
    return posixpath.join(head, f".{name}.{uuid.uuid4().hex[:8]}.tmp")


def _chunks(table: pa.Table) -> Iterable[pa.Table]:
    """Empty tables write no file: a partition only holds rows."""
    for offset in range(0, table.num_rows, ROWS_PER_FILE):
        yield table.slice(offset, ROWS_PER_FILE)
