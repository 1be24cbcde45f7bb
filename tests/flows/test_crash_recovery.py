"""kill -9 of a whole `wiredesk run` at many points over every stage, and what follows.

One lake, a sequence of runs over the same input against a real Prefect server: run k is
killed (SIGKILL to its process group: the run and its extraction workers) at crash point k,
found by watching the lake for the file that stage writes (no hooks in the code). Then one
run completes. Meanwhile readers (pyarrow dataset, DuckDB) poll the lake and must never
fail. At the end: the lake passes the contract checks, holds no article twice, equals the
lake of one clean run, and every record is accounted for exactly once over the runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from conftest import glob_now
from servers import prefect_server

ROOT = Path(__file__).resolve().parents[2]
WIREDESK = [sys.executable, "-c", "from flows.cli import app; app()"]

pytestmark = [pytest.mark.server, pytest.mark.e2e]

# Where to crash: a file (glob below the lake) the run writes at that point, and how many
# of them must exist first. Together they cover every stage; publish's renames most finely,
# since that is where a crash could leave a reader with half a run.
CRASH_POINTS: list[tuple[str, str, int]] = [
    ("lock taken", "_state/lock/*.json", 1),
    ("ingest: first batch staged", "_state/staging/*/records-*.parquet", 1),
    ("ingest: third batch staged", "_state/staging/*/records-*.parquet", 3),
    ("clean: first batch", "_state/staging/*/articles-0*.parquet", 1),
    ("clean: fourth batch", "_state/staging/*/articles-0*.parquet", 4),
    ("dedup: articles staged", "_state/staging/*/articles.parquet", 1),
    ("dedup: first canonical batch", "_state/staging/*/canonical-*.parquet", 1),
    ("extract: first batch", "_state/staging/*/entities-*.parquet", 1),
    ("extract: third batch", "_state/staging/*/entities-*.parquet", 3),
    ("extract: fourth batch's dates", "_state/staging/*/dates-*.parquet", 4),
    ("extract: batch failures", "_state/staging/*/failures-extract-*.parquet", 5),
    ("link", "_state/staging/*/failures-link.parquet", 1),
    ("cluster: stories staged", "_state/staging/*/stories.parquet", 1),
    ("cluster: failures staged", "_state/staging/*/failures-cluster.parquet", 1),
    ("validate: data docs", "_docs/validations/**/*.html", 1),
    ("publish: temporaries written", "**/.part-*.tmp", 3),
    ("publish: journal written", "_state/journal/*.json", 1),
    ("publish: first rename", "articles/*/part-*.parquet", 1),
    ("publish: mid renames", "dates/*/part-*.parquet", 1),
    ("publish: ledger renamed", "ingest_log/*/part-*.parquet", 1),
    ("publish: state renamed", "_state/seen/*/part-*.parquet", 1),
    ("publish: run record", "_runs/*.json", 1),
]


def _input(folder: Path, seed_texts: dict[str, str]) -> Path:
    """The seeds, and their long paragraphs as short articles of their own, one JSONL."""
    folder.mkdir()
    for name, text in seed_texts.items():
        (folder / name).write_text(text)
    paragraphs = [p for text in seed_texts.values() for p in text.split("\n") if len(p) > 300]
    (folder / "wire.jsonl").write_text("\n".join(json.dumps({"id": i, "text": p})
                                                 for i, p in enumerate(paragraphs[:14])))
    return folder


def _add_story(folder: Path, seed_texts: dict[str, str], k: int) -> None:
    """A new article for run k (so that every run has something to publish): six seed
    sentences far apart, no copy of any seed or of another new one."""
    sentences = sorted({s.strip() + "." for text in seed_texts.values()
                        for s in text.replace("\n", " ").split(". ") if len(s) > 60})
    picked = [sentences[(k + 17 * i) % len(sentences)] for i in range(6)]
    (folder / f"new-{k:02d}.json").write_text(json.dumps({"text": " ".join(picked)}))


def _run(env: dict[str, str], drop: Path, lake: Path) -> subprocess.Popen:
    return subprocess.Popen([*WIREDESK, "run", "--input", str(drop), "--lake", str(lake),
                             "--batch-size", "3", "--processes", "1"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _new(lake: Path, pattern: str, before: set[Path]) -> int:
    return sum(1 for path in glob_now(lake, pattern) if path not in before)


def _kill_when(process: subprocess.Popen, ready: Callable[[], bool], limit: float) -> bool:
    """SIGKILL the run's whole process group as soon as `ready()`; False if it ended first."""
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    return False


