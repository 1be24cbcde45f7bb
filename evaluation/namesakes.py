"""A bare surname in an article that names several people by it ("Bush" beside Jeb and
Barbara Bush): whom the lake's id for it names, against a reader's judgment.

Run, from a checkout: `python -m evaluation.namesakes LAKE [GOLD]`. The gold
(`evaluation/gold/namesakes_2016.jsonl`, how it was made: evaluation/gold/README.md) locates
each mention by the lake's article id and start offset, so it scores the lake that
`python -m evaluation.prominent build 2016 LAKE --paragraphs=100000` builds. A mention is
right when its id's name has the judged person's first and last word or the id carries the
judged name as written somewhere in the lake (another spelling: "Qasem" of "Qassem
Soleimani"), unlinked when the id is a bare word's own ("person/bush"), and wrong otherwise;
mentions judged "FAMILY", "UNSURE" or "NOT_A_PERSON" are not scored.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from evaluation.facts_dates import GOLD as GOLD_FOLDER

GOLD = GOLD_FOLDER / "namesakes_2016.jsonl"
BARE = GOLD_FOLDER / "bare_surnames_2016.jsonl"
SOLE = GOLD_FOLDER / "sole_namesake_2016.jsonl"
UNSCORED = {"FAMILY", "UNSURE", "NOT_A_PERSON"}


def _same(name: str, referent: str) -> bool:
    words, meant = name.split(), referent.split()
    return len(words) > 1 and (words[0], words[-1]) == (meant[0], meant[-1])


def score(lake: str, gold: Traversable = GOLD) -> Counter:
    """Counts of right, wrong, unlinked and missing (mention not in the lake) mentions."""
    judged = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()
              if line.strip()]
    con = duckdb.connect()
    ids = {(a, s): e for a, s, e in con.execute(
        "select article_id, start, entity_id from read_parquet(?)",
        [f"{lake}/mentions/**/*.parquet"]).fetchall()}
    names = dict(con.execute("select entity_id, max(name) from read_parquet(?) group by 1",
                             [f"{lake}/entities/**/*.parquet"]).fetchall())
    written = set(con.execute("select distinct entity_id, unnest(aliases) from read_parquet(?)",
                              [f"{lake}/entities/**/*.parquet"]).fetchall())
    tally: Counter = Counter()
    for row in judged:
        if row["referent"] in UNSCORED:
            continue
        eid = ids.get((row["article"], row["start"]))
        name = names.get(eid, "") if eid is not None else None
        tally["missing" if name is None else "unlinked" if " " not in name
              else "right" if _same(name, row["referent"]) or (eid, row["referent"]) in written
              else "wrong"] += 1
    return tally


if __name__ == "__main__":
    for gold in [Path(p) for p in sys.argv[2:]] or [GOLD, SOLE, BARE]:
        counts = score(sys.argv[1], gold)
        print(gold.name, " ".join(f"{k} {counts[k]}"
                                  for k in ("right", "wrong", "unlinked", "missing")))
