"""Lake-wide entity ids scored against a cross-article gold: does one real-world person or
organisation carry one id across the lake, and does one id carry only one of them?

Run: python -m evaluation.entity_ids [allsides.jsonl.gz] [--split=train|dev|test|all]. The gold
(evaluation/gold/entities.jsonl, see its README) gives every person and organisation named in
the first three paragraphs of 76 allsides-dev articles its real-world identity. The articles
go through the real flow into a fresh lake, in two runs (odd and even articles), so links made
across runs count as much as links within one. Each gold mention is matched to the lake
mention overlapping it most; that mention's entity_id is the predicted cluster (a gold mention
the lake has no mention for is a cluster of its own). Scores over gold mentions: B-cubed
precision, recall and F1; for the prominent identities (>= 3 gold mentions) the share carried
by exactly one id, and the ids that carry two identities.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from evaluation.facts_dates import DEFAULT_PATH, load_articles, load_gold, locate

PROMINENT = 3  # gold mentions an identity needs to count as prominent
SPLITS = ("train", "dev", "test", "all")


def build_lake(path: str, ids: list[str], work: Path) -> Path:
    """A lake of these allsides articles, written by two real runs of the flow."""
    from flows.news_etl import RunParameters, news_etl

    records = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if (record := json.loads(line))["id"] in ids:
                records[record["id"]] = record
    lake = work / "lake"
    for half in (0, 1):
        folder = work / f"input-{half}"
        folder.mkdir()
        with open(folder / "articles.jsonl", "w", encoding="utf-8") as f:
            for aid in ids[half::2]:
                f.write(json.dumps(records[aid]) + "\n")
        news_etl(RunParameters(input=str(folder), lake=str(lake), processes=1))
    return lake


def lake_mentions(lake: Path, ids: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """(start, end, entity_id) of every mention, by allsides id (from each record's line)."""
    import duckdb

    by_uri = {f"input-{half}/articles.jsonl#{n}": aid
              for half in (0, 1) for n, aid in enumerate(ids[half::2], start=1)}
    rows = duckdb.sql(f"""
        select a.source_uri, m.start, m."end", m.entity_id
        from read_parquet('{lake}/articles/**/*.parquet', hive_partitioning=true) a
        join read_parquet('{lake}/mentions/**/*.parquet', hive_partitioning=true) m
        using (article_id)""").fetchall()
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for uri, start, end, entity_id in rows:
        key = next((k for k in by_uri if uri.endswith(k)), None)
        if key is not None:
            out[by_uri[key]].append((start, end, entity_id))
    return out


def predicted_ids(gold: list[dict], bodies: dict[str, str],
                  mentions: dict[str, list[tuple[int, int, str]]]) -> list[dict]:
    """Each gold mention with its identity and the lake's entity_id for it (None: missed)."""
    out = []
    for row in gold:
        body = bodies[row["article_id"]]
        for item in row["items"]:
            start, end = locate(body, row["paragraph"], item["text"], item["occurrence"])
            overlap = [(min(end, e) - max(start, s), eid)
                       for s, e, eid in mentions.get(row["article_id"], [])
                       if s < end and e > start]
            out.append({"article_id": row["article_id"], "split": row["split"],
                        "text": item["text"], "identity": item["identity"],
                        "entity_id": max(overlap)[1] if overlap else None})
    return out


def b_cubed(items: list[dict]) -> dict[str, float]:
    """B-cubed over gold mentions; a missed mention is a predicted cluster of its own."""
    pred = [m["entity_id"] or f"missed:{i}" for i, m in enumerate(items)]
    gold = [m["identity"] for m in items]
    both, in_pred, in_gold = Counter(zip(gold, pred, strict=True)), Counter(pred), Counter(gold)
    n = max(len(items), 1)
    p = sum(both[g, q] / in_pred[q] for g, q in zip(gold, pred, strict=True)) / n
    r = sum(both[g, q] / in_gold[g] for g, q in zip(gold, pred, strict=True)) / n
    return {"b3_p": p, "b3_r": r, "b3_f1": 2 * p * r / (p + r) if p + r else 0.0}


def prominent(items: list[dict]) -> dict:
    """Prominent identities carried by exactly one id; ids carrying two identities."""
    ids_of: dict[str, set[str]] = defaultdict(set)
    identities_of: dict[str, set[str]] = defaultdict(set)
    counts = Counter(m["identity"] for m in items)
    for m in items:
        if m["entity_id"] is not None:
            ids_of[m["identity"]].add(m["entity_id"])
            identities_of[m["entity_id"]].add(m["identity"])
    big = [name for name, n in counts.items() if n >= PROMINENT]
    return {"prominent": len(big),
            "one_id": sum(len(ids_of[name]) == 1 for name in big),
            "split": {name: sorted(ids_of[name]) for name in big if len(ids_of[name]) > 1},
            "merged": {eid: sorted(names) for eid, names in identities_of.items()
                       if len(names) > 1}}


def score(path: str = DEFAULT_PATH, splits: tuple[str, ...] = SPLITS) -> dict:
    gold = load_gold("entities")
    ids = list(dict.fromkeys(row["article_id"] for row in gold))
    bodies = {aid: article["body"] for aid, article in load_articles(path, set(ids)).items()}
    with tempfile.TemporaryDirectory() as work:
        items = predicted_ids(gold, bodies, lake_mentions(build_lake(path, ids, Path(work)), ids))
    result = {}
    for split in splits:
        chosen = [m for m in items if split == "all" or m["split"] == split]
        result[split] = {"mentions": len(chosen),
                         "missed": sum(m["entity_id"] is None for m in chosen),
                         **b_cubed(chosen), **prominent(chosen)}
    return result


def report(result: dict) -> str:
    lines = ["| split | mentions | missed | B³ P | B³ R | B³ F1 | prominent with one id | "
             "ids with two identities |", "|---|---|---|---|---|---|---|---|"]
    for split, r in result.items():
        lines.append(f"| {split} | {r['mentions']} | {r['missed']} | {r['b3_p']:.3f} | "
                     f"{r['b3_r']:.3f} | {r['b3_f1']:.3f} | {r['one_id']}/{r['prominent']} | "
                     f"{len(r['merged'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    chosen = tuple(a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--split="))
    print(report(score(args[0] if args else DEFAULT_PATH, chosen or SPLITS)))
