"""Articles held back from a run: the dead-letter side of the desk.

An article that fails a stage (`failed`) or a row-level expectation (`quarantined`) is taken
out of the run whole: every row of it in every table, its near-duplicate signature, and the
copies of it read in the same run (they would point at an article that is not published).
Its ingest_log rows stay, with the status and the reason, so every record read is still
accounted for; a later run reads those records again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.lake import Lake

REASON_CHARS = 300  # a reason is a line for a person, not a traceback

FAILURES_SCHEMA = pa.schema([("article_id", pa.string()), ("reason", pa.string())])

T = TypeVar("T")
R = TypeVar("R")


def reason(stage: str, exc: BaseException) -> str:
    """`<stage>: <ExceptionType>: <message>`, on one line, bounded in length."""
    message = " ".join(str(exc).split())
    text = f"{stage}: {type(exc).__name__}" + (f": {message}" if message else "")
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS - 1] + "…"


def failures_table(failures: dict[str, str]) -> pa.Table:
    return pa.table({"article_id": list(failures), "reason": list(failures.values())},
                     schema=FAILURES_SCHEMA)


def isolate(step: Callable[[list[T]], R], items: Sequence[T],
            fixed: Sequence[T] = ()) -> tuple[R, list[tuple[T, Exception]]]:
    """Run a run-wide `step` over `fixed + items`; if it raises, find the items that make it
    raise by bisection and run it again without them. Returns (result, [(culprit, error)]).

    For steps (linking, clustering) that see all articles at once: one article's odd rows
    then fail that article, not the run. `step` must not change its input. `fixed` (e.g.
    the lake's own rows) is never blamed: if the step fails on it alone, or for too many
    articles to search (MAX_BISECTIONS calls), the first error propagates. Costs nothing
    when the step succeeds, and about 2·log2(n) extra calls per culprit when it does not.
    """
    try:
        return step([*fixed, *items]), []
    except Exception as exc:
        budget = [MAX_BISECTIONS]
        try:
            culprits = _culprits(step, list(items), list(fixed), budget)
        except _Systemic:
            raise exc from None
    blamed = {id(item) for item, _ in culprits}
    return step([*fixed, *(item for item in items if id(item) not in blamed)]), culprits


# Calls of a step a search for culprits may make: a step that fails for most articles is
# broken, not fed a bad article, and searching would cost a run's worth of calls.
MAX_BISECTIONS = 64


class _Systemic(Exception):
    """The step fails whatever articles it is given."""


def _culprits(step: Callable[[list[T]], object], items: list[T],
              fixed: list[T], budget: list[int]) -> list[tuple[T, Exception]]:
    def error(subset: list[T]) -> Exception | None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _Systemic
        try:
            step([*fixed, *subset])
        except Exception as exc:
            return exc
        return None

    if not items or error([]) is not None:
        raise _Systemic  # it fails without any of them
    return _bisect(error, items)


def _bisect(error: Callable[[list[T]], Exception | None],
            items: list[T]) -> list[tuple[T, Exception]]:
    if len(items) == 1:
        return [(items[0], exc)] if (exc := error(items)) else []
    half = len(items) // 2
    left, right = items[:half], items[half:]
    left_error, right_error = error(left), error(right)
    if left_error is None and right_error is None:  # only together do they fail
        exc = error(items) or RuntimeError("fails only with the whole run")
        return [(item, exc) for item in items]
    return ((_bisect(error, left) if left_error else [])
            + (_bisect(error, right) if right_error else []))


def hold_back(tables: dict[str, pa.Table], held: dict[str, str],
              status: str) -> tuple[dict[str, pa.Table], dict[str, pa.Table], dict[str, str]]:
    """Take the `held` articles (article_id -> reason) out of a run's tables.

    Near-duplicates of a held article are held with it. Every table with an `article_id`
    column loses their rows, except `ingest_log`, whose rows for them (the article itself,
    its exact copies, its near copies) get `status` and the reason. Returns (kept tables,
    the rows taken out, every article held with its reason).
    """
    held = dict(held)
    articles = tables.get("articles")
    copies = [] if articles is None else list(zip(articles["article_id"].to_pylist(),
                                                  articles["duplicate_of"].to_pylist(),
                                                  strict=True))
    while grown := {aid: _bounded(f"copy of held-back article {original}: {held[original]}")
                    for aid, original in copies if original in held and aid not in held}:
        held |= grown  # a copy of a copy goes too
    if not held:
        return tables, {}, held
    ids = pa.array(list(held), pa.string())
    kept, taken = {}, {}
    for name, table in tables.items():
        if "article_id" not in table.column_names:
            kept[name] = table
            continue
        mask = pc.fill_null(pc.is_in(table["article_id"], value_set=ids), False)
        if name == "ingest_log":
            kept[name] = _mark(table, mask, held, status)
            continue
        kept[name], taken[name] = table.filter(pc.invert(mask)), table.filter(mask)
    return kept, taken, held


def _mark(log: pa.Table, mask: pa.Array, held: dict[str, str], status: str) -> pa.Table:
    statuses, reasons = log["status"].to_pylist(), log["reason"].to_pylist()
    for i, (hit, aid) in enumerate(zip(mask.to_pylist(), log["article_id"].to_pylist(),
                                       strict=True)):
        if hit:
            statuses[i], reasons[i] = status, held[aid]
    log = log.set_column(log.schema.get_field_index("status"), log.schema.field("status"),
                         pa.array(statuses, log.schema.field("status").type))
    return log.set_column(log.schema.get_field_index("reason"), log.schema.field("reason"),
                          pa.array(reasons, log.schema.field("reason").type))


def _bounded(text: str) -> str:
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS - 1] + "…"


def merge(*failures: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Failures from several places; the first reason given for an article wins."""
    out: dict[str, str] = {}
    for pairs in failures:
        for aid, why in pairs:
            out.setdefault(aid, why)
    return out


# What a held-back article can have rows in, as staged by the run.
HELD_TABLES = ("articles", "entities", "mentions", "quotes", "facts", "dates", "ingest_log",
               "minhash")


@task(name="hold-back", cache_policy=NO_CACHE)
def hold_back_task(staging_url: str, staged: dict[str, list[str]], status: str,
                   failures: list[str] = (), held: dict[str, str] | None = None,
                   ) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """hold_back over the run's staged tables, of the articles in the staged `failures`
    files and in `held` (article_id -> reason). Returns (the staged tables without them,
    their rows taken out, every article held with its reason)."""
    held = read_failures(staging_url, failures) | (held or {})
    if not held:
        return staged, {}, {}
    from tasks.publish import read_staged, staged_schema

    staging = Lake(staging_url)
    tables = {name: read_staged(staged[name], staging.fs, staged_schema(name))
              for name in HELD_TABLES if name in staged}
    kept, taken, held = hold_back(tables, held, status)
    tag = uuid.uuid4().hex[:6]
    out, out_taken = dict(staged), {}
    for target, parts in ((out, kept), (out_taken, taken)):
        for name, table in parts.items():
            path = staging.path(f"{name}-{status}-{tag}{'-taken' if target is out_taken else ''}"
                                ".parquet")
            target[name] = [path] if table.num_rows else []
            if table.num_rows:
                staging.write_parquet(table, path)
    return out, out_taken, held


def read_failures(staging_url: str, paths: Iterable[str]) -> dict[str, str]:
    """Staged failures (failures_table files) as article_id -> reason."""
    fs = Lake(staging_url).fs
    return merge(*(zip(*pq.read_table(p, filesystem=fs).to_pydict().values(), strict=True)
                   for p in paths))
