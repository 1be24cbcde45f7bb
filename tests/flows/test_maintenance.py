"""The lake-maintenance flow after real runs: `wiredesk compact` leaves one file per
partition and the same rows; the lake checks healthy; the next run deduplicates as before."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.news_etl import RunParameters, news_etl
from tasks.lake import Lake
from tasks.schemas import PARTITIONED, SNAPSHOTS

pytestmark = pytest.mark.e2e


def _fingerprint(lake: Path) -> dict[str, tuple[int, str]]:
    out = {}
    for name in PARTITIONED:
        rows = sorted(json.dumps(r, sort_keys=True, default=str)
                      for r in Lake(str(lake)).read(name).to_pylist())
        out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def _files(lake: Path) -> dict[str, int]:
    return {name: len(list((lake / name).rglob("*.parquet"))) for name in PARTITIONED}


def test_compaction_after_real_runs(seeds: Path, tmp_path: Path) -> None:
    inbox, lake = tmp_path / "in", tmp_path / "lake"
    inbox.mkdir()
    texts = sorted(seeds.glob("*.txt"))
    for seed in texts[:4]:  # four runs, one new article each: four files per table
        shutil.copy(seed, inbox)
        news_etl(RunParameters(input=str(inbox), lake=str(lake), processes=1))
    assert _files(lake)["articles"] == 4
    before = _fingerprint(lake)
    snapshots = {n: (lake / n / f"{n}.parquet").read_bytes() for n in SNAPSHOTS}
    cli = CliRunner()

    # A run holding the lake: the compaction gives up after --lock-wait, exit 2 like a run.
    with Lake(str(lake)).lock("a-run"):
        busy = cli.invoke(app, ["compact", "--lake", str(lake), "--lock-wait", "0"])
    assert busy.exit_code == 2 and "being written by run a-run" in busy.output

    # Today's partition is open by default: nothing to do.
    idle = cli.invoke(app, ["compact", "--lake", str(lake)])
    assert idle.exit_code == 0 and "nothing to compact" in idle.output
    done = cli.invoke(app, ["compact", "--lake", str(lake), "--min-age-days", "0"])
    assert done.exit_code == 0, done.output
    assert "compacted" in done.output
    assert _files(lake) == dict.fromkeys(PARTITIONED, 1)
    assert _fingerprint(lake) == before
    count, distinct = duckdb.sql(
        f"SELECT count(*), count(DISTINCT article_id) FROM read_parquet("
        f"'{lake}/articles/**/*.parquet', hive_partitioning = true)").fetchall()[0]
    assert count == distinct == 4
    assert {n: (lake / n / f"{n}.parquet").read_bytes() for n in SNAPSHOTS} == snapshots
    record = next(p for p in (lake / "_runs").glob("*-compact-*.json"))
    assert json.loads(record.read_text())["kind"] == "compaction"
    assert cli.invoke(app, ["check", "--lake", str(lake), "--deep"]).exit_code == 0
    again = cli.invoke(app, ["compact", "--lake", str(lake), "--min-age-days", "0"])
    assert again.exit_code == 0 and "nothing to compact" in again.output

    # A run after the compaction: seen hashes and the copies index still work.
    # A copy of the first article with other bytes (a trailing blank line): not already
    # seen, but the same text as a compacted article, so an exact duplicate.
    (inbox / "copy_of_first.txt").write_text(texts[0].read_text() + "\n\n")
    shutil.copy(texts[4], inbox)
    summary = news_etl(RunParameters(input=str(inbox), lake=str(lake), processes=1))
    assert summary.records["published"] == 1 and summary.records["duplicate"] == 1
    count, distinct = duckdb.sql(
        f"SELECT count(*), count(DISTINCT article_id) FROM read_parquet("
        f"'{lake}/articles/**/*.parquet', hive_partitioning = true)").fetchall()[0]
    assert count == distinct == 5
    assert cli.invoke(app, ["check", "--lake", str(lake)]).exit_code == 0
