"""The path users take through Prefect, for real: a server on loopback, the deployments of
prefect.yaml, a process worker, a run of news-etl/manual, and its artifacts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PREFECT = [sys.executable, "-m", "prefect"]

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(url: str, path: str, body: dict | None = None) -> object:
    request = urllib.request.Request(
        f"{url}{path}", method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _stop(process: subprocess.Popen) -> None:
    """Stop a process and its children by process id (each runs in its own group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def server(tmp_path: Path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_API_URL": url, "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "INFO"}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([*PREFECT, "server", "start", "--host", "127.0.0.1",
                                "--port", str(port)], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(120):
            try:
                _api(url, "/health")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.5)
        else:
            pytest.fail("Prefect server did not come up")
        yield url, env
    finally:
        _stop(process)
        log.close()
    assert process.poll() is not None


def test_manual_deployment_runs_through_a_worker(server, tmp_path: Path) -> None:
    url, env = server
    lake = tmp_path / "lake"

    def prefect(*args: str) -> str:
        done = subprocess.run([*PREFECT, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    prefect("work-pool", "create", "wiredesk", "--type", "process")
    prefect("--no-prompt", "deploy", "--all")
    deployments = {d["name"]: d for d in _api(url, "/deployments/filter", {})}
    assert set(deployments) == {"scheduled", "manual"}
    assert deployments["scheduled"]["schedules"][0]["schedule"]["cron"] == "0 6 * * *"
    form = deployments["manual"]["parameter_openapi_schema"]
    assert {"input", "lake", "batch_size"} <= set(
        form["definitions"]["RunParameters"]["properties"])

    worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen([*PREFECT, "worker", "start", "--pool", "wiredesk"], cwd=ROOT,
                              env=env, stdout=worker_log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        params = json.dumps({"input": str(ROOT / "data" / "raw"), "lake": str(lake),
                             "processes": 1})
        out = prefect("deployment", "run", "news-etl/manual", "--param", f"params={params}",
                      "--watch", "--watch-timeout", "600")
        assert "COMPLETED" in out.upper(), out
    finally:
        _stop(worker)
        worker_log.close()

    assert list(lake.glob("articles/ingest_date=*/part-*.parquet"))
    runs = _api(url, "/flow_runs/filter", {})
    manual = [r for r in runs if r["deployment_id"] == deployments["manual"]["id"]]
    assert manual and manual[0]["state_type"] == "COMPLETED"
    artifacts = _api(url, "/artifacts/filter",
                     {"artifacts": {"flow_run_id": {"any_": [manual[0]["id"]]}}})
    assert {a["type"] for a in artifacts} >= {"markdown", "table"}
    summary = next(a for a in artifacts if a["type"] == "markdown")["data"]
    assert "records read 5: published 5" in summary
