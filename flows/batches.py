"""Where a run's per-batch work runs: clean and extract, the stages whose cost grows with the
input. Everything run-wide (ingest, dedup, linking across batches, validate, cluster,
publish) stays in the flow's own process.

- Locally (no Dask address): clean on the flow's threads, extract one batch at a time in
  forked worker processes that use every core (tasks/extract/workers.py).
- On a dask.distributed cluster: the same tasks, every batch at once, through prefect-dask's
  DaskTaskRunner, as a subflow (a flow's task runner is fixed when it is decorated). Batches
  travel as paths of staged Parquet under the lake's `_state/staging/<run_id>/`, which the
  workers read and write themselves: the scheduler only ever carries paths and counts. Each
  worker keeps its spaCy model and the lake's aliases once loaded (the tasks' caches live as
  long as the worker's process), and forks per chunk of articles as a local run does, so an
  article that crashes or runs out of time fails alone.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

from prefect import flow
from prefect.settings import PREFECT_API_URL, temporary_settings

from tasks.clean import clean_task
from tasks.extract import StagedExtraction, extract_task
from tasks.lake import Lake, LakeError


def clean_batches(record_batches: list[str], staging: str, started: dt.datetime,
                  dask_address: str) -> list[tuple[str, str]]:
    """The staged (articles, log) of every batch of records, in batch order."""
    if dask_address:
        with _api_for_workers(dask_address):
            return _clean_on_dask.with_options(task_runner=_runner(dask_address))(
                record_batches, staging, started)
    return [f.result() for f in clean_task.map(record_batches, staging, started)]


def extract_batches(batches: list[str], lake: Lake, staging: str, run_id: str, model: str,
                    processes: int, seconds: float, dask_address: str
                    ) -> list[StagedExtraction]:
    """What extract staged for every batch of canonical articles, in batch order."""
    if dask_address:
        if "memory" in _protocols(lake):
            raise LakeError(f"a lake in this process's memory ({lake.url}) cannot be shared "
                            "with Dask workers: give a folder they see or an object store")
        # The workers' working folder is not the flow's: they get the lake's full path.
        with _api_for_workers(dask_address):
            return _extract_on_dask.with_options(task_runner=_runner(dask_address))(
                batches, lake.uri(), staging, run_id, model, processes, seconds)
    # One batch at a time: the extraction's worker processes use the cores.
    return [extract_task(batch, lake.url, staging, run_id, model, processes, seconds)
            for batch in batches]


@flow(name="news-etl-clean", log_prints=True)
def _clean_on_dask(record_batches: list[str], staging: str, started: dt.datetime
                   ) -> list[tuple[str, str]]:
    return [f.result() for f in clean_task.map(record_batches, staging, started)]


@flow(name="news-etl-extract", log_prints=True)
def _extract_on_dask(batches: list[str], lake_url: str, staging: str, run_id: str, model: str,
                     processes: int, seconds: float) -> list[StagedExtraction]:
    futures = [extract_task.submit(batch, lake_url, staging, run_id, model, processes, seconds)
               for batch in batches]
    return [f.result() for f in futures]


def _runner(address: str):  # noqa: ANN202 (prefect_dask is imported only for a Dask run)
    from prefect_dask import DaskTaskRunner  # dask and distributed: ~1 s of import

    return DaskTaskRunner(address=address)


@contextmanager
def _api_for_workers(address: str) -> Iterator[None]:
    """The Prefect API the workers' task runs report to. With a server (PREFECT_API_URL) its
    address travels with every task. Without one, the flow's temporary server listens on
    loopback only: workers on this machine are pointed at it; workers elsewhere each start
    a temporary server of their own with their first task (10-40 s)."""
    if PREFECT_API_URL.value() or not _loopback(address):
        yield
        return
    from prefect.client.orchestration import get_client

    with temporary_settings({PREFECT_API_URL: str(get_client(sync_client=True).api_url)}):
        yield


def _loopback(address: str) -> bool:
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    with suppress(ValueError):
        return ipaddress.ip_address(host).is_loopback
    return host == "localhost"


def _protocols(lake: Lake) -> tuple[str, ...]:
    protocol = lake.fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)
