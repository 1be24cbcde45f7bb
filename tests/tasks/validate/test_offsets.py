"""The offset check: a row whose offsets do not cut its text out of its article's body fails;
without the articles in the call the check is skipped, neither passed nor failed."""

from __future__ import annotations

import pyarrow as pa
from validation_rows import BODY, SUITES, ge_imported, good  # noqa: F401  (ge_imported: a fixture)

from tasks.validate import OFFSET_COLUMN, validate_tables
from tasks.validate.offsets import article_bodies, offsets_match


def test_offsets_skipped_without_articles() -> None:
    report = validate_tables({"quotes": good("quotes", text="not in the body")}, SUITES)
    [skipped] = [o for o in report.outcomes if o.skipped]
    assert (skipped.column, skipped.success) == (OFFSET_COLUMN, False)
    assert report.success and skipped not in report.failed


def test_offsets_against_an_unknown_article_fail() -> None:
    other = good("articles", article_id="fedcba9876543210")
    report = validate_tables({"articles": other, "dates": good("dates")}, SUITES)
    assert [o.column for o in report.failed] == [OFFSET_COLUMN]


def test_each_row_is_matched_against_its_own_article() -> None:
    bodies = article_bodies(good("articles"))
    start = BODY.index("Sunday")
    rows = pa.table({"article_id": ["0123456789abcdef"] * 4 + ["fedcba9876543210"],
                     "start": [start, start, start, None, start],
                     "end": [start + 6, start + 5, len(BODY) + 1, start + 6, start + 6],
                     "text": ["Sunday"] * 5})
    # right; one character short; past the body's end; no start; another article's offsets
    assert offsets_match(rows, bodies) == [True, False, False, False, False]
    assert offsets_match(rows, None) == [None] * 5
    assert article_bodies(good("articles").drop_columns(["body"])) == {}
