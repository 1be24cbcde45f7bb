"""Parsing: a record's bytes to its text and metadata, or to the reason they cannot be used.

Text is decoded by `decode`; a JSON record is checked before and after loading, and of its
metadata only strings (and numbers, written out) are kept; an HTML page is reduced to its
article by trafilatura. Bad input raises `Rejected` within; `_parse` makes that a rejected
record, and any other exception a failed one, so one record never stops the run.
"""

from __future__ import annotations

import json
import re

import charset_normalizer

from tasks.ingest.record import _SURROGATE, Record, _failed, _reject, _with

TEXT_SUFFIXES = (".txt",)
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES
JSON_CONTAINERS = 100_000  # more arrays and objects than this in one record: rejected

# A well-formed UTF-8 multi-byte sequence: its presence means the writer meant UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
# Control characters (Unicode category Cc) other than the usual whitespace.
# C0 controls (but tab, newline, return, form feed) and DEL: binary data decoded by luck has
# many. Not the C1 range U+0080-U+009F: that is mojibake (cp1252 quotes decoded twice) in
# real articles, which are read as they are.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_JSON_START = re.compile(r"[ \t\n\r]*(.)", re.S)
_STRING_FIELDS = ("source_id", "text", "title", "published", "authors", "source_name", "url")


class Rejected(ValueError):
    """A record that cannot be read; the message is the reason logged."""


def _parse(record: Record, raw: bytes, suffix: str) -> Record:
    try:
        if not raw or raw.isspace():
            raise Rejected("empty")
        if suffix in HTML_SUFFIXES:
            return from_page(record, raw)
        text = decode(raw)
        if suffix in TEXT_SUFFIXES:
            return _with(record, format="text", text=_require_text(text))
        record = from_json(record, _json_object(text))
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


def from_json(record: Record, obj: dict) -> Record:
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


def from_page(record: Record, raw: bytes) -> Record:
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


def _str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
