"""benchmarks.corpora: the conversions and the checks on tiny generated inputs, and one
quick harness run on a real corpus when the datasets are there."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks import corpora
from benchmarks.corpora import Corpus, Result, Run
from tasks.schemas import conform

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
DATASETS = ROOT.parent / "shared" / "datasets"

CONLL = """-DOCSTART- -X- -X- O

ALPHA NNP B-NP B-ORG
WINS VBZ B-VP O
. . O O

Beta NNP B-NP B-PER
said VBD B-VP O
so RB B-ADVP O
. . O O
-DOCSTART- -X- -X- O

Gamma NNP B-NP B-LOC
1996-08-30 CD I-NP O

-DOCSTART- -X- -X- O

"""


def test_conll_documents_one_text_per_docstart() -> None:
    docs = list(corpora.conll_documents(CONLL.splitlines(keepends=True)))
    # a sentence with no blank line before the next -DOCSTART- still ends; an empty
    # document (nothing after the last -DOCSTART-) is no document
    assert docs == ["ALPHA WINS .\nBeta said so .\n", "Gamma 1996-08-30\n"]


def _datasets(tmp_path: Path) -> Path:
    root = tmp_path / "datasets"
    (root / "conll").mkdir(parents=True)
    (root / "conll" / "train.txt").write_text(CONLL, encoding="utf-8")
    for sub, name in (("a", "2.txt"), ("a", "1.txt"), ("b", "0.txt")):
        (root / "files" / sub).mkdir(parents=True, exist_ok=True)
        (root / "files" / sub / name).write_text(f"text {sub}{name}\n", encoding="utf-8")
    lines = [json.dumps({"id": str(i), "text": f"record {i}"}) for i in range(5)]
    with gzip.open(root / "records.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]) + "\n")
    (root / "pages").mkdir()
    for i in range(3):
        (root / "pages" / f"p{i}.html.gz").write_bytes(
            gzip.compress(f"<html><body><p>page {i}</p></body></html>".encode()))
    (root / "pages" / "notes.json").write_text("{}")
    return root


def test_prepare_uses_readable_formats_in_place(tmp_path: Path) -> None:
    root = _datasets(tmp_path)
    work = tmp_path / "work"
    source, n = corpora.prepare(Corpus("f", "files", "files", ""), root, work, None)
    assert (source, n) == (root / "files", 3)
    source, n = corpora.prepare(Corpus("j", "records.jsonl.gz", "jsonl", ""), root, work, None)
    assert (source, n) == (root / "records.jsonl.gz", 5)  # the blank line is no record
    assert not work.exists()


def test_prepare_limits_and_converts_into_the_work_folder(tmp_path: Path) -> None:
    root = _datasets(tmp_path)
    source, n = corpora.prepare(Corpus("f", "files", "files", ""), root, tmp_path / "f", 2)
    assert n == 2  # the first two in the pipeline's reading order, paths kept
    assert sorted(p.relative_to(source).as_posix() for p in source.rglob("*.txt")) == \
        ["a/1.txt", "a/2.txt"]
    source, n = corpora.prepare(Corpus("j", "records.jsonl.gz", "jsonl", ""), root,
                                tmp_path / "j", 3)
    with gzip.open(source, "rt") as fh:
        assert [json.loads(line)["id"] for line in fh] == ["0", "1", "2"] and n == 3
    source, n = corpora.prepare(Corpus("c", "conll/train.txt", "conll", ""), root,
                                tmp_path / "c", None)
    assert n == 2 and sorted(p.name for p in source.iterdir()) == \
        ["train-0001.txt", "train-0002.txt"]
    assert (source / "train-0002.txt").read_text() == "Gamma 1996-08-30\n"
    source, n = corpora.prepare(Corpus("h", "pages", "html-gz", ""), root, tmp_path / "h", 2)
    assert n == 2 and sorted(p.name for p in source.iterdir()) == ["p0.html", "p1.html"]
    assert (source / "p1.html").read_text() == "<html><body><p>page 1</p></body></html>"
    with pytest.raises(FileNotFoundError):
        corpora.prepare(Corpus("x", "nowhere", "files", ""), root, tmp_path / "x", None)


# ---- the checks, on a tiny lake written by hand -------------------------------------------

RUN = "20250101T000000Z-abc123"
DAY = dt.date(2025, 1, 1)
BODY = "Alice met Bob in Paris."


def _write(lake: Path, table: str, rows: list[dict]) -> None:
    partitioned = table not in ("stories", "story_members")
    folder = lake / table / (f"ingest_date={DAY}" if partitioned else "")
    folder.mkdir(parents=True, exist_ok=True)
    fill = {"run_id": RUN} | ({} if partitioned else {"ingest_date": DAY})
    name = f"part-{RUN}-0000.parquet" if partitioned else f"{table}.parquet"
    pq.write_table(conform(table, rows, **fill), folder / name)


def _lake(tmp_path: Path, *, offset: int = 0, twice: bool = False,
          statuses: tuple[str, ...] = ("published", "published", "failed")) -> Path:
    lake = tmp_path / "lake"
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    article = {"article_id": "a1", "source_uri": "/in/1.txt", "published_date_source": "none",
               "source_name_source": "none",
               "language": "en", "body": BODY, "word_count": 5, "ingested_at": now}
    _write(lake, "articles", [article, {**article, "article_id": "a2", "body": "Hi."}]
           + ([article] if twice else []))
    _write(lake, "mentions", [
        {"article_id": "a1", "entity_id": "person/alice", "text": "Alice", "start": offset,
         "end": offset + 5, "sentence_index": 0},
        {"article_id": "a1", "entity_id": "gpe/paris", "text": "Paris", "start": 17,
         "end": 22, "sentence_index": 0}])
    _write(lake, "stories", [{"story_id": "s1", "article_count": 2, "source_count": 1,
                              "top_entities": []}])
    log = [{"source_uri": f"/in/{i}.txt", "content_sha256": "0" * 64, "bytes": 10,
            "status": s, "reason": "extract: IndexError: list index out of range"
            if s == "failed" else None, "article_id": f"a{i + 1}" if s == "published" else None}
           for i, s in enumerate(statuses)]
    _write(lake, "ingest_log", log)
    (lake / "_runs").mkdir()
    counts = {s: statuses.count(s) for s in set(statuses)}
    (lake / "_runs" / f"{RUN}.json").write_text(json.dumps(
        {"run_id": RUN, "outcome": "published", "records": counts,
         "records_read": len(statuses), "validation": {"outcomes": []}}))
    return lake


def _run(exit: int = 0, stdout: str = "", stderr: str = "") -> Run:
    return Run(exit, 1.0, 100.0, 200.0, 90.0, stdout or f"run {RUN}: published\n", stderr)


def test_checks_pass_on_a_lake_that_keeps_the_contract(tmp_path: Path) -> None:
    lake = _lake(tmp_path, statuses=("published", "published"))
    result = corpora.evaluate(Result("tiny", "", "", records_written=2), _run(), lake)
    assert result.statuses == {"published": 2} and result.log_source == "lake"
    assert result.accounting == [] and result.contract == [] and result.bars == []
    assert result.languages == {"en": 2}
    assert "| tiny | 2 | 0 | published | 2 | 2 |" in corpora.markdown([result])


def test_checks_find_offsets_duplicates_accounting_and_failure_share(tmp_path: Path) -> None:
    lake = _lake(tmp_path, offset=1, twice=True)
    result = corpora.evaluate(Result("tiny", "", "", records_written=4), _run(), lake)
    assert any(p.startswith("offsets: 1 mentions rows") for p in result.contract)
    assert any(p.startswith("unique: 1 articles keys") for p in result.contract)
    assert result.accounting == ["4 records written, 3 logged"]
    assert result.failed == [{"reason": "extract: IndexError", "count": 1,
                              "examples": ["extract: IndexError: list index out of range"]}]
    assert result.bars == ["accounting", "contract", "failed 33.33% > 0.1%"]


def test_checks_find_a_foreign_schema(tmp_path: Path) -> None:
    lake = _lake(tmp_path, statuses=("published", "published"))
    extra = pq.read_table(next((lake / "stories").glob("*.parquet")))
    pq.write_table(extra.append_column("junk", pa.array([1])),
                   lake / "stories" / "stories.parquet")
    result = corpora.evaluate(Result("tiny", "", "", records_written=2), _run(), lake)
    assert any(p.startswith("schema: stories") for p in result.contract)


def test_a_blocked_run_reads_the_quarantined_log(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    held = lake / "_quarantine" / RUN
    held.mkdir(parents=True)
    log = conform("ingest_log", [{"source_uri": "/in/0.txt", "content_sha256": "0" * 64,
                                  "bytes": 3, "status": "published", "article_id": "a1"}],
                  run_id=RUN)
    pq.write_table(log, held / "ingest_log.parquet")
    (lake / "_runs").mkdir()
    (lake / "_runs" / f"{RUN}.json").write_text(json.dumps({
        "run_id": RUN, "outcome": "blocked", "records": {"published": 1}, "records_read": 1,
        "validation": {"outcomes": [{"table": "articles", "expectation": "regex",
                                     "column": "language", "severity": "error",
                                     "success": False, "observed": "1 unexpected"}]}}))
    run = _run(1, f"run {RUN}: blocked\n", "error: validation blocked the publish: x\n")
    result = corpora.evaluate(Result("tiny", "", "", records_written=1), run, lake)
    assert result.outcome == "blocked" and result.log_source == "quarantine"
    assert result.blocked == [{"expectation": "articles.regex(language)",
                               "observed": "1 unexpected"}]
    assert result.bars == ["exit 1"] and result.contract == [] and result.languages == {}
    assert "0 (blocked; 1 held)" in corpora.markdown([result])


def test_a_crash_is_named_by_its_exception_and_innermost_frame(tmp_path: Path) -> None:
    stderr = "\n".join([
        "12:00:01.000 | ERROR | Task run 'extract-3f2' - Finished in state Failed('boom')",
        "Traceback (most recent call last):",
        f'  File "{ROOT}/flows/news_etl.py", line 80, in _run',
        "    extracted = [...]",
        f'  File "{ROOT}/.venv/lib/python3.11/site-packages/prefect/x.py", line 9, in call',
        f'  File "{ROOT}/tasks/extract/facts.py", line 123, in _counted',
        "    return _range_end(x)",
        "  [Previous line repeated 996 more times]",
        "RecursionError: maximum recursion depth exceeded", ""])
    lake = tmp_path / "lake"
    lake.mkdir()
    result = corpora.evaluate(Result("tiny", "", "", records_written=3),
                              _run(1, "starting\n", stderr), lake)
    assert result.outcome == "crashed" and result.statuses == {}
    assert result.crash == {"exception": "RecursionError",
                            "message": "maximum recursion depth exceeded",
                            "frame": "tasks/extract/facts.py:123 _counted",
                            "tasks": ["extract"], "error": None}
    assert result.bars == ["exit 1", "accounting"]
    assert "run stopped: RecursionError" in corpora.markdown([result])


def test_the_work_folder_stays_outside_the_repository() -> None:
    with pytest.raises(SystemExit):
        corpora.main(["--work", str(ROOT / "tmp-corpora"), "--only", "bbc"])


def test_tree_rss_sees_this_process() -> None:
    import os

    largest, total, count = corpora.tree_rss(os.getpid())
    assert count >= 1 and 0 < largest <= total


@pytest.mark.skipif(not (DATASETS / "conll2003" / "conllpp_dev.txt").exists(),
                    reason="../shared/datasets is not there")
def test_harness_runs_a_small_corpus(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.corpora", "--only", "conll-dev", "--limit", "2",
         "--work", str(tmp_path / "work"), "--out", str(out), "--run-arg=--processes=1"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert out.exists(), done.stderr[-2000:]
    (result,) = json.loads(out.read_text())["results"]
    assert result["records_written"] == 2 and result["exit"] is not None
    assert "| conll-dev | 2 |" in done.stdout
    if result["exit"] == 0:  # published: every check reads the real lake
        assert sum(result["statuses"].values()) == 2
        assert result["accounting"] == [] and result["contract"] == []
    assert result["peak_mib"] > 0 and result["seconds"] > 0
