"""Ingest: find input files, read them into records, decode, and account for every one.

A record is one article as it arrived: a .txt or .html file, a .json file, or one line of a
.jsonl(.gz) file. Each record gets a content hash of its bytes; records an earlier run read
are marked `already_seen` without being parsed, and unreadable ones are `rejected` with a
reason. Nothing read is dropped: every record leaves here with a row.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields

import charset_normalizer
import fsspec
import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.lake import Lake

MAX_RECORD_BYTES = 10 * 2**20
TEXT_SUFFIXES = (".txt",)
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES

# A well-formed UTF-8 multi-byte sequence: its presence means the writer meant UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
# Control characters (Unicode category Cc) other than the usual whitespace.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class InputError(RuntimeError):
    """The input location cannot be reached or listed."""


class Rejected(ValueError):
    """A record that cannot be read; the message is the reason logged."""


@dataclass
class Record:
    source_uri: str
    content_sha256: str
    bytes: int
    status: str | None = None  # None: goes on to cleaning; else "rejected" / "already_seen"
    reason: str | None = None
    source_id: str | None = None
    format: str | None = None  # "text" (raw scraped text) or "page" (extracted from HTML)
    text: str | None = None
    title: str | None = None
    published: str | None = None
    authors: str | None = None
    source_name: str | None = None
    url: str | None = None


RECORD_SCHEMA = pa.schema([(f.name, pa.int64() if f.name == "bytes" else pa.string())
                           for f in fields(Record)])


def list_inputs(input_url: str) -> tuple[fsspec.AbstractFileSystem, list[str]]:
    """Every file below `input_url` (or the file itself), recursively, in a stable order."""
    try:
        fs, root = fsspec.core.url_to_fs(input_url)
        if fs.isfile(root):
            return fs, [root]
        if not fs.isdir(root):
            raise InputError(f"input {input_url!r} does not exist")
        return fs, sorted(fs.find(root))
    except (OSError, ImportError, ValueError) as exc:
        raise InputError(f"cannot read input {input_url!r}: {exc}") from exc


def read_records(fs: fsspec.AbstractFileSystem, paths: list[str], seen: set[str],
                 max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Records of the given files, in order; `seen` holds content hashes read before."""
    for path in paths:
        uri = _uri(fs, path)
        suffix = next((s for s in SUFFIXES if path.lower().endswith(s)), None)
        try:
            size = fs.size(path)
            if suffix in JSONL_SUFFIXES:
                yield from _read_jsonl(fs, path, uri, seen, max_bytes)
                continue
            if size > max_bytes:
                yield Record(uri, _sha256_file(fs, path), size, "rejected",
                             f"oversized: {size} bytes, limit {max_bytes}")
                continue
            raw = fs.cat_file(path)
        except OSError as exc:
            yield Record(uri, "", 0, "rejected", f"unreadable: {exc}")
            continue
        record = Record(uri, hashlib.sha256(raw).hexdigest(), len(raw))
        if suffix is None:
            yield _reject(record, "unsupported file type")
        elif record.content_sha256 in seen:
            yield _mark_seen(record)
        else:
            yield _parse(record, raw, suffix)


def records_table(records: list[Record]) -> pa.Table:
    return pa.Table.from_pylist([asdict(r) for r in records], schema=RECORD_SCHEMA)


@task(name="ingest", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
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


# ---- parsing -----------------------------------------------------------------------------

def _parse(record: Record, raw: bytes, suffix: str) -> Record:
    try:
        if not raw.strip():
            raise Rejected("empty")
        if suffix in HTML_SUFFIXES:
            return _from_page(record, raw)
        text = decode(raw)
        if suffix in JSON_SUFFIXES:
            return _from_json(record, _json_object(text))
        return _with(record, format="text", text=_require_text(text))
    except Rejected as exc:
        return _reject(record, str(exc))


def _read_jsonl(fs: fsspec.AbstractFileSystem, path: str, uri: str, seen: set[str],
                max_bytes: int) -> Iterator[Record]:
    opener = gzip.open if path.lower().endswith(".gz") else (lambda fh: fh)
    with fs.open(path, "rb") as raw_fh:
        try:
            lines = list(enumerate(opener(raw_fh), start=1))
        except (OSError, EOFError) as exc:
            yield Record(uri, _sha256_file(fs, path), fs.size(path), "rejected",
                         f"unreadable compressed file: {exc}")
            return
    if not any(line.strip() for _, line in lines):
        yield Record(uri, hashlib.sha256(b"").hexdigest(), 0, "rejected", "empty")
    for number, line in lines:
        if not line.strip():
            continue  # a blank line is no record
        record = Record(f"{uri}#{number}", hashlib.sha256(line).hexdigest(), len(line))
        if record.content_sha256 in seen:
            yield _mark_seen(record)
        elif len(line) > max_bytes:
            yield _reject(record, f"oversized: {len(line)} bytes, limit {max_bytes}")
        else:
            try:
                yield _from_json(record, _json_object(decode(line)))
            except Rejected as exc:
                yield _reject(record, str(exc))


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
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                       ) from None
    if not isinstance(obj, dict):
        raise Rejected(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def _from_json(record: Record, obj: dict) -> Record:
    text = obj.get("text") or obj.get("content")
    if not isinstance(text, str):
        raise Rejected("no 'text' or 'content' string field")
    authors = obj.get("authors")
    source = obj.get("source")
    return _with(record, format="text", text=_require_text(text),
                 source_id=_str(obj.get("id")), title=_str(obj.get("title")),
                 published=_str(obj.get("date") or obj.get("published")),
                 authors=", ".join(map(str, authors)) if isinstance(authors, list)
                 else _str(authors),
                 source_name=_str(source.get("name") if isinstance(source, dict) else source),
                 url=_str(obj.get("url")))


def _from_page(record: Record, raw: bytes) -> Record:
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None or not (doc.text or "").strip():
        raise Rejected("no article text found in the page")
    return _with(record, format="page", text=doc.text, title=doc.title,
                 published=doc.date, authors=doc.author, source_name=doc.sitename,
                 url=doc.url)


def _require_text(text: str) -> str:
    if not text.strip():
        raise Rejected("empty text")
    return text


def _with(record: Record, **values: str | None) -> Record:
    for name, value in values.items():
        setattr(record, name, value)
    return record


def _reject(record: Record, reason: str) -> Record:
    return _with(record, status="rejected", reason=reason)


def _mark_seen(record: Record) -> Record:
    return _with(record, status="already_seen", reason="content read by an earlier run")


def _str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _uri(fs: fsspec.AbstractFileSystem, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return path if protocol in ("file", "local") else fs.unstrip_protocol(path)


def _sha256_file(fs: fsspec.AbstractFileSystem, path: str) -> str:
    digest = hashlib.sha256()
    with fs.open(path, "rb") as fh:
        while chunk := fh.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()

