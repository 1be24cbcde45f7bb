"""Whom a lake's id for a bare surname names, against a reader's judgment."""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from evaluation.namesakes import BARE, GOLD, SOLE, score
from tasks.lake import Lake
from tasks.schemas import conform


def test_right_wrong_unlinked_and_unscored(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    entities = [{"article_id": "a", "entity_id": eid, "name": name, "label": "PERSON",
                 "aliases": [name], "roles": [], "mention_count": 1}
                for eid, name in [("person/jeb-bush", "Jeb Bush"), ("person/bush", "Bush"),
                                  ("person/barbara-bush", "Barbara Bush")]]
    mentions = [{"article_id": "a", "entity_id": eid, "text": "Bush", "start": start,
                 "end": start + 4, "sentence_index": 0}
                for eid, start in [("person/jeb-bush", 0), ("person/bush", 10),
                                   ("person/barbara-bush", 20), ("person/jeb-bush", 30)]]
    lake.publish("r1", "2026-01-05", {"entities": conform("entities", entities, run_id="r1"),
                                      "mentions": conform("mentions", mentions, run_id="r1")},
                 {}, {"run_id": "r1"})
    judged = [("a", 0, "Jeb Bush"), ("a", 10, "Jeb Bush"), ("a", 20, "Jeb Bush"),
              ("a", 30, "FAMILY"), ("a", 40, "NOT_A_PERSON"), ("b", 0, "Jeb Bush")]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"article": a, "start": s, "referent": r}) + "\n"
                            for a, s, r in judged))
    assert score(lake.url, gold) == {"right": 1, "unlinked": 1, "wrong": 1, "missing": 1}


@pytest.mark.parametrize(("gold", "size"), [
    (GOLD, 149), (BARE, 79), (SOLE, 89), (GOLD.parent / "sole_namesake_2020.jsonl", 116)])
def test_the_shipped_golds_are_readable_and_judged(gold: Traversable, size: int) -> None:
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == size and all(row["referent"] and row["surname"] for row in rows)
    assert len({(row["article"], row["start"]) for row in rows}) == len(rows)
