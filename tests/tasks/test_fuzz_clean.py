"""Fuzzing clean: clean_record on generated records never fails but by rejecting the record
(ValueError: nothing of an article left), in bounded time, and what it returns is an article
the later stages can take: a UTF-8 body of paragraphs, no invisible characters, no lone
surrogates, an id and a word count that agree with it.

CI size: ~1,500 records in ~7 s. Nightly size: WIREDESK_FUZZ_EXAMPLES=500 gives 2,000
records a test (random rather than derandomized examples).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.clean import clean_record, normalize_text, split_paragraphs

NIGHTLY = int(os.environ.get("WIREDESK_FUZZ_EXAMPLES", "0") or 0)
NOW = dt.datetime(2024, 8, 20, tzinfo=dt.UTC)


def fuzz(ci_examples: int, nightly_share: float = 1.0) -> settings:
    """This module's settings; no global hypothesis profile is loaded."""
    return settings(max_examples=max(ci_examples, round(NIGHTLY * nightly_share)) if NIGHTLY
                    else ci_examples,
                    deadline=None, derandomize=not NIGHTLY, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


def budget(text: str) -> float:
    """CPU seconds clean may take: a quarter second, plus 2 s a megabyte (it takes ~0.3)."""
    return 0.25 + len(text) / 500_000


@lru_cache(maxsize=1)
def _warm() -> None:
    """The language detector and the date parser load their models on first use."""
    clean_record({"source_uri": "warm", "text": "date 2024-08-18\n\nWarm up.",
                  "published": "August 18, 2024"}, NOW)


def _timed(record: dict) -> tuple[dict | None, float]:
    """clean_record's article (None if it rejects the record) and its CPU seconds."""
    started = time.process_time()
    try:
        article = clean_record(record, NOW)
    except ValueError as exc:
        assert str(exc) == "no article text left after cleaning"
        article = None
    return article, time.process_time() - started


def cleaned(record: dict) -> dict | None:
    """clean_record with the properties asserted; None when the record is rejected."""
    _warm()
    record = {"source_uri": "fuzz://record", **record}
    article, spent = _timed(record)
    if spent > budget(record["text"]):  # timed again: a slow shape is slow twice, a
        spent = min(spent, _timed(record)[1])  # collection or a page fault once
    assert spent <= budget(record["text"]), f"clean took {spent:.2f} s CPU"
    if article is None:
        return None
    body = article["body"]
    body.encode("utf-8")  # no lone surrogate: hashing and Parquet need UTF-8
    assert body and body == body.strip() and "\r" not in body and "\n\n\n" not in body
    assert not re.search("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", body)
    assert all(p == p.strip() and p for p in body.split("\n\n"))
    assert re.fullmatch(r"[0-9a-f]{16}", article["article_id"])
    assert article["word_count"] == len(body.split()) > 0
    assert article["language"] and isinstance(article["language"], str)
    for name in ("title", "byline", "source_name"):
        if article[name] is not None:
            article[name].encode("utf-8")
            assert article[name] == " ".join(article[name].split()) != ""
    assert article["published_date"] is None or isinstance(article["published_date"], dt.date)
    return article


# --- what the records are made of ---------------------------------------------------------

_ODD = st.sampled_from(
    ["\x00", "\x07", "\t", "\x0b", "\x0c", "\r", "\r\n", "\x1b", "\x7f", "\x85", "\u2028",
     "\u2029", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200f", "\u202e",
     "\u00a0", "\u3000", "\ud800", "\udfff", "\u0301", "e\u0301", "\ufffd", "שלום", "قتل",
     "Москва", "北京", "😀", "«", "»", "“", "”", '"', "'", "’", "—", "…", "\n", "\n\n"])
_LINES = st.sampled_from(
    ["Share", "Share this article", "Related", "Advertisement", "© 2024 Reuters",
     "Copyright 2020 The Associated Press. All rights reserved.", "0 95", "1.2K", "...",
     "By Jane Doe and John Smith", "By", "date 2024-08-18", "Published on: 8/19/2024",
     "August 18, 2024", "Sunday, August 18, 2024 - KABUL", "18 August 2024", "2024-02-30",
     "Posted 31/31/2024", "Updated: Feb 30, 2024", "Oct 99, 9999", "Headline Without A Stop",
     "The police said 15 to 1 were killed.", "and the hard-wrapped line goes on",
     "Share on Facebook Twitter Email", "Click here to subscribe now", "»", "“", '"'])


@st.composite
def raw_texts(draw) -> str:
    pieces = draw(st.lists(st.one_of(_LINES, _ODD, st.text(max_size=60)), min_size=0,
                           max_size=40))
    glue = draw(st.sampled_from(["\n", "\n\n", " ", "", "\r\n", "\n \n", "\n\t\n"]))
    return glue.join(pieces)


_MAYBE_TEXT = st.one_of(st.none(), st.text(max_size=80), _LINES, _ODD)
_DATES = st.one_of(st.none(), st.sampled_from(
    ["2024-08-18", "8/19/24", "-1", "9999-12-31", "0000-00-00", "yesterday", "", " ",
     "Feb 30, 2024", "2024-08-18T25:61:00Z", "\ud800"]), st.dates().map(str))


@st.composite
def records(draw) -> dict:
    return {"text": draw(raw_texts()), "title": draw(_MAYBE_TEXT),
            "authors": draw(_MAYBE_TEXT), "published": draw(_DATES),
            "source_name": draw(_MAYBE_TEXT), "format": draw(st.sampled_from(["text", "page"]))}


# --- the tests ------------------------------------------------------------------------------

@fuzz(800, nightly_share=4)
@given(records())
def test_generated_records(record: dict) -> None:
    cleaned(record)


@fuzz(500, nightly_share=4)
@given(st.text(), st.one_of(st.none(), st.text(max_size=40)))
def test_any_unicode(text: str, title: str | None) -> None:
    cleaned({"text": text, "title": title, "format": "text"})


@fuzz(200, nightly_share=2)
@given(st.text(), st.text())
def test_normalize_and_split_are_stable(text: str, more: str) -> None:
    """normalize_text is idempotent, and every paragraph is non-empty and on one line."""
    once = normalize_text(text + more)
    assert normalize_text(once) == once
    once.encode("utf-8")
    assert all(p and "\n" not in p for p in split_paragraphs(once))


MEGABYTE = 1_000_000


@fuzz(4, nightly_share=0.005)
@given(st.sampled_from([" ", "\n", "\n\n", ", "]), st.text(min_size=1, max_size=20),
       st.booleans())
def test_a_megabyte_in_one_paragraph_or_wrapped_lines(glue: str, line: str,
                                                      lower: bool) -> None:
    """A 1 MB paragraph, and 1 MB hard-wrapped into lines that continue each other (each
    joined to the one before: this was quadratic, 7 s a megabyte)."""
    line = ("the line goes " if lower else "") + line.replace("\n", " ")[:20]
    text = "A headline\n\n" + glue.join([line] * (MEGABYTE // (len(line) + len(glue))))
    article = cleaned({"text": text, "format": "text"})
    if article is not None and glue == "\n" and lower and line.strip().isalpha():
        assert len(article["body"].split("\n\n")) == 1


def test_a_lone_surrogate_is_replaced_not_fatal() -> None:
    """A JSON "\\ud800" escape decodes to a lone surrogate, which cannot be encoded: the
    article id (a sha256 of the body) and the Parquet write failed on it."""
    article = cleaned({"text": "Police said \ud800 three were hurt.", "title": "Hurt \udfff",
                       "format": "text"})
    assert article["body"] == "Police said \ufffd three were hurt."
    assert article["title"] == "Hurt \ufffd"


def test_a_long_hard_wrapped_text_is_linear() -> None:
    """100,000 short hard-wrapped lines (1.1 MB) are one paragraph, joined in linear time
    (0.05 s; growing one string line by line took 4.5 s)."""
    text = "Start of it\n" + "\n".join(["the fox is"] * 100_000)
    started = time.process_time()
    paragraphs = split_paragraphs(text)
    assert time.process_time() - started < 1.0
    assert len(paragraphs) == 1 and paragraphs[0].count("fox") == 100_000
