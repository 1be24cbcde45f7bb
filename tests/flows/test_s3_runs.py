"""Whole runs with the input and the lake on a real S3 server (SeaweedFS on loopback).

The runs reach the store as a user's would: `s3://` URLs, the endpoint and keys in the
usual AWS_* variables. What the tests read back, they read as an analyst would: DuckDB with
an fsspec S3 file system registered, pandas with an `s3://` path.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import s3fs
from servers import prefect_server
from typer.testing import CliRunner

import flows.news_etl as news
from flows.cli import app
from tasks.lake import Lake

ROOT = Path(__file__).resolve().parents[2]
WIREDESK = [sys.executable, "-c", "from flows.cli import app; app()"]

pytestmark = [pytest.mark.server, pytest.mark.e2e]


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One Prefect server for the module's runs (each run in a subprocess of its own)."""
    with prefect_server(tmp_path_factory.mktemp("prefect")) as (_, env):
        yield {**env, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def env(prefect_env: dict[str, str], s3_env: dict[str, str]) -> dict[str, str]:
    return {**prefect_env, **s3_env}


def _store() -> s3fs.S3FileSystem:
    """The store as this process sees it now (no listing kept from an earlier look)."""
    return s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)


def _upload(folder: Path, url: str) -> None:
    fs = _store()
    for path in sorted(folder.iterdir()):
        fs.put_file(str(path), f"{url}/{path.name}")


