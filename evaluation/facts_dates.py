"""Facts (counts) and dates scored against the hand-annotated gold set in evaluation/gold/.

Run: python -m evaluation.facts_dates [allsides.jsonl.gz] [--split=dev] [--errors]; figures
per split: `dev` (rules were developed on it), `test` (held out), `test2` (facts only: a
second, fresh held-out set) and `all`; `dev` is further cut by article into `train` (about
three quarters: the rules are developed on its errors) and `val` (a quarter, looked at as
figures only, to see whether a rule generalises); `--split` (repeatable, or comma-separated)
scores only those splits, and `all` is then their union. The real path: each record goes through
clean_record, then extract_articles; gold items are located in the cleaned body by paragraph
index + exact surface string + occurrence (see evaluation/gold/README.md). Predictions count only
when they start inside an annotated paragraph, so precision is measurable.

Facts: the gold `text` is the number expression; a prediction is aligned to it when the
prediction's span contains it. Right = value, kind and object all equal; objects are equal
when their head nouns (last word, lower-cased, plural stripped: `head_lemma`) are, or both null.
Dates: a prediction is aligned to the gold expression it overlaps most; resolved-date
accuracy is over gold items with a non-null `resolved_date` (a missed item counts wrong).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import sys
import time
import zlib
from collections.abc import Iterable
from importlib.resources import files

from tasks.clean import clean_record

DEFAULT_PATH = "../shared/datasets/allsides/allsides-dev-10k.jsonl.gz"  # from a checkout
GOLD = files("evaluation").joinpath("gold")  # package data: works from an installed wheel
SPLITS = ("train", "val", "dev", "test", "test2", "all")
_PARTS = {"train": "dev", "val": "dev"}  # parts of dev, cut by article (`dev_part`)
TIMED = 60  # articles timed (spaCy alone vs the fact and date post-processing)
_IRREGULAR = {"people": "person", "men": "man", "women": "woman", "children": "child",
              "police": "police", "dead": "dead", "wounded": "wounded", "injured": "injured"}


def dev_part(article_id: str) -> str:
    """`val` for a fixed quarter of the articles (by a checksum of the id), else `train`."""
    return "val" if zlib.crc32(article_id.encode()) % 4 == 0 else "train"


def in_split(row: dict, split: str) -> bool:
    """Whether a gold row belongs to a split (`all`: every row)."""
    if split == "all":
        return True
    if split in _PARTS:
        return row["split"] == _PARTS[split] and dev_part(row["article_id"]) == split
    return row["split"] == split


def load_gold(name: str) -> list[dict]:
    text = GOLD.joinpath(f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load_articles(path: str, ids: set[str]) -> dict[str, dict]:
    """Cleaned article rows for the records with these ids, keyed by the allsides id."""
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] not in ids:
                continue
            out[record["id"]] = clean_record(
                {"source_uri": f"allsides#{record['id']}", "text": record["text"],
                 "title": record["title"], "published": record["date"], "format": "text"},
                dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    return out


def _paragraph_spans(body: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for para in body.split("\n\n"):
        spans.append((start, start + len(para)))
        start += len(para) + 2
    return spans


def locate(body: str, paragraph: int, text: str, occurrence: int) -> tuple[int, int]:
    """Body offsets of the occurrence-th whole-word match of text in the paragraph."""
    lo, hi = _paragraph_spans(body)[paragraph]
    pattern = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
    match = list(pattern.finditer(body, lo, hi))[occurrence]
    return match.start(), match.end()


def head_lemma(phrase: str | None) -> str | None:
    if not phrase:
        return None
    word = re.split(r"[\s-]+", phrase.strip().lower())[-1]
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _scoped(gold: list[dict], articles: dict[str, dict], predictions: dict[str, list[dict]]):
    """(gold items with body offsets, in-scope predictions) per annotated paragraph set."""
    items, preds = [], []
    by_article: dict[str, list[dict]] = {}
    for row in gold:
        by_article.setdefault(row["article_id"], []).append(row)
    for source_id, rows in by_article.items():
        article = articles[source_id]
        body, spans = article["body"], _paragraph_spans(article["body"])
        for row in rows:
            assert " ".join(body[slice(*spans[row["paragraph"]])].split()[:3]) == \
                row["first_words"], (source_id, row["paragraph"])
            for item in row["items"]:
                start, end = locate(body, row["paragraph"], item["text"], item["occurrence"])
                items.append({**item, "article": source_id, "start": start, "end": end})
        ranges = [spans[row["paragraph"]] for row in rows]
        preds += [{**p, "article": source_id}
                  for p in predictions.get(article["article_id"], [])
                  if any(lo <= p["start"] < hi for lo, hi in ranges)]
    return items, preds


def score_facts(gold: list[dict], articles: dict[str, dict],
                predictions: dict[str, list[dict]]) -> dict:
    """Full (value+kind+object) and value-only precision/recall, plus per-item errors."""
    items, preds = _scoped(gold, articles, predictions)
    used: set[int] = set()
    right = value_right = attributed = attribution_right = 0
    errors = []
    for g in items:
        match = next((i for i, p in enumerate(preds) if i not in used
                      and p["article"] == g["article"] and p["start"] <= g["start"]
                      and g["end"] <= p["end"]), None)
        if match is None:
            errors.append(("missed", g["article"], g["text"], g, None))
            continue
        used.add(match)
        p = preds[match]
        value_right += p["value"] == g["value"]
        ok = (p["value"] == g["value"] and p["kind"] == g["kind"]
              and head_lemma(p["object"]) == head_lemma(g["object"]))
        right += ok
        if g.get("attribution"):  # optional in the gold: scored where it is given
            attributed += 1
            attribution_right += p["attribution"] == g["attribution"]
        if not ok:
            errors.append(("wrong", g["article"], g["text"], g, p))
    errors += [("spurious", p["article"], p["text"], None, p)
               for i, p in enumerate(preds) if i not in used]
    return {"gold": len(items), "predicted": len(preds),
            "precision": _ratio(right, len(preds)), "recall": _ratio(right, len(items)),
            "value_precision": _ratio(value_right, len(preds)),
            "value_recall": _ratio(value_right, len(items)),
            "attributed": attributed, "attribution_accuracy": _ratio(attribution_right, attributed),
            "errors": errors}


def score_dates(gold: list[dict], articles: dict[str, dict],
                predictions: dict[str, list[dict]]) -> dict:
    """Detection P/R (overlap), resolved-date accuracy and granularity accuracy."""
    items, preds = _scoped(gold, articles, predictions)
    used: set[int] = set()
    resolvable = resolved_right = detected = gran_right = 0
    errors = []
    for g in items:
        overlaps = [(min(g["end"], p["end"]) - max(g["start"], p["start"]), i)
                    for i, p in enumerate(preds) if i not in used and p["article"] == g["article"]
                    and p["start"] < g["end"] and g["start"] < p["end"]]
        p = None
        if overlaps:
            i = max(overlaps)[1]
            used.add(i)
            p, detected = preds[i], detected + 1
            gran_right += p["granularity"] == g["granularity"]
        want = g["resolved_date"]
        got = p["resolved_date"].isoformat() if p and p["resolved_date"] else None
        if want is not None:
            resolvable += 1
            resolved_right += got == want
        if p is None or got != want:
            errors.append(("missed" if p is None else "wrong", g["article"], g["text"], g, p))
    errors += [("spurious", p["article"], p["text"], None, p)
               for i, p in enumerate(preds) if i not in used]
    return {"gold": len(items), "resolvable": resolvable, "predicted": len(preds),
            "precision": _ratio(detected, len(preds)), "recall": _ratio(detected, len(items)),
            "resolved_accuracy": _ratio(resolved_right, resolvable),
            "granularity_accuracy": _ratio(gran_right, detected), "errors": errors}


def predict(articles: Iterable[dict], nlp) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    from tasks.extract import extract_articles

    out = extract_articles(list(articles), nlp)
    facts: dict[str, list[dict]] = {}
    dates: dict[str, list[dict]] = {}
    for row in out["facts"]:
        facts.setdefault(row["article_id"], []).append(row)
    for row in out["dates"]:
        dates.setdefault(row["article_id"], []).append(row)
    return facts, dates


def timing(articles: list[dict], nlp) -> dict[str, float]:
    """Seconds for spaCy alone and for the fact and date post-processing on its Docs."""
    from tasks.extract.dates import extract_dates
    from tasks.extract.facts import extract_facts

    t0 = time.perf_counter()
    docs = list(nlp.pipe(a["body"] for a in articles))
    t1 = time.perf_counter()
    for doc, a in zip(docs, articles, strict=True):
        extract_facts(doc, a["body"], a["article_id"])
    t2 = time.perf_counter()
    for doc, a in zip(docs, articles, strict=True):
        extract_dates(doc, a["article_id"], a["published_date"])
    t3 = time.perf_counter()
    return {"spacy": t1 - t0, "facts": t2 - t1, "dates": t3 - t2}


def report(path: str = DEFAULT_PATH, show_errors: bool = False,
           splits: Iterable[str] = ()) -> dict:
    """Print and return the scores per split; with `splits`, only the articles and scores of
    those splits (and "all" is their union), so development need not see held-out figures."""
    from tasks.extract import load_nlp

    chosen = set(splits) - {"all"}
    if unknown := chosen - set(SPLITS):
        raise ValueError(f"unknown split(s): {sorted(unknown)}")
    gold = {name: [r for r in load_gold(name) if not chosen
                   or any(in_split(r, split) for split in chosen)]
            for name in ("facts", "dates")}
    ids = {row["article_id"] for rows in gold.values() for row in rows}
    articles = load_articles(path, ids)
    nlp = load_nlp()
    facts, dates = predict(articles.values(), nlp)
    result = {}
    shown_splits = [s for s in SPLITS if s in chosen] + ["all"] if chosen else SPLITS
    for split in shown_splits:
        pick = {name: [r for r in rows if in_split(r, split)] for name, rows in gold.items()}
        result[split] = {"facts": score_facts(pick["facts"], articles, facts),
                         "dates": score_dates(pick["dates"], articles, dates)}
        f, d = result[split]["facts"], result[split]["dates"]
        shown = (f"dates gold={d['gold']} (resolvable {d['resolvable']}) pred={d['predicted']} "
                 f"P={d['precision']:.3f} R={d['recall']:.3f} "
                 f"resolved-acc={d['resolved_accuracy']:.3f} "
                 f"granularity-acc={d['granularity_accuracy']:.3f}") if d["gold"] else "no dates"
        print(f"{split:>5}  facts gold={f['gold']} pred={f['predicted']} "
              f"P={f['precision']:.3f} R={f['recall']:.3f} value-only "
              f"P={f['value_precision']:.3f} R={f['value_recall']:.3f} attribution "
              f"{f['attribution_accuracy']:.3f} of {f['attributed']} | {shown}")
    if show_errors:  # of the chosen splits only: `--split=train --errors` for development
        for name in ("facts", "dates"):
            for kind, source_id, text, g, p in result["all"][name]["errors"]:
                fields = ("value", "kind", "object", "resolved_date", "granularity")
                print(name, kind, source_id, repr(text),
                      {k: g[k] for k in fields if g and k in g},
                      {k: p[k] for k in (*fields, "text") if p and k in p})
    times = timing(list(articles.values())[:TIMED], nlp)
    share = (times["facts"] + times["dates"]) / times["spacy"]
    print(f"time: spaCy {times['spacy']:.1f}s, facts {times['facts']:.3f}s, "
          f"dates {times['dates']:.3f}s ({share:.1%} of spaCy)")
    result["timing"] = times
    return result


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    picked = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--split=")]
    report(args[0] if args else DEFAULT_PATH, show_errors="--errors" in sys.argv,
           splits=[s for a in picked for s in a.split(",")])
