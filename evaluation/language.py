"""Language identification measured on every corpus in ../shared/datasets, before and after.

Run: python -m evaluation.language [datasets folder]. From code: `main([root])`, or
`report(score_corpora(root), score_samples(), score_speed(root), score_prefixes(root))`.

Every text goes the real path: `tasks.clean.clean_record` (as a raw text record) gives the
body, then "before" is the call the clean stage made until now,
`py3langid.classify(body[:5000])[0]`, and "after" is `tasks.language.detect_language(body)`.
Corpora: allsides-dev-10k (`text`), allsides txt-sample-300, CoNLL-2003 train + dev as
documents (tokens joined by spaces, one sentence a line, split on -DOCSTART-; also measured
with a whole document on one line), PolNeAR train + dev texts, ECB+ dev, BBC (all files),
the article-extraction gold bodies (`articleBody`; that corpus is multilingual). Nothing is
copied from the datasets: they are read where they are. Every article that does not come
out `en` is listed with its top candidates and its opening, to be read by eye.

`SAMPLES` / `SHORT` are paragraphs and sentences in other languages written for this
evaluation, to show they are still recognised. `score_prefixes` measures the short end (the
first k words of sentences), where `MIN_LETTERS` and `MIN_PROBABILITY` decide.
"""

from __future__ import annotations

import datetime as dt
import glob
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import py3langid

from evaluation.facts_dates import GOLD
from tasks.clean import clean_record
from tasks.language import ISO_639_1, detect_language, scores

DEFAULT_ROOT = "../shared/datasets"  # from a checkout
NOW = dt.datetime(2024, 8, 18, tzinfo=dt.UTC)
SEED = 20240818
_SENTENCE_END = re.compile(r"(?<=[.!?。।])\s*")
ENGLISH = {"allsides-dev-10k", "txt-sample-300", "conll", "conll-one-line", "polnear",
           "ecb+dev", "bbc"}

