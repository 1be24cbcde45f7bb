"""Publish: staged tables into the lake atomically, or into quarantine when validation blocks.

Also keeps the run record (`_runs/<run_id>.json`) and the summary shown on the terminal and
as Prefect artifacts, so what a run read, wrote and validated is stated in one place.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem
from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from tasks.dedup import MINHASH_SCHEMA
from tasks.lake import Lake
from tasks.schemas import INGEST_STATUSES, SCHEMA_VERSION, TABLES


@dataclass
class RunSummary:
    run_id: str
    input: str
    lake: str
    started_at: str
    outcome: str = "running"  # published | nothing new | blocked
    records: dict[str, int] = field(default_factory=dict)
    near_duplicates: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    schema_version: str = SCHEMA_VERSION
    finished_at: str | None = None

    @property
    def records_read(self) -> int:
        return sum(self.records.values())

    def tally(self, tables: dict[str, pa.Table]) -> None:
        statuses = Counter(tables["ingest_log"]["status"].to_pylist())
        self.records = {s: statuses.get(s, 0) for s in INGEST_STATUSES}
        articles = tables["articles"]
        self.near_duplicates = articles.num_rows - articles["duplicate_of"].null_count
        self.rows = {name: table.num_rows for name, table in tables.items()}

    def lines(self) -> list[str]:
        r = self.records
        return [
            f"run {self.run_id}: {self.outcome}",
            f"records read {self.records_read}: published {r.get('published', 0)} "
            f"(near-duplicates {self.near_duplicates}), duplicates {r.get('duplicate', 0)}, "
            f"rejected {r.get('rejected', 0)}, already seen {r.get('already_seen', 0)}",
            "rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()),
            self.validation.get("message", "validation not run"),
            f"lake: {self.lake}",
        ]

    def to_dict(self) -> dict:
        return {**asdict(self), "records_read": self.records_read}


def read_staged(paths: list[str], fs: AbstractFileSystem, schema: pa.Schema) -> pa.Table:
    parts = [pq.read_table(p, filesystem=fs) for p in paths]
    return pa.concat_tables(parts).cast(schema) if parts else schema.empty_table()


def load_tables(staging_url: str, staged: dict[str, list[str]]) -> dict[str, pa.Table]:
    """The run's staged tables, by name (those it has), each as one table."""
    fs = Lake(staging_url).fs
    return {name: read_staged(staged[name], fs, schema) for name, schema in TABLES.items()
            if name in staged}


@task(name="quarantine", cache_policy=NO_CACHE)
def quarantine_task(lake_url: str, staging_url: str, staged: dict[str, list[str]],
                    summary: RunSummary) -> RunSummary:
    """Keep what a blocked run would have published, with its report, for inspection."""
    lake, tables = Lake(lake_url), load_tables(staging_url, staged)
    summary.tally(tables)
    summary.outcome = "blocked"
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat()
    for name, table in tables.items():
        lake.write_parquet(table, lake.path("_quarantine", summary.run_id, f"{name}.parquet"))
    lake.write_json(summary.to_dict(), lake.path("_quarantine", summary.run_id, "report.json"))
    lake.write_json(summary.to_dict(), lake.path("_runs", f"{summary.run_id}.json"))
    return summary


@task(name="publish", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def publish_task(lake_url: str, staging_url: str, staged: dict[str, list[str]],
                 summary: RunSummary) -> RunSummary:
    """Append the run's partitions, replace the story snapshots, save state and the record."""
    tables = load_tables(staging_url, staged)
    summary.tally(tables)
    summary.outcome = "published" if tables["articles"].num_rows else "nothing new"
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat()
    state = {"minhash": read_staged(staged["minhash"], Lake(staging_url).fs, MINHASH_SCHEMA)}
    summary.files = Lake(lake_url).publish(summary.run_id, summary.started_at[:10], tables,
                                           state, summary.to_dict())
    return summary


def report(summary: RunSummary) -> None:
    """The run summary as Prefect artifacts: markdown for people, a table of counts."""
    key = "news-etl-summary"
    create_markdown_artifact("\n".join(["# wiredesk run", ""]
                                       + [f"- {line}" for line in summary.lines()]),
                             key=key, description=f"wiredesk run {summary.run_id}")
    rows = [{"what": f"records {s}", "count": n} for s, n in summary.records.items()]
    rows += [{"what": f"rows {t}", "count": n} for t, n in summary.rows.items()]
    create_table_artifact(rows, key=f"{key}-counts", description="records and rows")
