"""Publishing to the lake all or nothing: every file written aside under a temporary name,
a journal listing the renames, the renames, then the journal goes; `recover` rolls a
journaled publish forward and sweeps what was never journaled (the design: tasks/lake).
Mixed into `Lake`, whose paths, filesystem and listings it uses."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import posixpath
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem

from tasks.lake import lock as _lock
from tasks.lake import store
from tasks.lake.errors import LakeBusy, LakeCorrupt, LakeFull
from tasks.lake.errors import line as _line
from tasks.lake.gate import GATE
from tasks.lake.store import temporary as _temporary
from tasks.schemas import PARTITIONED, SNAPSHOTS, with_metadata

ROWS_PER_FILE = 250_000


class Journaled:
    """publish and recover, for a `Lake`."""

    fs: AbstractFileSystem
    root: str
    in_place: bool  # an object store: one file is one atomic PUT

    if TYPE_CHECKING:  # what Lake gives it
        def path(self, *parts: str) -> str: ...
        def uri(self, *parts: str) -> str: ...
        def corrupt(self, path: str, problem: str) -> str: ...
        def _glob(self, pattern: str) -> Iterable[str]: ...
        def _find(self, folder: str) -> list[str]: ...

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


def _chunks(table: pa.Table) -> Iterable[pa.Table]:
    """Empty tables write no file: a partition only holds rows."""
    for offset in range(0, table.num_rows, ROWS_PER_FILE):
        yield table.slice(offset, ROWS_PER_FILE)
