"""Holding articles back from a run: reasons, hold_back over the staged tables, isolate."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tasks import ledger
from tasks.ledger import hold_back, isolate, reason
from tasks.schemas import conform


def test_reason_is_one_bounded_line() -> None:
    assert reason("extract", RecursionError("maximum recursion depth exceeded")) == \
        "extract: RecursionError: maximum recursion depth exceeded"
    assert reason("clean", KeyError()) == "clean: KeyError"
    long = reason("link", ValueError("x\n" * 1000))
    assert len(long) == ledger.REASON_CHARS and "\n" not in long and long.endswith("…")


def _run_tables() -> dict[str, pa.Table]:
    articles = [{"article_id": a, "duplicate_of": d, "source_uri": f"{a}.txt", "body": "b",
                 "published_date_source": "none", "source_name_source": "none",
                 "language": "en", "word_count": 1,
                 "ingested_at": None} for a, d in (("a", None), ("b", None), ("c", "a"),
                                                   ("d", "c"))]
    log = [{"source_uri": f"{a}.txt", "content_sha256": a * 64, "bytes": 1, "status": s,
            "article_id": aid, "reason": None}
           for a, s, aid in (("a", "published", "a"), ("b", "published", "b"),
                             ("c", "published", "c"), ("d", "published", "d"),
                             ("e", "duplicate", "a"), ("f", "rejected", None))]
    facts = [{"fact_id": f"{a}:0", "article_id": a, "kind": "KILL", "value": 1,
              "qualifier": "exact", "text": "1", "start": 0, "end": 1} for a in "abcd"]
    return {"articles": pa.Table.from_pylist(articles),
            "ingest_log": conform("ingest_log", log, run_id="r"),
            "facts": conform("facts", facts, run_id="r")}


def test_hold_back_takes_an_article_and_its_copies_out_of_every_table() -> None:
    kept, taken, held = hold_back(_run_tables(), {"a": "extract: ValueError: x"}, "failed")
    # c copies a, and d copies c: all three go; b stays.
    assert set(held) == {"a", "c", "d"} and held["d"].startswith("copy of held-back article c")
    assert kept["articles"]["article_id"].to_pylist() == ["b"]
    assert kept["facts"]["article_id"].to_pylist() == ["b"]
    assert sorted(taken["facts"]["article_id"].to_pylist()) == ["a", "c", "d"]
    log = {r["source_uri"]: r for r in kept["ingest_log"].to_pylist()}
    assert len(log) == 6  # the ledger keeps every record
    assert {u for u, r in log.items() if r["status"] == "failed"} == {"a.txt", "c.txt", "d.txt",
                                                                      "e.txt"}
    assert log["e.txt"]["reason"] == "extract: ValueError: x"  # an exact copy of a
    assert (log["b.txt"]["status"], log["f.txt"]["status"]) == ("published", "rejected")


def test_hold_back_of_nothing_changes_nothing() -> None:
    tables = _run_tables()
    assert hold_back(tables, {}, "failed") == (tables, {}, {})


def _fails_on(*bad: str):
    calls = []

    def step(items: list[str]) -> list[str]:
        calls.append(list(items))
        if spoiled := [i for i in items if i in bad]:
            raise ValueError(f"cannot handle {spoiled[0]}")
        return sorted(items)
    return step, calls


def test_isolate_runs_once_when_nothing_fails() -> None:
    step, calls = _fails_on()
    assert isolate(step, ["b", "a"], fixed=["z"]) == (["a", "b", "z"], [])
    assert len(calls) == 1


def test_isolate_finds_each_culprit_and_runs_without_them() -> None:
    step, calls = _fails_on("k", "q")
    items = [chr(c) for c in range(ord("a"), ord("z"))]
    result, culprits = isolate(step, items, fixed=["lake"])
    assert [c for c, _ in culprits] == ["k", "q"]
    assert str(culprits[0][1]) == "cannot handle k"
    assert result == sorted(["lake", *(i for i in items if i not in "kq")])
    assert len(calls) < 30  # bisection, not one call per item


def test_isolate_blames_a_pair_that_only_fails_together() -> None:
    def step(items: list[str]) -> int:
        if {"x", "y"} <= set(items):
            raise ValueError("x and y clash")
        return len(items)
    result, culprits = isolate(step, ["x", "y"])
    assert result == 0 and [c for c, _ in culprits] == ["x", "y"]


def test_isolate_never_blames_the_fixed_part_or_searches_forever() -> None:
    step, _ = _fails_on("lake")
    with pytest.raises(ValueError, match="cannot handle lake"):
        isolate(step, ["a", "b"], fixed=["lake"])

    def broken(items: list[str]) -> None:
        if len(items) > 0:
            raise RuntimeError("broken for everyone")
    calls = []
    with pytest.raises(RuntimeError, match="broken for everyone"):
        isolate(lambda items: calls.append(1) or broken(items), [str(i) for i in range(10_000)])
    assert len(calls) <= ledger.MAX_BISECTIONS + 2
