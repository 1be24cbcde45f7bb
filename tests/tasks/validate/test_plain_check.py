"""The GX-free check of a run with only its ledger to check: the same verdicts as Great
Expectations on the same suite, and any suite it cannot judge left to GE."""

from __future__ import annotations

import pyarrow as pa
import pytest
from validation_rows import ROWS, SUITES, ge_imported, good  # noqa: F401  (ge_imported: a fixture)

from tasks import schemas
from tasks.validate import check_plain, validate_tables


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
