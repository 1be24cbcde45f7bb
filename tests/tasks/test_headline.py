"""Headlines: time stamps and outlet names are no headline; a story's title is the best of its
articles' headlines, else a lead sentence cut at a word boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.headline import (
    LEAD_MAX_CHARS,
    is_headline_text,
    is_timestamp,
    lead_sentence,
    story_headline,
)

DAY = dt.date(2016, 10, 12)


@pytest.mark.parametrize("text", [
    "20:09 IST", "Oct. 12, 2016 8:09 PM ET", "Updated: 12/10/2016 20:09 GMT+5:30",
    "Monday 12 October 2016", "2016-10-12T08:09", "Published on 12th October, 2016 | 08:09 a.m.",
])
def test_time_stamps(text: str) -> None:
    assert is_timestamp(text) and not is_headline_text(text)


@pytest.mark.parametrize("text", [
    "ISIS claims 2016 attack", "May Day marches in Paris", "Talks resume in Cairo",
    "Blinken urges ceasefire talks between Israel, Hamas", "2 killed in Kabul blast",
])
def test_headlines_are_not_time_stamps(text: str) -> None:
    assert not is_timestamp(text) and is_headline_text(text)


@pytest.mark.parametrize("text,outlet", [
    ("", None), ("   ", None), ("Politics", None),  # one word: a section, not a headline
    ("Reuters", None), ("BBC News", None), ("breitbart.com", None),
    ("www.example.co.uk", None), ("Daily Planet", "Daily Planet"),
    (" ".join(["word"] * 26), None),
])
def test_not_headlines(text: str, outlet: str | None) -> None:
    assert not is_headline_text(text, outlet)


def test_lead_sentence_skips_datelines_and_abbreviations() -> None:
    body = ("WASHINGTON, Oct. 12, 2016 (Reuters) - U.S. Sen. Jane Roe said on Monday the talks "
            "would resume. She gave no date.\n\nMore text.")
    assert lead_sentence(body) == "U.S. Sen. Jane Roe said on Monday the talks would resume."


def test_lead_sentence_is_cut_at_a_word_boundary() -> None:
    body = "20:09 IST\n\n" + "The committee " + "considered the proposal again " * 10 + "today."
    lead = lead_sentence(body)
    assert lead is not None and lead.endswith("…") and len(lead) <= LEAD_MAX_CHARS + 1
    assert lead.startswith("The committee") and lead[:-1] in body
    assert not lead[:-1].endswith(" ")  # whole words only


def test_lead_sentence_of_nothing() -> None:
    assert lead_sentence("") is None and lead_sentence(None) is None
    assert lead_sentence("20:09 IST\n\n12:00") is None


def _member(aid: str, title: str | None, body: str = "Body text here.",
            date: dt.date | None = DAY, source: str | None = None) -> dict:
    return {"article_id": aid, "title": title, "body": body, "published_date": date,
            "source_name": source}


def test_story_headline_skips_time_stamps_empty_and_site_names() -> None:
    members = [_member("a", "20:09 IST", date=DAY - dt.timedelta(days=2)),
               _member("b", "  ", date=DAY - dt.timedelta(days=1)),
               _member("c", "Reuters", date=DAY - dt.timedelta(days=1)),
               _member("d", "Daily Planet", source="Daily Planet"),
               _member("e", "Floods close  schools across the region")]
    assert story_headline(members) == "Floods close schools across the region"


def test_story_headline_prefers_the_most_carried_then_the_earliest() -> None:
    early = _member("z", "Floods close schools", date=DAY - dt.timedelta(days=1))
    later = [_member(a, "Rain floods region's schools") for a in "ab"]
    assert story_headline([early, *later]) == "Rain floods region's schools"
    assert story_headline([early, later[0]]) == "Floods close schools"
    undated = _member("a", "Schools shut by floods", date=None)
    assert story_headline([undated, later[1]]) == "Rain floods region's schools"


def test_story_headline_falls_back_to_a_lead_sentence() -> None:
    members = [_member("b", "20:09 IST", body="Second article. More."),
               _member("a", None, body="20:09 IST\n\nRivers rose overnight. Schools shut.",
                       date=DAY - dt.timedelta(days=1))]
    assert story_headline(members) == "Rivers rose overnight."


@pytest.mark.parametrize("text", ["Saturday, 1500 GMT", "2016", "Sunday"])
def test_a_bare_number_or_day_is_no_time_stamp(text: str) -> None:
    """A sports preview's kick-off ("1500 GMT") is part of the article, not the page's stamp."""
    assert not is_timestamp(text)
