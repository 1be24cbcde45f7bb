"""The lake-wide entity id scorer and its gold."""

from __future__ import annotations

import pytest
from conftest import DATASETS

from evaluation.entity_ids import b_cubed, predicted_ids, prominent
from evaluation.facts_dates import load_articles, load_gold

DATASET = DATASETS / "allsides" / "allsides-dev-10k.jsonl.gz"


def _items(pairs: list[tuple[str, str | None]]) -> list[dict]:
    return [{"identity": g, "entity_id": p, "split": "dev"} for g, p in pairs]


def test_b_cubed_perfect_split_and_merged() -> None:
    assert b_cubed(_items([("trump", "a"), ("trump", "a"), ("bush", "b")]))["b3_f1"] == 1.0
    split = b_cubed(_items([("trump", "a"), ("trump", "b")]))
    assert split["b3_p"] == 1.0 and split["b3_r"] == 0.5
    merged = b_cubed(_items([("george-w", "bush"), ("george-hw", "bush")]))
    assert merged["b3_p"] == 0.5 and merged["b3_r"] == 1.0
    missed = b_cubed(_items([("trump", "a"), ("trump", None), ("trump", None)]))
    assert missed["b3_p"] == 1.0 and missed["b3_r"] == pytest.approx(1 / 3)


def test_prominent_counts_one_id_and_merges() -> None:
    result = prominent(_items([("trump", "a")] * 3 + [("trump", "t")] + [("obama", "o")] * 3
                              + [("bush 43", "b"), ("bush 41", "b")]))
    assert result["prominent"] == 2 and result["one_id"] == 1
    assert result["split"] == {"trump": ["a", "t"]}
    assert result["merged"] == {"b": ["bush 41", "bush 43"]}


def test_gold_is_well_formed() -> None:
    gold = load_gold("entities")
    items = [item for row in gold for item in row["items"]]
    assert len({row["article_id"] for row in gold}) >= 60 and len(items) >= 300
    assert {row["split"] for row in gold} == {"train", "dev", "test"}
    assert all(item["identity"] and item["text"] for item in items)


@pytest.mark.skipif(not DATASET.exists(), reason="shared datasets not present")
def test_every_gold_mention_is_found_in_its_paragraph() -> None:
    gold = load_gold("entities")
    bodies = {aid: a["body"] for aid, a in
              load_articles(str(DATASET), {row["article_id"] for row in gold}).items()}
    for row in gold:
        paragraph = bodies[row["article_id"]].split("\n\n")[row["paragraph"]]
        assert paragraph.split()[:3] == row["first_words"].split(), row
    found = predicted_ids(gold, bodies, {})  # locates every mention; none predicted
    assert len(found) == sum(len(row["items"]) for row in gold)
    assert all(m["entity_id"] is None for m in found)
