"""Clean: raw record text to an article: junk out, headline, date, byline, language, paragraphs.

Cleaning only removes what is provably not the article (page furniture, tasks.junk: share
counters, comment prompts, stray quote marks, "Related" headers, link cards) and lifts
metadata written into the text (a `date 2024-08-18` header, a `By ...` line, the headline, a
dateline) into columns.
Anything else stays in the body, paragraph by paragraph, separated by a blank line. When the
metadata lacks the outlet or the date, they are taken from where else they are written
(tasks.sourcing): the URL, the file name, a dateline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
import unicodedata

import dateparser
import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks import sourcing
from tasks.headline import HEADLINE_MAX_CHARS, is_headline_text, is_timestamp
from tasks.junk import cut_link_cards, is_junk
from tasks.lake import Lake
from tasks.language import detect_language
from tasks.ledger import reason
from tasks.schemas import STAGED_LOG, TABLES

# Articles as staged between clean and dedup: the published columns dedup does not fill yet,
# plus the ledger columns of the record each came from.
STAGED_ARTICLES = pa.schema(
    [f for f in TABLES["articles"] if f.name not in ("run_id", "duplicate_of",
                                                     "duplicate_similarity")]
    + [pa.field("content_sha256", pa.string()), pa.field("bytes", pa.int64()),
       pa.field("note", pa.string())])

# Leading header with the publication date, as scrapers write it: "date 2024-08-18 ...".
_HEADER_DATE = re.compile(
    r"^\s*(?:date|dated|published(?: on)?|posted(?: on)?|updated(?: on)?)\s*[:\-]?\s*"
    r"(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4})\s*", re.I)
# A dateline at the start of one of the first paragraphs: "August 18, 2024 - ..." or alone.
_TEXT_DATE = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? )?"
    r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*(?:$|[-–—|:]))")
_BYLINE = re.compile(r"^By\s+(?P<names>[A-Z][\w.'’-]*(?:[ ,]+(?:and\s+)?[A-Z][\w.'’-]*){0,7})\s*$")
_SPACE = re.compile(r"[^\S\n]+")
_SURROGATE = re.compile("[\ud800-\udfff]")  # never paired in a str: no character, no UTF-8
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"',
                         "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"', "–": "-", "—": "-"})
_DATE_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
# A publication date is plausible from 1800 to the run's day (plus one: time zones ahead).
EARLIEST_DATE = dt.date(1800, 1, 1)
# Metadata dates must name a year: dateparser reads "-1" or "Monday" as some day this year.
_HAS_YEAR = re.compile(r"\d{4}|\b\d{1,2}/\d{1,2}/\d{2}\b")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")  # in a time stamp: "20:09" is no year
HEAD = 3  # paragraphs at the top where a headline, a byline and a dateline are looked for


class NothingLeft(ValueError):
    """The record held no article text: it is rejected, not failed."""


def clean_record(record: dict, ingested_at: dt.datetime) -> dict:
    """One ingested record (see tasks.ingest.Record) to one article row, without the columns
    dedup fills in, plus `note`: what was repaired or dropped on the way in (for the
    ingest_log). Raises ValueError when nothing of an article is left."""
    text = normalize_text(record["text"])
    latest = ingested_at.date() + dt.timedelta(days=1)
    published, dropped = _metadata_date(record.get("published"), latest)
    notes = [record.get("note"), dropped]
    date_source = "metadata"
    if published is None and (header := _HEADER_DATE.match(text)):
        published, date_source = _plausible(_parse_date(header["date"]), latest), "header"
        text = text[header.end():] if published else text
    paragraphs, cards = [], 0
    for paragraph in split_paragraphs(text):
        if not is_junk(paragraph):
            paragraph, cut = cut_link_cards(paragraph)
            paragraphs.append(paragraph)
            cards += cut
    if cards:
        notes.append(f"{cards} link card{'s' * (cards > 1)} cut")
    written, credit = _dateline(paragraphs, latest, need_date=published is None)
    outlet = sourcing.outlet_name(_clean_inline(record.get("source_name")))
    outlet_source = "metadata"
    name = sourcing.file_name(record["source_uri"])
    if outlet is None:  # where the outlet is written, most reliable first
        outlet, outlet_source = next(
            ((value, origin) for value, origin in (
                (sourcing.outlet_from_url(record.get("url")), "url"),
                (sourcing.outlet_from_file_name(name), "file_name"),
                (credit, "text")) if value), (None, "none"))
    if published is None:
        published, date_source = next(
            ((value, origin) for value, origin in (
                (_plausible(_iso(sourcing.date_from_url(record.get("url"))), latest), "url"),
                (_plausible(_iso(sourcing.date_from_file_name(name)), latest), "file_name"),
                (written, "text")) if value), (None, "none"))
    title = _clean_inline(record.get("title"))
    if title and is_timestamp(title):
        notes.append(f"title {title[:40]!r} dropped: a time stamp")
        title = None
    if title and paragraphs and _key(paragraphs[0]) == _key(title):
        paragraphs.pop(0)  # the page repeats its headline: keep it once, as the title
    elif title is None and record.get("format") == "text":
        # time stamps above the headline ("20:09 IST") stay in the body but are no headline
        first = next((i for i, p in enumerate(paragraphs[:HEAD]) if not is_timestamp(p)), 0)
        if _is_headline(paragraphs[first:], outlet):
            title = paragraphs.pop(first)
    byline = _clean_inline(record.get("authors"))
    for i, para in enumerate(paragraphs[:3]):
        if match := _BYLINE.match(para):
            byline = byline or match["names"]
            paragraphs.pop(i)
            break
    body = "\n\n".join(paragraphs)
    if not body:
        raise NothingLeft("no article text left after cleaning")
    return {
        "article_id": article_id(body),
        "source_uri": record["source_uri"], "source_id": record.get("source_id"),
        "source_name": outlet, "source_name_source": outlet_source, "url": record.get("url"),
        "title": title, "byline": byline,
        "published_date": published, "published_date_source": date_source,
        "language": detect_language(body), "body": body, "word_count": len(body.split()),
        "ingested_at": ingested_at,
        "note": "; ".join(n for n in notes if n) or None,
    }


def normalize_text(text: str) -> str:
    """Unicode NFC, one kind of newline and space, no invisible characters, no trailing blanks,
    and no lone surrogate (a JSON "\\ud800" escape): U+FFFD instead, as a decoder would."""
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.split("\n")).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs: blocks between blank lines; inside a block a line is its own paragraph
    unless it is a hard-wrapped continuation (the previous line ends mid-sentence and this
    one starts in lower case)."""
    # a paragraph's lines are joined once, at the end: "+=" on a growing string is quadratic
    # over a long hard-wrapped text (1.1 MB in 100,000 lines took 4.5 s)
    paragraphs: list[list[str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line]
        for i, line in enumerate(lines):
            if i and line[0].islower() and not re.search(r"[.!?:\"”’)\]]$", lines[i - 1]):
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
    return [" ".join(lines) for lines in paragraphs]


def article_id(body: str) -> str:
    """First 16 hex digits of sha256 of the body with case, whitespace, quote and dash styles
    and Unicode forms folded, so trivially different copies share one id."""
    return hashlib.sha256(normalized_key(body).encode()).hexdigest()[:16]


def normalized_key(body: str) -> str:
    folded = unicodedata.normalize("NFKC", body).translate(_QUOTES).casefold()
    return " ".join(folded.split())


def _is_headline(paragraphs: list[str], outlet: str | None) -> bool:
    """A first paragraph that reads as a headline (tasks.headline: words, not a time stamp or
    the outlet's name), without sentence-final punctuation, and followed by the article (a
    longer paragraph; a time stamp between them does not count)."""
    following = [p for p in paragraphs[1:HEAD + 1] if not is_timestamp(p)]
    if not paragraphs or not following:
        return False
    first = paragraphs[0]
    return (is_headline_text(first, outlet) and len(first) <= HEADLINE_MAX_CHARS
            and not re.search(r"[.,;:!?]$", first.rstrip("\"”’'"))
            and len(following[0]) > len(first))


def _dateline(paragraphs: list[str], latest: dt.date,
              need_date: bool) -> tuple[dt.date | None, str | None]:
    """The date and the credited outlet written at the top of the article: a date or time
    stamp alone on a line ("August 18, 2024", "Oct. 12, 2016 8:09 PM ET"; removed when it
    gives the date, as metadata) or a dateline opening a paragraph ("August 18, 2024 -
    ...", "WASHINGTON, Oct. 12, 2016 (Reuters) - ...", which stays in the body)."""
    date, credit = None, None
    i = 0
    while i < min(HEAD, len(paragraphs)):  # a headline and a byline may come first
        para = paragraphs[i]
        if is_timestamp(para):
            if need_date and date is None and _YEAR.search(para) \
                    and (date := _plausible(_parse_date(para), latest)):
                paragraphs.pop(i)  # a paragraph that is only the dateline is metadata
                continue
        elif date is None and (match := _TEXT_DATE.match(para)):
            date = _plausible(_parse_date(match["date"]), latest)
        elif (found := sourcing.dateline(para)) is not None:
            credit = credit or found.outlet
            if date is None and found.date and _YEAR.search(found.date):
                date = _plausible(_parse_date(found.date), latest)  # "Oct. 12": which year?
        i += 1
    return date, credit


def _metadata_date(value: str | None, latest: dt.date) -> tuple[dt.date | None, str | None]:
    """The metadata's publication date, or None and why it was dropped."""
    if not value or not value.strip():
        return None, None
    parsed = _parse_date(value) if _HAS_YEAR.search(value) else None
    if parsed is None:
        return None, f"date {value[:40]!r} dropped: not a date with a year"
    if _plausible(parsed, latest) is None:
        when = "before 1800" if parsed < EARLIEST_DATE else "after the run's day"
        return None, f"date {value[:40]!r} dropped: {when}"
    return parsed, None


def _plausible(date: dt.date | None, latest: dt.date) -> dt.date | None:
    return date if date is not None and EARLIEST_DATE <= date <= latest else None


def _iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        parsed = dateparser.parse(value, languages=["en"], settings=_DATE_SETTINGS)
    except (ValueError, OverflowError):  # "9999999999999": a number too large for a date
        return None
    return parsed.date() if parsed else None


def _clean_inline(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(normalize_text(value).split())
    return value or None


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", normalized_key(text)).strip()


def clean_batch(records: list[dict], ingested_at: dt.datetime) -> tuple[pa.Table, pa.Table]:
    """Records to (articles with their ledger columns, ingest_log rows of records that end
    here: rejected, already seen, or failed: an error while cleaning one record fails that
    record alone)."""
    articles, log = [], []
    for record in records:
        if record["status"] is None:
            try:
                articles.append({**clean_record(record, ingested_at),
                                 "content_sha256": record["content_sha256"],
                                 "bytes": record["bytes"]})
                continue
            except NothingLeft as exc:
                record = {**record, "status": "rejected", "reason": str(exc)}
            except Exception as exc:  # a bug met on this text: the others go on
                record = {**record, "status": "failed", "reason": reason("clean", exc)}
        log.append({name: record.get(name) for name in STAGED_LOG.names})
    return (pa.Table.from_pylist(articles, schema=STAGED_ARTICLES),
            pa.Table.from_pylist(log, schema=STAGED_LOG))


@task(name="clean", cache_policy=NO_CACHE)
def clean_task(records_path: str, staging_url: str, ingested_at: dt.datetime) -> tuple[str, str]:
    """Clean one staged batch of records; returns the staged articles and log paths."""
    staging = Lake(staging_url)
    articles, log = clean_batch(pq.read_table(records_path, filesystem=staging.fs).to_pylist(),
                                ingested_at)
    stem = posixpath.basename(records_path).replace("records-", "")
    paths = staging.path(f"articles-{stem}"), staging.path(f"log-{stem}")
    staging.write_parquet(articles, paths[0])
    staging.write_parquet(log, paths[1])
    return paths
