"""The story desk on the five seed articles (one story, five outlets), extracted by the real
model: the figures they disagree on come out as issue 12 describes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tasks.clean import clean_record
from tasks.extract import extract_articles, load_nlp
from tasks.story_desk import draw

RAW = Path(__file__).resolve().parents[3] / "data" / "raw"


@pytest.fixture(scope="module")
def desk() -> dict[str, list[dict]]:
    articles = []
    for path in sorted(RAW.glob("*.txt")):
        row = clean_record({"source_uri": str(path), "text": path.read_text(encoding="utf-8"),
                            "format": "text"}, dt.datetime(2024, 8, 21, tzinfo=dt.UTC))
        articles.append({**row, "article_id": path.stem[:3]})
    out = extract_articles(articles, load_nlp())
    members = [{"story_id": "st-seeds", "article_id": a["article_id"]} for a in articles]
    drawn = draw(members, out["facts"], out["quotes"], out["entities"], articles)
    bodies = {a["article_id"]: a["body"] for a in articles}
    for row in drawn["story_facts"]:
        for f in row["figures"]:
            assert bodies[f["article_id"]][f["start"]:f["end"]] == f["text"]
    return drawn


def _row(desk: dict, value: int, kind: str) -> dict:
    [row] = [r for r in desk["story_facts"] if r["kind"] == kind
             and r["value_min"] <= value <= r["value_max"]]
    return row


def test_hostages_values_differ(desk: dict) -> None:
    row = _row(desk, 250, "KIDNAP")
    assert row["agreement"] == "values_differ"
    assert sorted(f["value"] for f in row["figures"]) == [250, 250, 251]


def test_about_1200_killed_qualifier_differs(desk: dict) -> None:
    row = _row(desk, 1200, "KILL")
    assert row["agreement"] == "qualifier_differs"
    assert {f["qualifier"] for f in row["figures"]} == {"about", "nearly"}
    assert row["article_count"] == 3 and row["counted"] == "people (israeli)"


def test_40000_palestinians_agree_over_is_more_than(desk: dict) -> None:
    row = _row(desk, 40000, "KILL")
    assert row["agreement"] == "agree" and row["counted"] == "people (palestinian)"
    assert {f["qualifier"] for f in row["figures"]} == {"more_than", "over"}


def test_no_row_pairs_different_things(desk: dict) -> None:
    objects = [{(f["object"] or "").lower() for f in r["figures"]} for r in desk["story_facts"]]
    for found in objects:
        assert not ({"children", "six children"} & found)      # killed children vs people
        assert not any("staff" in o for o in found)              # UNRWA staff vs Palestinians
    assert len(desk["story_facts"]) == 3


def test_speakers_quoted_by_several_outlets(desk: dict) -> None:
    by_speaker = {r["speaker_entity_id"]: r for r in desk["story_quotes"]}
    netanyahu = by_speaker["person/benjamin-netanyahu"]
    assert netanyahu["article_count"] == 2 and len(netanyahu["quotes"]) == 2
    assert by_speaker["org/hamas"]["article_count"] == 3
