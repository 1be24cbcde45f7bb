"""Fits the quote speaker ranker (tasks/extract/quotes/ranker.py) on PolNeAR train less its
validation part, and writes tasks/extract/quotes/speaker_model.json.

Run: python -m evaluation.train_speakers [root] [docbin-cache] (or `--cost [root]` for
what the ranker adds to extraction, against spaCy's parse). Each direct quote of
train:fit that matches a gold quote with a named Source gives its candidates (quotes.candidates),
each labelled right or wrong by the scorer's own test (evaluation.quotes.speaker_right, on
the article's own entity ids); a logistic regression (scikit-learn, lbfgs, deterministic)
learns to tell them apart. Its regularisation is the one of REGULARISATION that picks the
most right speakers on train:validation; dev is never looked at. The candidates are those of
the rules alone (no model), so a rerun gives the same file."""

from __future__ import annotations

import json
import sys
import time
from importlib.resources import files
from pathlib import Path

import numpy as np

from evaluation.quotes import (
    DEFAULT_ROOT,
    direct_gold,
    matches,
    parse_bodies,
    people_of,
    prepare,
    speaker_right,
)
from tasks.extract.entities import article_entities
from tasks.extract.extractor import ParsedArticle
from tasks.extract.quotes import explain_quotes
from tasks.extract.quotes.ranker import MODEL_FILE, Model

REGULARISATION = (0.03, 0.1, 0.3, 1.0, 3.0)
Quote = list[tuple[dict[str, float], bool]]  # a quote's candidates: (features, right)


def quotes_of(root: str, split: str, cache: str | None) -> list[tuple[bool, Quote]]:
    """The candidates of every scored quote of a split, with their labels, and whether the
    gold Source is a pronoun (whose referent train does not annotate: see evaluation.quotes)."""
    articles, golds, _, _ = prepare(root, split)
    nlp, _ = parse_bodies([a["body"] for a in articles], cache)
    docs = {a["body"]: doc for a, (doc, _) in zip(
        articles, nlp.pipe(((a["body"], None) for a in articles), as_tuples=True),
        strict=True)}
    out: list[tuple[bool, Quote]] = []
    for article, gold in zip(articles, golds, strict=True):
        body = article["body"]
        parsed = ParsedArticle(docs[body], article, {}, {})
        ents, mention_rows = article_entities(parsed)
        mentions, people = people_of({"entities": ents.rows, "mentions": mention_rows})
        gold = direct_gold(gold, mentions, people)
        trace: list = []
        explain_quotes(parsed.doc, body, parsed.article_id, ents, model=None, trace=trace)
        for row, cands in trace:
            scored = [(matches((row["start"], row["end"]), g["spans"]), i)
                      for i, g in enumerate(gold)]
            best, i = max(scored, default=(0, -1))
            if not best or gold[i]["source"] is None or not cands:
                continue
            out.append((gold[i]["pronoun"], [(c.features, speaker_right(
                {**row, "speaker": c.speaker, "speaker_entity_id": c.entity_id},
                gold[i], body, people)) for c in cands]))
    return out


def fit(quotes: list[Quote], c: float) -> dict:
    """A logistic regression over the candidates' features, as the JSON the ranker loads."""
    from sklearn.linear_model import LogisticRegression

    names = sorted({name for quote in quotes for f, _ in quote for name in f})
    index = {name: i for i, name in enumerate(names)}
    rows = [(f, right) for quote in quotes for f, right in quote]
    x = np.zeros((len(rows), len(names)))
    for r, (f, _) in enumerate(rows):
        for name, value in f.items():
            x[r, index[name]] = value
    y = np.array([right for _, right in rows], dtype=int)
    lr = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    return {"features": names, "weights": [round(float(w), 6) for w in lr.coef_[0]],
            "intercept": round(float(lr.intercept_[0]), 6), "C": c}


def accuracy(quotes: list[Quote], model: Model | None) -> float:
    """Share of quotes whose best candidate is right (without a model: the rules' pick)."""
    right = 0
    for quote in quotes:
        if model is None:
            picked = next((r for f, r in quote if f.get("first")), False)
        else:
            x = np.array([[f.get(n, 0.0) for n in model.features] for f, _ in quote])
            picked = quote[int(np.argmax(x @ model.weights + model.intercept))][1]
        right += picked
    return right / max(len(quotes), 1)


def cost(root: str = DEFAULT_ROOT, split: str = "train:validation") -> dict:
    """Seconds of spaCy's parse of a split's bodies, and of the quote extractor on them with
    the shipped ranker and with the rules alone (entities found once, outside both)."""
    from tasks.extract import load_nlp

    articles = prepare(root, split)[0]
    nlp = load_nlp()
    t0 = time.perf_counter()
    docs = list(nlp.pipe([a["body"] for a in articles], batch_size=64))
    spacy_s = time.perf_counter() - t0
    parsed = [ParsedArticle(doc, a, {}, {}) for doc, a in zip(docs, articles, strict=True)]
    ents = [article_entities(p)[0] for p in parsed]
    seconds = {}
    for name, model in (("rules", None), ("ranker", True)):
        t0 = time.perf_counter()
        for p, e in zip(parsed, ents, strict=True):
            explain_quotes(p.doc, p.body, p.article_id, e, model=model)
        seconds[name] = time.perf_counter() - t0
    return {"articles": len(articles), "spacy": spacy_s, **seconds,
            "ranker_share_of_spacy": (seconds["ranker"] - seconds["rules"]) / spacy_s}


def main(root: str = DEFAULT_ROOT, cache: str | None = None) -> dict:
    """Fits on the quotes of train:fit whose gold Source is a name (a pronoun's referent is
    only guessed on train, and a fifth of those guesses are wrong on dev), picks the
    regularisation on those of train:validation, writes the model and says how it did."""
    fit_all = quotes_of(root, "train:fit", cache)
    val_all = quotes_of(root, "train:validation", cache)
    fit_q = [q for pronoun, q in fit_all if not pronoun]
    val_q = [q for pronoun, q in val_all if not pronoun]
    val_pronoun = [q for pronoun, q in val_all if pronoun]
    tried = {c: fit(fit_q, c) for c in REGULARISATION}
    scores = {c: accuracy(val_q, Model.from_dict(m)) for c, m in tried.items()}
    chosen = max(REGULARISATION, key=lambda c: (scores[c], -c))  # ties: the simpler model
    model = tried[chosen] | {
        "trained_on": f"PolNeAR train:fit, {len(fit_q)} quotes with a named Source, "
                      f"{sum(map(len, fit_q))} candidates"}
    path = Path(str(files("tasks.extract.quotes").joinpath(MODEL_FILE)))
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    shipped = Model.from_dict(model)
    summary = {
        "fit_quotes": len(fit_q), "validation_quotes": len(val_q), "C": chosen,
        "validation_by_C": scores,
        "rules": {"fit": accuracy(fit_q, None), "validation": accuracy(val_q, None),
                  "validation_pronoun": accuracy(val_pronoun, None)},
        "ranker": {"fit": accuracy(fit_q, shipped), "validation": scores[chosen],
                   "validation_pronoun": accuracy(val_pronoun, shipped)},
        "any_candidate_right_validation": sum(any(r for _, r in q) for q in val_q) / max(
            len(val_q), 1),
    }
    print(json.dumps(summary, indent=1))
    return summary


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--cost"]:
        print(json.dumps(cost(args[1] if len(args) > 1 else DEFAULT_ROOT), indent=1))
    else:
        main(args[0] if args else DEFAULT_ROOT, args[1] if len(args) > 1 else None)
