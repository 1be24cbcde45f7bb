"""The story desk's state: each article's rows by week, rebuilt from the published tables,
read for the weeks asked only, with the rows the published tables give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks.lake import Lake
from tasks.schemas import conform
from tasks.story_desk import state
from tasks.story_desk.state import COLUMNS

WHEN = dt.datetime(2024, 8, 21, 9, tzinfo=dt.UTC)


def _article(aid: str, published: dt.date | None, outlet: str) -> dict:
    return {"article_id": aid, "source_uri": f"{aid}.txt", "published_date": published,
            "published_date_source": "metadata" if published else "none", "language": "en",
            "body": "Body.", "word_count": 1, "source_name": outlet,
            "source_name_source": "metadata", "ingested_at": WHEN}


def _publish(lake: Lake) -> None:
    articles = [_article("a1", dt.date(2024, 8, 5), "BBC"),  # week of 2024-08-05
                _article("a2", dt.date(2024, 8, 14), "CNN"),  # week of 2024-08-12
                _article("a3", None, "AP")]  # undated: the week it was ingested (08-19)
    facts = [{"fact_id": f"{a}:0", "article_id": a, "kind": "KILL", "value": v,
              "qualifier": "exact", "object": "people", "text": str(v), "start": 0, "end": 2}
             for a, v in (("a1", 12), ("a2", 13), ("a3", 14))]
    quotes = [{"quote_id": "a2:5", "article_id": "a2", "text": "We will", "start": 5,
               "end": 12, "speaker": "Ann Lee", "speaker_entity_id": "person/ann-lee",
               "kind": "direct"}]
    entities = [{"article_id": a, "entity_id": "person/ann-lee", "name": "Ann Lee",
                 "label": "PERSON", "aliases": ["Ann Lee"], "roles": [], "mention_count": 1}
                for a in ("a1", "a2")]
    tables = {"articles": articles, "facts": facts, "quotes": quotes, "entities": entities}
    lake.publish("r1", "2024-08-21", {name: conform(name, rows, run_id="r1")
                                      for name, rows in tables.items()}, {}, {"run_id": "r1"})


def test_rebuilt_state_gives_the_published_rows_of_the_weeks_asked(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    _publish(lake)
    state.rebuild(lake, "t1")
    weeks = sorted(p.name for p in (tmp_path / "_state" / "desk").iterdir())
    assert weeks == ["week=2024-08-05", "week=2024-08-12", "week=2024-08-19"]
    # A week not asked for is never opened: garbage there would raise.
    for path in (tmp_path / "_state" / "desk" / "week=2024-08-19").iterdir():
        path.write_bytes(b"not parquet")
    ids = pa.array(["a1", "a2", "a3"])
    rows = state.read(lake, {dt.date(2024, 8, 5), dt.date(2024, 8, 12)}, ids)
    assert [r["article_id"] for r in rows["articles"]] == ["a1", "a2"]
    for name, columns in COLUMNS.items():
        published = lake.read(name, columns, pc.field("article_id").isin(["a1", "a2"]))
        assert sorted(rows[name], key=str) == sorted(published.to_pylist(), key=str)


def test_a_run_files_its_articles_by_their_window_week(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    _publish(lake)
    tables = {name: lake.read(name) for name in COLUMNS}
    days = [d or dt.date(2024, 8, 21) for d in tables["articles"]["published_date"].to_pylist()]
    keys = state.by_week(tables, days)
    assert sorted(keys) == ["desk/week=2024-08-05", "desk/week=2024-08-12",
                            "desk/week=2024-08-19"]
    assert keys["desk/week=2024-08-12"].to_pylist()[0]["quotes"][0]["speaker"] == "Ann Lee"


def test_the_desk_draws_a_story_from_the_run_and_the_state_of_its_members_weeks(
        tmp_path: Path) -> None:
    from prefect.logging import disable_run_logger

    from tasks.cluster.state import MEMBERS, MEMBERS_SCHEMA
    from tasks.story_desk import story_desk_task

    lake, staging = Lake(str(tmp_path / "lake")), Lake(str(tmp_path / "staging"))
    _publish(lake)
    state.rebuild(lake, "t1")
    for path in (tmp_path / "lake" / "_state" / "desk" / "week=2024-08-05").iterdir():
        path.write_bytes(b"not parquet")  # a1's week: no member of the story is there
    fact = {"fact_id": "a4:0", "article_id": "a4", "kind": "KILL", "value": 13,
            "qualifier": "exact", "object": "people", "text": "13", "start": 0, "end": 2}
    story = {"story_id": "st1", "title": "T", "article_count": 2, "source_count": 2,
             "first_published": dt.date(2024, 8, 14), "last_published": dt.date(2024, 8, 15),
             "top_entities": [], "ingest_date": dt.date(2024, 8, 21)}
    tables = {"articles": conform("articles", [_article("a4", dt.date(2024, 8, 15), "Reuters")],
                                  run_id="r2"),
              "facts": conform("facts", [fact], run_id="r2"),
              "quotes": conform("quotes", [], run_id="r2"),
              "entities": conform("entities", [], run_id="r2"),
              "stories": conform("stories", [story], run_id="r2"),
              "story_members": conform("story_members", [
                  {"story_id": "st1", "article_id": a, "ingest_date": dt.date(2024, 8, 21)}
                  for a in ("a2", "a4")], run_id="r2")}
    staged = {}
    for name, table in tables.items():
        staged[name] = [staging.path(f"{name}.parquet")]
        staging.write_parquet(table, staged[name][0])
    staged["state"] = [staging.path("state", MEMBERS)]
    staging.write_parquet(pa.table({"article_id": ["a2", "a4"], "story_id": ["st1", "st1"],
                                    "week": [dt.date(2024, 8, 12)] * 2}, schema=MEMBERS_SCHEMA),
                          staged["state"][0])
    with disable_run_logger():
        out = story_desk_task.fn(lake.url, staging.url, staged, "r2", dt.date(2024, 8, 21))
    [row] = pq.read_table(out["story_facts"][0], filesystem=staging.fs).to_pylist()
    assert sorted((f["article_id"], f["value"]) for f in row["figures"]) == [
        ("a2", 13), ("a4", 13)]  # a2's figure from the state, a4's from the run
    assert staged["state"][0] in out["state"] and any("desk/week=2024-08-12" in p
                                                      for p in out["state"])

