"""A run whose batches are cleaned and extracted on a real dask.distributed cluster: a
`dask scheduler` and two `dask worker` processes on loopback, each in its own process group,
publish the same tables as a local run of the same input, row for row."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import DATASETS, ROOT, SEEDS
from servers import free_port, stop

from flows.news_etl import RunParameters, news_etl
from tasks.schemas import PARTITIONED, SNAPSHOTS

pytestmark = pytest.mark.e2e

ALLSIDES = DATASETS / "allsides" / "txt-sample-300"
# The CLIs of the environment the tests run in (the fresh .venv in CI).
DASK = Path(sys.executable).with_name("dask")
WORKERS = 2
# Four batches of extraction, so both workers get some (seeds alone: three).
BATCH = 100 if ALLSIDES.is_dir() else 2
# Differ between two runs of the same input by design.
RUN_COLUMNS = {"run_id", "ingest_date", "ingested_at"}



@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Without the shared datasets (a CI machine), the seeds alone still go through a cluster.
    folder = tmp_path_factory.mktemp("drop")
    for source in [*SEEDS.glob("*.txt"), *ALLSIDES.glob("*.txt")]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, drop: Path) -> Iterator[str]:
    """A scheduler and two single-thread workers, each its own process (group)."""
    from distributed import Client

    home = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    # Workers import wiredesk from this checkout, and may fork: extraction runs each chunk
    # of articles in a process of its own, which a daemonic (default nanny) worker may not.
    # The workers import this file too, for the functions sent to them by name (below).
    path = os.pathsep.join(str(p) for p in (ROOT, ROOT / "tests", Path(__file__).parent))
    env = {**os.environ, "PYTHONPATH": path, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    commands = [[str(DASK), "scheduler", "--host", "127.0.0.1", "--port",
                 address.rsplit(":", 1)[1], "--no-dashboard"]]
    commands += [[str(DASK), "worker", address, "--nthreads", "1", "--name", f"w{i}",
                  "--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(home)]
                 for i in range(WORKERS)]
    processes: list[subprocess.Popen] = []
    try:
        for i, command in enumerate(commands):
            log = (home / f"{command[1]}-{i}.log").open("w")
            processes.append(subprocess.Popen(command, env=env, stdout=log,
                                              stderr=subprocess.STDOUT,
                                              start_new_session=True))
            if i == 0:
                time.sleep(2)  # the scheduler listens before the workers call it
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(WORKERS, timeout=180)
        yield address
    finally:
        for process in reversed(processes):
            stop(process)


@pytest.fixture(scope="module")
def local_lake(tmp_path_factory: pytest.TempPathFactory, drop: Path) -> Path:
    lake = tmp_path_factory.mktemp("local-lake")
    summary = news_etl(RunParameters(input=str(drop), lake=str(lake), batch_size=BATCH,
                                     processes=1))
    assert summary.outcome == "published"
    return lake


def test_a_run_on_dask_publishes_what_a_local_run_does(
        cluster: str, drop: Path, local_lake: Path, tmp_path: Path) -> None:
    from distributed import Client

    summary = news_etl(RunParameters(input=str(drop),
                                     lake=str(tmp_path / "lake"), batch_size=BATCH,
                                     processes=1, dask_address=cluster))
    assert summary.outcome == "published"
    assert summary.records["published"] >= (300 if ALLSIDES.is_dir() else len(list(
        SEEDS.glob("*.txt"))))
    assert summary.records["failed"] == 0
    for table in [*PARTITIONED, *SNAPSHOTS]:
        local, on_dask = _rows(local_lake, table), _rows(tmp_path / "lake", table)
        assert len(on_dask) == summary.rows[table] > 0, table
        assert on_dask == local, table
    # Each worker loaded the model once, however many batches it extracted.
    with Client(cluster) as client:
        loads = client.run(_model_loads)
    assert [misses for misses, _ in loads.values()] == [1] * WORKERS, loads
    assert sum(misses + hits for misses, hits in loads.values()) > WORKERS, loads


def test_an_article_that_kills_or_outlasts_its_process_fails_alone_on_a_worker(
        cluster: str) -> None:
    from distributed import Client

    with Client(cluster) as client:
        results = client.submit(_faulty_chunks, pure=False).result(timeout=120)
    assert results == ["A", "lost die: worker process died (crashed, killed or out of memory)",
                       "B", "timeout after 0.5 s", "C"]


def test_a_worker_that_may_not_fork_says_how_to_start_it() -> None:
    from distributed import Client, LocalCluster

    from tasks.extract.workers import DaemonWorker

    # LocalCluster's workers run under a nanny as daemonic processes, Dask's default.
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as local, \
            Client(local) as client, \
            pytest.raises(DaemonWorker, match="DASK_DISTRIBUTED__WORKER__DAEMON=False"):
        client.submit(_faulty_chunks, pure=False).result(timeout=120)


def _faulty_chunks() -> list[str]:
    """On a worker: chunks in forked processes, one item killing its process, one running
    past its time limit (the alarm works in the fork, though the task runs in a thread)."""
    from tasks.extract.workers import run_chunks

    parts = run_chunks(_work, [["a", "die", "b"], ["slow", "c"]], 2, _init, (),
                       lambda chunk: 5.0, lambda item, why: [f"lost {item}: {why}"])
    return [item for part in parts for item in part]  # a chunk's, or a re-run item's


def _work(chunk: list[str]) -> list[str]:
    from tasks.extract.workers import ArticleTimeout, time_limit

    out = []
    for item in chunk:
        if item == "die":
            os.kill(os.getpid(), 9)
        try:
            with time_limit(0.5):
                if item == "slow":
                    time.sleep(10)
            out.append(item.upper())
        except ArticleTimeout as exc:
            out.append(str(exc))
    return out


def _init() -> None:
    pass


def _model_loads() -> tuple[int, int]:
    import tasks.extract

    info = tasks.extract._nlp.cache_info()
    return info.misses, info.hits


def _rows(lake: Path, table: str) -> list[tuple]:
    """A table's rows without the columns that name the run or its time, in one order."""
    files = sorted(lake.glob(f"{table}/**/*.parquet"))
    names = [n for n in pq.read_schema(files[0]).names if n not in RUN_COLUMNS]
    columns = ", ".join(f'"{n}"' for n in names)
    return duckdb.sql(f"SELECT {columns} FROM read_parquet({[str(f) for f in files]}, "
                      "union_by_name = true) ORDER BY ALL").fetchall()
