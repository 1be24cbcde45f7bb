"""`wiredesk rebuild-state`: every registered state rebuilt from the published tables."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tasks.lake import Lake
from tasks.schemas import conform
from tasks.state import stale
from tasks.state.registry import STATES


def test_rebuild_state_rebuilds_every_registered_state(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    log = conform("ingest_log", [{"source_uri": "a.txt", "content_sha256": "ab" * 32,
                                  "bytes": 3, "status": "published"}], run_id="r1")
    lake.publish("r1", "2024-08-20", {"ingest_log": log}, {}, {"run_id": "r1"})
    assert stale(lake, STATES) == STATES
    result = CliRunner().invoke(app, ["rebuild-state", "--lake", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [line.split(" in ")[0] for line in result.output.splitlines()] == [
        f"rebuilt {state.name}" for state in STATES]
    assert stale(lake, STATES) == []
    assert list(tmp_path.glob("_state/seen/b=*/part-*.parquet"))
    only = CliRunner().invoke(app, ["rebuild-state", "--lake", str(tmp_path), "--only", "seen"])
    assert only.exit_code == 0 and only.output.startswith("rebuilt seen in ")


def test_rebuild_state_of_no_lake_or_an_unknown_state_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["rebuild-state", "--lake", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no lake at" in result.output
    result = CliRunner().invoke(app, ["rebuild-state", "--lake", str(tmp_path), "--only", "x"])
    assert result.exit_code == 2 and "unknown state x" in result.output
