"""The prominent people of a year of unseen political news: how many carry exactly one
entity id, and how many ids carry two of them (the team's held-out bar for lake-wide ids,
mirrored on allsides-dev articles that no gold file uses).

Run, from a checkout (python -m evaluation.prominent ...):
  build YEAR LAKE [--cap=800] [--paragraphs=6]   the year's articles (gold ids excluded, the
      first `cap` by id, each cut to its title and first paragraphs so spaCy's time stays a
      few minutes) through two real runs (odd and even articles) into a fresh lake
  list LAKE [--top=40]        the top PERSON names (ids grouped by the surname a reader would
      file them under) with their ids and mention counts per id, and the top ORG ids with
      the surface forms they carry: the sheet to judge by reading
  score LAKE GOLD             the figures, from a judged gold file: one JSON object a line,
      {"entity_id", "identity"} (identity: the real-world person or organisation, or "" for
      an id that is none, e.g. a headline fragment); an id judged to carry two lists them in
      "identities" instead. Figures: of the `top` people by mentions, those carried by
      exactly one id; person ids carrying two people; top ORG ids joining two things
"""

from __future__ import annotations

import glob
import gzip
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from evaluation.facts_dates import DEFAULT_PATH, GOLD

TOP = 40


def gold_ids() -> set[str]:
    """Every allsides article id a gold file of evaluation/gold points into."""
    ids = set()
    for path in glob.glob(str(GOLD / "*.jsonl")):
        with open(path, encoding="utf-8") as f:
            ids |= {str(json.loads(line).get("article_id")) for line in f if line.strip()}
    return ids


def year_articles(year: str, cap: int, paragraphs: int, path: str = DEFAULT_PATH
                  ) -> list[dict]:
    """The year's articles no gold file uses, the first `cap` by id, each cut to its first
    paragraphs (blank-line separated)."""
    used, out = gold_ids(), []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if (record["date"] or "").startswith(year) and record["id"] not in used:
                parts = [p for p in record["text"].split("\n\n") if p.strip()]
                out.append({**record, "text": "\n\n".join(parts[:paragraphs])})
    return sorted(out, key=lambda r: r["id"])[:cap]


def build(year: str, lake: str, cap: int = 800, paragraphs: int = 6) -> None:
    """Two real runs of the flow (odd and even articles) into `lake`."""
    from flows.news_etl import RunParameters, news_etl

    records = year_articles(year, cap, paragraphs)
    with tempfile.TemporaryDirectory() as work:
        for half in (0, 1):
            folder = Path(work) / f"input-{half}"
            folder.mkdir()
            with open(folder / "articles.jsonl", "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r) + "\n" for r in records[half::2])
            news_etl(RunParameters(input=str(folder), lake=lake, processes=1))


def _rows(lake: str, label: str) -> list[tuple]:
    """(entity_id, name, aliases, mention_count) of the lake's rows with this label."""
    import duckdb

    return duckdb.sql(f"""
        select entity_id, name, aliases, mention_count
        from read_parquet('{lake}/entities/**/*.parquet', hive_partitioning=true)
        where label = '{label}'""").fetchall()


def person_groups(lake: str, top: int = TOP) -> list[tuple[str, dict[str, int]]]:
    """The `top` surnames by PERSON mentions, each with its ids' mention counts: every id
    whose canonical name ends in that surname (a one-word id is its own surname), and the
    ORG ids named by the surname alone ("Trump" the model tagged an organisation)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for eid, name, _, n in _rows(lake, "PERSON"):
        counts[name.split()[-1].lower() if name.split() else eid][eid] += n
    groups = dict(sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))[:top])
    for eid, name, _, n in _rows(lake, "ORG"):
        if name.lower() in groups:
            groups[name.lower()][eid] += n
    return [(last, dict(ids.most_common())) for last, ids in groups.items()]


def org_ids(lake: str, top: int = TOP) -> list[tuple[str, int, list[str]]]:
    """The `top` ORG ids by mentions, with the surface forms they carry."""
    total, forms = Counter(), defaultdict(Counter)
    for eid, _, aliases, n in _rows(lake, "ORG"):
        total[eid] += n
        forms[eid].update(aliases or [])
    return [(eid, n, [a for a, _ in forms[eid].most_common(8)])
            for eid, n in total.most_common(top)]


def score(lake: str, gold_path: str, top: int = TOP) -> dict:
    """Of the `top` judged people by mentions: those carried by exactly one id (any judged id
    with a mention of them counts, in any surname group), the ids carrying two people (of
    the top groups; and those carrying two of the top people, the bar's own count), and the
    top ORG ids joining two things."""
    judged = {}
    with open(gold_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                judged[row["entity_id"]] = row.get("identities") or [row["identity"]]
    groups = person_groups(lake, 10 ** 9)  # a judged id counts wherever it is ("Hillary")
    seen = {eid for _, ids in groups[:top] for eid in ids}
    present = {eid for _, ids in groups for eid in ids}
    orgs = {eid for eid, _, _ in org_ids(lake, top)}
    ids_of: dict[str, set[str]] = defaultdict(set)
    mentions: Counter = Counter()
    for _, ids in groups:
        for eid, n in ids.items():
            for person in judged.get(eid, []):
                if person:
                    ids_of[person].add(eid)
                    mentions[person] += n
    people = [p for p, _ in mentions.most_common(top)]
    return {"people": len(people),
            "one_id": sum(len(ids_of[p]) == 1 for p in people),
            "split": {p: sorted(ids_of[p]) for p in people if len(ids_of[p]) > 1},
            "merged": {eid: names for eid, names in judged.items()
                       if eid in seen and len([n for n in names if n]) > 1},
            # the bar's own reading: ids that carry two of the `top` people themselves
            "merged_top": {eid: names for eid, names in judged.items()
                           if eid in present and len(set(names) & set(people)) > 1},
            "org_merged": {eid: names for eid, names in judged.items()
                           if eid in orgs and len([n for n in names if n]) > 1},
            "unjudged": sorted((seen | orgs) - set(judged))}


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in argv if a.startswith("--"))
    top = int(opts.get("top", TOP))
    if args[0] == "build":
        build(args[1], args[2], int(opts.get("cap", 800)), int(opts.get("paragraphs", 6)))
    elif args[0] == "list":
        for last, ids in person_groups(args[1], top):
            print(f"{last}: " + ", ".join(f"{eid} {n}" for eid, n in ids.items()))
        print()
        for eid, n, forms in org_ids(args[1], top):
            print(f"{eid} {n}: {' | '.join(forms)}")
    elif args[0] == "score":
        result = score(args[1], args[2], top)
        print(f"prominent people with one id: {result['one_id']}/{result['people']}")
        print(f"ids carrying two people: {len(result['merged'])}, two of the top "
              f"{result['people']}: {len(result['merged_top'])}")
        for person, ids in result["split"].items():
            print(f"  split: {person}: {', '.join(ids)}")
        for eid, names in result["merged"].items():
            print(f"  merged: {eid}: {', '.join(names)}")
        print(f"top organisation ids joining different things: {len(result['org_merged'])}")
        for eid, names in result["org_merged"].items():
            print(f"  merged: {eid}: {', '.join(names)}")
        if result["unjudged"]:
            print(f"unjudged ids: {', '.join(result['unjudged'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
