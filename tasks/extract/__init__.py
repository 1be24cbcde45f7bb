"""Extraction stage: entities, mentions, quotes, facts and dates from cleaned article bodies.

One spaCy pass per article (`parse`); then each extractor of `registry.EXTRACTORS` fills its
table from the parsed article. The article is the failure domain: in the stage, articles
run in worker processes (see `workers`) with a time limit each, and an error, a time-out or
a dead worker fails that article alone (`Extraction.failed`), never the batch. People are
then linked across the batch and the lake (`link_stage`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE
from spacy.language import Language
from spacy.tokens import Doc

from tasks.extract.entities import lake_names
from tasks.extract.extractor import ParsedArticle
from tasks.extract.link_stage import known_aliases, lake_aliases, link_guarded, link_task
from tasks.extract.linking import apply_links, person_links
from tasks.extract.parse import (
    ARTICLE_SECONDS,
    SEGMENT_CHARS,
    limit,
    load_nlp,
    parse_long,
    parsed_articles,
    segments,
)
from tasks.extract.registry import EXTRACTED, EXTRACTORS
from tasks.extract.workers import ArticleTimeout, cores, run_chunks, time_limit
from tasks.lake import Lake
from tasks.language import served
from tasks.ledger import failures_table, reason
from tasks.schemas import conform

__all__ = ["ARTICLE_SECONDS", "EXTRACTED", "SEGMENT_CHARS", "Extraction", "extract_articles",
           "extract_batch", "extract_task", "known_aliases", "link_task", "load_nlp",
           "parse_long", "segments"]

CHUNK_SIZE = 32  # articles a worker parses and extracts at once


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
                               lambda chunk: sum(limit(a, seconds) for a in chunk),
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


def _extract(articles: list[dict], nlp: Language, known: dict[str, str],
             names: dict[str, str], seconds: float | None, strict: bool) -> Extraction:
    out = Extraction()
    for article, doc in parsed_articles(articles, nlp, seconds, out.failed, strict):
        article_id = article["article_id"]
        try:
            with time_limit(limit(article, seconds)):
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
    parsed = ParsedArticle(doc, article, known, names)
    return {extractor.table: extractor.rows(parsed) for extractor in EXTRACTORS}


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


MIN_DOCS_PER_PROCESS = 50  # below this a worker's start-up costs more than it saves


@lru_cache(maxsize=2)
def _nlp(model: str) -> Language:
    return load_nlp(model)


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
    known = lake_aliases(lake_url, tuple(Lake(lake_url).files("entities")))
    n_process = max(1, min(processes or cores(),
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


