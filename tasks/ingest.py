"""Ingest: find input files, read them into records, decode, and account for every one.

A record is one article as it arrived: a .txt or .html file, a .json file, or one line of a
.jsonl(.gz) file. Each record gets a content hash of its bytes; records an earlier run read
are marked `already_seen` without being parsed, and unreadable ones are `rejected` with a
reason. Nothing read is dropped: every record leaves here with a row.

One input never stops the run. Input that is bad by our rules (binary, oversized, malformed,
a dangling link, a damaged gzip stream) is `rejected`; an unexpected exception while reading
or parsing one record (a bug of ours or of a library) makes that record `failed`, and
reading goes on. Memory stays near `max_bytes` whatever the input: files and lines are read
in bounded pieces and an oversized line is hashed as it streams past, never held.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from functools import partial

import charset_normalizer
import fsspec
import pyarrow as pa
from fsspec.implementations.local import LocalFileSystem
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.lake import Lake

MAX_RECORD_BYTES = 10 * 2**20
TEXT_SUFFIXES = (".txt",)
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()  # the hash of a record of which nothing was read
READ_CHUNK = 2**20  # bytes read (or decompressed) at a time
GZIP_INPUT = 2**16  # compressed bytes fed to the decompressor at a time
REASON_MAX = 300
JSON_CONTAINERS = 100_000  # more arrays and objects than this in one record: rejected

# A well-formed UTF-8 multi-byte sequence: its presence means the writer meant UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
# Control characters (Unicode category Cc) other than the usual whitespace.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_START = re.compile(r"[ \t\n\r]*(.)", re.S)


class InputError(RuntimeError):
    """The input location cannot be reached or listed."""


class Rejected(ValueError):
    """A record that cannot be read; the message is the reason logged."""


class _Damaged(Exception):
    """A compressed stream is corrupt or truncated; the message says where and how."""


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
_STRING_FIELDS = ("source_id", "text", "title", "published", "authors", "source_name", "url")


def list_inputs(input_url: str) -> tuple[fsspec.AbstractFileSystem, list[str]]:
    """Every file below `input_url` (or the file itself), recursively, in a stable order.

    Symlinked folders are not followed (they are listed, and rejected when read). A local
    folder below the input that cannot be listed is listed itself, so that it is rejected
    with a reason rather than silently missing (fsspec's walk would skip it).
    """
    try:
        fs, root = fsspec.core.url_to_fs(input_url)
        if fs.isfile(root):
            return fs, [root]
        if not fs.isdir(root):
            raise InputError(f"input {input_url!r} does not exist")
        if isinstance(fs, LocalFileSystem):
            return fs, _find_local(fs, root)
        return fs, sorted(fs.find(root))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot list input {input_url!r}: {_describe(exc)}") from exc


def _find_local(fs: LocalFileSystem, root: str) -> list[str]:
    found, folders = [], [root]
    while folders:
        folder = folders.pop()
        try:
            listing = fs.ls(folder, detail=True)
        except OSError:
            if folder == root:
                raise
            found.append(folder)
            continue
        for info in listing:
            (folders if info["type"] == "directory" else found).append(info["name"])
    return sorted(found)


def read_records(fs: fsspec.AbstractFileSystem, paths: list[str], seen: set[str],
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


# No task retries: a missing input fails at once; object-store reads retry in fsspec itself.
@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(input_url: str, lake_url: str, staging_url: str, max_bytes: int,
                batch_size: int) -> list[str]:
    """Read the input into staged batches of records; returns their paths."""
    lake, staging = Lake(lake_url), Lake(staging_url)
    fs, paths = list_inputs(input_url)
    records = read_records(fs, paths, lake.seen_hashes(), max_bytes)
    out = []
    while batch := list(itertools.islice(records, batch_size)):
        out.append(staging.path(f"records-{len(out):05d}.parquet"))
        staging.write_parquet(records_table(batch), out[-1])
    return out


# ---- reading -----------------------------------------------------------------------------

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
            chunks = (_gunzip(fh) if path.lower().endswith(".gz")
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


class _Lines:
    """The lines of a stream of byte chunks, numbered from 1, as (number, bytes, size,
    sha256). A line longer than `limit` is hashed and counted as it streams past but not
    kept (bytes None), so memory stays near `limit` whatever the line's length; the sha256
    of a kept line is left to the reader (None), who skips blank ones."""

    def __init__(self, chunks: Iterator[bytes], limit: int):
        self.chunks, self.limit = chunks, limit
        self.number, self.offset = 1, 0  # the line being read, and where it starts
        self._kept: list[bytes] = []
        self._size = 0
        self._digest: hashlib._Hash | None = None  # set once the line is over the limit

    def __iter__(self) -> Iterator[tuple[int, bytes | None, int, str | None]]:
        for chunk in self.chunks:
            start = 0
            while end := chunk.find(b"\n", start) + 1:
                if self._size or end - start > self.limit:  # a long or continued line
                    self._add(chunk[start:end])
                    yield self._take()
                else:  # the common case: the whole line is in this chunk
                    yield self.number, chunk[start:end], end - start, None
                    self.number, self.offset = self.number + 1, self.offset + end - start
                start = end
            if start < len(chunk):
                self._add(chunk[start:])
        if self._size:  # a last line without a newline
            yield self._take()

    def partial(self) -> tuple[str, int]:
        """sha256 and size of what was read of the current line so far."""
        digest = self._digest.copy() if self._digest else hashlib.sha256(b"".join(self._kept))
        return digest.hexdigest(), self._size

    def _add(self, piece: bytes) -> None:
        self._size += len(piece)
        if self._digest is None and self._size <= self.limit:
            self._kept.append(piece)
            return
        if self._digest is None:
            self._digest = hashlib.sha256()
            for kept in self._kept:
                self._digest.update(kept)
            self._kept = []
        self._digest.update(piece)

    def _take(self) -> tuple[int, bytes | None, int, str | None]:
        line = None if self._digest else b"".join(self._kept)
        out = (self.number, line, self._size, self._digest and self._digest.hexdigest())
        self.number, self.offset = self.number + 1, self.offset + self._size
        self._kept, self._size, self._digest = [], 0, None
        return out


def _gunzip(fh: object) -> Iterator[bytes]:
    """The decompressed bytes of a gzip file (all its members), at most READ_CHUNK at a
    time. At the first corrupt or missing byte, everything before it has been yielded and
    _Damaged names the compressed byte offset and the error."""
    inflate, data, position = zlib.decompressobj(wbits=31), b"", 0
    while True:
        if not data:
            data = fh.read(GZIP_INPUT)
            if not data:
                if tail := _inflate(inflate, b"", position):  # output held back by the cap
                    yield tail
                    continue
                break
        if inflate.eof:  # a member ended: another may follow; zero bytes may pad the end
            padding = len(data) - len(data.lstrip(b"\0"))
            data, position = data[padding:], position + padding
            if not data:
                continue
            inflate = zlib.decompressobj(wbits=31)
        before = inflate.copy()
        try:
            out = _inflate(inflate, data, position)
        except _Damaged:  # find the exact byte: everything before it is kept
            yield from _salvage(before, data, position)
            raise
        rest = inflate.unused_data if inflate.eof else inflate.unconsumed_tail
        data, position = rest, position + len(data) - len(rest)
        if out:
            yield out
    if position and not inflate.eof:
        raise _Damaged(f"gzip data ends early, at byte {position}: the file is truncated")


def _inflate(inflate: zlib._Decompress, data: bytes, position: int) -> bytes:
    try:
        return inflate.decompress(data, READ_CHUNK)
    except zlib.error as exc:
        raise _Damaged(f"corrupt gzip data near byte {position}: {exc}") from None


def _salvage(inflate: zlib._Decompress, data: bytes, position: int) -> Iterator[bytes]:
    """Feed `data`, in which decompression failed, one byte at a time; raise _Damaged at
    the byte where it fails, after yielding what the bytes before it decode to."""
    for i in range(len(data)):
        try:
            out = inflate.decompress(data[i:i + 1])
        except zlib.error as exc:
            raise _Damaged(f"corrupt gzip data at byte {position + i}: {exc}") from None
        if out:
            yield out


# ---- parsing -----------------------------------------------------------------------------

def _parse(record: Record, raw: bytes, suffix: str) -> Record:
    try:
        if not raw or raw.isspace():
            raise Rejected("empty")
        if suffix in HTML_SUFFIXES:
            return _from_page(record, raw)
        text = decode(raw)
        if suffix in TEXT_SUFFIXES:
            return _with(record, format="text", text=_require_text(text))
        record = _from_json(record, _json_object(text))
        # Escapes can make what decoded bytes cannot: control characters, lone surrogates.
        if "\\u00" in text:
            _textual(record.text)
        return _repaired(record) if "\\ud" in text or "\\uD" in text else record
    except Rejected as exc:
        return _reject(record, str(exc))
    except Exception as exc:  # ours, not the input's: this record fails, the run goes on
        return _failed(record, exc)


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) and UTF-16/32 with BOM first; otherwise the
    encoding charset-normalizer detects. Corrupt UTF-8 and binary data are rejected."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            try:
                return _textual(raw.decode(codec))
            except UnicodeDecodeError as exc:
                raise Rejected(f"invalid {codec}: {exc.reason} at byte {exc.start}") from None
    try:
        return _textual(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(raw):  # meant as UTF-8, but corrupt
            raise Rejected(f"invalid UTF-8: {exc.reason} at byte {exc.start}") from None
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise Rejected("binary or undecodable content")
    return _textual(str(best))


def _textual(text: str) -> str:
    """Refuse text that is mostly control characters: that is binary data decoded by luck."""
    control = len(_CONTROL.findall(text))
    if control > max(2, len(text) // 1000):
        raise Rejected(f"binary content: {control} control characters")
    return text


def _json_object(text: str) -> dict:
    start = _JSON_START.match(text)
    if start and start[1] == "[":  # not parsed: an array is no article
        raise Rejected("expected a JSON object, got list")
    # Each array or object costs ~50 bytes parsed: a record of empty ones takes 25x its size.
    if len(text) > 2 * JSON_CONTAINERS and text.count("[") + text.count("{") > JSON_CONTAINERS:
        raise Rejected(f"not an article: more than {JSON_CONTAINERS} JSON arrays and objects")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                       ) from None
    except RecursionError:
        raise Rejected("malformed JSON: nested too deep") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise Rejected(f"malformed JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise Rejected(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def _from_json(record: Record, obj: dict) -> Record:
    text = obj.get("text") or obj.get("content")
    if not isinstance(text, str):
        raise Rejected("no 'text' or 'content' string field")
    source = obj.get("source")
    notes: list[str] = []
    return _with(record, format="text", text=_require_text(text),
                 source_id=_scalar("id", obj.get("id"), notes),
                 title=_scalar("title", obj.get("title"), notes),
                 published=_scalar("date", obj.get("date") or obj.get("published"), notes),
                 authors=_authors(obj.get("authors"), notes),
                 source_name=_scalar("source", source.get("name") if isinstance(source, dict)
                                     else source, notes),
                 url=_scalar("url", obj.get("url"), notes),
                 note="; ".join(notes) or None)


def _scalar(name: str, value: object, notes: list[str]) -> str | None:
    """A metadata string (a number is written out); anything else is dropped with a note."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return _str(value)
    if value is not None:
        notes.append(f"{name} dropped: expected a string, got {type(value).__name__}")
    return None


def _authors(value: object, notes: list[str]) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _str(", ".join(v for v in value if v))
    if isinstance(value, str) or value is None:
        return _str(value)
    got = type(value).__name__
    if isinstance(value, list):
        got += " of " + type(next(v for v in value if not isinstance(v, str))).__name__
    notes.append(f"authors dropped: expected a string or a list of strings, got {got}")
    return None


def _from_page(record: Record, raw: bytes) -> Record:
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None or not (doc.text or "").strip():
        raise Rejected("no article text found in the page")
    return _with(record, format="page", text=doc.text, title=doc.title,
                 published=doc.date, authors=doc.author, source_name=doc.sitename,
                 url=doc.url)


def _repaired(record: Record) -> Record:
    """Lone surrogates (JSON's "\\ud800" escape) cannot be written as UTF-8: U+FFFD instead."""
    broken = [name for name in _STRING_FIELDS
              if (value := getattr(record, name)) and _SURROGATE.search(value)]
    for name in broken:
        setattr(record, name, _SURROGATE.sub("\ufffd", getattr(record, name)))
    if broken:
        note = f"lone surrogates replaced with U+FFFD in {', '.join(broken)}"
        record.note = f"{record.note}; {note}" if record.note else note
    return record


def _require_text(text: str) -> str:
    if not text.strip():
        raise Rejected("empty text")
    return text


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


def _str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _uri(fs: fsspec.AbstractFileSystem, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return _utf8(path if protocol in ("file", "local") else fs.unstrip_protocol(path))


def _utf8(text: str) -> str:
    """`text` as valid UTF-8, deterministically: a byte a file name could not decode
    (Python's surrogate escape) as `\\xNN`, any other lone surrogate as `\\udNNN`."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\x{ord(m[0]) - 0xdc00:02x}"
                          if "\udc80" <= m[0] <= "\udcff" else f"\\u{ord(m[0]):04x}", text)


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
