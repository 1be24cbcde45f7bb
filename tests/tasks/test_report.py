"""The run's report for the operator: counts, stories, warnings, docs, time per stage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.publish import RunSummary
from tasks.report import markdown, story_changes, story_line
from tasks.schemas import conform

WARNING = {"table": "articles", "expectation": "expect_column_values_to_not_be_null",
           "column": "title", "severity": "warning", "success": False, "skipped": False,
           "observed": "3 of 5 values unexpected at rows [0, 1, 3]", "scope": "row",
           "failing_rows": 3}


def _summary(outcome: str, **fields: object) -> RunSummary:
    summary = RunSummary("r2", "data/raw", "/lake", "2026-01-02T06:00:00+00:00",
                         outcome=outcome, finished_at="2026-01-02T06:00:12.5+00:00",
                         seconds={"ingest": 0.4, "validate": 5.25, "publish": 0.3})
    summary.records = {"published": 2, "duplicate": 0, "rejected": 1, "already_seen": 3,
                       "failed": 1, "quarantined": 0}
    summary.validation = {"message": "validation passed: 122 expectations run, 1 warnings",
                          "docs_index": "/lake/_docs/index.html", "outcomes": [WARNING]}
    for name, value in fields.items():
        setattr(summary, name, value)
    return summary


def test_a_published_run_reports_outcome_stories_warnings_docs_and_times() -> None:
    held = [{"status": "failed", "source_uri": "in/a|b.txt", "article_id": "0123456789abcdef",
             "reason": "extract: ValueError: odd"}]
    text = markdown(_summary("published", held=held, stories=[
        {"story_id": "st-1", "title": "Blinken in Tel Aviv", "articles": 5, "outlets": 4,
         "articles_before": 3},
        {"story_id": "st-2", "title": None, "articles": 1, "outlets": 1,
         "articles_before": None}]))
    assert text.startswith("# wiredesk run r2: published\n")
    assert "**Published** 2 articles; 1 failed, 0 quarantined." in text
    assert "| failed | in/a\\|b.txt | 0123456789abcdef | extract: ValueError: odd |" in text
    assert "| st-1 | Blinken in Tel Aviv | 5 | 4 | 3 → 5 articles |" in text
    assert "| st-2 |  | 1 | 1 | new |" in text
    assert ("| warning | articles.expect_column_values_to_not_be_null(title) | 3 of 5 values "
            "unexpected at rows [0, 1, 3] |") in text
    assert "Data docs: `/lake/_docs/index.html`" in text
    assert "| validate | 5.2 |" in text and "| whole run | 12.5 |" in text


def test_nothing_new_and_blocked_runs_say_so() -> None:
    idle = markdown(_summary("nothing new", validation={
        "message": "validation passed: 10 expectations run", "docs_index": None,
        "outcomes": []}))
    assert ("**Nothing new**: 0 unchanged input files skipped, 3 records already seen, "
            "1 rejected.") in idle
    assert "## Stories this run created or grew\n\nNone." in idle
    assert "Data docs: not rebuilt by this run" in idle and "`/lake/_docs/index.html`" in idle
    blocked = markdown(_summary("blocked", validation={
        "message": "validation failed: stories.expect_column_values_to_be_unique(story_id)",
        "docs_index": "/lake/_docs/index.html", "outcomes": [
            {**WARNING, "table": "stories", "severity": "error", "column": "story_id",
             "expectation": "expect_column_values_to_be_unique", "observed": "2 of 9"}]}))
    assert ("**Blocked**: nothing was published. validation failed: "
            "stories.expect_column_values_to_be_unique(story_id).") in blocked
    assert "`/lake/_quarantine/r2/`" in blocked and "Stories this run" not in blocked
    assert "| error | stories.expect_column_values_to_be_unique(story_id) | 2 of 9 |" in blocked


def _stories(rows: list[dict]) -> pa.Table:
    day = dt.date(2026, 1, 1)
    return conform("stories", [{"first_published": day, "last_published": day,
                                "top_entities": [], "ingest_date": day, **r} for r in rows])


def test_story_changes_are_the_run_s_rows_against_the_lake_s_snapshot(tmp_path: Path) -> None:
    (tmp_path / "lake" / "stories").mkdir(parents=True)
    pq.write_table(_stories([
        {"story_id": "st-old", "title": "Old", "article_count": 2, "source_count": 2,
         "run_id": "r1"},
        {"story_id": "st-same", "title": "Same", "article_count": 4, "source_count": 3,
         "run_id": "r1"}]), tmp_path / "lake" / "stories" / "stories.parquet")
    staged = tmp_path / "staging" / "stories.parquet"
    staged.parent.mkdir()
    pq.write_table(_stories([
        {"story_id": "st-old", "title": "Old", "article_count": 3, "source_count": 3,
         "run_id": "r2"},
        {"story_id": "st-same", "title": "Same", "article_count": 4, "source_count": 3,
         "run_id": "r1"},
        {"story_id": "st-new", "title": "New", "article_count": 1, "source_count": 1,
         "run_id": "r2"}]), staged)
    changes = story_changes(str(tmp_path / "lake"), str(tmp_path / "staging"), [str(staged)],
                            "r2")
    assert changes == [
        {"story_id": "st-old", "title": "Old", "articles": 3, "outlets": 3,
         "articles_before": 2},
        {"story_id": "st-new", "title": "New", "articles": 1, "outlets": 1,
         "articles_before": None}]
    assert story_line(changes, 3) == ("cluster: 3 stories over the lake; this run created 1, "
                                      "grew 1, changed 0 otherwise")


def test_the_figures_outlets_disagree_on_are_listed_for_created_or_grown_stories() -> None:
    disputed = [{"kind": "KIDNAP", "counted": "people", "agreement": "values_differ",
                 "figures": ["about 250 hostages (AP)", "251 (Reuters)"]}]
    text = markdown(_summary("published", stories=[
        {"story_id": "st-1", "title": "Blinken in Tel Aviv", "articles": 5, "outlets": 4,
         "articles_before": 3, "disputed": disputed}]))
    assert "## Figures outlets disagree on" in text
    assert ("| Blinken in Tel Aviv | KIDNAP people | values differ | about 250 hostages (AP); "
            "251 (Reuters) |") in text
    quiet = markdown(_summary("published", stories=[
        {"story_id": "st-1", "title": "T", "articles": 2, "outlets": 2, "articles_before": None,
         "disputed": []}]))
    assert "disagree" not in quiet
