"""Linking people across the articles of a batch, of a run and the lake: the lake's aliases
(known_aliases), linking.person_links guarded so that an article whose rows it cannot handle
fails alone, and the run-wide `link` task."""

from __future__ import annotations

import itertools
from collections import defaultdict
from functools import lru_cache

import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.extract.aliases import AliasIndex, ready, rebuild
from tasks.extract.entities import bare_surname_means, surname
from tasks.extract.linking import VOTED, Links, apply_links, person_links
from tasks.lake import Lake
from tasks.ledger import failures_table, isolate, reason
from tasks.schemas import conform

LINKED = ("entities", "mentions", "quotes")  # the tables that carry entity ids


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


@lru_cache(maxsize=2)
def lake_aliases(lake_url: str, files: tuple[str, ...]) -> AliasIndex:
    """known_aliases of the lake's entities, as its alias index (rebuilt first when missing
    or of an older version), one a run rather than one a batch: the key is the list of
    published files, which only a publish changes."""
    lake = Lake(lake_url)
    if not ready(lake):
        rebuild(lake)
    return AliasIndex(lake_url)


def link_guarded(entity_rows: list[dict], known: dict[str, str]
                 ) -> tuple[Links, dict[str, str]]:
    """person_links over the rows of many articles; an article whose rows it cannot handle
    is left out and returned as failed (article_id -> reason)."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for row in entity_rows:
        by_article[row["article_id"]].append(row)
    remap, culprits = isolate(
        lambda ids: person_links([r for aid in ids for r in by_article[aid]], known),
        list(by_article))
    return remap, {aid: reason("link", exc) for aid, exc in culprits}


@task(name="link", cache_policy=NO_CACHE)
def link_task(staged: dict[str, list[str]], lake_url: str, staging_url: str) -> str:
    """Link people across the extraction batches of a run, as extract_batch does within
    one: reads every batch's PERSON (and VOTED) rows, then rewrites the batches whose ids
    change.
    Returns the staged failures: articles whose rows the linking could not handle."""
    staging = Lake(staging_url)
    known = lake_aliases(lake_url, tuple(Lake(lake_url).files("entities")))
    columns = ["article_id", "entity_id", "name", "label", "mention_count"]
    people = list(itertools.chain.from_iterable(
        pq.read_table(path, columns=columns, filesystem=staging.fs,
                      filters=[("label", "in", ["PERSON", VOTED])]).to_pylist()
        for path in staged["entities"]))
    remap, failed = link_guarded(people, known)
    for paths in zip(*(staged[name] for name in LINKED), strict=True) if remap else ():
        out = {name: pq.read_table(path, filesystem=staging.fs).to_pylist()
               for name, path in zip(LINKED, paths, strict=True)}
        before = [row["entity_id"] for row in out["entities"]]
        apply_links(out, remap)
        if [row["entity_id"] for row in out["entities"]] != before:
            for name, path in zip(LINKED, paths, strict=True):
                staging.write_parquet(conform(name, out[name]), path)
    failures = staging.path("failures-link.parquet")
    staging.write_parquet(failures_table(failed), failures)
    return failures