class Readers(threading.Thread):
    """Analysts reading the lake the whole time, as pyarrow and DuckDB do."""

    def __init__(self, lake: Path) -> None:
        super().__init__(daemon=True)
        self.lake, self.reads, self.errors = lake, 0, []
        self.stop = threading.Event()
        self.db = duckdb.connect()  # its own: DuckDB's default connection is the test's

    def run(self) -> None:
        while not self.stop.is_set():
            for table in ("articles", "entities", "ingest_log"):
                if not glob_now(self.lake / table, "*/*.parquet"):
                    continue
                try:
                    ds.dataset(self.lake / table, format="parquet",
                               partitioning="hive").to_table()
                    self.db.sql(f"SELECT count(*) FROM read_parquet('{self.lake}/{table}/**/"
                               f"*.parquet', hive_partitioning = true)").fetchall()
                    self.reads += 1
                except Exception as exc:  # the point of the test: there must be none
                    self.errors.append(f"{table}: {exc}")
            time.sleep(0.01)


def _table(lake: Path, name: str) -> list[dict]:
    rel = duckdb.sql(f"SELECT * EXCLUDE (run_id, ingest_date) FROM read_parquet("
                     f"'{lake}/{name}/**/*.parquet', hive_partitioning = true)")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


SAME_AS_CLEAN = {"articles": "article_id, body, title, published_date, language",
                 "facts": "article_id, kind, value, qualifier, object, start, \"end\"",
                 "dates": "article_id, text, start, resolved_date"}


def _rows(lake: Path, table: str, columns: str) -> list[tuple]:
    return duckdb.sql(f"SELECT {columns} FROM read_parquet('{lake}/{table}/**/*.parquet', "
                      f"hive_partitioning = true) ORDER BY ALL").fetchall()


def test_kill_9_at_every_stage_then_recover(tmp_path: Path, seed_texts) -> None:
    drop, lake, clean = _input(tmp_path / "drop", seed_texts), tmp_path / "lake", tmp_path / "c"
    readers = Readers(lake)
    with prefect_server(tmp_path / "server") as (_, env):
        env = {**env, "PYTHONPATH": str(ROOT)}
        readers.start()
        landed = []
        try:
            for k, (name, pattern, count) in enumerate(CRASH_POINTS):
                _add_story(drop, seed_texts, k)
                before = set(glob_now(lake, pattern))
                run = _run(env, drop, lake)
                if _kill_when(run, lambda p=pattern, b=before, c=count: _new(lake, p, b) >= c,
                              600):
                    landed.append(name)
                else:  # the run got past the point (or never reached it) and finished
                    assert run.returncode == 0, run.stdout.read()
            final = _run(env, drop, lake)
            assert final.wait(timeout=600) == 0, final.stdout.read()
        finally:  # never left polling the lake (and DuckDB) for the tests after this one
            readers.stop.set()
            readers.join()
        reference = _run(env, drop, clean)  # one clean run over everything
        assert reference.wait(timeout=600) == 0, reference.stdout.read()

    # Spread over every stage: nearly every point was hit before the run got past it.
    assert len(landed) >= 20, landed
    assert not readers.errors and readers.reads > 50, (readers.reads, readers.errors[:3])
    assert not list(lake.rglob("*.tmp")) and not list(lake.glob("_state/journal/*.json"))
    assert not list(lake.glob("_state/staging/*"))
    # No article twice; the same articles and the same rows drawn from them as one clean
    # run over all the input. (Which copy is canonical, and so entity ids and stories,
    # may differ: those depend on the order in which articles reach the lake.)
    articles = _table(lake, "articles")
    assert len({a["article_id"] for a in articles}) == len(articles)
    for table, columns in SAME_AS_CLEAN.items():
        assert _rows(lake, table, columns) == _rows(clean, table, columns), table
    members = pq.read_table(lake / "story_members" / "story_members.parquet")
    assert sorted(members["article_id"].to_pylist()) == sorted(a["article_id"]
                                                               for a in articles)
    # Every record accounted for exactly once over the runs: one publishing row per record
    # (published or duplicate), any number of already_seen after it, and nothing else.
    log = _table(lake, "ingest_log")
    final_rows = Counter(r["source_uri"] for r in log if r["status"] in ("published",
                                                                          "duplicate"))
    records = {r["source_uri"] for r in _table(clean, "ingest_log")}
    assert final_rows == Counter(dict.fromkeys(records, 1))
    assert {r["status"] for r in log} <= {"published", "duplicate", "already_seen"}
