"""The articles as the pipeline cleans them, with their gold quotes mapped onto the body, and
what the extraction found in each (mentions, PERSON mentions, gold quotes resolved)."""

from __future__ import annotations

import datetime as dt

from evaluation.quotes.align import Aligner
from evaluation.quotes.gold import Person, load_referents, load_split
from evaluation.quotes.matching import PRONOUNS, overlap, referent
from tasks.clean import clean_record


def prepare(root: str, split: str) -> tuple[list[dict], list[list[dict]], int, int]:
    """Each article cleaned as the pipeline cleans it, with its gold quotes mapped onto the
    body; and the counts of gold direct quotes before cleaning and lost by it."""
    now = dt.datetime.now(dt.UTC)
    data, articles, n_lost, n_gold_all = load_split(root, split), [], 0, 0
    referents = load_referents(split)
    golds: list[list[dict]] = []
    for name, raw, gold in data:
        article = clean_record({"source_uri": name, "text": raw, "format": "text"}, now)
        article["published_date"] = None
        aligner, kept = Aligner(raw, article["body"]), []
        for g in gold:
            n_gold_all += g["direct"]
            spans, share = aligner.spans(g["frags"])
            if share < 0.5:
                n_lost += g["direct"]
                continue
            source, pronoun, annotated = None, False, None
            if g["source"]:
                src, src_share = aligner.spans(g["source"])
                source = src if src and src_share >= 0.5 else None
                pronoun = source is not None and article["body"][
                    source[0][0]:source[-1][1]].lower() in PRONOUNS
                annotated = referents.get((name, *g["source"][0])) if pronoun else None
            kept.append({"spans": spans, "source": source, "pronoun": pronoun,
                         "annotated": annotated, "direct": g["direct"]})
        articles.append(article)
        golds.append(kept)
    return articles, golds, n_gold_all, n_lost


def by_article(out: dict) -> dict[str, dict[str, list[dict]]]:
    """extract_articles' tables, grouped by article: {article_id: {table: rows}}."""
    grouped: dict[str, dict[str, list[dict]]] = {}
    for table, rows in out.items():
        for row in rows:
            grouped.setdefault(row["article_id"], {}).setdefault(table, []).append(row)
    return grouped


def people_of(tables: dict[str, list[dict]]) -> tuple[list[dict], list[Person]]:
    """An article's mentions and its PERSON mentions, from its tables (by_article)."""
    labels = {r["entity_id"]: r["label"] for r in tables.get("entities", [])}
    mentions = tables.get("mentions", [])
    return mentions, [(m["start"], m["end"], m["entity_id"], m["text"]) for m in mentions
                      if labels.get(m["entity_id"]) == "PERSON"]


def direct_gold(gold: list[dict], mentions: list[dict], people: list[Person]) -> list[dict]:
    """The article's gold direct quotes, each with the mentions inside its Source and, for a
    pronoun Source with no hand-annotated referent, the entity taken to be its referent."""
    named: list[Person] = []
    for g in sorted(gold, key=lambda g: g["source"][0] if g["source"] else (0, 0)):
        g["mentions"] = [m for m in mentions if g["source"] and overlap(
            [(m["start"], m["end"])], g["source"])]
        g["named_before"] = list(named)
        named += [p for p in people if g["source"] and not g["pronoun"]
                  and overlap([p[:2]], g["source"])][:1]  # the Source's own name
    for g in gold:
        g["referent"] = referent(g, people) if g["pronoun"] and not g["annotated"] else None
    return [g for g in gold if g["direct"]]  # the others only served to resolve pronouns
