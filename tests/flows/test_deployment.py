"""The path users take through Prefect, for real: a server on loopback, the deployments of
prefect.yaml, a process worker, a run of news-etl/manual, and its artifacts."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
from pathlib import Path

import pytest
from servers import PREFECT, api, prefect_server, stop

from flows.news_etl import RunParameters

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.server, pytest.mark.e2e]


@pytest.fixture
def server(tmp_path: Path):
    with prefect_server(tmp_path) as (url, env):
        yield url, env


def test_manual_deployment_runs_through_a_worker(server, tmp_path: Path) -> None:
    url, env = server
    lake = tmp_path / "lake"

    def prefect(*args: str) -> str:
        done = subprocess.run([*PREFECT, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    # The pool from the README: its runs cannot change the worker's environment.
    prefect("work-pool", "create", "wiredesk", "--type", "process", "--base-job-template",
            "flows/work_pool.json")
    prefect("--no-prompt", "deploy", "--all")
    deployments = {d["name"]: d for d in api(url, "/deployments/filter", {})}
    assert set(deployments) == {"scheduled", "manual", "cluster", "maintenance"}
    assert deployments["scheduled"]["schedules"][0]["schedule"]["cron"] == "0 6 * * *"
    assert deployments["maintenance"]["schedules"][0]["schedule"]["cron"] == "0 3 * * 0"
    # The cluster variant: its parameters name a Dask scheduler; off until one exists.
    cluster = deployments["cluster"]
    assert RunParameters(**cluster["parameters"]["params"]).dask_address.startswith("tcp://")
    assert cluster["schedules"][0]["active"] is False
    # The run form: every field shown and filled with its default, unknown keys refused.
    form = deployments["manual"]["parameter_openapi_schema"]
    fields = form["definitions"]["RunParameters"]
    assert set(fields["properties"]) == set(RunParameters.model_fields)
    assert fields["additionalProperties"] is False
    assert form["properties"]["params"]["default"] == RunParameters().model_dump()
    assert deployments["manual"]["enforce_parameter_schema"] is True
    done = subprocess.run([*PREFECT, "deployment", "run", "news-etl/manual", "--param",
                           'params={"inptu": "data/raw"}'], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "Additional properties are not allowed ('inptu' was unexpected)" in done.stdout
    # A mistyped parameter name (not a field of params) passes the server; the run fails.
    stray = api(url, f"/deployments/{deployments['manual']['id']}/create_flow_run",
                {"parameters": {"parms": {}}})
    # Who may do what: the worker only reads under data/raw and writes lakes under tmp_path;
    # a run cannot widen that through the job's environment (refused when created) ...
    with pytest.raises(urllib.error.HTTPError) as refused:
        api(url, f"/deployments/{deployments['manual']['id']}/create_flow_run",
            {"job_variables": {"env": {"WIREDESK_INPUT_ROOTS": "/"}}})
    assert refused.value.code == 422
    assert "Additional properties are not allowed ('env' was unexpected)" in \
        refused.value.read().decode()
    # ... and a run asking for another folder fails at once, before reading anything.
    prying = api(url, f"/deployments/{deployments['manual']['id']}/create_flow_run",
                 {"parameters": {"params": {"input": "/etc", "lake": str(lake)}}})

    worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    roots = {"WIREDESK_INPUT_ROOTS": str(ROOT / "data" / "raw"),
             "WIREDESK_LAKE_ROOTS": str(tmp_path)}
    worker = subprocess.Popen([*PREFECT, "worker", "start", "--pool", "wiredesk"], cwd=ROOT,
                              env=env | roots, stdout=worker_log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        params = json.dumps({"input": str(ROOT / "data" / "raw"), "lake": str(lake),
                             "processes": 1})
        out = prefect("deployment", "run", "news-etl/manual", "--param", f"params={params}",
                      "--watch", "--watch-timeout", "600")
        assert "COMPLETED" in out.upper(), out
        # The deployment runs one flow run at a time: the stray run may still be waiting
        # for its slot when the good one ends, so the worker keeps going until it is done.
        for _ in range(240):
            stray, prying = (api(url, f"/flow_runs/{run['id']}") for run in (stray, prying))
            if all(run["state_type"] in ("FAILED", "CRASHED", "COMPLETED")
                   for run in (stray, prying)):
                break
            time.sleep(1)
    finally:
        stop(worker)
        worker_log.close()

    assert list(lake.glob("articles/ingest_date=*/part-*.parquet"))
    assert stray["state_type"] in ("FAILED", "CRASHED"), stray["state"]
    assert prying["state_type"] == "FAILED", prying["state"]
    assert "input '/etc' is outside the folders this worker may use" in \
        prying["state"]["message"], prying["state"]
    # Prefect says why in the run's logs (shipped in the background: the last lines of a
    # crashing process can be lost, so the worker's own log counts too).
    why = "Function expects parameters ['params'] but was provided with parameters ['parms']"
    for _ in range(30):
        logs = api(url, "/logs/filter", {"logs": {"flow_run_id": {"any_": [stray["id"]]}}})
        if any(why in log["message"] for log in logs):
            break
        time.sleep(1)
    else:
        assert why in (tmp_path / "worker.log").read_text(), logs
    runs = api(url, "/flow_runs/filter", {})
    manual = [r for r in runs if r["deployment_id"] == deployments["manual"]["id"]
              and r["id"] not in (stray["id"], prying["id"])]
    assert manual and manual[0]["state_type"] == "COMPLETED"
    artifacts = api(url, "/artifacts/filter",
                     {"artifacts": {"flow_run_id": {"any_": [manual[0]["id"]]}}})
    assert {a["type"] for a in artifacts} >= {"markdown", "table"}
    # The report says what happened without opening a file: outcome, stories, each warning
    # with its observed value, the data docs, time per stage; the logs count each stage.
    report = next(a for a in artifacts if a["type"] == "markdown")["data"]
    record = json.loads(next((lake / "_runs").glob("*.json")).read_text())
    assert f"# wiredesk run {record['run_id']}: published" in report
    assert "**Published** 5 articles; 0 failed, 0 quarantined." in report
    assert "Records read 5: published 5," in report
    story = record["stories"][0]
    assert story["articles"] == 5 and story["articles_before"] is None
    assert f"| {story['story_id']} | {story['title'] or ''} | 5 | {story['outlets']} | new |" \
        in report
    for outcome in record["validation"]["outcomes"]:
        if outcome["severity"] == "warning" and not outcome["success"]:
            assert (f"| warning | {outcome['table']}.{outcome['expectation']}("
                    f"{outcome['column'] or ''}) | {outcome['observed']} |") in report
    assert f"Data docs: `{lake}/_docs/index.html`" in report
    for stage in ("ingest", "clean", "dedup", "extract", "cluster", "validate", "publish",
                  "whole run"):
        assert f"| {stage} | " in report, stage
    counts = next(a for a in artifacts if a["type"] == "table")["data"]
    assert {"what": "records published", "count": 5} in json.loads(counts)
    logs = [log["message"] for log in api(url, "/logs/filter", {
        "logs": {"flow_run_id": {"any_": [manual[0]["id"]]}}})]
    for line in ("ingest: 5 records read in 1 batches: 5 new, 0 already seen, 0 rejected; "
                 "0 unchanged files skipped",
                 "clean: 5 read, 5 kept, 0 rejected, 0 failed",
                 "dedup: 5 new articles (0 near copies of others), 0 exact copies; 5 distinct "
                 "texts to extract",
                 "cluster: 1 stories over the lake; this run created 1, grew 0, changed 0 "
                 "otherwise"):
        assert line in logs, logs
    assert any(m.startswith("extract: 5 articles in 1 batches, 0 failed") for m in logs), logs
    assert any(m.startswith("validate: validation passed: ") for m in logs), logs
    assert any(m.startswith("publish: published: ") for m in logs), logs
