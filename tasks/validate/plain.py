"""Checking small tables against their suites without Great Expectations.

Importing GE and building its context costs 3-8 s; a run with nothing new has only its
ledger rows to check, with simple row predicates that are quick to evaluate directly. Only
the expectation kinds and arguments of PLAIN_KINDS are judged here, as GE judges them (a
test compares the verdicts); any other suite is left to GE.
"""

from __future__ import annotations

import json
import pathlib
import re
from typing import Any

import pyarrow as pa

from tasks.schemas import OFFSET_TABLES
from tasks.validate.report import ValidationReport, outcome
from tasks.validate.suites import SCOPES, SEVERITIES

# The expectation kinds (and their arguments) `check_plain` evaluates itself, as GE would.
PLAIN_KINDS = {
    "expect_table_columns_to_match_set": {"column_set", "exact_match"},
    "expect_column_values_to_not_be_null": {"column"},
    "expect_column_values_to_be_in_set": {"column", "value_set"},
    "expect_column_values_to_match_regex": {"column", "regex"},
    "expect_column_values_to_be_between": {"column", "min_value", "max_value", "strict_min",
                                           "strict_max"},
}


def check_plain(tables: dict[str, pa.Table], suites_dir: pathlib.Path
                ) -> ValidationReport | None:
    """Validate small tables against their suites without Great Expectations, or None when a
    suite needs GE (an expectation kind or argument not in PLAIN_KINDS, offsets, `requires`).

    Same suites, same outcomes as GE; no data docs."""
    report = ValidationReport(success=True, outcomes=[])
    for name, table in tables.items():
        if name in OFFSET_TABLES:
            return None
        data = json.loads((pathlib.Path(suites_dir) / f"{name}.json").read_text())
        for exp in data["expectations"]:
            meta, kwargs = exp.get("meta", {}), exp["kwargs"]
            if (meta.get("severity") not in SEVERITIES or meta.get("scope") not in SCOPES
                    or "requires" in meta or exp["type"] not in PLAIN_KINDS
                    or not set(kwargs) <= PLAIN_KINDS[exp["type"]]):
                return None
            success, observed, rows = _plain_outcome(table, exp["type"], kwargs)
            report.outcomes.append(outcome(name, exp, success, observed, rows=rows))
    report.success = not report.failed
    report.held = report.quarantine(tables)
    return report


def _plain_outcome(table: pa.Table, kind: str, kwargs: dict) -> tuple[bool, str, list[int]]:
    """(success, observed, failing rows) of one PLAIN_KINDS expectation on a table."""
    if kind == "expect_table_columns_to_match_set":
        have, want = set(table.column_names), set(kwargs["column_set"])
        mismatched = {"unexpected": sorted(have - want) if kwargs.get("exact_match", True)
                      else [], "missing": sorted(want - have)}
        mismatched = {k: v for k, v in mismatched.items() if v}
        return (not mismatched, "; ".join(f"{k}: {v}" for k, v in mismatched.items())
                or f"observed: {table.column_names}", [])
    if kwargs["column"] not in table.column_names:
        return False, f"raised: column {kwargs['column']!r} not found", []
    values = table[kwargs["column"]].to_pylist()
    if kind == "expect_column_values_to_not_be_null":
        bad = [i for i, v in enumerate(values) if v is None or v != v]  # NaN is null in pandas
    else:
        test = _plain_predicate(kind, kwargs)  # like GE, nulls are not judged
        bad = [i for i, v in enumerate(values) if v is not None and v == v and not test(v)]
    observed = f"{len(bad)} of {len(values)} values unexpected"
    if sample := [values[i] for i in bad if values[i] is not None][:5]:
        observed += f": {sample!r}"
    if bad:
        observed += f" at rows {bad[:5]}"
    return not bad, observed[:300], bad


def _plain_predicate(kind: str, kwargs: dict) -> Any:
    if kind == "expect_column_values_to_be_in_set":
        allowed = set(kwargs["value_set"])
        return lambda v: v in allowed
    if kind == "expect_column_values_to_match_regex":
        pattern = re.compile(kwargs["regex"])
        return lambda v: pattern.search(str(v)) is not None  # GE's pandas test: a search
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    strict_low, strict_high = kwargs.get("strict_min", False), kwargs.get("strict_max", False)
    return lambda v: ((low is None or (v > low if strict_low else v >= low))
                      and (high is None or (v < high if strict_high else v <= high)))
