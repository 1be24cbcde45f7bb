from __future__ import annotations

import datetime as dt

import pytest

from tasks.clean import article_id, clean_batch, clean_record, split_paragraphs

NOW = dt.datetime(2024, 8, 20, tzinfo=dt.UTC)


def _clean(text: str, **meta: str | None) -> dict:
    return clean_record({"source_uri": "x.txt", "text": text, "format": "text", **meta}, NOW)


def test_seed_junk_is_removed_and_headline_lifted(seed_texts: dict[str, str]) -> None:
    article = _clean(seed_texts["004_1b1c205a9292d287.txt"])
    assert article["title"] == "Blinken urges urgent ceasefire talks between Israel, Hamas"
    assert article["body"].startswith("U.S. Secretary of State Antony Blinken delivered")
    assert article["body"].endswith("could escalate this process.”")
    for junk in ('" "', "0 95", "About Author", "Leave a Reply"):
        assert junk not in article["body"].split("\n\n")


def test_header_date_is_lifted(seed_texts: dict[str, str]) -> None:
    article = _clean(seed_texts["003_685e280fe859b7c9.txt"])
    assert (article["published_date"], article["published_date_source"]) == (
        dt.date(2024, 8, 18), "header")
    assert article["body"].startswith("The US government has stepped in")


def test_trailing_related_is_removed_and_article_kept(seed_texts: dict[str, str]) -> None:
    raw = seed_texts["002_ab3f3d2c81e488e9.txt"]
    article = _clean(raw)
    assert article["title"] == "Blinken Arrives In Middle East Seeking Gaza Ceasefire"
    assert not article["body"].endswith("Related")
    # nothing of the article is lost: every word of the kept paragraphs is in the raw text
    for paragraph in article["body"].split("\n\n"):
        assert paragraph in raw


def test_every_seed_keeps_its_paragraphs(seed_texts: dict[str, str]) -> None:
    for name, raw in seed_texts.items():
        article = _clean(raw)
        body_words = article["body"].split() + (article["title"] or "").split()
        raw_words = [w for w in raw.split() if w not in {'"', "0", "95", "date", "2024-08-18"}]
        lost = set(raw_words) - set(body_words) - {"About", "Author", "Leave", "a", "Reply",
                                                   "Related"}
        assert not lost, (name, lost)
        assert article["language"] == "en" and article["word_count"] > 300


def test_subheads_stay_in_the_body(seed_texts: dict[str, str]) -> None:
    article = _clean(seed_texts["000_e718f964ed1dc2e7.txt"])
    assert article["title"] is None  # the first line is a sentence, not a headline
    assert "\n\nReadiness to end the conflict\n\n" in article["body"]


def test_metadata_wins_and_repeated_title_is_dropped() -> None:
    article = _clean("Talks resume\n\nBy Jane Roe\n\nTalks resumed in Cairo today, officials said.",
                     title="Talks resume", published="2024-08-19T10:00:00Z")
    assert article["title"] == "Talks resume" and article["byline"] == "Jane Roe"
    assert article["body"] == "Talks resumed in Cairo today, officials said."
    assert (article["published_date"], article["published_date_source"]) == (
        dt.date(2024, 8, 19), "metadata")


def test_dateline_in_text() -> None:
    article = _clean("August 19, 2024\n\nTalks resumed in Cairo today, officials said.")
    assert (article["published_date"], article["published_date_source"]) == (
        dt.date(2024, 8, 19), "text")
    assert article["body"] == "Talks resumed in Cairo today, officials said."


def test_whitespace_and_unicode_are_normalized() -> None:
    article = _clean("Talks\u00a0resumed  in\tCairo.\r\nSecond\u200b paragraph here.")
    assert article["body"] == "Talks resumed in Cairo.\n\nSecond paragraph here."


def test_hard_wrapped_lines_are_joined() -> None:
    assert split_paragraphs("The talks went on\nuntil late.\nNext paragraph.") == [
        "The talks went on until late.", "Next paragraph."]


def test_article_id_folds_trivial_differences() -> None:
    assert article_id("“Hello”  World—now") == article_id('"hello" world-now')
    assert article_id("Hello world") != article_id("Hello world!")


