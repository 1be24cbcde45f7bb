"""Validate tables against the Great Expectations suites in `expectations/` (contract §5).

Each expectation's severity is `meta.severity` in its suite: `error` fails, `warning` is
only reported. GE 1.x has a native `severity` too, but its levels are critical/warning/info,
so the suites mirror ours there (error -> critical) for GE's own docs and we read `meta`.
Each expectation's `meta.scope` says what a failure means: `row` (a predicate on each row:
the failing rows' articles are quarantined, the rest publishes) or `table` (column set,
uniqueness of a lake-wide key: the whole publish is blocked). A row failure in a table whose
rows belong to no article (ingest_log, the story snapshots) blocks too.
GE cannot join tables, so offset checks run on a derived column (below).

A run validates twice with one GE context, so that the data docs show both: the article
tables first (to quarantine bad articles before clustering), then the ledger and the story
snapshots, which depend on what was quarantined.
"""

from __future__ import annotations

import json
import pathlib
import re
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.lake import Lake
from tasks.schemas import ARTICLE_TABLES, OFFSET_TABLES

SEVERITIES = ("error", "warning")
SCOPES = ("row", "table")
GE_SEVERITY = {"error": "critical", "warning": "warning"}
# Added to every offset table's frame: articles.body[start:end] == text, None if not checkable.
OFFSET_COLUMN = "offset_matches"
_SITE = "wiredesk"


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


class Validation:
    """One GE context for a run: validate tables (more than once), then build the docs of
    everything validated."""

    def __init__(self) -> None:
        import great_expectations as gx

        self._site = tempfile.TemporaryDirectory()
        self.context = gx.get_context(mode="ephemeral", project_config=_config(self._site.name))
        self._source = self.context.data_sources.add_pandas("wiredesk")

    def run(self, tables: dict[str, pa.Table], suites_dir: pathlib.Path) -> ValidationReport:
        """Validate each table against `suites_dir/<table>.json` (each table once a
        context); offsets are checked against the articles among them."""
        import great_expectations as gx

        bodies = _bodies(tables["articles"]) if "articles" in tables else None
        report = ValidationReport(success=True, outcomes=[])
        for name, table in tables.items():
            suite = load_suite(pathlib.Path(suites_dir) / f"{name}.json")
            run = []
            for exp in suite["expectations"]:
                needs = exp["meta"].get("requires")
                if needs is None or needs in tables:
                    run.append(exp)
                else:
                    report.outcomes.append(_outcome(name, exp, False, skipped=True,
                                                    observed=f"skipped: needs {needs}"))
            frame = table.to_pandas()
            if name in OFFSET_TABLES:
                frame[OFFSET_COLUMN] = _offsets_match(table, bodies)
            ge_suite = self.context.suites.add(
                gx.ExpectationSuite(**{**suite, "expectations": run}))
            batch = self._source.add_dataframe_asset(name
                                                     ).add_batch_definition_whole_dataframe(name)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=ge_suite))
            # COMPLETE: every failing row's position, to quarantine exactly those articles.
            result = definition.run(batch_parameters={"dataframe": frame},
                                    result_format={"result_format": "COMPLETE"})
            order = [exp.id for exp in ge_suite.expectations]
            for res in sorted(result.results, key=lambda r: order.index(r.expectation_config.id)):
                cfg, error = res.expectation_config, _exception(res.exception_info)
                exp = {"type": cfg.type, "kwargs": cfg.kwargs, "meta": cfg.meta}
                success = res.success and not error
                report.outcomes.append(_outcome(
                    name, exp, success, _observed(res.result, error),
                    rows=[] if success or error else _rows(res.result)))
        report.success = not report.failed
        report.held = report.quarantine(tables)
        return report

    def docs(self, docs_url: str) -> str:
        """Build the data docs of every validation so far, locally, then copy them to
        `docs_url` (a folder or fsspec URL); returns the index's address."""
        self.context.build_data_docs(site_names=[_SITE])
        return _copy_tree(self._site.name, docs_url)

    def close(self) -> None:
        self._site.cleanup()


def validate_tables(tables: dict[str, pa.Table], suites_dir: pathlib.Path,
                    docs_url: str | None = None) -> ValidationReport:
    """Validate each given table against `suites_dir/<table>.json` with an ephemeral context.

    docs_url: local folder or fsspec URL that receives the GE data docs (built locally first).
    """
    validation = Validation()
    try:
        report = validation.run(tables, suites_dir)
        if docs_url:
            report.docs_index = validation.docs(docs_url)
        return report
    finally:
        validation.close()


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

    Importing GE and building its context costs 3-8 s; a run with nothing new has only its
    ledger rows to check, with the simple row predicates of PLAIN_KINDS. Same suites, same
    outcomes (a test compares them with GE's); no data docs."""
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
            report.outcomes.append(_outcome(name, exp, success, observed, rows=rows))
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


def _rows(result: dict) -> list[int]:
    """Positions of the failing rows in a COMPLETE result (a row-wise expectation has them;
    an aggregate one, none)."""
    rows = result.get("unexpected_index_list") or []
    return sorted({int(r) for r in rows if isinstance(r, int | np.integer)})


def _config(site_dir: str) -> Any:
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    # No analytics (no internet on workers), no progress bars in task logs, one docs site.
    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={_SITE: {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": site_dir},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }},
    )


def _bodies(articles: pa.Table) -> dict[str, str]:
    if not {"article_id", "body"} <= set(articles.column_names):
        return {}
    return dict(zip(articles.column("article_id").to_pylist(),
                    articles.column("body").to_pylist(), strict=True))


def _offsets_match(table: pa.Table, bodies: dict[str, str] | None) -> list[bool | None]:
    """body[start:end] == text per row; False for an unknown article or out-of-range offsets."""
    if bodies is None:  # articles not in this call: the expectation is skipped
        return [None] * table.num_rows
    columns = [table.column(c).to_pylist() if c in table.column_names else [None] * table.num_rows
               for c in ("article_id", "start", "end", "text")]
    matches = []
    for article_id, start, end, text in zip(*columns, strict=True):
        body = bodies.get(article_id)
        matches.append(None not in (body, start, end, text)
                       and 0 <= start <= end <= len(body) and body[start:end] == text)
    return matches


def _outcome(table: str, exp: dict, success: bool, observed: str,
             skipped: bool = False, rows: list[int] | None = None) -> ExpectationOutcome:
    kwargs = exp["kwargs"]
    columns = ([kwargs["column"]] if "column" in kwargs else kwargs.get("column_list")
               or [kwargs[k] for k in ("column_A", "column_B") if k in kwargs])
    return ExpectationOutcome(table=table, expectation=exp["type"],
                              column=",".join(columns) or None,
                              severity=exp["meta"]["severity"], success=bool(success),
                              observed=observed, skipped=skipped,
                              scope=exp["meta"].get("scope", "table"), rows=rows or [])


def _exception(info: dict) -> str | None:
    """The first exception message in GE's exception_info (flat, or keyed by metric)."""
    for entry in [info, *(info or {}).values()]:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message"))
    return None


def _observed(result: dict, error: str | None) -> str:
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


def _copy_tree(local_dir: str, url: str) -> str:
    """Copy the built site to `url` file by file, through the lake's writes (each file whole
    or not at all; a full disk is LakeFull, a stopping run writes nothing more)."""
    site = Lake(url)
    for path in sorted(pathlib.Path(local_dir).rglob("*")):
        if path.is_file():
            site.put_file(str(path), site.path(path.relative_to(local_dir).as_posix()))
    return f"{url.rstrip('/')}/index.html"


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
