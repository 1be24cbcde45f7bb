"""Reading Great Expectations' results: the failing rows, the error, the observed summary.

GE's result dictionaries differ by expectation kind (row-wise ones count unexpected values,
the column set lists mismatches, an aggregate one has an observed value) and carry numpy
scalars; these turn each into the short plain summary a report and a run record show.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def failing_rows(result: dict) -> list[int]:
    """Positions of the failing rows in a COMPLETE result (a row-wise expectation has them;
    an aggregate one, none)."""
    rows = result.get("unexpected_index_list") or []
    return sorted({int(r) for r in rows if isinstance(r, int | np.integer)})


def exception_message(info: dict) -> str | None:
    """The first exception message in GE's exception_info (flat, or keyed by metric)."""
    for entry in [info, *(info or {}).values()]:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message"))
    return None


def observed(result: dict, error: str | None) -> str:
    """What an expectation saw, in at most 300 characters."""
    if error:
        text = f"raised: {error}"
    elif "unexpected_count" in result:
        text = f"{result['unexpected_count']} of {result['element_count']} values unexpected"
        sample = [c.get("value") for c in result.get("partial_unexpected_counts") or []
                  if c.get("value") is not None and c["value"] == c["value"]]  # no None/NaN
        if sample:
            text += f": {_plain(sample[:5])!r}"
        if rows := result.get("partial_unexpected_index_list"):
            text += f" at rows {rows[:5]}"
    elif mismatched := (result.get("details") or {}).get("mismatched"):
        text = "; ".join(f"{kind}: {cols}" for kind, cols in mismatched.items())
    else:
        text = f"observed: {result.get('observed_value')}"
    return text[:300]


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, so a summary reads 0 rather than np.int32(0)."""
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value
