"""The incremental benchmark's harness at tiny sizes: lakes built once and cached, a probed
`wiredesk run` per size, reads counted by stage."""

from __future__ import annotations

import gzip
import itertools
import json
import time
from pathlib import Path

import pytest

from benchmarks.incremental import ROOT, lake_for, measure, split, table

CORPUS = ROOT.parent / "shared" / "datasets" / "allsides" / "allsides-dev-10k.jsonl.gz"


@pytest.fixture
def corpus(tmp_path: Path) -> str:
    if not CORPUS.exists():
        pytest.skip("allsides-dev-10k is not here")
    path = tmp_path / "tiny.jsonl.gz"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, \
            gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice((line for line in src if json.loads(line)["date"]), 24))
    return str(path)


def test_split_holds_out_the_newest_and_cuts_articles_short(corpus: str) -> None:
    new, lakes = split(corpus, (4, 8))
    assert len(new) == 1 and [len(a) for a in lakes.values()] == [4, 8]
    newest = max(a["date"] for lake in lakes.values() for a in lake)
    assert new[0]["date"] >= newest
    assert lakes[8][:4] == lakes[4]  # the small lake is the big one's newest part
    assert all(a["text"].count("\n\n") <= 2 for a in lakes[8])


@pytest.mark.e2e
def test_runs_into_cached_lakes_are_measured_by_stage(corpus: str, tmp_path: Path) -> None:
    result = measure(corpus, (4, 8), cache=tmp_path / "cache")
    assert set(result["runs"]) == {"4", "8"}
    for run in result["runs"].values():
        assert run["exit"] == 0 and run["peak_mib"] > 50
        assert run["read"]["cluster"]["bytes"] > 0 and run["read"]["cluster"]["files"] > 0
        assert {"ingest", "dedup", "extract", "cluster"} <= set(run["stages"])
        # one new record: at most its seen-hash bucket and its file-log bucket (each one
        # file, the lake was built in one run), never the whole ledger; none if both are empty
        assert run["read"].get("ingest", {"files": 0})["files"] <= 2
        assert run["state_rebuild_seconds"] is not None
    assert "lake-reading steps seconds" in table(result)
    _, lakes = split(corpus, (4,))
    start = time.perf_counter()
    cached = lake_for(corpus, 4, lakes[4], ROOT, tmp_path / "cache", 1)
    assert time.perf_counter() - start < 5 and (cached / "articles").exists()
