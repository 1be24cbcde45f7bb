"""How a file lands in the lake's storage: aside and renamed on a disk, in place on an
object store.

A reader must see all of a file or nothing. On a disk a file grows as it is written, so it is
written under a hidden temporary name and renamed, and a rename is atomic and free. On an
object store it is the other way round: an object appears whole when its PUT (or its
multipart upload) completes, never in part, while a "rename" is a server-side copy of every
byte and a delete. So there, one object is written straight to its name; and the renames
that commit a publish (several files that must appear together or be finished later, see
`Lake.publish`) go as one batch of concurrent copies and one bulk delete, not one round
trip after another.
"""

from __future__ import annotations

import contextlib
import posixpath
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem

# fsspec protocols of stores whose PUT is atomic per object (S3 and its look-alikes such as
# SeaweedFS, MinIO, R2; Google Cloud Storage; Azure Blob Storage).
OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az"})
PUT_BATCH_BYTES = 256 * 2**20  # encoded Parquet held in memory at once by put_all


def in_place(fs: AbstractFileSystem) -> bool:
    """Whether a file is written straight to its name here (an object store)."""
    protocols = (fs.protocol,) if isinstance(fs.protocol, str) else fs.protocol
    return bool(OBJECT_STORES & set(protocols))


def rename_all(fs: AbstractFileSystem, renames: list[tuple[str, str]],
               missing_ok: bool = False) -> None:
    """Move each temporary to its final name. On an object store: all copies at once, then
    one bulk delete of the temporaries. A temporary already gone (moved by a run that died
    after its rename) is skipped when missing_ok."""
    if not renames:
        return
    if not in_place(fs):
        for tmp, final in renames:
            if not missing_ok or fs.exists(tmp):
                fs.mv(tmp, final)
        return
    temporaries = [tmp for tmp, _ in renames]
    fs.copy(temporaries, [final for _, final in renames],
            on_error="ignore" if missing_ok else "raise")
    with contextlib.suppress(FileNotFoundError):  # some were deleted before a crash
        fs.rm(temporaries)


def temporary(path: str) -> str:
    """A hidden name beside path, unique to this write (readers' globs skip it)."""
    head, name = posixpath.split(path)
    return posixpath.join(head, f".{name}.{uuid.uuid4().hex[:8]}.tmp")


def put_all(fs: AbstractFileSystem, files: list[tuple[str, pa.Table]]) -> None:
    """Write tables as Parquet objects, concurrently: each is encoded in memory, and the
    PUTs go in groups of at most PUT_BATCH_BYTES (bounded memory, one round trip each)."""
    group: dict[str, bytes] = {}
    for path, table in files:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        group[path] = sink.getvalue().to_pybytes()
        if sum(map(len, group.values())) >= PUT_BATCH_BYTES:
            fs.pipe(group)
            group = {}
    if group:
        fs.pipe(group)
