"""Outlet and date from where they are written: URLs, file names, datelines."""

from __future__ import annotations

import pytest

from tasks import sourcing
from tasks.sourcing import (
    date_from_file_name,
    date_from_url,
    dateline,
    file_name,
    outlet_from_file_name,
    outlet_from_url,
)


@pytest.mark.parametrize("url,outlet,date", [
    ("https://www.foxnews.com/politics/2016/10/12/some-story", "Fox News", "2016-10-12"),
    ("http://abcnews.go.com/US/story?id=1", "ABC News", None),  # a listed subdomain
    ("https://edition.cnn.com/2016/10/12/politics/x/index.html", "CNN", "2016-10-12"),
    ("http://news.example.co.uk/2013/05/02/flood", "example.co.uk", "2013-05-02"),
    ("https://blog.example.com/posts/123", "example.com", None),
    ("http://192.168.1.4/2016/10/12/x", None, "2016-10-12"),
    ("not a url", None, None), (None, None, None), ("", None, None),
])
def test_url(url: str | None, outlet: str | None, date: str | None) -> None:
    assert outlet_from_url(url) == outlet
    assert date_from_url(url) == date


@pytest.mark.parametrize("uri,name", [
    ("/in/breitbart_2016-10-12_slug.txt", "breitbart_2016-10-12_slug.txt"),
    ("s3://bucket/drop/nyt_2016-10-12_x.txt", "nyt_2016-10-12_x.txt"),
    ("/in/dump_2016-10-12.jsonl#3", None),  # a JSONL file's name is not the article's
])
def test_file_name(uri: str, name: str | None) -> None:
    assert file_name(uri) == name


@pytest.mark.parametrize("name,outlet,date", [
    ("breitbart_2016-10-12_some-slug.txt", "Breitbart", "2016-10-12"),
    ("wash-post_2016-09-30_x.txt", "The Washington Post", "2016-09-30"),
    ("dailyplanet_2016-09-30_x.txt", "dailyplanet", "2016-09-30"),  # unlisted: as written
    ("2016-09-30_x.txt", None, "2016-09-30"),
    ("000_e718f964ed1dc2e7.txt", None, None), ("report-0001.txt", None, None),
])
def test_file_names(name: str, outlet: str | None, date: str | None) -> None:
    assert outlet_from_file_name(name) == outlet
    assert date_from_file_name(name) == date


@pytest.mark.parametrize("text,date,outlet", [
    ("WASHINGTON, Oct. 12, 2016 (Reuters) - The Senate voted.", "Oct. 12, 2016", "Reuters"),
    ("LONDON 1996-08-30", "1996-08-30", None),
    ("NEW YORK (AP) — A man was arrested.", None, "Associated Press"),
    ("LOS ANGELES, Calif. (AP) - A fire.", None, "Associated Press"),
    ("(CNN) - The storm hit.", None, "CNN"),
])
def test_datelines(text: str, date: str | None, outlet: str | None) -> None:
    found = dateline(text)
    assert found is not None and (found.date, found.outlet) == (date, outlet)
    assert text[found.end:] == "" or text[found.end].isalnum()


@pytest.mark.parametrize("text", [
    "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP",  # a headline in capitals
    "ST. LOUIS (File) - A photo.",  # no date, no known credit
    "U.S. officials said on Monday the talks would resume.",
    "August 19, 2024 - Talks resumed.",  # clean's own date-first rule
])
def test_not_datelines(text: str) -> None:
    assert dateline(text) is None


def test_outlets_data_file_is_well_formed() -> None:
    lines = [line for line in sourcing.OUTLETS_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    keys: dict[str, str] = {}
    for line in lines:
        name, rest = line.split("\t")  # exactly one tab: the name, then the keys
        for key in [name, *rest.split()]:
            assert keys.setdefault(key.lower(), name) == name, f"{key} names two outlets"
    assert sourcing.outlets() == keys


@pytest.mark.parametrize("written, outlet", [
    ("USA TODAY", "USA Today"),
    ("New York Times - News", "The New York Times"),
    ("New York Times - Opinion", "The New York Times"),
    ("CNN (Web News)", "CNN"),
    ("Fox Online News", "Fox News"),
    ("Fox News (Online)", "Fox News"),
    ("Breitbart News", "Breitbart"),
    ("Washington Times", "The Washington Times"),
    ("  The   Hill ", "The Hill"),
    ("www.nytimes.com", "The New York Times"),
    ("TheBlaze.com", "theblaze.com"),
    ("Newsmax - News", "Newsmax"),          # not listed: the name without its desk
    ("Newsmax", "Newsmax"),
    ("Yahoo! The 360", "Yahoo! The 360"),
    ("Pew Research Center", "Pew Research Center"),
    ("", None),
    (None, None),
])
def test_one_name_per_outlet(written: str | None, outlet: str | None) -> None:
    assert sourcing.outlet_name(written) == outlet
