"""Validation against the real Great Expectations suites in expectations/ (no mocks)."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pyarrow as pa
import pytest

from tasks import schemas
from tasks.validate import (
    GE_SEVERITY,
    OFFSET_COLUMN,
    check_plain,
    load_suite,
    validate_tables,
)

SUITES = pathlib.Path(__file__).resolve().parents[2] / "expectations"
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
def _ge_imported() -> None:
    import great_expectations  # noqa: F401  (pay the 2-3 s import once, outside the timings)


def test_good_tables_pass_and_docs_land_in_folder(tmp_path: pathlib.Path) -> None:
    docs = tmp_path / "docs"
    report = validate_tables({t: good(t) for t in schemas.TABLES}, SUITES, docs_url=str(docs))
    assert report.success, report.message()
    assert not report.failed and not report.warnings
    assert not any(o.skipped for o in report.outcomes)
    assert {o.table for o in report.outcomes} == set(schemas.TABLES)
    assert report.docs_index == f"{docs}/index.html"
    assert (docs / "index.html").is_file()
    assert list(docs.glob("validations/articles/**/*.html"))
    json.dumps(report.to_dict())


def test_docs_copy_to_fsspec_url() -> None:
    import fsspec

    report = validate_tables({"stories": good("stories")}, SUITES, docs_url="memory://wd/_docs")
    assert report.docs_index == "memory://wd/_docs/index.html"
    assert fsspec.filesystem("memory").isfile("/wd/_docs/index.html")


def _bad_articles() -> dict[str, pa.Table]:
    twice = pa.concat_tables([good("articles"), good("articles")])
    return {"articles": twice}


VIOLATIONS = {
    "null": ({"ingest_log": good("ingest_log", content_sha256=None)},
             "ingest_log.expect_column_values_to_not_be_null(content_sha256)"),
    "vocabulary": ({"entities": good("entities", label="PERSONS")},
                   "entities.expect_column_values_to_be_in_set(label)"),
    "duplicate key": (_bad_articles(), "articles.expect_column_values_to_be_unique(article_id)"),
    "offset": ({"articles": good("articles"), "facts": good("facts", text="28 Palestinians")},
               f"facts.expect_column_values_to_be_in_set({OFFSET_COLUMN})"),
    "missing column": ({"story_members": good("story_members").drop_columns(["run_id"])},
                       "story_members.expect_table_columns_to_match_set()"),
    "format": ({"mentions": good("mentions", entity_id="Person/Antony Blinken")},
               "mentions.expect_column_values_to_match_regex(entity_id)"),
    "end before start": ({"dates": good("dates", end=0)},
                         "dates.expect_column_pair_values_a_to_be_greater_than_b(end,start)"),
}


@pytest.mark.parametrize("kind", VIOLATIONS)
def test_violation_fails_with_error(kind: str) -> None:
    tables, expected = VIOLATIONS[kind]
    report = validate_tables(tables, SUITES)
    assert not report.success
    assert all(o.severity == "error" for o in report.failed)
    assert expected in report.message()
    assert report.to_dict()["success"] is False


def test_missing_column_is_named() -> None:
    report = validate_tables({"story_members": good("story_members").drop_columns(["run_id"])},
                             SUITES)
    [columns] = [o for o in report.failed if o.expectation.startswith("expect_table_columns")]
    assert "run_id" in columns.observed


def test_warning_does_not_block() -> None:
    report = validate_tables({"articles": good("articles", title=None, language="fr")}, SUITES)
    assert report.success, report.message()
    assert {(o.column, o.expectation) for o in report.warnings} == {
        ("title", "expect_column_values_to_not_be_null"),
        ("language", "expect_column_values_to_be_in_set")}
    assert "1 of 1" in report.warnings[0].observed


def test_offsets_skipped_without_articles() -> None:
    report = validate_tables({"quotes": good("quotes", text="not in the body")}, SUITES)
    [skipped] = [o for o in report.outcomes if o.skipped]
    assert (skipped.column, skipped.success) == (OFFSET_COLUMN, False)
    assert report.success and skipped not in report.failed


def test_offsets_against_an_unknown_article_fail() -> None:
    other = good("articles", article_id="fedcba9876543210")
    report = validate_tables({"articles": other, "dates": good("dates")}, SUITES)
    assert [o.column for o in report.failed] == [OFFSET_COLUMN]


@pytest.mark.parametrize("table", schemas.TABLES)
def test_suite_in_step_with_schema(table: str) -> None:
    suite = load_suite(SUITES / f"{table}.json")
    assert suite["name"] == table
    by_type: dict[str, list[dict]] = {}
    for exp in suite["expectations"]:
        by_type.setdefault(exp["type"], []).append(exp)
        assert exp["severity"] == GE_SEVERITY[exp["meta"]["severity"]]

    def errors(type_: str) -> dict[str, dict]:
        return {e["kwargs"]["column"]: e["kwargs"] for e in by_type.get(type_, [])
                if e["meta"]["severity"] == "error"}

    schema = schemas.TABLES[table]
    derived = [OFFSET_COLUMN] if table in schemas.OFFSET_TABLES else []
    [columns] = by_type["expect_table_columns_to_match_set"]
    assert columns["kwargs"] == {"column_set": schema.names + derived, "exact_match": True}
    required = {f.name for f in schema if not f.nullable}
    assert set(errors("expect_column_values_to_not_be_null")) == required
    in_set = {c: kw["value_set"] for c, kw in errors("expect_column_values_to_be_in_set").items()}
    vocabularies = {c: v for (t, c), v in schemas.VOCABULARIES.items() if t == table}
    assert in_set == {**vocabularies, **{c: [True] for c in derived}}
    requires = [e["meta"].get("requires") for e in suite["expectations"]]
    assert [r for r in requires if r] == ["articles"] * len(derived)


def test_every_suite_file_is_a_table() -> None:
    assert {p.stem for p in SUITES.glob("*.json")} == set(schemas.TABLES)


@pytest.mark.parametrize("bad", [
    {"type": "expect_column_values_to_be_nonsense", "kwargs": {"column": "x"},
     "meta": {"severity": "error", "scope": "row"}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"},
     "meta": {"severity": "error"}},  # no scope
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"},
     "meta": {"severity": "critical"}},
])
def test_suite_that_would_lose_expectations_is_rejected(tmp_path: pathlib.Path, bad: dict) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"name": "t", "expectations": [bad]}))
    with pytest.raises(ValueError):
        load_suite(path)


def _two_articles() -> dict[str, pa.Table]:
    other = "fedcba9876543210"
    return {"articles": pa.concat_tables([good("articles"), good("articles", article_id=other)]),
            "facts": pa.concat_tables([good("facts"), good("facts", article_id=other,
                                                           fact_id=f"{other}:1", kind="EATEN")])}


def test_a_failing_row_quarantines_its_article_not_the_run() -> None:
    report = validate_tables(_two_articles(), SUITES)
    assert not report.success and not report.blocking
    assert report.held == {"fedcba9876543210": ["facts.expect_column_values_to_be_in_set(kind)"]}
    assert "quarantine" in report.message()


@pytest.mark.parametrize("tables", [
    {"articles": good("articles").drop_columns(["title"])},  # table scope: the column set
    {"story_members": pa.concat_tables([good("story_members")] * 2)},  # a lake-wide key
    {"ingest_log": good("ingest_log", status="lost")},  # a row of no article: the ledger
], ids=["columns", "snapshot key", "ledger row"])
def test_systemic_failures_block(tables: dict[str, pa.Table]) -> None:
    report = validate_tables(tables, SUITES)
    assert report.blocking and not report.held
    assert report.message().startswith("validation failed")


def test_every_expectation_declares_its_scope() -> None:
    for path in SUITES.glob("*.json"):
        for exp in json.loads(path.read_text())["expectations"]:
            table_wide = exp["type"] == "expect_table_columns_to_match_set" or (
                "unique" in exp["type"] and path.stem not in schemas.ARTICLE_TABLES)
            assert exp["meta"]["scope"] == ("table" if table_wide else "row"), (path.stem, exp)


def _log_rows(**changes: object) -> list[dict]:
    row = ROWS["ingest_log"][0]
    return [row, {**row, "content_sha256": "cd" * 32, "status": "already_seen"},
            {**row, **changes}]


@pytest.mark.parametrize("changes", [
    {},
    {"status": "lost", "content_sha256": "XYZ", "article_id": "short", "bytes": -1},
    {"source_uri": None, "status": None},
])
def test_plain_check_agrees_with_great_expectations(changes: dict) -> None:
    # A run with nothing new checks its ledger rows without GE: same suite, same verdicts.
    nullable = pa.schema([f.with_nullable(True) for f in schemas.TABLES["ingest_log"]])
    table = pa.Table.from_pylist([{**r, "run_id": "r1"} for r in _log_rows(**changes)],
                                 schema=nullable)
    plain = check_plain({"ingest_log": table}, SUITES)
    ge = validate_tables({"ingest_log": table}, SUITES)
    assert plain is not None
    assert [(o.name, o.success, o.rows) for o in plain.outcomes] == [
        (o.name, o.success, o.rows) for o in ge.outcomes]
    assert plain.success == ge.success == (not changes)
    assert plain.message().split(":")[0] == ge.message().split(":")[0]


def test_plain_check_leaves_other_suites_to_great_expectations() -> None:
    # Offsets, uniqueness, column pairs: only GE judges them.
    assert check_plain({name: good(name) for name in ("articles", "mentions")}, SUITES) is None
    assert check_plain({"articles": good("articles")}, SUITES) is None
