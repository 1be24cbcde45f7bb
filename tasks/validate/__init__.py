"""Validate tables against the Great Expectations suites in `expectations/` (contract §5).

A run validates twice with one GE context, so that the data docs show both: the article
tables first (to quarantine bad articles before clustering), then the ledger and the story
snapshots, which depend on what was quarantined. This module holds the Prefect tasks over
that; the work is in small modules:
- `suites.py`: reading a suite, each expectation's severity and scope;
- `report.py`: the outcome of each expectation and the report a run acts on;
- `gx.py`: the Great Expectations run and its data docs (`results.py` reads its results);
- `offsets.py`: the offset check GE cannot do alone (it cannot join tables);
- `plain.py`: the same verdicts without GE, for a run with only its ledger to check.
"""

from __future__ import annotations

import pathlib

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.validate.gx import Validation, validate_tables
from tasks.validate.offsets import OFFSET_COLUMN
from tasks.validate.plain import PLAIN_KINDS, check_plain
from tasks.validate.report import ExpectationOutcome, ValidationReport
from tasks.validate.suites import GE_SEVERITY, SCOPES, SEVERITIES, load_suite

__all__ = ["GE_SEVERITY", "OFFSET_COLUMN", "PLAIN_KINDS", "SCOPES", "SEVERITIES",
           "ExpectationOutcome", "Validation", "ValidationReport", "check_plain", "docs_task",
           "forget", "load_suite", "validate_tables", "validate_task"]

_RUNS: dict[str, Validation] = {}  # run_id -> its GE context, between the two phases


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(run_id: str, staging_url: str, staged: dict[str, list[str]],
                  names: list[str], suites_dir: pathlib.Path,
                  plain: bool = False) -> ValidationReport:
    """Validate the run's staged tables `names`, in one call (so offsets are checked against
    the run's own articles), in the run's GE context; with `plain`, without GE when the
    suites allow it (check_plain)."""
    from tasks.publish import load_tables

    tables = load_tables(staging_url, {name: staged[name] for name in names if name in staged})
    if plain and (report := check_plain(tables, suites_dir)) is not None:
        return report
    return _RUNS.setdefault(run_id, Validation()).run(tables, suites_dir)


@task(name="validation-docs", cache_policy=NO_CACHE)
def docs_task(run_id: str, docs_url: str) -> str | None:
    """The data docs of the run's validations, into `docs_url`; ends the run's context."""
    validation = _RUNS.pop(run_id, None)
    if validation is None:
        return None
    try:
        return validation.docs(docs_url)
    finally:
        validation.close()


def forget(run_id: str) -> None:
    """Drop a run's GE context (a run that ends before its docs are built)."""
    if (validation := _RUNS.pop(run_id, None)) is not None:
        validation.close()
