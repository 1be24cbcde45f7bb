"""Entity mentions scored on CoNLL-2003 dev against bare spaCy NER, each on its own parse.

Run: python -m evaluation.entities [path] [--part validation|fit] [--cache FILE.spacy]
(--part: the fixed validation part of a training split, evaluation.splits, by document
index). Each document's text is its
tokens joined by spaces, sentences by "\\n"; one text per document. Labels map PERSON->PER,
ORG->ORG, GPE/LOC/FAC->LOC; other spaCy labels are dropped and CoNLL's MISC is not scored
(spaCy's NORP/EVENT/... only partly correspond to it). Scores are entity-level: a hit needs
the exact character span and type. Bare spaCy reads the raw text; ours reads what the
pipeline parses, the truecased text (tasks/extract/truecase), carried back onto the raw
characters; a document truecasing leaves as it is has one parse, shared by both. So the
difference is what truecasing and our post-processing add or cost.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from evaluation.splits import keeps
from tasks.extract import extract_articles, load_nlp
from tasks.extract.entities import extract_entities
from tasks.extract.truecase import onto_body, truecase

DEFAULT_PATH = "../shared/datasets/conll2003/conllpp_dev.txt"  # from a checkout
TYPES = ("PER", "ORG", "LOC")
TYPE_OF = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
Span = tuple[int, int, int, str]  # document index, start, end, type


def load(path: str) -> tuple[list[str], set[Span]]:
    """Document texts and gold (doc, start, end, type) spans for PER/ORG/LOC."""
    texts: list[str] = []
    gold: set[Span] = set()
    sentences: list[list[tuple[str, str]]] = []

    def flush() -> None:
        if not any(sentences):
            sentences.clear()
            return
        doc, parts, offset = len(texts), [], 0
        for sentence in (s for s in sentences if s):
            begin = None
            for k, (token, tag) in enumerate(sentence):
                start = offset
                offset += len(token) + 1  # the joining space or newline
                if begin is not None and not tag.startswith("I-"):
                    gold.add((doc, begin[0], begin[1], begin[2]))
                    begin = None
                if tag.startswith("B-") and tag[2:] in TYPES:
                    begin = (start, start + len(token), tag[2:])
                elif tag.startswith("I-") and begin is not None:
                    begin = (begin[0], start + len(token), begin[2])
                if k == len(sentence) - 1 and begin is not None:
                    gold.add((doc, begin[0], begin[1], begin[2]))
            parts.append(" ".join(token for token, _ in sentence))
        texts.append("\n".join(parts))
        sentences.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields:
                sentences.append([])
            elif fields[0] == "-DOCSTART-":
                flush()
            else:
                if not sentences:
                    sentences.append([])
                sentences[-1].append((fields[0], fields[-1]))
    flush()
    return texts, gold


def parse(nlp: Language, texts: list[str], cache: str | None) -> tuple[list[Doc], float | None]:
    """Docs for the texts and spaCy's seconds (None when read back from the DocBin cache)."""
    if cache and Path(cache).exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs, None
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    seconds = time.perf_counter() - started
    if cache:
        DocBin(docs=docs).to_disk(cache)
    return docs, seconds


