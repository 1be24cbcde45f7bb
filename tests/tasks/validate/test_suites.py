"""The suites in expectations/: one per table, in step with the table's schema, every
expectation with our severity and scope; a suite GE would silently shorten is refused."""

from __future__ import annotations

import json
import pathlib

import pytest
from validation_rows import SUITES, ge_imported  # noqa: F401  (ge_imported: a fixture)

from tasks import schemas
from tasks.validate import GE_SEVERITY, OFFSET_COLUMN, load_suite


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


def test_every_expectation_declares_its_scope() -> None:
    for path in SUITES.glob("*.json"):
        for exp in json.loads(path.read_text())["expectations"]:
            table_wide = exp["type"] == "expect_table_columns_to_match_set" or (
                "unique" in exp["type"] and path.stem not in schemas.ARTICLE_TABLES)
            assert exp["meta"]["scope"] == ("table" if table_wide else "row"), (path.stem, exp)