def test_nothing_left_is_an_error_and_batch_logs_it() -> None:
    with pytest.raises(ValueError, match="no article text"):
        _clean("Leave a Reply\n\n0 95")
    records = [{"source_uri": "a", "source_id": None, "content_sha256": "h", "bytes": 3,
                "status": None, "reason": None, "text": "Share\n\nRelated", "format": "text"}]
    articles, log = clean_batch(records, NOW)
    assert articles.num_rows == 0
    assert log.to_pylist()[0]["status"] == "rejected"


@pytest.mark.parametrize("stamp", ["20:09 IST", "Oct. 12, 2016 8:09 PM ET", "Updated 20:09 GMT"])
def test_a_time_stamp_line_is_never_the_headline(stamp: str) -> None:
    body = "Talks resumed in Cairo today, officials said, after a week of delays."
    for text in (f"{stamp}\n\nTalks resume in Cairo\n\n{body}",
                 f"Talks resume in Cairo\n\n{stamp}\n\n{body}"):
        article = _clean(text, published="2016-10-12")  # the stamp's date is not needed
        assert article["title"] == "Talks resume in Cairo"
        assert article["body"] == f"{stamp}\n\n{body}"  # kept: the body is only trimmed of junk
    assert _clean(f"{stamp}\n\n{body}\n\nMore.")["title"] is None
    assert _clean(body, title=stamp)["title"] is None  # from metadata: dropped, with a note
    assert "a time stamp" in _clean(body, title=stamp)["note"]


def test_a_site_name_line_is_not_the_headline() -> None:
    article = _clean("Reuters\n\nTalks resumed in Cairo today, officials said.")
    assert article["title"] is None


def test_a_dated_time_stamp_gives_the_date_when_metadata_has_none() -> None:
    article = _clean("Oct. 12, 2016 8:09 PM ET\n\nTalks resumed in Cairo today.")
    assert (article["published_date"], article["published_date_source"]) == (
        dt.date(2016, 10, 12), "text")
    assert article["body"] == "Talks resumed in Cairo today."


BODY = "Talks resumed in Cairo today, officials said."


@pytest.mark.parametrize("meta,outlet,origin", [
    ({"source_name": "Daily Planet", "url": "https://www.foxnews.com/x"}, "Daily Planet",
     "metadata"),
    ({"url": "https://www.foxnews.com/world/2016/10/12/x"}, "Fox News", "url"),
    ({"url": "https://news.example.co.uk/x"}, "example.co.uk", "url"),
    ({"source_uri": "/in/breitbart_2016-10-12_talks.txt"}, "Breitbart", "file_name"),
    ({"source_uri": "/in/breitbart_2016-10-12.jsonl#4"}, None, "none"),
    ({}, None, "none"),
])
def test_outlet_and_where_it_came_from(meta: dict, outlet: str | None, origin: str) -> None:
    article = _clean(BODY, **meta)
    assert (article["source_name"], article["source_name_source"]) == (outlet, origin)


def test_outlet_from_a_dateline_credit() -> None:
    article = _clean(f"Talks resume in Cairo\n\nCAIRO (Reuters) - {BODY}")
    assert (article["source_name"], article["source_name_source"]) == ("Reuters", "text")
    assert article["body"] == f"CAIRO (Reuters) - {BODY}"  # the dateline stays in the text


@pytest.mark.parametrize("meta,text,date,origin", [
    ({"published": "2016-10-01", "url": "https://x.com/2016/10/12/a"}, BODY,
     dt.date(2016, 10, 1), "metadata"),
    ({"url": "https://x.com/2016/10/12/a", "source_uri": "/in/nyt_2016-10-11_a.txt"},
     f"August 10, 2016 - {BODY}", dt.date(2016, 10, 12), "url"),
    ({"source_uri": "/in/nyt_2016-10-11_a.txt"}, f"August 10, 2016 - {BODY}",
     dt.date(2016, 10, 11), "file_name"),
    ({}, f"WASHINGTON, Oct. 12, 2016 (Reuters) - {BODY}", dt.date(2016, 10, 12), "text"),
    ({}, f"LONDON 1996-08-30\n\n{BODY}", dt.date(1996, 8, 30), "text"),
    ({}, f"WASHINGTON, Oct. 12 (Reuters) - {BODY}", None, "none"),  # no year: no guess
    ({"url": "https://x.com/2030/10/12/a"}, BODY, None, "none"),  # after the run's day
])
def test_date_and_where_it_came_from(meta: dict, text: str, date: dt.date | None,
                                     origin: str) -> None:
    article = _clean(text, **meta)
    assert (article["published_date"], article["published_date_source"]) == (date, origin)
