from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import fsspec
import pytest

from tasks.ingest import InputError, Rejected, decode, list_inputs, read_records

TEXT = "Blinken arrived in Tel Aviv on Sunday. “We are negotiating,” he said — café."


def _read(folder: Path, seen: set[str] | None = None, max_bytes: int = 10 * 2**20):
    fs, paths = list_inputs(str(folder))
    return list(read_records(fs, paths, seen or set(), max_bytes))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_decodes_common_encodings(encoding: str) -> None:
    text = TEXT if encoding not in ("cp1252", "latin-1") else TEXT.replace("“", '"').replace(
        "”", '"').replace("—", "-")
    text = text * 3  # detection needs a few words
    assert decode(text.encode(encoding)) == text


def test_corrupt_utf8_and_binary_are_rejected() -> None:
    with pytest.raises(Rejected, match="invalid UTF-8"):
        decode("“quoted” text".encode() + b"\xff\xfe broken \xc3")
    with pytest.raises(Rejected, match="binary"):
        decode(bytes(range(256)) * 20)


def test_mojibake_is_text_not_binary() -> None:
    # cp1252 curly quotes and dashes decoded as latin-1 leave U+0080-U+009F in real articles.
    text = "The minister said \u0093we will act\u0094 \u0096 and then left. " * 40
    assert decode(text.encode()) == text


def test_every_format_is_read_with_metadata(tmp_path: Path, seeds: Path) -> None:
    (tmp_path / "a.txt").write_bytes((seeds / "000_e718f964ed1dc2e7.txt").read_bytes())
    (tmp_path / "b.json").write_text(json.dumps(
        {"id": "x1", "title": "T", "content": TEXT, "published": "2024-08-18",
         "authors": ["A. Writer", "B. Writer"], "source": {"name": "Wire"}, "url": "http://u"}))
    lines = [json.dumps({"id": i, "text": f"{TEXT} {i}"}) for i in range(3)]
    (tmp_path / "c.jsonl").write_text("\n".join(lines[:2]) + "\n\n")
    with gzip.open(tmp_path / "d.jsonl.gz", "wt") as fh:
        fh.write(lines[2] + "\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.html").write_text(
        "<html><head><title>Blinken in Israel</title></head><body><nav>Home | World</nav>"
        "<article><h1>Blinken in Israel</h1>" + "".join(
            f"<p>Paragraph {i}: {TEXT} The talks continue in Cairo this week.</p>"
            for i in range(6)) + "</article><footer>Leave a Reply</footer></body></html>")
    records = _read(tmp_path)
    assert [r.source_uri.rsplit("/", 1)[-1] for r in records] == [
        "a.txt", "b.json", "c.jsonl#1", "c.jsonl#2", "d.jsonl.gz#1", "e.html"]
    assert all(r.status is None for r in records), [r.reason for r in records]
    b = records[1]
    assert (b.source_id, b.title, b.published, b.authors, b.source_name, b.url) == (
        "x1", "T", "2024-08-18", "A. Writer, B. Writer", "Wire", "http://u")
    assert records[2].content_sha256 == hashlib.sha256(lines[0].encode() + b"\n").hexdigest()
    page = records[-1]
    assert page.format == "page" and "Paragraph 5" in page.text and "Home | World" not in page.text


def test_bad_files_are_rejected_with_reasons_and_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXT)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "corrupt.txt").write_bytes("“x” ".encode() * 10 + b"\xff\xfe\xc3(")
    (tmp_path / "bad.json").write_text('{"text": "unterminated')
    (tmp_path / "list.json").write_text('["not", "an", "object"]')
    (tmp_path / "notext.json").write_text('{"title": "no body"}')
    (tmp_path / "mixed.jsonl").write_text(json.dumps({"text": TEXT}) + "\n{oops\n")
    (tmp_path / "huge.txt").write_text("word " * 300_000)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    records = {r.source_uri.rsplit("/", 1)[-1]: r for r in _read(tmp_path, max_bytes=2**20)}
    reasons = {name: r.reason for name, r in records.items() if r.status == "rejected"}
    assert reasons == {
        "empty.txt": "empty", "blank.txt": "empty",
        "binary.txt": reasons["binary.txt"], "corrupt.txt": reasons["corrupt.txt"],
        "bad.json": reasons["bad.json"], "list.json": "expected a JSON object, got list",
        "notext.json": "no 'text' or 'content' string field",
        "mixed.jsonl#2": reasons["mixed.jsonl#2"], "huge.txt": reasons["huge.txt"],
        "image.png": "unsupported file type"}
    assert "binary" in reasons["binary.txt"] and "invalid UTF-8" in reasons["corrupt.txt"]
    assert reasons["bad.json"].startswith("malformed JSON")
    assert reasons["huge.txt"] == "oversized: 1500000 bytes, limit 1048576"
    assert records["good.txt"].status is None and records["mixed.jsonl#1"].status is None
    assert all(r.content_sha256 for r in records.values())


def test_seen_content_is_not_parsed_again(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    first = _read(tmp_path)[0]
    again = _read(tmp_path, seen={first.content_sha256})[0]
    assert (again.status, again.text) == ("already_seen", None)


def test_fsspec_urls_take_the_same_path() -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe("/drop/a.txt", TEXT.encode())
    records = list(read_records(*list_inputs("memory://drop"), set()))
    assert records[0].source_uri == "memory:///drop/a.txt" and records[0].text == TEXT


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list_inputs(str(tmp_path / "nowhere"))
