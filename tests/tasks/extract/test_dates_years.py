"""Dates: which four-digit numbers are years, decades and spans of years (real model)."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.extract import load_nlp
from tasks.extract.dates import extract_dates, resolve


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def dates(text: str, nlp, published: date | None = date(2016, 5, 1)) -> dict[str, tuple]:
    doc = nlp(text)
    rows = extract_dates(doc, "a", published)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    return {r["text"]: (r["resolved_date"], r["granularity"]) for r in rows}


@pytest.mark.parametrize("text,pub,expected", [
    ("the 1990s", date(2016, 5, 1), (date(1990, 1, 1), "decade")),
    ("the early 1990's", date(2016, 5, 1), (date(1990, 1, 1), "decade")),
    ("the '90s", date(2016, 5, 1), (date(1990, 1, 1), "decade")),
    ("the 20s", date(2016, 5, 1), (date(1920, 1, 1), "decade")),  # not yet the 2020s
    ("the mid-80s", None, (date(1980, 1, 1), "decade")),
    ("2001-2005", None, (date(2001, 1, 1), "span")),
    ("between 2010 and 2015", None, (date(2010, 1, 1), "span")),
    ("2010-11", None, (date(2010, 1, 1), "span")),
    ("1990", None, (date(1990, 1, 1), "year")),
    ("early 30s", date(2016, 5, 1), (None, "unknown")),  # "in his early 30s": an age
])
def test_decades_and_spans_have_their_own_granularity(text, pub, expected):
    assert resolve(text, pub) == expected


def test_a_decade_in_text_keeps_its_s(nlp):
    found = dates("Sales went up in the early 1990's, and in the 1980s.", nlp)
    assert found["the early 1990's"] == (date(1990, 1, 1), "decade")
    assert found["the 1980s"] == (date(1980, 1, 1), "decade")


@pytest.mark.parametrize("text,number", [
    ("The BlackBerry Curve 8900 went on sale on Tuesday.", "8900"),
    ("He bought a Nokia 6300 phone in March.", "6300"),
    ("The year 2999 is when the plan ends.", "2999"),
])
def test_model_numbers_and_far_years_are_no_dates(nlp, text, number):
    found = dates(text, nlp)
    assert not any(number in t for t in found)


def test_years_with_a_preposition_of_time_or_near_the_article(nlp):
    found = dates("The Founders met in 1787. The goal is to cut emissions by 2050. The 2016 "
                  "election is near.", nlp)
    assert found["1787"] == (date(1787, 1, 1), "year")
    assert found["2050"] == (date(2050, 1, 1), "year")
    assert found["2016"] == (date(2016, 1, 1), "year")
