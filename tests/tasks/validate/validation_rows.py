"""One good row of every table, for the validation tests, and the real suites they check.

Each test changes a field or two of these rows (`good`) to break exactly one expectation.
"""

from __future__ import annotations

import datetime as dt
import pathlib

import pyarrow as pa
import pytest

from tasks import schemas

SUITES = pathlib.Path(__file__).resolve().parents[3] / "expectations"
BODY = ("US Secretary of State Antony Blinken arrived in Tel Aviv on Sunday, his ninth trip "
        "to the region. Gaza's Health Ministry said 27 Palestinians were killed. \"We want a "
        "ceasefire now,\" Blinken told reporters. " * 2)
AID = "0123456789abcdef"
DAY = dt.date(2024, 6, 1)


def _span(text: str) -> dict:
    start = BODY.index(text)
    return {"text": text, "start": start, "end": start + len(text)}


ROWS: dict[str, list[dict]] = {
    "articles": [{
        "article_id": AID, "source_uri": "data/raw/a.txt", "title": "Blinken in Tel Aviv",
        "source_name_source": "none", "published_date": DAY, "published_date_source": "header",
        "language": "en",
        "body": BODY, "word_count": len(BODY.split()),
        "ingested_at": dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC),
    }],
    "entities": [{
        "article_id": AID, "entity_id": "person/antony-blinken", "name": "Antony Blinken",
        "label": "PERSON", "aliases": ["Antony Blinken", "Blinken"],
        "roles": ["Secretary of State"], "mention_count": 2,
    }],
    "mentions": [{"article_id": AID, "entity_id": "person/antony-blinken",
                  "sentence_index": 0, **_span("Antony Blinken")}],
    "quotes": [{"quote_id": f"{AID}:{_span('We want')['start']}", "article_id": AID,
                "speaker": "Blinken", "speaker_entity_id": "person/antony-blinken",
                "cue": "told", "kind": "direct", **_span("We want a ceasefire now,")}],
    "facts": [{"fact_id": f"{AID}:{_span('27')['start']}", "article_id": AID, "kind": "KILL",
               "value": 27, "qualifier": "exact", "object": "Palestinians",
               "attribution": "Gaza's Health Ministry", **_span("27 Palestinians")}],
    "dates": [{"article_id": AID, "resolved_date": DAY, "granularity": "day",
               **_span("Sunday")}],
    "ingest_log": [{"source_uri": "data/raw/a.txt", "content_sha256": "ab" * 32,
                    "bytes": 2472, "status": "published", "article_id": AID}],
    "stories": [{"story_id": "st-0123456789ab", "title": "Blinken in Tel Aviv",
                 "article_count": 1, "source_count": 1, "first_published": DAY,
                 "last_published": DAY, "top_entities": ["person/antony-blinken"],
                 "ingest_date": DAY}],
    "story_members": [{"story_id": "st-0123456789ab", "article_id": AID, "ingest_date": DAY}],
    "story_facts": [{"story_fact_id": "st-0123456789ab:0123456789ab",
                     "story_id": "st-0123456789ab", "kind": "KILL",
                     "counted": "people (palestinian)", "value_min": 27, "value_max": 27,
                     "article_count": 2, "source_count": 2, "agreement": "agree",
                     "figures": [{"fact_id": f"{a}:{_span('27')['start']}", "article_id": a,
                                  "value": 27, "qualifier": "exact", **_span("27 Palestinians")}
                                 for a in (AID, "fedcba9876543210")],
                     "ingest_date": DAY}],
    "story_quotes": [{"story_id": "st-0123456789ab", "speaker_entity_id": "person/antony-blinken",
                      "speaker": "Antony Blinken", "article_count": 1, "source_count": 1,
                      "sources": [], "quotes": [{"quote_id": f"{AID}:{_span('We want')['start']}",
                                                 "article_id": AID, "speaker": "Blinken",
                                                 "kind": "direct",
                                                 **_span("We want a ceasefire now,")}],
                      "ingest_date": DAY}],
}


def good(table: str, **changes: object) -> pa.Table:
    return schemas.conform(table, [{**row, **changes} for row in ROWS[table]], run_id="r1")


@pytest.fixture(scope="module", autouse=True)
def ge_imported() -> None:
    """Pay Great Expectations' 2-3 s import once, outside the timings (a test module that
    imports this fixture uses it)."""
    import great_expectations  # noqa: F401
