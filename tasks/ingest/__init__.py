"""Ingest: find input files, read them into records, decode, and account for every one.

A record is one article as it arrived: a .txt or .html file, a .json file, or one line of a
.jsonl(.gz) file. A file unchanged since a published run read it (same path, size and
modification time or ETag: the input file log, `seen.py`) is skipped unopened and only
counted. In the files read, each record gets a content hash of its bytes; records whose
bytes an earlier run read are marked `already_seen` (the hashes are looked up a batch at a
time), and unreadable ones are `rejected` with a reason. Nothing read is dropped: every
record leaves here with a row.

One input never stops the run. Input that is bad by our rules (binary, oversized, malformed,
a dangling link, a damaged gzip stream) is `rejected`; an unexpected exception while reading
or parsing one record (a bug of ours or of a library) makes that record `failed`, and
reading goes on. Memory stays near `max_bytes` whatever the input: files and lines are read
in bounded pieces and an oversized line is hashed as it streams past, never held.

The stage's modules, in the order a file passes through them: `files` reads one input file
into records, `streams` splits (and unzips) JSONL in bounded pieces, `parse` turns a
record's bytes into text and metadata, and `record` holds the record and how one ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterator
from dataclasses import asdict, dataclass

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
from fsspec.implementations.local import LocalFileSystem
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.ingest.files import _describe, _read_file
from tasks.ingest.parse import Rejected, decode, from_page
from tasks.ingest.record import (
    EMPTY_SHA256,
    REASON_MAX,
    RECORD_SCHEMA,
    Record,
    _failed,
    _mark_seen,
    _utf8,
)
from tasks.ingest.seen import AskedHashes, file_versions, seen_among, unchanged
from tasks.ingest.streams import GZIP_INPUT
from tasks.lake import Lake

# What flows, evaluation and tests import from the stage.
__all__ = ["EMPTY_SHA256", "GZIP_INPUT", "MAX_RECORD_BYTES", "REASON_MAX", "Ingested",
           "InputError", "Record", "Rejected", "from_page", "decode", "ingest_task", "list_inputs",
           "read_records", "records_table"]

MAX_RECORD_BYTES = 10 * 2**20


class InputError(RuntimeError):
    """The input location cannot be reached or listed."""


def list_inputs(input_url: str) -> tuple[fsspec.AbstractFileSystem, list[str]]:
    """Every file below `input_url` (or the file itself), recursively, in a stable order."""
    fs, infos = list_input_infos(input_url)
    return fs, [info["name"] for info in infos]


def list_input_infos(input_url: str) -> tuple[fsspec.AbstractFileSystem, list[dict]]:
    """list_inputs with each file's fsspec info (size, mtime or ETag), from the listing.

    Symlinked folders are not followed (they are listed, and rejected when read). A local
    folder below the input that cannot be listed is listed itself, so that it is rejected
    with a reason rather than silently missing (fsspec's walk would skip it).
    """
    try:
        # No listings cache: one process running flows one after another (a worker, the
        # tests) must see the files that landed on an object store since the last run.
        fs, root = fsspec.core.url_to_fs(input_url, use_listings_cache=False)
        if fs.isfile(root):
            return fs, [fs.info(root)]
        if not fs.isdir(root):
            raise InputError(f"input {input_url!r} does not exist")
        if isinstance(fs, LocalFileSystem):
            return fs, _find_local(fs, root)
        return fs, [info for _, info in sorted(fs.find(root, detail=True).items())]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot list input {input_url!r}: {_describe(exc)}") from exc


def _find_local(fs: LocalFileSystem, root: str) -> list[dict]:
    found, folders = [], [root]
    while folders:
        folder = folders.pop()
        try:
            listing = fs.ls(folder, detail=True)
        except OSError:
            if folder == root:
                raise
            found.append({"name": folder, "type": "directory"})
            continue
        for info in listing:
            if info["type"] == "directory":
                folders.append(info["name"])
            else:
                found.append(info)
    return sorted(found, key=lambda info: info["name"])


def read_records(fs: fsspec.AbstractFileSystem, paths: list[str], seen: Container[str],
                 max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Records of the given files, in order; `seen` holds content hashes read before."""
    for path in paths:
        uri = _uri(fs, path)
        try:
            yield from _read_file(fs, path, uri, seen, max_bytes)
        except Exception as exc:  # ours, not the input's: this file fails, the run goes on
            yield _failed(Record(uri, EMPTY_SHA256, 0), exc)


def records_table(records: list[Record]) -> pa.Table:
    return pa.Table.from_pylist([asdict(r) for r in records], schema=RECORD_SCHEMA)


@dataclass
class Ingested:
    """What ingest staged: record batches, the log rows of the files it read, and how many
    files it skipped as unchanged since a published run read them."""

    batches: list[str]
    files: list[str]
    unchanged: int = 0


# No task retries: a missing input fails at once; object-store reads retry in fsspec itself.
@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(input_url: str, lake_url: str, staging_url: str, max_bytes: int,
                batch_size: int) -> Ingested:
    """Read the new and changed input files into staged batches of records."""
    lake, staging = Lake(lake_url), Lake(staging_url)
    fs, infos = list_input_infos(input_url)
    for info in infos:
        info["uri"] = _uri(fs, info["name"])
    listed = file_versions(i for i in infos if i.get("type") == "file")
    skipped = unchanged(lake, listed)
    asked = AskedHashes()  # whether a record was read before is looked up batch by batch
    records = read_records(fs, [i["name"] for i in infos if i["uri"] not in skipped], asked,
                           max_bytes)
    out = []
    while batch := list(itertools.islice(records, batch_size)):
        seen = seen_among(lake, asked.asked - {EMPTY_SHA256})
        asked.asked.clear()
        batch = [_mark_seen(Record(r.source_uri, r.content_sha256, r.bytes))
                 if r.content_sha256 in seen else r for r in batch]
        out.append(staging.path(f"records-{len(out):05d}.parquet"))
        staging.write_parquet(records_table(batch), out[-1])
    read = listed.filter(pc.invert(pc.is_in(listed["uri"], pa.array(list(skipped), pa.string()))))
    files = [staging.path("input-files.parquet")] if read.num_rows else []
    for path in files:
        staging.write_parquet(read, path)
    return Ingested(out, files, len(skipped))


def _uri(fs: fsspec.AbstractFileSystem, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return _utf8(path if protocol in ("file", "local") else fs.unstrip_protocol(path))
