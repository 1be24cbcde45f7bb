"""The `lake-maintenance` flow: orchestration only. Compacts the closed partitions of every
partitioned table (`tasks/lake/compact.py`), holding the lake's lock like a run."""

from __future__ import annotations

import datetime as dt
import uuid

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from pydantic import BaseModel, ConfigDict, Field

from flows.news_etl import LOCK_WAIT
from flows.stop import stop_on_signals
from tasks.check import assert_healthy
from tasks.lake import Lake
from tasks.lake.compact import MIN_AGE_DAYS, CompactionSummary, compact_table_task, sweep
from tasks.schemas import PARTITIONED


class MaintenanceParameters(BaseModel):
    """Which lake, which partitions count as closed, how long to wait for a run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lake: str = Field("data/lake", description="folder or fsspec URL of the Parquet lake")
    min_age_days: int = Field(
        MIN_AGE_DAYS, ge=0,
        description="a partition is closed, and compacted, once its day (UTC) is this many "
                    "days old; 1: yesterday and before; 0 also compacts today's")
    lock_wait: float = Field(
        LOCK_WAIT, ge=0,
        description="seconds to wait for a run writing the lake before giving up (LakeBusy)")


DEFAULTS = MaintenanceParameters()


@flow(name="lake-maintenance", log_prints=True)
def lake_maintenance(params: MaintenanceParameters = DEFAULTS) -> CompactionSummary:
    """Compact closed partitions into few files; readers see every row once throughout."""
    started = dt.datetime.now(dt.UTC)
    compaction_id = f"{started:%Y%m%dT%H%M%SZ}-compact-{uuid.uuid4().hex[:6]}"
    closed_before = started.date() - dt.timedelta(days=params.min_age_days - 1)
    lake = Lake(params.lake)
    logger = get_run_logger()
    with stop_on_signals(), lake.lock(compaction_id, params.lock_wait, logger.warning):
        if rolled := lake.recover():  # a run's or a compaction's commit cut short
            logger.warning("finished interrupted publishes: %s", ", ".join(rolled))
        assert_healthy(lake)  # a damaged file is moved aside by `check --repair`, not merged
        summary = CompactionSummary(compaction_id, lake.url, started.isoformat(),
                                    closed_before.isoformat())
        for table in PARTITIONED:
            done = compact_table_task(params.lake, table, compaction_id, closed_before,
                                      summary.to_dict())
            summary.partitions += done
            for part in done:
                logger.info("%s ingest_date=%s: %d files -> %d, %d rows", part["table"],
                            part["day"], part["files_before"], part["files_after"],
                            part["rows"])
        sweep(lake, compaction_id)
        summary.atomic = all(p["atomic"] for p in summary.partitions)
        summary.outcome = "compacted" if summary.partitions else "nothing to compact"
        summary.finished_at = dt.datetime.now(dt.UTC).isoformat()
        if summary.partitions:  # a second compaction leaves the lake as it is
            lake.write_json(summary.to_dict(), lake.path("_runs", f"{compaction_id}.json"))
    for line in summary.lines():
        logger.info(line)
    if summary.partitions:  # the run's Artifacts tab: what was merged, partition by partition
        create_table_artifact(summary.partitions, key="lake-maintenance-partitions",
                              description="\n".join(summary.lines()))
    return summary
