"""What ingest remembers between runs: the input files it read, and the content it read.

- The input file log (`_state/input_files/`): one row per file a published run read whole,
  with its size and version (modification time, or ETag on object stores). A listed file
  whose size and version are logged is skipped without being opened. A file is logged only
  when none of its records is to be read again (rejected, failed or quarantined), and only
  when its run publishes: a blocked or crashed run leaves its files to be read again.
- Seen content hashes (`_state/seen/`): the bytes of every record that was published or
  found to be a duplicate. In a new or changed file, a record with such bytes is
  `already_seen`. Looked up once per batch of records, in the hashes' buckets only.

Both are rebuilt by `tasks.state` when missing: the hashes from ingest_log; the file log
starts empty (its sizes and versions are nowhere else), so every file is read once more and
its records logged `already_seen`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from tasks.lake import RETRIED, Lake
from tasks.state import State
from tasks.state.store import BucketedTable

SEEN_TABLE = BucketedTable("seen", "content_sha256",
                           pa.schema([("content_sha256", pa.string())]), buckets=16)
FILES_TABLE = BucketedTable("input_files", "uri_hash",
                            pa.schema([("uri_hash", pa.string()), ("uri", pa.string()),
                                       ("size", pa.int64()), ("version", pa.string())]),
                            buckets=16)
_RECORD_NUMBER = re.compile(r"#\d+$")


class AskedHashes:
    """A stand-in for the seen set while a batch is read: notes every hash asked about and
    answers no; `seen_later` then looks them up in the lake at once."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __contains__(self, sha256: object) -> bool:
        self.asked.add(str(sha256))
        return False


def seen_among(lake: Lake, hashes: Iterable[str]) -> set[str]:
    """Which of `hashes` earlier runs read (published or found duplicate)."""
    found = SEEN_TABLE.lookup(lake, hashes, ["content_sha256"])
    return set(found["content_sha256"].to_pylist())


def file_versions(infos: Iterable[dict]) -> pa.Table:
    """Rows of the file log for fsspec `info` dicts (with the file's uri under "uri")."""
    rows = [{"uri_hash": uri_hash(i["uri"]), "uri": i["uri"], "size": i.get("size"),
             "version": version(i)} for i in infos]
    return pa.Table.from_pylist(rows, schema=FILES_TABLE.schema)


def version(info: dict) -> str | None:
    """What changes when a file's content does: the ETag on object stores, else its mtime."""
    for key in ("ETag", "etag", "mtime", "LastModified", "last_modified", "updated"):
        if info.get(key) is not None:
            return f"{key}:{info[key]}"
    return None


def uri_hash(uri: str) -> str:
    return hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def unchanged(lake: Lake, listed: pa.Table) -> set[str]:
    """The uris of listed files (file_versions rows) logged with the same size and version."""
    if not listed.num_rows:
        return set()
    logged = FILES_TABLE.lookup(lake, listed["uri_hash"].to_pylist(), ["uri", "size", "version"])
    known = set(zip(*logged.to_pydict().values(), strict=True)) if logged.num_rows else set()
    return {uri for uri, size, ver in zip(*listed.select(["uri", "size", "version"])
                                          .to_pydict().values(), strict=True)
            if ver is not None and (uri, size, ver) in known}


def files_done(read: pa.Table, ingest_log: pa.Table) -> pa.Table:
    """The files a run read (file_versions rows) none of whose records is to be read again."""
    retried = ingest_log.filter(pc.is_in(ingest_log["status"], pa.array(RETRIED)))
    again = set(retried["source_uri"].to_pylist())
    again |= {_RECORD_NUMBER.sub("", uri) for uri in again}  # a JSONL file's line `uri#N`
    return read.filter(pa.array([u not in again for u in read["uri"].to_pylist()], pa.bool_()))


def new_hashes(ingest_log: pa.Table) -> pa.Table:
    """The content hashes a published run adds to the seen ones."""
    kept = ingest_log.filter(pc.is_in(ingest_log["status"], pa.array(["published", "duplicate"])))
    return pa.table({"content_sha256": pc.unique(kept["content_sha256"])},
                    schema=SEEN_TABLE.schema)


def _rebuild_seen(lake: Lake, tag: str) -> None:
    log = lake.read("ingest_log", ["content_sha256", "status"])
    if log is None:
        log = pa.table({"content_sha256": pa.array([], pa.string())})
    else:  # what earlier runs read and will not read again
        log = log.filter(pc.invert(pc.is_in(log["status"], pa.array(RETRIED))))
    hashes = pa.table({"content_sha256": pc.unique(log["content_sha256"])},
                      schema=SEEN_TABLE.schema)
    SEEN_TABLE.replace(lake, hashes, tag)


def _rebuild_files(lake: Lake, tag: str) -> None:
    FILES_TABLE.replace(lake, FILES_TABLE.schema.empty_table(), tag)


SEEN = State("seen", 2, _rebuild_seen, {"seen": SEEN_TABLE.schema})
INPUT_FILES = State("input_files", 2, _rebuild_files, {"input_files": FILES_TABLE.schema})
