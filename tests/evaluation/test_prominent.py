"""The unseen-year measurement of prominent people: its article choice, grouping and figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATASETS

from evaluation.prominent import gold_ids, person_groups, score, year_articles
from tasks.lake import Lake
from tasks.schemas import conform


def _row(article: str, eid: str, name: str, mentions: int, label: str = "PERSON") -> dict:
    return {"article_id": article, "entity_id": eid, "name": name, "label": label,
            "aliases": [name], "roles": [], "mention_count": mentions}


def test_groups_and_figures_from_a_judged_file(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    rows = [_row("a", "person/donald-trump", "Donald Trump", 9),
            _row("b", "person/mr-trump", "Mr. Trump", 2),
            _row("c", "person/jeb-bush", "Jeb Bush", 5),
            _row("d", "person/bush", "Bush", 3),
            _row("e", "person/george-w-bush", "George W. Bush", 4),
            _row("f", "org/state", "State", 6, "ORG")]
    lake.publish("r1", "2026-01-05", {"entities": conform("entities", rows, run_id="r1")},
                 {}, {"run_id": "r1"})
    assert person_groups(lake.url)[0] == ("bush", {"person/jeb-bush": 5, "person/george-w-bush": 4,
                                                   "person/bush": 3})
    gold = tmp_path / "gold.jsonl"
    judged = [{"entity_id": "person/donald-trump", "identity": "Donald Trump"},
              {"entity_id": "person/mr-trump", "identity": "Donald Trump"},
              {"entity_id": "person/jeb-bush", "identity": "Jeb Bush"},
              {"entity_id": "person/george-w-bush", "identity": "George W. Bush"},
              {"entity_id": "person/bush", "identities": ["Jeb Bush", "George W. Bush"]},
              {"entity_id": "org/state", "identities": ["State Department", "a role"]}]
    gold.write_text("".join(json.dumps(row) + "\n" for row in judged))
    result = score(lake.url, str(gold))
    assert (result["people"], result["one_id"]) == (3, 0)  # all three split
    assert list(result["merged"]) == ["person/bush"] and list(result["org_merged"]) == [
        "org/state"]
    assert result["unjudged"] == []


@pytest.mark.skipif(not (DATASETS / "allsides").exists(), reason="needs ../shared/datasets")
def test_a_year_leaves_out_every_gold_article() -> None:
    chosen = year_articles("2016", 50, 2)
    assert len(chosen) == 50 and not {r["id"] for r in chosen} & gold_ids()
    assert all(r["date"].startswith("2016") and r["text"].count("\n\n") <= 1 for r in chosen)


def test_ids_carrying_two_of_the_top_people_are_counted_only_when_in_the_lake(
        tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    rows = [_row("a", "person/donald-trump", "Donald Trump", 9),
            _row("b", "person/melania-trump", "Melania Trump", 4),
            _row("c", "person/clinton", "Clinton", 3)]
    lake.publish("r1", "2026-01-05", {"entities": conform("entities", rows, run_id="r1")},
                 {}, {"run_id": "r1"})
    gold = tmp_path / "gold.jsonl"
    judged = [{"entity_id": "person/donald-trump", "identity": "Donald Trump"},
              {"entity_id": "person/melania-trump",
               "identities": ["Melania Trump", "Donald Trump"]},
              {"entity_id": "person/clinton", "identity": "Hillary Clinton"},
              {"entity_id": "person/gone", "identities": ["Donald Trump", "Hillary Clinton"]}]
    gold.write_text("".join(json.dumps(row) + "\n" for row in judged))
    result = score(lake.url, str(gold))
    assert result["people"] == 3 and result["one_id"] == 2  # Donald Trump has two ids
    assert list(result["merged_top"]) == ["person/melania-trump"]  # not the gone id
