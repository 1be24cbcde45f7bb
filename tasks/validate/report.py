"""What a validation found: one outcome per expectation, and the report over them.

Both ways of checking (Great Expectations in `gx.py`, the GX-free `plain.py`) fill the same
types, so the flow, the run record and the quarantine read one report whichever ran. The
report decides what a failure costs: a row failure in an article table holds back those
articles (`quarantines`); any other error blocks the publish (`blocking`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyarrow as pa

from tasks.schemas import ARTICLE_TABLES


@dataclass
class ExpectationOutcome:
    table: str
    expectation: str
    column: str | None
    severity: str  # "error" | "warning"
    success: bool
    observed: str  # short human summary
    skipped: bool = False  # not run (a table it needs is not in the call): neither pass nor fail
    scope: str = "table"  # "row": the failing rows' articles are quarantined
    rows: list[int] = field(default_factory=list)  # failing row positions (row scope)

    @property
    def name(self) -> str:
        return f"{self.table}.{self.expectation}({self.column or ''})"

    @property
    def quarantines(self) -> bool:
        """A row failure in an article table holds back those articles, not the run."""
        return self.scope == "row" and self.table in ARTICLE_TABLES and bool(self.rows)


@dataclass
class ValidationReport:
    success: bool  # False iff an error-severity expectation failed
    outcomes: list[ExpectationOutcome]
    docs_index: str | None = None
    held: dict[str, list[str]] = field(default_factory=dict)  # article -> row expectations

    def _failing(self, severity: str) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes
                if not o.success and not o.skipped and o.severity == severity]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return self._failing("error")

    @property
    def blocking(self) -> list[ExpectationOutcome]:
        """Failed error expectations that no quarantine can settle: the publish is blocked."""
        return [o for o in self.failed if not o.quarantines]

    def quarantine(self, tables: dict[str, pa.Table]) -> dict[str, list[str]]:
        """article_id -> the row expectations its rows failed (error severity)."""
        held: dict[str, list[str]] = {}
        for outcome in self.failed:
            if outcome.quarantines:
                ids = tables[outcome.table]["article_id"].take(outcome.rows).to_pylist()
                for article_id in dict.fromkeys(ids):
                    held.setdefault(article_id, []).append(outcome.name)
        return held

    def merge(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(self.success and other.success, self.outcomes + other.outcomes,
                                other.docs_index or self.docs_index, self.held | other.held)

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return self._failing("warning")

    def to_dict(self) -> dict:
        outcomes = [{k: v for k, v in asdict(o).items() if k != "rows"}
                    | {"failing_rows": len(o.rows)} for o in self.outcomes]
        return {"success": self.success, "message": self.message(), "docs_index": self.docs_index,
                "outcomes": outcomes}

    def message(self) -> str:
        if self.blocking:
            return "validation failed: " + ", ".join(o.name for o in self.blocking)
        if self.failed:
            rows = sum(len(o.rows) for o in self.failed)
            return (f"validation passed with quarantine: {rows} rows failed "
                    + ", ".join(o.name for o in self.failed))
        skipped = sum(o.skipped for o in self.outcomes)
        return (f"validation passed: {len(self.outcomes) - skipped} expectations run, "
                f"{len(self.warnings)} warnings, {skipped} skipped")


def outcome(table: str, exp: dict, success: bool, observed: str,
            skipped: bool = False, rows: list[int] | None = None) -> ExpectationOutcome:
    """The outcome of one suite expectation (`exp`: its type, kwargs and meta) on a table."""
    kwargs = exp["kwargs"]
    columns = ([kwargs["column"]] if "column" in kwargs else kwargs.get("column_list")
               or [kwargs[k] for k in ("column_A", "column_B") if k in kwargs])
    return ExpectationOutcome(table=table, expectation=exp["type"],
                              column=",".join(columns) or None,
                              severity=exp["meta"]["severity"], success=bool(success),
                              observed=observed, skipped=skipped,
                              scope=exp["meta"].get("scope", "table"), rows=rows or [])
