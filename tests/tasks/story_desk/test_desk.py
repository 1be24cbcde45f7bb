"""Drawing both desk tables per story, stamping them as snapshots, and the run report's
disputed figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq

from tasks.schemas import conform
from tasks.story_desk import draw, stamp, with_disputes

DAY = dt.date(2024, 8, 20)


def fact(article: str, value: int, obj: str, qualifier: str = "exact") -> dict:
    text = f"{value} {obj}"
    return {"fact_id": f"{article}:10", "article_id": article, "kind": "KILL", "value": value,
            "qualifier": qualifier, "object": obj, "attribution": None, "text": text,
            "start": 10, "end": 10 + len(text)}


MEMBERS = [{"story_id": "st-1", "article_id": "a"}, {"story_id": "st-1", "article_id": "b"},
           {"story_id": "st-2", "article_id": "c"}]
FACTS = [fact("a", 1200, "people", "about"), fact("b", 1200, "Israelis", "nearly"),
         fact("c", 1200, "people"), fact("z", 1200, "people")]   # c: another story; z: none
ARTICLES = [{"article_id": a, "source_name": s} for a, s in (("a", "AP"), ("b", "BBC"),
                                                             ("c", "CNN"))]


def test_draw_keeps_each_story_to_its_own_members() -> None:
    drawn = draw(MEMBERS, FACTS, [], [], ARTICLES)
    [row] = drawn["story_facts"]
    assert row["story_id"] == "st-1" and row["agreement"] == "qualifier_differs"
    assert [f["source_name"] for f in row["figures"]] == ["AP", "BBC"]
    assert drawn["story_quotes"] == []
    # A caller may draw only the stories it touched: the same rows for st-1.
    assert draw(MEMBERS[:2], FACTS, [], [], ARTICLES) == drawn


def test_stamp_keeps_unchanged_rows_and_first_days() -> None:
    [row] = draw(MEMBERS, FACTS, [], [], ARTICLES)["story_facts"]
    [first] = stamp([row], [], ("story_fact_id",), "r1", DAY)
    assert (first["run_id"], first["ingest_date"]) == ("r1", DAY)
    later = DAY + dt.timedelta(days=1)
    assert stamp([row], [first], ("story_fact_id",), "r2", later) == [first]
    changed = {**row, "source_count": 5}
    [again] = stamp([changed], [first], ("story_fact_id",), "r2", later)
    assert (again["run_id"], again["ingest_date"]) == ("r2", DAY)


def test_with_disputes_lists_disagreements_of_created_or_grown_stories(tmp_path: Path) -> None:
    rows = stamp(draw(MEMBERS, FACTS, [], [], ARTICLES)["story_facts"], [], ("story_fact_id",),
                 "r1", DAY)
    path = tmp_path / "story_facts.parquet"
    pq.write_table(conform("story_facts", rows), path)
    stories = [{"story_id": "st-1", "articles": 2, "articles_before": 1},
               {"story_id": "st-3", "articles": 2, "articles_before": 2}]
    out = with_disputes(stories, str(tmp_path), [str(path)])
    assert out[0]["disputed"] == [{"kind": "KILL", "counted": "people (israeli)",
                                   "agreement": "qualifier_differs",
                                   "figures": ["1200 people (AP)", "1200 Israelis (BBC)"]}]
    assert out[1]["disputed"] == []