def _start(env: dict[str, str], bucket: str, *options: str) -> subprocess.Popen:
    return subprocess.Popen([*WIREDESK, "run", "--input", f"s3://{bucket}/raw", "--lake",
                             f"s3://{bucket}/lake", "--processes", "1", *options], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def _finish(run: subprocess.Popen) -> tuple[int, str]:
    out, _ = run.communicate(timeout=900)
    return run.returncode, out


def _duckdb() -> duckdb.DuckDBPyConnection:
    """DuckDB reading the store through fsspec (its httpfs extension is not needed)."""
    con = duckdb.connect()
    con.register_filesystem(_store())
    return con


def _rows(bucket: str, table: str, columns: str = "*") -> list[dict]:
    rel = _duckdb().sql(f"SELECT {columns} FROM read_parquet('s3://{bucket}/lake/{table}/**/"
                        "*.parquet', hive_partitioning = true)")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def _leftovers(bucket: str) -> list[str]:
    """Temporaries, journals and staging: nothing of the kind once a run has ended well."""
    lake = Lake(f"s3://{bucket}/lake")  # files only: SeaweedFS keeps emptied folders
    return [*lake._glob("**/.*.tmp"), *lake._find("_state/journal"),
            *lake._find("_state/staging")]


def test_a_run_on_s3_publishes_reads_back_and_a_rerun_publishes_nothing(
        env: dict[str, str], s3_bucket: str, seeds: Path) -> None:
    _upload(seeds, f"{s3_bucket}/raw")
    code, out = _finish(_start(env, s3_bucket))
    assert code == 0, out
    assert f"lake: s3://{s3_bucket}/lake" in out
    fs = _store()
    [record] = [json.loads(fs.cat_file(p)) for p in fs.glob(f"{s3_bucket}/lake/_runs/*.json")]
    assert record["outcome"] == "published" and record["records"]["published"] == 5
    assert all(fs.exists(f.removeprefix("s3://")) for f in record["files"])
    assert fs.exists(f"{s3_bucket}/lake/_docs/index.html")
    assert _leftovers(s3_bucket) == []

    # An analyst's reads: DuckDB over the partitions, pandas over a table's folder.
    articles = _rows(s3_bucket, "articles", "article_id, body, ingest_date")
    assert len(articles) == 5 and len({a["article_id"] for a in articles}) == 5
    quotes = pd.read_parquet(f"s3://{s3_bucket}/lake/quotes")
    assert len(quotes) == record["rows"]["quotes"] > 0
    assert set(quotes["article_id"]) <= {a["article_id"] for a in articles}
    mentions = _rows(s3_bucket, "mentions", "article_id, text, start, \"end\"")
    bodies = {a["article_id"]: a["body"] for a in articles}
    assert mentions and all(bodies[m["article_id"]][m["start"]:m["end"]] == m["text"]
                            for m in mentions)
    stories = _duckdb().sql(f"SELECT count(*) FROM read_parquet('s3://{s3_bucket}/lake/"
                            "stories/stories.parquet')").fetchall()[0][0]
    assert stories == record["rows"]["stories"] > 0

    files = sorted(fs.find(f"{s3_bucket}/lake/articles"))
    code, out = _finish(_start(env, s3_bucket))
    assert code == 0 and "nothing new" in out, out
    assert sorted(fs.find(f"{s3_bucket}/lake/articles")) == files
    log = Counter(r["status"] for r in _rows(s3_bucket, "ingest_log", "status"))
    assert log == {"published": 5}  # the unchanged files were skipped unread
    assert _leftovers(s3_bucket) == []


def test_of_two_runs_at_once_on_one_s3_lake_one_stops_with_exit_2(
        env: dict[str, str], s3_bucket: str, seeds: Path) -> None:
    _upload(seeds, f"{s3_bucket}/raw")
    runs = [_start(env, s3_bucket, "--lock-wait", "0") for _ in range(2)]
    (first, one), (second, other) = sorted(_finish(run) for run in runs)
    assert (first, second) == (0, 2), (one, other)
    assert "is being written by run" in other
    assert len(_store().glob(f"{s3_bucket}/lake/_runs/*.json")) == 1
    assert len(_rows(s3_bucket, "articles", "article_id")) == 5


def _add_story(folder: Path, seed_texts: dict[str, str], k: int) -> Path:
    """A new article for run k: six seed sentences far apart (a copy of nothing)."""
    sentences = sorted({s.strip() + "." for text in seed_texts.values()
                        for s in text.replace("\n", " ").split(". ") if len(s) > 60})
    path = folder / f"new-{k:02d}.json"
    path.write_text(json.dumps({"text": " ".join(sentences[(k + 17 * i) % len(sentences)]
                                                 for i in range(6))}))
    return path


def _kill_in_publish(run: subprocess.Popen, bucket: str, pattern: str) -> str | None:
    """SIGKILL the run (its whole process group) as soon as `pattern` matches a key under
    the lake; the key's name, or None if the run ended first."""
    fs = _store()
    while run.poll() is None:
        try:
            hits = fs.glob(f"{bucket}/lake/{pattern}")
        except FileNotFoundError:  # a folder listed, then emptied by the run
            hits = []
        if hits:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            return hits[0]
        time.sleep(0.005)
    return None


# Points inside a publish on S3, in its order: temporaries written, journal written (the
# commit), final names copied in. The next run must sweep the first and finish the others.
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
PUBLISH_POINTS = [("articles/*/.part-*.tmp", False), ("_state/journal/*.json", True),
                  ("articles/*/part-*.parquet", True)]


def test_a_run_killed_during_its_publish_on_s3_is_finished_or_swept_by_the_next(
        env: dict[str, str], s3_bucket: str, seeds: Path, seed_texts: dict[str, str],
        tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    fs = _store()
    _upload(seeds, f"{s3_bucket}/raw")
    code, out = _finish(_start(env, s3_bucket))
    assert code == 0, out
    killed: dict[str, bool] = {}  # run id -> whether its publish was journaled when killed
    k = 0
    for pattern, committed in PUBLISH_POINTS:
        for _ in range(3):  # a run can get past the point between two looks: try again
            new = _add_story(drop, seed_texts, k)
            fs.put_file(str(new), f"{s3_bucket}/raw/{new.name}")
            k += 1
            run = _start(env, s3_bucket)
            if hit := _kill_in_publish(run, s3_bucket, pattern):
                run_id = RUN_ID.search(Path(hit).name)[0]
                killed[run_id] = any(fs.exists(f"{s3_bucket}/lake/{journaled}/{run_id}.json")
                                     for journaled in ("_state/journal", "_runs"))
                assert killed[run_id] or not committed, hit
                break
            assert run.returncode == 0, run.stdout.read()
    # Most points were hit before the run got past them; some runs died before their commit.
    assert len(killed) >= 2 and set(killed.values()) == {False, True}, killed
    code, out = _finish(_start(env, s3_bucket))
    assert code == 0, out

    assert _leftovers(s3_bucket) == []
    records = {Path(p).name for p in fs.glob(f"{s3_bucket}/lake/_runs/*.json")}
    for run_id, committed in killed.items():  # finished by the next run, or left no trace
        assert (f"{run_id}.json" in records) == committed, (run_id, records)
    articles = _rows(s3_bucket, "articles", "article_id")
    assert len({a["article_id"] for a in articles}) == len(articles) == 5 + k
    # Every record accounted for once: one publishing row each, any number of already_seen.
    log = _rows(s3_bucket, "ingest_log", "source_uri, status")
    assert Counter(r["source_uri"] for r in log if r["status"] in ("published", "duplicate")
                   ) == Counter({uri: 1 for uri in {r["source_uri"] for r in log}})
    assert {r["status"] for r in log} <= {"published", "duplicate", "already_seen"}
    members = _rows(s3_bucket, "story_members", "article_id")
    assert sorted(m["article_id"] for m in members) == sorted(a["article_id"]
                                                              for a in articles)


def test_a_blocked_run_on_s3_publishes_nothing_and_keeps_its_batch_in_quarantine(
        s3_bucket: str, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suites = tmp_path / "suites"
    suites.mkdir()
    for suite in news.EXPECTATIONS.glob("*.json"):
        (suites / suite.name).write_text(suite.read_text())
    articles = json.loads((suites / "articles.json").read_text())
    articles["expectations"].append({  # every article held back: more than the share allowed
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "word_count", "max_value": 10},
        "meta": {"severity": "error", "scope": "row"}, "severity": "critical"})
    (suites / "articles.json").write_text(json.dumps(articles))
    monkeypatch.setattr(news, "EXPECTATIONS", suites)
    _upload(seeds, f"{s3_bucket}/raw")
    result = CliRunner().invoke(app, ["run", "--input", f"s3://{s3_bucket}/raw", "--lake",
                                      f"s3://{s3_bucket}/lake", "--processes", "1"])
    assert result.exit_code == 1, result.output
    fs = _store()
    assert not fs.glob(f"{s3_bucket}/lake/articles/**") and not fs.glob(
        f"{s3_bucket}/lake/ingest_log/**")
    [held] = fs.ls(f"{s3_bucket}/lake/_quarantine")
    run_id = Path(held).name
    assert len(pd.read_parquet(f"s3://{held}/articles.parquet")) == 5
    assert json.loads(fs.cat_file(f"{held}/report.json"))["outcome"] == "blocked"
    record = json.loads(fs.cat_file(f"{s3_bucket}/lake/_runs/{run_id}.json"))
    assert record["outcome"] == "blocked" and record["files"] == []
    assert fs.exists(f"{s3_bucket}/lake/_docs/index.html")
    assert _leftovers(s3_bucket) == []
