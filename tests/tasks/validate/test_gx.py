"""The Great Expectations run against the real suites in expectations/ (no mocks): good
tables pass and leave data docs; each kind of violation fails with an error, a warning
does not."""

from __future__ import annotations

import json
import pathlib

import pyarrow as pa
import pytest
from validation_rows import SUITES, ge_imported, good  # noqa: F401  (ge_imported: a fixture)

from tasks import schemas
from tasks.validate import OFFSET_COLUMN, validate_tables


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
