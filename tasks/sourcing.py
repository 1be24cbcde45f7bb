"""Where an article says it is from and when: the outlet and date written outside metadata.

When a record's metadata lacks them, the outlet and the publication date are often written
elsewhere: in the URL (`https://www.foxnews.com/politics/2016/10/12/...`), in the file name
of a one-article file (`breitbart_2016-10-12_<slug>.txt`), or in a dateline at the top of
the text (`WASHINGTON, Oct. 12, 2016 (Reuters) -`, `LONDON 1996-08-30`). Outlet names come
from one data file, `outlets.tsv` (domains, file-name prefixes and dateline credits); a
domain with no entry still names an outlet: its registrable domain ("example.co.uk").
Dates in URLs and file names are found by htmldate's URL rule (year 1990-2039, Y/M/D).
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

OUTLETS_FILE = Path(__file__).with_name("outlets.tsv")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# A dateline opening a paragraph: a place in capitals (with an optional region), then a date
# and/or a credit in parentheses, then a dash or the paragraph's end. Without a date or a
# credit a line of capitals is no dateline (a headline in capitals, say).
_DATELINE = re.compile(
    r"(?:(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})"
    r"(?:, [A-Z][a-z]+\.?(?: [A-Z][a-z]+\.?)?)?(?:,? |(?=\()))?"
    r"(?P<date>" + _MONTH + r"\.? \d{1,2}(?:, \d{4})?|\d{4}-\d{2}-\d{2})?"
    r"(?:,? ?\((?P<credit>[A-Za-z][\w .&-]{0,30})\))?"
    r"\s*(?:[-–—:]\s*|$)")
# A one-article file named `<outlet>_<date>_<slug>`: the outlet is what comes before the date.
_FILE_OUTLET = re.compile(
    r"(?P<outlet>[A-Za-z][A-Za-z0-9-]{0,40})[_ ]\d{4}-\d{2}-\d{2}(?:[_. -]|$)")
_DOMAIN_LIKE = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?", re.I)
# A desk or section written after an outlet's name: "CNN (Web News)", "Newsmax - Opinion".
_SECTION = re.compile(r"\s*\([^()]*\)$|\s+[-–—]\s+[^-–—]*$")


@dataclass(frozen=True)
class Dateline:
    end: int  # where the text after the dateline (and its dash) starts
    date: str | None  # as written
    outlet: str | None  # the credited outlet, when it is a known one


@functools.cache
def outlets() -> dict[str, str]:
    """Lower-cased key (domain, file-name prefix, credit or the name itself) -> outlet name."""
    names: dict[str, str] = {}
    for line in OUTLETS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, keys = line.split("\t")
            for key in [name, *keys.split()]:
                names[key.lower()] = name
    return names


def outlet_name(written: str | None) -> str | None:
    """One name per outlet, however a feed writes it: the listed name of a known outlet
    ("USA TODAY", "New York Times - News" -> "USA Today", "The New York Times"), the outlet
    of a bare domain, else the name without its desk ("Newsmax - News" -> "Newsmax")."""
    if not written or not (text := " ".join(written.split())):
        return None
    if _DOMAIN_LIKE.fullmatch(text):
        return outlet_from_url(text)
    bare = _SECTION.sub("", text) or text
    for name in (text, bare):
        key = name.lower()
        for candidate in (key, key.replace(" ", "-"), key.removeprefix("the ").replace(" ", "-")):
            if (listed := outlets().get(candidate)) is not None:
                return listed
    return bare


def is_outlet_name(text: str) -> bool:
    """A known outlet's name or key, or a bare domain ("breitbart.com")."""
    text = text.strip()
    return text.lower() in outlets() or bool(_DOMAIN_LIKE.fullmatch(text))


def outlet_from_url(url: str | None) -> str | None:
    """The outlet of a URL: the listed outlet of its host or a parent domain, else the
    registrable domain ("news.example.co.uk" -> "example.co.uk")."""
    host = _host(url)
    if host is None:
        return None
    labels = host.split(".")
    for i in range(len(labels) - 1):  # the longest listed suffix: abcnews.go.com, not go.com
        if (name := outlets().get(".".join(labels[i:]))) is not None:
            return name
    return _registrable(host)


def date_from_url(url: str | None) -> str | None:
    """A Y-M-D date written in a URL's path, ISO-formatted (htmldate's URL rule)."""
    if not url or not (path := urlsplit(url.strip()).path):
        return None
    from htmldate.extractors import extract_url_date
    from htmldate.utils import Extractor

    # the bounds are htmldate's own check; clean checks the date against the run's day
    options = Extractor(False, dt.datetime(2039, 12, 31), dt.datetime(1990, 1, 1), False,
                        "%Y-%m-%d")
    return extract_url_date(path, options)


def file_name(source_uri: str) -> str | None:
    """The file name of a one-article file; None for a record of a JSONL file (`#N`), whose
    file name is the whole file's, not the article's."""
    if "#" in source_uri:
        return None
    name = posixpath.basename(urlsplit(source_uri).path if "://" in source_uri else source_uri)
    return name or None


def outlet_from_file_name(name: str | None) -> str | None:
    """The outlet of a file named `<outlet>_<date>_<slug>`: the listed outlet of the prefix,
    else the prefix as written."""
    if not name or not (match := _FILE_OUTLET.match(name)):
        return None
    prefix = match["outlet"]
    return outlets().get(prefix.lower(), prefix)


def date_from_file_name(name: str | None) -> str | None:
    return date_from_url("/" + name) if name else None


def dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a paragraph, when it has a date or a known credit."""
    match = _DATELINE.match(paragraph)
    if match is None or not (match["date"] or match["credit"]):
        return None
    credit = outlets().get(match["credit"].lower()) if match["credit"] else None
    if match["date"] is None and credit is None:
        return None  # "(File)" or "(Photo)" is no credit, and there is no date
    if match["place"] is None and match["date"] is not None and match["credit"] is None:
        return None  # a bare date opening a paragraph is clean's own rule (`_TEXT_DATE`)
    return Dateline(match.end(), match["date"], credit)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url.strip() if "://" in url else "//" + url.strip()).hostname
    except ValueError:  # "http://[::1" and the like
        return None
    if not host or "." not in host or host.replace(".", "").isdigit():
        return None  # no domain: a local name or an IP address
    return host.removeprefix("www.")


def _registrable(host: str) -> str:
    import courlan

    return courlan.extract_domain("http://" + host, fast=True) or host
