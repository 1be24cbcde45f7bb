"""Same-fact grouping of the story desk (tasks/story_desk) scored against
evaluation/gold/story_facts.jsonl: 73 allsides stories whose figures were labelled by hand
(train and dev to develop on; test, held out, was scored in two rounds and is now developed
on too; test2, labelled later by a reader who never saw the grouping's output, is held out).

Run: wiredesk eval story-facts [--split train|dev|test|test2] [--errors]. The real path: each member
record goes through clean_record and extract_articles; the story's facts rows go through
group_figures. A gold figure (its number as written, located by occurrence in the cleaned body)
is found when an extracted fact's span contains it. Pairwise precision and recall are over the
pairs of found gold figures of one story: a pair is predicted when the code puts both in one
group, gold when they share a label. Figures the extractor missed are counted, not scored
(the facts evaluation measures them); extracted facts outside the gold are ignored.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable

from evaluation.facts_dates import DEFAULT_PATH, GOLD, load_articles
from tasks.story_desk.figures import group_figures

SPLITS = ("train", "dev", "test", "test2")


def load_gold(splits: Iterable[str] = ()) -> list[dict]:
    text = GOLD.joinpath("story_facts.jsonl").read_text(encoding="utf-8")
    stories = [json.loads(line) for line in text.splitlines() if line.strip()]
    chosen = set(splits)
    return [s for s in stories if not chosen or s["split"] in chosen]


def locate(body: str, text: str, occurrence: int) -> tuple[int, int]:
    match = list(re.finditer(r"(?<!\w)" + re.escape(text) + r"(?!\w)", body))[occurrence]
    return match.start(), match.end()


def align(figures: list[dict], facts: list[dict]) -> dict[int, int]:
    """Gold figure index -> index of the extracted fact whose span holds it (each fact used
    once). figures: article_id, start, end; facts: facts rows."""
    found, used = {}, set()
    for i, g in enumerate(figures):
        for j, f in enumerate(facts):
            if j not in used and f["article_id"] == g["article_id"] \
                    and f["start"] <= g["start"] and g["end"] <= f["end"]:
                found[i] = j
                used.add(j)
                break
    return found


def pairs(figures: list[dict], found: dict[int, int], group_of: dict[int, int]
          ) -> tuple[set, set]:
    """(predicted, gold) same-fact pairs among the found figures; with their articles, so
    that cross-article pairs can be told apart."""
    predicted, gold = set(), set()
    for a, b in itertools.combinations(sorted(found), 2):
        pair = (a, b, figures[a]["article_id"] != figures[b]["article_id"])
        if group_of[found[a]] == group_of[found[b]]:
            predicted.add(pair)
        if figures[a]["group"] == figures[b]["group"]:
            gold.add(pair)
    return predicted, gold


def score_story(figures: list[dict], facts: list[dict]) -> dict:
    """One story: its located gold figures and its member articles' facts rows."""
    groups = group_figures(facts)
    index = {id(f): j for j, f in enumerate(facts)}
    group_of = {index[id(f)]: g for g, members in enumerate(groups) for f in members}
    found = align(figures, facts)
    predicted, gold = pairs(figures, found, group_of)
    return {"figures": len(figures), "found": len(found), "predicted": predicted,
            "gold": gold, "found_index": found, "group_of": group_of}


def totals(results: list[dict], cross_only: bool = False) -> dict:
    tp = p = g = 0
    for r in results:
        pred = {x for x in r["predicted"] if x[2] or not cross_only}
        gold = {x for x in r["gold"] if x[2] or not cross_only}
        tp, p, g = tp + len(pred & gold), p + len(pred), g + len(gold)
    return {"pairs_predicted": p, "pairs_gold": g, "pairs_right": tp,
            "precision": tp / p if p else 1.0, "recall": tp / g if g else 1.0,
            "figures": sum(r["figures"] for r in results),
            "missed": sum(r["figures"] - r["found"] for r in results)}


def report(path: str = DEFAULT_PATH, splits: Iterable[str] = (), show_errors: bool = False
           ) -> dict[str, dict]:
    """Score each split (default: all) and print one line per split."""
    from tasks.extract import extract_articles, load_nlp

    stories = load_gold(splits)
    articles = load_articles(path, {a for s in stories for a in s["articles"]})
    for source_id, article in articles.items():
        article["article_id"] = source_id
    facts = extract_articles(list(articles.values()), load_nlp())["facts"]
    by_article: dict[str, list[dict]] = {}
    for fact in facts:
        by_article.setdefault(fact["article_id"], []).append(fact)
    results: dict[str, list[dict]] = {}
    for story in stories:
        figures = [{**f, **dict(zip(("start", "end"), locate(
            articles[f["article_id"]]["body"], f["text"], f["occurrence"]), strict=True))}
            for f in story["figures"]]
        rows = [f for a in story["articles"] for f in by_article.get(a, [])]
        result = score_story(figures, rows)
        results.setdefault(story["split"], []).append(result)
        if show_errors:
            _errors(story["story"], figures, rows, result)
    out = {}
    for split, found in results.items():
        out[split] = {"all": totals(found), "cross_article": totals(found, cross_only=True)}
        a, c = out[split]["all"], out[split]["cross_article"]
        print(f"{split:>5}  stories={len(found)} figures={a['figures']} missed by the extractor="
              f"{a['missed']} | pairs gold={a['pairs_gold']} predicted={a['pairs_predicted']} "
              f"P={a['precision']:.3f} R={a['recall']:.3f} | across articles: gold="
              f"{c['pairs_gold']} P={c['precision']:.3f} R={c['recall']:.3f}")
    return out


def _errors(story: str, figures: list[dict], facts: list[dict], result: dict) -> None:
    for a, b, _ in sorted(result["predicted"] ^ result["gold"]):
        kind = "wrongly grouped" if (a, b, _) in result["predicted"] else "not grouped"
        fa, fb = (facts[result["found_index"][i]] for i in (a, b))
        print(f"{story} {kind}: {fa['text']!r} ({fa['kind']} {fa['object']}) / "
              f"{fb['text']!r} ({fb['kind']} {fb['object']})  gold {figures[a]['group']} / "
              f"{figures[b]['group']}")