class Parsed:
    """Stands in for the Language in extract_articles: yields the already parsed Docs."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs

    def pipe(self, texts: Iterator, as_tuples: bool = False, **_: object) -> Iterator:
        for (_, context), doc in zip(texts, self.docs, strict=True):
            yield doc, context


def scores(gold: set[Span], pred: set[Span]) -> dict[str, dict[str, float]]:
    out = {}
    for kind in (*TYPES, "overall"):
        g = {s for s in gold if kind in (s[3], "overall")}
        p = {s for s in pred if kind in (s[3], "overall")}
        hits = len(g & p)
        precision, recall = hits / max(len(p), 1), hits / max(len(g), 1)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        out[kind] = {"p": precision, "r": recall, "f1": f1, "gold": len(g), "pred": len(p)}
    return out


def score_conll(path: str = DEFAULT_PATH, cache: str | None = None,
                part: str | None = None) -> dict:
    nlp = load_nlp()
    texts, gold = load(path)
    if part:
        kept = [i for i in range(len(texts)) if keeps(part, str(i))]
        texts = [texts[i] for i in kept]
        renumber = {old: new for new, old in enumerate(kept)}
        gold = {(renumber[s[0]], *s[1:]) for s in gold if s[0] in renumber}
    docs, spacy_seconds = parse(nlp, texts, cache)
    bare = {(i, e.start_char, e.end_char, TYPE_OF[e.label_])
            for i, doc in enumerate(docs) for e in doc.ents if e.label_ in TYPE_OF}
    started = time.perf_counter()
    truecased = [truecase(text) for text in texts]
    truecase_seconds = time.perf_counter() - started
    changed = [i for i, text in enumerate(truecased) if text is not texts[i]]
    recased, _ = parse(nlp, [truecased[i] for i in changed],
                       cache and cache.removesuffix(".spacy") + "-truecased.spacy")
    docs = list(docs)
    for i, doc in zip(changed, recased, strict=True):
        docs[i] = doc
    started = time.perf_counter()
    ours_docs = [onto_body(doc, text) for doc, text in zip(docs, texts, strict=True)]
    truecase_seconds += time.perf_counter() - started
    articles = [{"article_id": str(i), "body": text, "published_date": None, "title": None}
                for i, text in enumerate(texts)]
    started = time.perf_counter()
    for i, doc in enumerate(ours_docs):
        extract_entities(doc, texts[i], str(i), {})
    entity_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rows = extract_articles(articles, Parsed(docs))  # type: ignore[arg-type]
    extract_seconds = time.perf_counter() - started
    label = {(r["article_id"], r["entity_id"]): r["label"] for r in rows["entities"]}
    ours = set()
    for m in rows["mentions"]:
        assert texts[int(m["article_id"])][m["start"]:m["end"]] == m["text"], m
        kind = TYPE_OF.get(label[m["article_id"], m["entity_id"]])
        if kind:
            ours.add((int(m["article_id"]), m["start"], m["end"], kind))
    return {"documents": len(texts), "bare": scores(gold, bare), "ours": scores(gold, ours),
            "spacy_seconds": spacy_seconds, "entity_seconds": entity_seconds,
            "truecase_seconds": truecase_seconds, "truecased": len(changed),
            "extract_seconds": extract_seconds, "gold": gold, "bare_spans": bare,
            "our_spans": ours, "texts": texts}


def report(result: dict) -> str:
    spacy_s = result["spacy_seconds"]
    lines = [f"CoNLL-2003: {result['documents']} documents ({result['truecased']} truecased);"
             " exact span + type; MISC not scored",
             f"{'type':<9}{'gold':>6} | {'bare spaCy P/R/F1':^23} | {'ours P/R/F1':^23}"]
    for kind in (*TYPES, "overall"):
        b, o = result["bare"][kind], result["ours"][kind]
        lines.append(f"{kind:<9}{b['gold']:>6} | {b['p']:.3f} {b['r']:.3f} {b['f1']:.3f}"
                     f"{'':>5} | {o['p']:.3f} {o['r']:.3f} {o['f1']:.3f}")
    share = (f" = {result['entity_seconds'] / spacy_s:.1%} of spaCy" if spacy_s else "")
    truecasing = (f" = {result['truecase_seconds'] / spacy_s:.2%} of spaCy" if spacy_s else "")
    lines.append(f"spaCy {f'{spacy_s:.1f}s' if spacy_s else '(cached)'}; entity "
                 f"post-processing {result['entity_seconds']:.2f}s{share}; all extractors "
                 f"{result['extract_seconds']:.2f}s; truecasing "
                 f"{result['truecase_seconds']:.3f}s{truecasing}")
    return "\n".join(lines)


if __name__ == "__main__":
    args = sys.argv[1:]
    cache = args[args.index("--cache") + 1] if "--cache" in args else None
    part = args[args.index("--part") + 1] if "--part" in args else None
    paths = [a for a in args if a not in ("--cache", cache, "--part", part)]
    print(report(score_conll(paths[0] if paths else DEFAULT_PATH, cache, part)))
