"""The operator's path in a real browser: Chromium (Debian's), driven by Playwright with
`executable_path` (no browser download), against a real server and worker on loopback.

Opens the manual deployment's run form, checks that every field is shown and filled with
its default, fills input and lake, submits, waits for Completed, and checks that the run's
report renders with its counts. Screenshots of each step are kept in the test's folder
(`browser-*.png`). Every request the page makes must stay on loopback: the UI works
offline. Skipped when Chromium or Playwright is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from servers import PREFECT, api, prefect_server, stop

from flows.news_etl import RunParameters

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("WIREDESK_CHROMIUM") or shutil.which("chromium") or ""
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

pytestmark = [pytest.mark.server, pytest.mark.e2e,
              pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")]


def _field(page: object, label: str) -> object:
    """The input of the form field labelled `label`."""
    return page.locator(
        f"xpath=//span[contains(@class, 'schema-form-property__label') and normalize-space()="
        f"'{label} (Optional)']/ancestor::div[contains(concat(' ', @class, ' '), "
        f"' schema-form-property ')][1]//*[contains(@class, 'p-base-input__control')]")


def test_a_run_from_the_ui_form_completes_and_reports(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with prefect_server(tmp_path) as (url, env):
        for args in (["work-pool", "create", "wiredesk", "--type", "process",  # the README's
                      "--base-job-template", "flows/work_pool.json"],
                     ["--no-prompt", "deploy", "--all"]):
            done = subprocess.run([*PREFECT, *args], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr
        manual = next(d for d in api(url, "/deployments/filter", {}) if d["name"] == "manual")
        worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
        roots = {"WIREDESK_INPUT_ROOTS": str(ROOT / "data" / "raw"),
                 "WIREDESK_LAKE_ROOTS": str(tmp_path)}
        worker = subprocess.Popen([*PREFECT, "worker", "start", "--pool", "wiredesk"],
                                  cwd=ROOT, env=env | roots, stdout=worker_log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        ui, elsewhere = url.removesuffix("/api"), []
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 1800})
                page.on("request", lambda r: urlparse(r.url).hostname not in (
                    "127.0.0.1", None) and elsewhere.append(r.url))
                page.set_default_timeout(60_000)

                page.goto(f"{ui}/deployments/deployment/{manual['id']}/run")
                _field(page, "Lock Wait").wait_for()
                page.screenshot(path=tmp_path / "browser-1-form.png", full_page=True)
                for name, value in RunParameters().model_dump().items():
                    shown = _field(page, name.replace("_", " ").title()).input_value()
                    assert type(value)(shown) == value, (name, shown)

                _field(page, "Input").fill(str(ROOT / "data" / "raw"))
                _field(page, "Lake").fill(str(lake))
                _field(page, "Processes").fill("1")
                page.screenshot(path=tmp_path / "browser-2-filled.png", full_page=True)
                failed: list[str] = []  # the UI's requests that failed, for the message
                page.on("response", lambda r: r.status >= 400 and failed.append(
                    f"{r.status} {r.request.method} {r.url}"))
                page.on("requestfailed", lambda r: failed.append(
                    f"{r.failure} {r.method} {r.url}"))
                runs: list[dict] = []
                # On a loaded machine the UI's request to create the run can fail ("Something
                # went wrong trying to create a flow run", nothing in the server's log): the
                # operator would press Submit again, and so does the test, twice at most.
                for _attempt in range(3):
                    page.get_by_role("button", name="Submit").click()
                    for _ in range(60):
                        runs = api(url, "/flow_runs/filter", {"flow_runs": {
                            "deployment_id": {"any_": [manual["id"]]}}})  # not the daily ones
                        if runs or page.get_by_text("Something went wrong").count():
                            break
                        time.sleep(1)
                    page.screenshot(path=tmp_path / "browser-3-submitted.png", full_page=True)
                    if runs:
                        break
                    page.goto(f"{ui}/deployments/deployment/{manual['id']}/run")
                    for field, value in (("Input", str(ROOT / "data" / "raw")),
                                         ("Lake", str(lake)), ("Processes", "1")):
                        _field(page, field).fill(value)
                assert len(runs) == 1, failed
                for _ in range(600):
                    run = api(url, f"/flow_runs/{runs[0]['id']}")
                    if run["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                        break
                    time.sleep(1)
                assert run["state_type"] == "COMPLETED", run["state"]
                assert run["parameters"]["params"] == {
                    **RunParameters().model_dump(), "input": str(ROOT / "data" / "raw"),
                    "lake": str(lake), "processes": 1}
                run_id = run["id"]
                page.goto(f"{ui}/runs/flow-run/{run_id}")
                page.get_by_text("Completed").first.wait_for()
                page.screenshot(path=tmp_path / "browser-4-completed.png", full_page=True)

                artifacts = api(url, "/artifacts/filter",
                                {"artifacts": {"flow_run_id": {"any_": [run_id]}}})
                report = next(a for a in artifacts if a["type"] == "markdown")
                page.goto(f"{ui}/artifacts/artifact/{report['id']}")
                page.get_by_text("Published", exact=True).wait_for()
                page.screenshot(path=tmp_path / "browser-5-report.png", full_page=True)
                shown = page.locator("body").inner_text()
                assert "Published 5 articles; 0 failed, 0 quarantined." in shown
                assert "Stories this run created or grew" in shown
                assert "Time per stage" in shown
                browser.close()
        finally:
            stop(worker)
            worker_log.close()
    assert list(lake.glob("articles/ingest_date=*/part-*.parquet"))
    assert not elsewhere, elsewhere  # the UI asked nothing of the internet
    (tmp_path / "browser-requests.json").write_text(json.dumps(elsewhere))
