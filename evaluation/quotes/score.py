"""The scores: quotes (precision, recall), speakers, baselines and timings, as the package
docstring describes them."""

from __future__ import annotations

import time

import tasks.extract as extract
from evaluation.quotes.articles import by_article, direct_gold, people_of, prepare
from evaluation.quotes.baselines import nearest_person, regex_quotes
from evaluation.quotes.gold import DEFAULT_ROOT
from evaluation.quotes.matching import matches, speaker_right
from evaluation.quotes.parsing import Timed, parse_bodies
from tasks.extract.extractor import Extractor


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict:
    p, r = tp_pred / max(n_pred, 1), tp_gold / max(n_gold, 1)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "predicted": n_pred, "gold": n_gold}


def score_polnear(root: str = DEFAULT_ROOT, split: str = "dev", cache: str | None = None,
                  details: bool = False) -> dict:
    """Scores as described in the package docstring; `cache` is a DocBin path for reruns (of
    the split, or of the whole folder when `split` is a part of it)."""
    articles, golds, n_gold_all, n_lost = prepare(root, split)

    # every registered extractor timed (the entities' work is timed once, by the first
    # extractor that asks for it)
    saved = extract.EXTRACTORS
    timers = {e.table: Timed(e.rows) for e in saved}
    nlp, parse_s = parse_bodies([a["body"] for a in articles], cache)
    t0 = time.perf_counter()
    try:
        extract.EXTRACTORS = tuple(Extractor(table, timer) for table, timer in timers.items())
        out = extract.extract_articles(articles, nlp)
    finally:
        extract.EXTRACTORS = saved
    total = time.perf_counter() - t0
    spacy_s = parse_s if parse_s is not None else total - sum(
        t.seconds for t in timers.values())

    counts = {k: 0 for k in ("pred", "tp_pred", "gold", "tp_gold", "base_pred", "base_tp_pred",
                             "base_tp_gold", "spk_n", "spk_ok", "pro_n", "pro_ok",
                             "base_spk_ok", "pro_hand")}
    errors = []
    grouped = by_article(out)
    for article, gold in zip(articles, golds, strict=True):
        aid, body = article["article_id"], article["body"]
        tables = grouped.get(aid, {})
        mentions, people = people_of(tables)
        gold = direct_gold(gold, mentions, people)
        rows = [r for r in tables.get("quotes", []) if r["kind"] == "direct"]
        counts["pred"] += len(rows)
        counts["gold"] += len(gold)
        hit_gold: set[int] = set()
        for row in rows:
            scored = [(matches((row["start"], row["end"]), g["spans"]), i)
                      for i, g in enumerate(gold)]
            best, i = max(scored, default=(0, -1))  # (the most-overlapping gold quote)
            if not best:
                errors.append(("FP", aid, row["text"][:80]))
                continue
            counts["tp_pred"] += 1
            hit_gold.update(j for o, j in scored if o)
            g = gold[i]
            if g["source"] is None:
                continue
            ok = speaker_right(row, g, body, people)
            base = speaker_right({**row, **nearest_person((row["start"], row["end"]), people)},
                                 g, body, people)
            counts["spk_n"] += 1
            counts["spk_ok"] += ok
            counts["base_spk_ok"] += base
            counts["pro_n"] += g["pronoun"]
            counts["pro_ok"] += ok and g["pronoun"]
            counts["pro_hand"] += bool(g["annotated"])
            if not ok:
                src = " | ".join(body[s:e] for s, e in g["source"])
                ref = g["annotated"]["referent"] if g["annotated"] else g["referent"]
                errors.append(("SPK", aid, f"{row['speaker']!r} vs {src!r} ({ref}): "
                               f"{row['text'][:50]}", body[max(0, row["start"] - 300):
                                                        row["end"] + 150]))
        counts["tp_gold"] += len(hit_gold)
        for i, g in enumerate(gold):
            if i not in hit_gold:
                errors.append(("FN", aid, " | ".join(body[s:e] for s, e in g["spans"])[:100]))
        base = regex_quotes(body)
        counts["base_pred"] += len(base)
        counts["base_tp_pred"] += sum(any(matches(b, g["spans"]) for g in gold) for b in base)
        counts["base_tp_gold"] += sum(any(matches(b, g["spans"]) for b in base) for g in gold)

    c = counts
    result = {
        "split": split, "articles": len(articles), "gold_all": n_gold_all,
        "lost_by_cleaning": n_lost / max(n_gold_all, 1),
        "quotes": _prf(c["tp_pred"], c["pred"], c["tp_gold"], c["gold"]),
        "regex_baseline": _prf(c["base_tp_pred"], c["base_pred"], c["base_tp_gold"], c["gold"]),
        "speaker_accuracy": c["spk_ok"] / max(c["spk_n"], 1), "speaker_n": c["spk_n"],
        "speaker_accuracy_pronoun": c["pro_ok"] / max(c["pro_n"], 1), "pronoun_n": c["pro_n"],
        "pronoun_hand_annotated": c["pro_hand"],
        "speaker_accuracy_named": (c["spk_ok"] - c["pro_ok"]) / max(c["spk_n"] - c["pro_n"], 1),
        "nearest_person_baseline": c["base_spk_ok"] / max(c["spk_n"], 1),
        "seconds": {"spacy": spacy_s, "quotes": timers["quotes"].seconds,
                    "cached_docs": parse_s == 0.0},
    }
    if details:
        result["errors"] = errors
    return result
