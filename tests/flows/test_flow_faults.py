"""A run's fate depends on the whole, not on its worst article (issue: fault isolation).

End to end in Prefect's ephemeral mode on real files and models. The faults are bugs
injected into one stage each (clean, extract, cluster) that strike only marked articles,
and a language code no expectation accepts: one article each, and the run publishes the rest.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import tasks.clean as clean
import tasks.cluster as cluster
import tasks.extract.facts as facts
from flows.cli import app
from flows.news_etl import RunParameters, ValidationBlocked, news_etl

pytestmark = pytest.mark.e2e

STORIES = {  # four short, distinct reports, one per fault
    "CLEANBUG": "Flooding closed the coastal highway near Porto on Tuesday, officials said.",
    "EXTRACTBUG": "The court fined the shipping firm 2 million euros, a ratio of 15 to 1.",
    "CLUSTERBUG": "Volunteers planted 4,000 oak saplings along the river in Leeds this week.",
    "BADLANG": "The orchestra cancelled its winter tour after the conductor fell ill.",
}


def _write_input(folder: Path, seeds: Path) -> Path:
    shutil.copytree(seeds, folder)
    for mark, text in STORIES.items():
        body = "\n\n".join(f"{text} {mark} paragraph {i}." for i in range(3))
        (folder / f"{mark.lower()}.json").write_text(json.dumps(
            {"title": f"{mark} report", "text": body, "date": "2024-08-19"}))
    (folder / "dates.jsonl").write_text("\n".join(json.dumps({"text": text, "date": date})
                                                  for text, date in (
        ("The museum reopened its east wing to visitors after a decade of repairs.",
         "9999-12-31"),
        ("Farmers in the valley expect a smaller apple harvest after the late frost.", "-1"),
        ("A new ferry line will link the two islands from the spring.", "1712-01-01"))))
    return folder


@pytest.fixture
def bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    """One bug per stage, each striking only its marked article."""
    real_language, real_facts, real_numbers = (clean.detect_language, facts.extract_facts,
                                               cluster.figures)

    def detect_language(body: str) -> str:
        if "CLEANBUG" in body:
            raise KeyError("no such language table")
        return "x1" if "BADLANG" in body else real_language(body)

    def extract_facts(doc, body, article_id):
        if "EXTRACTBUG" in body:
            raise RecursionError("maximum recursion depth exceeded")
        return real_facts(doc, body, article_id)

    def numbers(text: str) -> list[str]:
        if "CLUSTERBUG" in text:
            raise IndexError("list index out of range")
        return real_numbers(text)
    monkeypatch.setattr(clean, "detect_language", detect_language)
    monkeypatch.setattr(facts, "extract_facts", extract_facts)
    monkeypatch.setattr(cluster, "figures", numbers)


def _rows(lake: Path, table: str, where: str = "true") -> list[dict]:
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{lake}/{table}/**/*.parquet', "
                     f"hive_partitioning = true) WHERE {where}")
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def _run(drop: Path, lake: Path, **options: object):
    return news_etl(RunParameters(input=str(drop), lake=str(lake), processes=1, **options))


def test_each_bad_article_is_held_back_alone_and_retried(tmp_path: Path, seeds: Path,
                                                        bugs: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    drop, lake = _write_input(tmp_path / "drop", seeds), tmp_path / "lake"
    # 4 of 12 articles held back: above the default 5%, so this run allows a third.
    first = _run(drop, lake, max_held_share=0.34)
    assert first.outcome == "published"
    assert first.records == {"published": 8, "duplicate": 0, "rejected": 0, "already_seen": 0,
                             "failed": 3, "quarantined": 1}
    log = {Path(r["source_uri"].split("#")[0]).stem: r for r in _rows(lake, "ingest_log")
           if r["status"] in ("failed", "quarantined")}
    assert {k: (r["status"], r["reason"]) for k, r in log.items()} == {
        "cleanbug": ("failed", "clean: KeyError: 'no such language table'"),
        "extractbug": ("failed", "extract: RecursionError: maximum recursion depth exceeded"),
        "clusterbug": ("failed", "cluster: IndexError: list index out of range"),
        "badlang": ("quarantined", "quarantined: articles.expect_column_values_to_match_regex"
                                   "(language)")}
    # Nothing of a held-back article is published, in any table.
    for table in ("articles", "entities", "mentions", "quotes", "facts", "dates"):
        texts = json.dumps([list(r.values()) for r in _rows(lake, table)], default=str)
        assert not any(mark in texts for mark in STORIES), table
    members = pq.read_table(lake / "story_members" / "story_members.parquet")
    assert members.num_rows == 8
    # The quarantined article's rows wait in _quarantine with a report naming the expectation.
    [held] = (lake / "_quarantine").iterdir()
    assert pq.read_table(held / "articles.parquet")["body"].to_pylist()[0].count("BADLANG") == 3
    report = json.loads((held / "report.json").read_text())
    assert report["articles"][0]["reason"].endswith("match_regex(language)")
    record = json.loads((lake / "_runs" / f"{first.run_id}.json").read_text())
    assert len(record["held"]) == 4 and record["records_read"] == 12
    assert any(line.startswith("failed: ") and "extractbug.json" in line
               for line in first.lines())

    # Implausible metadata dates are dropped, and the ledger says why.
    dated = {r["source_uri"][-2:]: r for r in _rows(lake, "ingest_log")
             if "dates.jsonl" in r["source_uri"]}
    assert [dated[f"#{n}"]["reason"] for n in (1, 2, 3)] == [
        "date '9999-12-31' dropped: after the run's day",
        "date '-1' dropped: not a date with a year",
        "date '1712-01-01' dropped: before 1800"]
    assert all(a["published_date"] is None for a in _rows(
        lake, "articles", "source_uri LIKE '%dates.jsonl%'"))

    # The next run reads the held-back records again; failing again, they block nothing,
    # even allowed no share at all: they are known bad articles, not a new fault.
    second = _run(drop, lake, max_held_share=0.0)
    # Only their files are read again: the others' records were all accounted for.
    assert (second.outcome, second.records["already_seen"]) == ("nothing published", 0)
    assert second.unchanged_files == 6  # the five seeds and dates.jsonl
    assert (second.records["failed"], second.records["quarantined"]) == (3, 1)

    # Once the bugs are fixed, they publish.
    monkeypatch.undo()
    third = _run(drop, lake)
    assert (third.outcome, third.records["published"]) == ("published", 4)
    assert len(_rows(lake, "articles")) == 12


def test_a_systemic_share_of_failures_blocks_the_publish(tmp_path: Path, seeds: Path,
                                                         bugs: None) -> None:
    drop, lake = _write_input(tmp_path / "drop", seeds), tmp_path / "lake"
    result = CliRunner().invoke(app, ["run", "--input", str(drop), "--lake", str(lake),
                                      "--processes", "1"])
    assert result.exit_code == 1, result.output
    assert "4 of 12 articles were held back" in result.output
    assert not list(lake.glob("articles/**/*.parquet"))
    [held] = (lake / "_quarantine").iterdir()  # everything, the quarantined article too
    assert pq.read_table(held / "articles.parquet").num_rows == 9
    # A blocked run adds nothing to the state: its files are not logged as read.
    assert not list(lake.glob("_state/*/b=*/part-*.parquet"))
    with pytest.raises(ValidationBlocked) as again:
        _run(drop, lake)
    assert again.value.summary.unchanged_files == 0
    assert again.value.summary.records_read == 12


def test_a_fault_of_the_whole_run_is_exit_3_and_publishes_nothing(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("out of memory while clustering")
    monkeypatch.setattr(cluster, "cluster_stories", broken)
    lake = tmp_path / "lake"
    result = CliRunner().invoke(app, ["run", "--input", str(seeds), "--lake", str(lake),
                                      "--processes", "1"])
    assert result.exit_code == 3, result.output
    assert ("error: the run failed, nothing was published: MemoryError: out of memory while "
            "clustering") in result.output
    assert not list(lake.glob("articles/**/*.parquet"))
    assert not (lake / "_state" / "lock.json").exists()


def test_a_deleted_story_snapshot_is_redrawn_by_a_run_with_nothing_new(tmp_path: Path,
                                                                       seeds: Path) -> None:
    lake = tmp_path / "lake"
    _run(seeds, lake)
    snapshot = lake / "stories" / "stories.parquet"
    before = pq.read_table(snapshot).drop_columns(["run_id", "ingest_date"])
    snapshot.unlink()
    again = _run(seeds, lake)
    assert again.outcome == "nothing new"
    assert pq.read_table(snapshot).drop_columns(["run_id", "ingest_date"]).equals(before)
