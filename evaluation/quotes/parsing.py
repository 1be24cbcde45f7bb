"""spaCy's parse of the bodies, cached as a DocBin for reruns, and the extractors' time apart
from it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import tasks.extract as extract


class Timed:
    """Wraps an extractor to add up its time (spaCy time is the rest of extract_articles)."""

    def __init__(self, fn) -> None:
        self.fn, self.seconds = fn, 0.0

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t0


class _CachedNLP:
    """Stands in for the Language in extract_articles, serving Docs parsed earlier."""

    def __init__(self, docs: dict) -> None:
        self.docs = docs

    def pipe(self, texts, as_tuples: bool = True, **_):
        for text, ctx in texts:
            yield self.docs[text], ctx


def parse_bodies(bodies: list[str], cache: str | None):
    from spacy.tokens import DocBin

    nlp = extract.load_nlp()
    if cache and os.path.exists(cache):
        docs = {d.text: d for d in DocBin().from_bytes(Path(cache).read_bytes()).get_docs(
            nlp.vocab)}
        if all(body in docs for body in bodies):  # (a part of a split: the split's cache)
            return _CachedNLP(docs), 0.0
    if not cache:
        return nlp, None
    t0 = time.perf_counter()
    docs = list(nlp.pipe(bodies, batch_size=64))
    seconds = time.perf_counter() - t0
    Path(cache).write_bytes(DocBin(store_user_data=False, docs=docs).to_bytes())
    return _CachedNLP(dict(zip(bodies, docs, strict=True))), seconds
