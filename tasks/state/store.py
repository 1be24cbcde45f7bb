"""A state table in `_state/`, split into buckets by key, so a lookup reads only its buckets.

A bucket is a folder `_state/<name>/b=NNN/` of Parquet files: each run appends one small
file per bucket it touches (through the lake's publish journal, so appends are atomic with
the run's tables), and a bucket holding more than MAX_FILES files is compacted into fewer
(size-tiered: the small files merge, a file larger than all the others together stays).
A lookup asks pyarrow, bucket by bucket, for the rows whose key is among the bucket's wanted
ones; a compacted file is sorted by key, so row-group statistics let pyarrow skip the row
groups that hold none of them.

Rows are never updated, only added; a row may appear twice (a compaction cut short leaves
its inputs beside its output), and every reader treats the rows as a set.
"""

from __future__ import annotations

import bisect
import contextlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tasks.lake import Lake

MAX_FILES = 8  # files a bucket may hold before it is compacted
# pyarrow reads a file's last 64 KB to find its footer, then the columns again: a file this
# small is fetched whole in one read (one request on an object store) and parsed in memory.
SMALL_FILE = 64 * 2**10
ROW_GROUP = 4096  # rows per row group of a compacted file: the unit a lookup reads


@dataclass(frozen=True)
class BucketedTable:
    """`_state/<name>/`, bucketed by `key` into `buckets` folders."""

    name: str
    key: str
    schema: pa.Schema
    buckets: int = 16
    # Rows per row group of a sorted file: the unit a lookup reads. Wide rows (a signature)
    # want fewer, so that a few wanted keys read a few kilobytes, not a whole bucket.
    row_group: int = ROW_GROUP

    def bucket_of(self, keys: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """The bucket of each key: hex strings by their first two digits, integers modulo."""
        if pa.types.is_integer(keys.type):
            return (np.asarray(keys, dtype=np.uint64) % np.uint64(self.buckets)).astype(np.int64)
        heads = pc.utf8_slice_codeunits(keys, 0, 2).to_pylist()
        return np.array([int(h, 16) % self.buckets for h in heads], dtype=np.int64)

    def folder(self, lake: Lake, bucket: int) -> str:
        return lake.path("_state", self.name, f"b={bucket:03d}")

    def split(self, table: pa.Table) -> dict[str, pa.Table]:
        """A run's new rows as {state path below `_state/`: rows}, one entry per bucket, for
        Lake.publish (which writes each as `part-<run_id>.parquet`)."""
        if not table.num_rows:
            return {}
        table = table.cast(self.schema)
        buckets = self.bucket_of(table[self.key])
        return {f"{self.name}/b={b:03d}": table.filter(pa.array(buckets == b))
                for b in np.unique(buckets).tolist()}

    def files(self, lake: Lake, bucket: int) -> list[str]:
        return lake.files_in(self.folder(lake, bucket))

    def lookup(self, lake: Lake, keys: Iterable[object],
               columns: list[str] | None = None) -> pa.Table:
        """The rows whose key is one of `keys`, read from their buckets only, each bucket
        asked for its own keys: a bucket's keys span the whole range of keys, so another
        bucket's keys would fall inside its row groups' statistics and keep them."""
        wanted = pa.array(list(dict.fromkeys(keys)), self.schema.field(self.key).type)
        buckets = self.bucket_of(wanted)
        columns = columns or self.schema.names
        parts = [self._find(lake, path, wanted.filter(pa.array(buckets == b)), columns)
                 for b in np.unique(buckets).tolist() for path in self.files(lake, b)]
        parts = [p for p in parts if p.num_rows]
        return (pa.concat_tables(parts) if parts
                else self.schema.empty_table().select(columns))

    def _find(self, lake: Lake, path: str, wanted: pa.Array, columns: list[str]) -> pa.Table:
        """A file's rows whose key is wanted: the key column of the row groups whose
        statistics may hold one, then all the columns of the groups that do hold one. Most
        keys asked are absent (a run's band keys, its new hashes) and the other columns are
        most of the bytes (a band row's article id), so the second read is small."""
        file = parquet_file(lake, path)
        meta = file.metadata
        leaf = next(i for i in range(meta.num_columns) if meta.schema.column(i).path == self.key)
        asked = sorted(wanted.to_pylist())
        groups = [g for g in range(meta.num_row_groups)
                  if _may_hold(meta.row_group(g).column(leaf).statistics, asked)]
        schema = pa.schema([self.schema.field(c) for c in columns])
        if not groups:
            return schema.empty_table()
        keys = file.read_row_groups(groups, [self.key])[self.key]
        hit = pc.is_in(keys, value_set=wanted).to_numpy(zero_copy_only=False)
        starts = np.cumsum([0, *(meta.row_group(g).num_rows for g in groups)])
        holding = [i for i in range(len(groups)) if hit[starts[i]:starts[i + 1]].any()]
        if not holding:
            return schema.empty_table()
        rows = file.read_row_groups([groups[i] for i in holding], columns)
        mask = np.concatenate([hit[starts[i]:starts[i + 1]] for i in holding])
        return rows.filter(pa.array(mask)).cast(schema)

    def read(self, lake: Lake, files: list[str], where: pc.Expression | None = None,
             columns: list[str] | None = None) -> pa.Table:
        if not files:
            return self.schema.empty_table().select(columns or self.schema.names)
        dataset = ds.dataset(files, schema=self.schema, format="parquet", filesystem=lake.fs)
        return dataset.to_table(columns=columns, filter=where)

    def compact(self, lake: Lake, bucket: int, tag: str) -> bool:
        """Merge a bucket's small files into one sorted file when it holds too many.
        The merged file is written (atomically) before its inputs go: a compaction cut short
        leaves rows twice, never none. Call it holding the lake's lock."""
        infos = sorted((lake.fs.info(f) for f in self.files(lake, bucket)),
                       key=lambda i: i["size"])
        if len(infos) <= MAX_FILES:
            return False
        merged, total = [], 0
        for info in infos:  # size-tiered: a file bigger than all smaller ones together stays
            if merged and info["size"] > total:
                break
            merged.append(info["name"])
            total += info["size"]
        merged = merged if len(merged) > 1 else [i["name"] for i in infos]
        rows = distinct(self.read(lake, merged)).sort_by(self.key)
        target = posixpath.join(self.folder(lake, bucket), f"part-{tag}-c{bucket:03d}.parquet")
        write_sorted(lake, rows.cast(self.schema), target, self.row_group)
        for path in merged:
            if path != target:
                with contextlib.suppress(FileNotFoundError):
                    lake.fs.rm(path)
        return True

    def replace(self, lake: Lake, table: pa.Table, tag: str) -> None:
        """The whole state, rewritten from `table` (a rebuild): one sorted file a bucket."""
        base = lake.path("_state", self.name)
        if lake.fs.exists(base):
            lake.fs.rm(base, recursive=True)
        for path, rows in self.split(table).items():
            write_sorted(lake, rows.sort_by(self.key),
                         lake.path("_state", path, f"part-{tag}.parquet"), self.row_group)


def parquet_file(lake: Lake, path: str, whole: bool | None = None) -> pq.ParquetFile:
    """A state file to read, fetched whole in one read when `whole` (default: when small)."""
    if whole is None:
        whole = lake.fs.size(path) <= SMALL_FILE
    if whole:
        return pq.ParquetFile(pa.BufferReader(lake.fs.cat_file(path)))
    return pq.ParquetFile(path, filesystem=lake.fs)


def _may_hold(stats: pq.Statistics | None, asked: list[object]) -> bool:
    """Whether a row group with these statistics may hold one of the sorted keys asked."""
    if stats is None or not stats.has_min_max:
        return True
    i = bisect.bisect_left(asked, stats.min)
    return i < len(asked) and asked[i] <= stats.max


def distinct(table: pa.Table) -> pa.Table:
    """One row for each distinct value of the scalar columns (a list column, a signature,
    follows its row)."""
    scalar = [f.name for f in table.schema if not pa.types.is_list(f.type)]
    numbered = table.append_column("_row", pa.array(np.arange(table.num_rows), pa.int64()))
    first = numbered.group_by(scalar, use_threads=False).aggregate([("_row", "min")])
    return table.take(pa.array(np.sort(first["_row_min"].to_numpy()), pa.int64()))


def write_sorted(lake: Lake, table: pa.Table, path: str, row_group: int = ROW_GROUP) -> None:
    """A state file in row groups of `row_group` rows, with statistics."""
    lake.write_parquet(table, path, row_group_size=row_group)


def compact_written(lake: Lake, tables: Iterable[BucketedTable], written: Iterable[str],
                    tag: str) -> int:
    """Compact the buckets a publish wrote to (state paths `<name>/b=NNN`); how many were."""
    by_name = {t.name: t for t in tables}
    done = 0
    for path in written:
        name, _, bucket = path.rpartition("/b=")
        if name in by_name:
            done += by_name[name].compact(lake, int(bucket), tag)
    return done