# Written for this evaluation (not taken from any corpus): a small council news item in each
# language, and one sentence each for the short end (evaluation/gold/language_samples.jsonl).
_WRITTEN = [json.loads(line) for line in (GOLD / "language_samples.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]
SAMPLES = {row["lang"]: row["text"] for row in _WRITTEN if row["kind"] == "paragraph"}
SHORT = {row["lang"]: row["text"] for row in _WRITTEN if row["kind"] == "sentence"}


def before(body: str) -> str:
    """What the clean stage called until now."""
    return py3langid.classify(body[:5000])[0]


def conll_documents(path: str | Path, one_line: bool = False) -> list[str]:
    """CoNLL-2003 documents: tokens joined by spaces, one sentence a line (or all on one)."""
    docs: list[list[list[str]]] = []
    sentence: list[str] = []
    sentences: list[list[str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("-DOCSTART-") or not line.strip():
                if sentence:
                    sentences.append(sentence)
                    sentence = []
                if line.startswith("-DOCSTART-") and sentences:
                    docs.append(sentences)
                    sentences = []
            else:
                sentence.append(line.split(" ")[0])
    if sentence:
        sentences.append(sentence)
    if sentences:
        docs.append(sentences)
    sep = " " if one_line else "\n"
    return [sep.join(" ".join(s) for s in doc) for doc in docs]


def _read(paths: list[str]) -> Iterator[tuple[str, str]]:
    for path in sorted(paths):
        yield Path(path).name, Path(path).read_text(encoding="utf-8", errors="replace")


def corpora(root: str | Path = DEFAULT_ROOT) -> dict[str, Callable[[], Iterator[tuple[str, str]]]]:
    """name -> a function yielding (id, raw text) for every text of that corpus."""
    root = Path(root)

    def allsides():
        with gzip.open(root / "allsides/allsides-dev-10k.jsonl.gz", "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                yield row["id"], row["text"]

    def conll(one_line: bool = False):
        for split in ("train", "dev"):
            path = root / f"conll2003/conllpp_{split}.txt"
            for i, text in enumerate(conll_documents(path, one_line)):
                yield f"{split}#{i}", text

    def ecb():
        with open(root / "ecbplus/ecbplus-dev.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                yield row["doc_id"], row["text"]

    def gold_bodies():
        gold = json.loads((root / "article_extraction/ground-truth.json").read_text("utf-8"))
        for key in sorted(gold):
            yield key, gold[key]["articleBody"]

    return {
        "allsides-dev-10k": allsides,
        "txt-sample-300": lambda: _read(glob.glob(str(root / "allsides/txt-sample-300/*.txt"))),
        "conll": conll,
        "conll-one-line": lambda: conll(one_line=True),
        "polnear": lambda: _read(glob.glob(str(root / "polnear/data/train/text/*.txt"))
                                 + glob.glob(str(root / "polnear/data/dev/text/*.txt"))),
        "ecb+dev": ecb,
        "bbc": lambda: _read(glob.glob(str(root / "bbc/*/*.txt"))),
        "article_extraction": gold_bodies,
    }


def body_of(text: str, uri: str) -> str | None:
    try:
        return clean_record({"text": text, "source_uri": uri, "format": "text"}, NOW)["body"]
    except ValueError:
        return None


def score_corpora(root: str | Path = DEFAULT_ROOT, only: list[str] | None = None) -> dict:
    """Per corpus: texts, code counts before and after, share `en` after, and every text not
    `en` after (id, before, after, top candidates, opening)."""
    result = {}
    for name, texts in corpora(root).items():
        if only and name not in only:
            continue
        old, new, odd, empty = Counter(), Counter(), [], 0
        for key, text in texts():
            body = body_of(text, f"{name}#{key}")
            if body is None:
                empty += 1
                continue
            was, now = before(body), detect_language(body)
            old[was] += 1
            new[now] += 1
            if now != "en":
                odd.append({"id": key, "before": was, "after": now,
                            "candidates": [(c, round(p, 3)) for c, p in scores(body)[:3]],
                            "opening": " | ".join(body[:160].split("\n\n"))})
        n = sum(new.values())
        result[name] = {"texts": n, "no_body": empty, "before": dict(old.most_common()),
                        "after": dict(new.most_common()), "en_after": new["en"] / n if n else None,
                        "en_before": old["en"] / n if n else None,
                        "non_iso_before": sum(v for c, v in old.items() if c not in ISO_639_1),
                        "non_iso_after": sum(v for c, v in new.items()
                                             if c not in ISO_639_1 and c != "und"),
                        "not_en": odd}
    return result


def score_samples() -> dict:
    """Written paragraphs and sentences in other languages: expected code, before, after."""
    rows = []
    for kind, samples in (("paragraph", SAMPLES), ("sentence", SHORT)):
        for code, text in samples.items():
            rows.append({"kind": kind, "expected": code, "before": before(text),
                         "after": detect_language(text)})
    return {"rows": rows, "recognised": sum(r["after"] == r["expected"] for r in rows),
            "total": len(rows)}


def _sentences(bodies: list[str], rng: random.Random, n: int) -> list[str]:
    """`n` sentences of at least 12 words (or 40 characters, for scripts without spaces)."""
    found = [s for body in bodies for para in body.split("\n\n")
             for s in _SENTENCE_END.split(para)
             if len(s.split()) >= 12 or (len(s) >= 40 and len(s.split()) < 3)]
    return rng.sample(found, min(n, len(found)))


def score_prefixes(root: str | Path = DEFAULT_ROOT, n: int = 1500, seed: int = SEED,
                   lengths: tuple[int, ...] = (2, 3, 4, 5, 6, 8, 12)) -> dict:
    """The short end, where the thresholds bite: the first k words of `n` English sentences
    (allsides and BBC bodies) and of every sentence of the non-English gold bodies of the
    article-extraction set plus `SAMPLES` (CJK: 3k characters), counted as right / `und` /
    English (for the others) / another language."""
    rng = random.Random(seed)
    texts = corpora(root)
    english = ([t for _, t in texts["allsides-dev-10k"]()][:3000]
               + [t for _, t in texts["bbc"]()])
    english = _sentences(rng.sample(english, 400), rng, n)
    foreign = [(before(body), s) for _, body in texts["article_extraction"]()
               if before(body) != "en" for s in _sentences([body], rng, 40)]
    foreign += [(code, s) for code, text in SAMPLES.items() for s in _SENTENCE_END.split(text)
                if s]

    def prefix(sentence: str, k: int) -> str:
        words = sentence.split()
        return " ".join(words[:k]) if len(words) >= 3 else sentence[:3 * k]

    def verdict(expected: str, got: str) -> str:
        return ("right" if got == expected else "und" if got == "und"
                else "as_en" if got == "en" else "other")

    out = {}
    for k in lengths:
        out[k] = {"english": Counter(verdict("en", detect_language(prefix(s, k)))
                                     for s in english),
                  "foreign": Counter(verdict(code, detect_language(prefix(s, k)))
                                     for code, s in foreign),
                  "english_before": Counter(verdict("en", before(prefix(s, k)))
                                            for s in english),
                  "non_iso_before": sum(before(prefix(s, k)) not in ISO_639_1
                                        for s in english)}
    return {"english_sentences": len(english), "foreign_sentences": len(foreign),
            "by_words": out}


def score_speed(root: str | Path = DEFAULT_ROOT, n: int = 1000, repeat: int = 3) -> dict:
    """Per-article cost (best of `repeat` passes) on the first `n` allsides bodies."""
    bodies = []
    for key, text in corpora(root)["allsides-dev-10k"]():
        if (body := body_of(text, key)) is not None:
            bodies.append(body)
        if len(bodies) == n:
            break
    before(""), detect_language("model loaded")  # load both models outside the timing
    out = {"articles": len(bodies)}
    for name, fn in (("before_ms", before), ("after_ms", detect_language)):
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            for body in bodies:
                fn(body)
            best = min(best, time.perf_counter() - start)
        out[name] = 1000 * best / len(bodies)
    out["median_body_chars"] = statistics.median(len(b) for b in bodies)
    return out


def report(corpus: dict, samples: dict | None = None, speed: dict | None = None,
           prefixes: dict | None = None) -> str:
    lines = ["| corpus | texts | before | after | en after | non-ISO before/after |",
             "|---|---|---|---|---|---|"]
    for name, r in corpus.items():
        def fmt(counts: dict) -> str:
            return ", ".join(f"{c} {v}" for c, v in counts.items())
        share = "" if r["en_after"] is None else f"{100 * r['en_after']:.2f}%"
        lines.append(f"| {name} | {r['texts']} | {fmt(r['before'])} | {fmt(r['after'])} | "
                     f"{share} | {r['non_iso_before']} / {r['non_iso_after']} |")
    for name, r in corpus.items():
        if r["not_en"]:
            lines.append(f"\n{name}: not `en` after ({len(r['not_en'])})")
            lines += [f"  {o['id']}: {o['before']} -> {o['after']} {o['candidates']} "
                      f"{o['opening']!r}" for o in r["not_en"]]
    if samples:
        lines.append(f"\nwritten samples: {samples['recognised']}/{samples['total']} recognised")
        lines += [f"  {r['kind']} {r['expected']}: before {r['before']}, after {r['after']}"
                  for r in samples["rows"]]
    if prefixes:
        lines.append(f"\nfirst k words of {prefixes['english_sentences']} English and "
                     f"{prefixes['foreign_sentences']} other-language sentences "
                     "(right / und / as en / other):")
        for k, r in prefixes["by_words"].items():
            e, f = r["english"], r["foreign"]
            b = r["english_before"]
            lines.append(f"  {k:2d} words: English {e['right']} / {e['und']} / - / {e['other']}"
                         f" (before: {b['right']} en, {b['other']} other of which "
                         f"{r['non_iso_before']} not ISO 639-1)"
                         f"   others {f['right']} / {f['und']} / {f['as_en']} / {f['other']}")
    if speed:
        lines.append(f"\nper article ({speed['articles']} allsides bodies, median "
                     f"{speed['median_body_chars']:.0f} chars): before {speed['before_ms']:.2f} "
                     f"ms, after {speed['after_ms']:.2f} ms")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    root = argv[0] if argv else DEFAULT_ROOT
    print(report(score_corpora(root), score_samples(), score_speed(root), score_prefixes(root)))


if __name__ == "__main__":
    main(sys.argv[1:])
