"""The record: one article as it arrived, and how a record ends when it goes no further.

Every module of the stage builds records and ends them the same way. An ended record keeps
only what identifies it (uri, hash, size) with its status and a reason that is bounded and
valid UTF-8, so that it can always be written to the ingest log.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields

import pyarrow as pa

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()  # the hash of a record of which nothing was read
REASON_MAX = 300

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Record:
    source_uri: str
    content_sha256: str
    bytes: int
    status: str | None = None  # None: goes on to cleaning; else rejected/failed/already_seen
    reason: str | None = None
    source_id: str | None = None
    format: str | None = None  # "text" (raw scraped text) or "page" (extracted from HTML)
    text: str | None = None
    title: str | None = None
    published: str | None = None
    authors: str | None = None
    source_name: str | None = None
    url: str | None = None
    note: str | None = None  # what was repaired or dropped on the way in, "; "-separated


RECORD_SCHEMA = pa.schema([(f.name, pa.int64() if f.name == "bytes" else pa.string())
                           for f in fields(Record)])


def _with(record: Record, **values: str | None) -> Record:
    for name, value in values.items():
        setattr(record, name, value)
    return record


def _ended(record: Record, status: str, reason: str) -> Record:
    """`record` ending here: only what identifies it, with a bounded, valid UTF-8 reason."""
    reason = _utf8(reason)
    if len(reason) > REASON_MAX:
        reason = reason[:REASON_MAX - 1] + "…"
    return Record(record.source_uri, record.content_sha256, record.bytes, status, reason)


def _reject(record: Record, reason: str) -> Record:
    return _ended(record, "rejected", reason)


def _failed(record: Record, exc: Exception) -> Record:
    return _ended(record, "failed", _failure(exc))


def _failure(exc: Exception) -> str:
    message = " ".join(str(exc).split())
    return f"ingest: {type(exc).__name__}: {message}" if message else \
        f"ingest: {type(exc).__name__}"


def _mark_seen(record: Record) -> Record:
    return _with(record, status="already_seen", reason="content read by an earlier run")


def _utf8(text: str) -> str:
    """`text` as valid UTF-8, deterministically: a byte a file name could not decode
    (Python's surrogate escape) as `\\xNN`, any other lone surrogate as `\\udNNN`."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\x{ord(m[0]) - 0xdc00:02x}"
                          if "\udc80" <= m[0] <= "\udcff" else f"\\u{ord(m[0]):04x}", text)
