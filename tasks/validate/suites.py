"""The suites in `expectations/` (one Great Expectations 1.x suite per table) and how to read them.

Each expectation's severity is `meta.severity` in its suite: `error` fails, `warning` is
only reported. GE 1.x has a native `severity` too, but its levels are critical/warning/info,
so the suites mirror ours there (error -> critical) for GE's own docs and we read `meta`.
Each expectation's `meta.scope` says what a failure means: `row` (a predicate on each row:
the failing rows' articles are quarantined, the rest publishes) or `table` (column set,
uniqueness of a lake-wide key: the whole publish is blocked). `meta.requires` names a table
the expectation needs in the same call (the offset checks need `articles`).
"""

from __future__ import annotations

import json
import pathlib

SEVERITIES = ("error", "warning")
SCOPES = ("row", "table")
GE_SEVERITY = {"error": "critical", "warning": "warning"}


def load_suite(path: pathlib.Path) -> dict:
    """A suite's JSON, checked for our severity and scope and that GE accepts every
    expectation."""
    from great_expectations import ExpectationSuite

    data = json.loads(path.read_text())
    for exp in data["expectations"]:
        if exp.get("meta", {}).get("severity") not in SEVERITIES:
            raise ValueError(f"{path}: {exp['type']} has no meta.severity in {SEVERITIES}")
        if exp["meta"].get("scope") not in SCOPES:
            raise ValueError(f"{path}: {exp['type']} has no meta.scope in {SCOPES}")
    # GE logs and drops an expectation it cannot parse; a silently shorter suite must not pass.
    if len(ExpectationSuite(**data).expectations) != len(data["expectations"]):
        raise ValueError(f"{path}: Great Expectations rejected some expectations")
    return data
