"""Reading one input file into records: a one-record file whole, a JSONL file line by line.

Every record is hashed before it is parsed, so that content an earlier run read is marked
`already_seen` unparsed. Whatever keeps a file from being read (a dangling link, a folder,
a pipe, an OS error, a damaged gzip stream) becomes a rejected row with the reason in words.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from functools import partial

import fsspec
from fsspec.implementations.local import LocalFileSystem

from tasks.ingest.parse import JSONL_SUFFIXES, SUFFIXES, _parse
from tasks.ingest.record import EMPTY_SHA256, Record, _ended, _failure, _mark_seen, _reject
from tasks.ingest.streams import READ_CHUNK, _Damaged, _Lines, gunzip


def _read_file(fs: fsspec.AbstractFileSystem, path: str, uri: str, seen: set[str],
               max_bytes: int) -> Iterator[Record]:
    if problem := _not_a_file(fs, path):
        yield _reject(Record(uri, EMPTY_SHA256, 0), problem)
        return
    suffix = next((s for s in SUFFIXES if path.lower().endswith(s)), None)
    if suffix is None:  # not read: nothing in it could be used
        yield _reject(Record(uri, EMPTY_SHA256, 0), "unsupported file type")
    elif suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(fs, path, uri, seen, max_bytes)
    else:
        yield _read_whole(fs, path, uri, seen, max_bytes, suffix)


def _not_a_file(fs: fsspec.AbstractFileSystem, path: str) -> str | None:
    """Why `path` cannot be read as a file (a dangling link, a folder, a pipe...), or None."""
    try:
        info = fs.info(path)
    except OSError as exc:
        return _unreadable(fs, path, exc)
    if info.get("type") == "directory":
        try:
            fs.ls(path)
        except OSError as exc:
            return f"unlistable directory: {_describe(exc)}"
        return "a link to a directory: not followed" if info.get("islink") else "a directory"
    if info.get("type") == "other":  # reading a pipe could wait forever
        return "not a regular file (a pipe, socket or device)"
    return None


def _read_whole(fs: fsspec.AbstractFileSystem, path: str, uri: str, seen: set[str],
                max_bytes: int, suffix: str) -> Record:
    """A one-record file, read whole when it is at most `max_bytes` (else only hashed)."""
    try:
        with fs.open(path, "rb") as fh:
            raw: bytes | None = fh.read(max_bytes + 1)
            digest, size = hashlib.sha256(raw), len(raw)
            if size > max_bytes:
                raw = None
                while chunk := fh.read(READ_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
    except OSError as exc:
        return _reject(Record(uri, EMPTY_SHA256, 0), _unreadable(fs, path, exc))
    record = Record(uri, digest.hexdigest(), size)
    if record.content_sha256 in seen:
        return _mark_seen(record)
    if raw is None:
        return _reject(record, f"oversized: {size} bytes, limit {max_bytes}")
    return _parse(record, raw, suffix)


def _read_jsonl(fs: fsspec.AbstractFileSystem, path: str, uri: str, seen: set[str],
                max_bytes: int) -> Iterator[Record]:
    """One record a line, streamed: every line read before a fault is kept, and the rest of
    the file from the line where it broke becomes one rejected (damage) or failed row."""
    lines, count = None, 0
    try:
        with fs.open(path, "rb") as fh:
            chunks = (gunzip(fh) if path.lower().endswith(".gz")
                      else iter(partial(fh.read, READ_CHUNK), b""))
            lines = _Lines(chunks, max_bytes)
            for number, line, size, sha256 in lines:
                if line is not None:
                    if line.isspace():
                        continue  # a blank line is no record
                    sha256 = hashlib.sha256(line).hexdigest()
                count += 1
                yield _line_record(Record(f"{uri}#{number}", sha256, size), line, seen,
                                   max_bytes)
    except (OSError, _Damaged) as exc:
        yield _remainder(uri, lines, "rejected", exc, fs, path)
        return
    except Exception as exc:
        yield _remainder(uri, lines, "failed", exc, fs, path)
        return
    if not count:
        yield _reject(Record(uri, EMPTY_SHA256, 0), "empty")


def _line_record(record: Record, line: bytes | None, seen: set[str], max_bytes: int) -> Record:
    if record.content_sha256 in seen:
        return _mark_seen(record)
    if line is None:
        return _reject(record, f"oversized: {record.bytes} bytes, limit {max_bytes}")
    return _parse(record, line, ".jsonl")


def _remainder(uri: str, lines: _Lines | None, status: str, exc: Exception,
               fs: fsspec.AbstractFileSystem, path: str) -> Record:
    """The row for what could not be read of a JSONL file, from the line where it broke on:
    `uri#N`, its hash and size those of the bytes of line N read before the fault."""
    if lines is None:  # not even opened
        return _ended(Record(uri, EMPTY_SHA256, 0), status, _failure(exc)
                      if status == "failed" else _unreadable(fs, path, exc))
    sha256, size = lines.partial()
    where = f"line {lines.number} (byte {lines.offset} of the data)"
    if status == "failed":
        reason = f"{_failure(exc)} (from {where})"
    else:
        problem = str(exc) if isinstance(exc, _Damaged) else _describe(exc)
        reason = f"unreadable from {where}: {problem}"
    return _ended(Record(f"{uri}#{lines.number}", sha256, size), status, reason)


def _unreadable(fs: fsspec.AbstractFileSystem, path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, FileNotFoundError) and isinstance(fs, LocalFileSystem) \
            and os.path.islink(path):
        return f"dangling symlink (to {os.readlink(path)})"
    if isinstance(exc, IsADirectoryError):
        return "a directory"
    return f"unreadable: {_describe(exc)}"


def _describe(exc: BaseException) -> str:
    """One line about an exception: the OS's words for an OSError (the path is known)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(f"{type(exc).__name__}: {exc}".split())
