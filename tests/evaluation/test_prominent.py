"""The prominent-people scorer on a small real lake."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.prominent import score
from tasks.extract import aliases
from tasks.lake import Lake
from tasks.schemas import conform


def test_ids_carrying_two_of_the_top_people_are_counted_only_when_in_the_lake(
        tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    rows = [{"article_id": f"a{i}", "entity_id": eid, "name": name, "label": "PERSON",
             "aliases": [name], "roles": [], "mention_count": n}
            for i, (eid, name, n) in enumerate([
                ("person/donald-trump", "Donald Trump", 9),
                ("person/melania-trump", "Melania Trump", 4),
                ("person/clinton", "Clinton", 3)])]
    table = conform("entities", rows, run_id="r1")
    lake.publish("r1", "2026-01-05", {"entities": table}, aliases.state(table), {"run_id": "r1"})
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"entity_id": "person/donald-trump", "identity": "Donald Trump"},
        {"entity_id": "person/melania-trump", "identities": ["Melania Trump", "Donald Trump"]},
        {"entity_id": "person/clinton", "identity": "Hillary Clinton"},
        {"entity_id": "person/gone", "identities": ["Donald Trump", "Hillary Clinton"]}]))
    result = score(lake.root, str(gold))
    assert result["people"] == 3 and result["one_id"] == 2  # Donald Trump has two ids
    assert list(result["merged_top"]) == ["person/melania-trump"]  # not the gone id
