"""The Great Expectations run: one ephemeral context per run, its validations and data docs.

Great Expectations is imported only inside the functions that use it: its import takes 2-3 s,
and a run with nothing new never needs it (`plain.py`). The data docs are built in a local
temporary folder and copied through the lake's writes, so they land on any storage.
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import Any

import pyarrow as pa

from tasks.lake import Lake
from tasks.schemas import OFFSET_TABLES
from tasks.validate.offsets import OFFSET_COLUMN, article_bodies, offsets_match
from tasks.validate.report import ValidationReport, outcome
from tasks.validate.results import exception_message, failing_rows, observed
from tasks.validate.suites import load_suite

_SITE = "wiredesk"


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

        bodies = article_bodies(tables["articles"]) if "articles" in tables else None
        report = ValidationReport(success=True, outcomes=[])
        for name, table in tables.items():
            suite = load_suite(pathlib.Path(suites_dir) / f"{name}.json")
            run = []
            for exp in suite["expectations"]:
                needs = exp["meta"].get("requires")
                if needs is None or needs in tables:
                    run.append(exp)
                else:
                    report.outcomes.append(outcome(name, exp, False, skipped=True,
                                                   observed=f"skipped: needs {needs}"))
            frame = table.to_pandas()
            if name in OFFSET_TABLES:
                frame[OFFSET_COLUMN] = offsets_match(table, bodies)
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
                cfg, error = res.expectation_config, exception_message(res.exception_info)
                exp = {"type": cfg.type, "kwargs": cfg.kwargs, "meta": cfg.meta}
                success = res.success and not error
                report.outcomes.append(outcome(
                    name, exp, success, observed(res.result, error),
                    rows=[] if success or error else failing_rows(res.result)))
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


def _copy_tree(local_dir: str, url: str) -> str:
    """Copy the built site to `url` file by file, through the lake's writes (each file whole
    or not at all; a full disk is LakeFull, a stopping run writes nothing more)."""
    site = Lake(url)
    for path in sorted(pathlib.Path(local_dir).rglob("*")):
        if path.is_file():
            site.put_file(str(path), site.path(path.relative_to(local_dir).as_posix()))
    return f"{url.rstrip('/')}/index.html"
