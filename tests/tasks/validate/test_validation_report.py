"""What a failure costs: a failing row in an article table holds back its article and the
rest publishes; a table-wide failure, or a failing row of no article, blocks the publish."""

from __future__ import annotations

import pyarrow as pa
import pytest
from validation_rows import SUITES, ge_imported, good  # noqa: F401  (ge_imported: a fixture)

from tasks.validate import validate_tables


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
