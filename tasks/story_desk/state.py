"""What the story desk keeps in `_state/desk/`: each published article's rows it draws from,
by week, so that a run reads the weeks its redrawn stories' members are in, not the tables.

One row per article (`week=<monday>/part-<run_id>.parquet`): its outlet, and its facts,
quotes and entities (id and name) as lists, each with the columns the desk reads (COLUMNS).
The week is the 7-day block of the article's window date, as for the cluster's features
(tasks/cluster/state.py): its publication date, or the day it was ingested; the clustering
state's members file says in which week each story's members are. A run appends the rows
of the articles it publishes, with its tables; a missing or older state is rebuilt from the
published tables (tasks/state/registry.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from tasks.lake import Lake
from tasks.schemas import TABLES

# The layout's version: raise it when COLUMNS change (the state is then rebuilt).
VERSION = 1
# What the desk reads of each table (besides story_members), from the lake and the run.
COLUMNS = {"articles": ["article_id", "source_name"],
           "facts": ["fact_id", "article_id", "kind", "value", "qualifier", "object",
                     "attribution", "text", "start", "end"],
           "quotes": ["quote_id", "article_id", "text", "start", "end", "speaker",
                      "speaker_entity_id", "cue", "kind"],
           "entities": ["article_id", "entity_id", "name"]}
LISTED = ("facts", "quotes", "entities")  # an article's rows of these, as lists
ROOT = "desk"  # below _state/


def _struct(table: str) -> pa.StructType:
    return pa.struct([TABLES[table].field(c) for c in COLUMNS[table] if c != "article_id"])


SCHEMA = pa.schema([("article_id", pa.string()), ("source_name", pa.string()),
                    *((name, pa.list_(_struct(name))) for name in LISTED)])


def rows(tables: dict[str, pa.Table]) -> list[dict]:
    """One state row per article of `tables["articles"]`, from the rows of the others."""
    of: dict[str, dict[str, list[dict]]] = {name: defaultdict(list) for name in LISTED}
    for name in LISTED:
        for row in tables[name].select(COLUMNS[name]).to_pylist():
            aid = row.pop("article_id")
            of[name][aid].append(row)
    return [{"article_id": aid, "source_name": outlet,
             **{name: of[name].get(aid, []) for name in LISTED}}
            for aid, outlet in zip(*(tables["articles"][c].to_pylist()
                                     for c in COLUMNS["articles"]), strict=True)]


def by_week(tables: dict[str, pa.Table], days: list[datetime.date]) -> dict[str, pa.Table]:
    """State key (below _state/) -> the rows of the articles whose window is that week;
    `days` are the articles' window dates, in the order of tables["articles"]."""
    from tasks.cluster.state import week_of  # the cluster's weeks (scikit-learn's package)

    weeks: dict[datetime.date, list[dict]] = defaultdict(list)
    for row, day in zip(rows(tables), days, strict=True):
        weeks[week_of(day)].append(row)
    return {f"{ROOT}/week={week.isoformat()}": pa.Table.from_pylist(some, schema=SCHEMA)
            for week, some in sorted(weeks.items())}


def read(lake: Lake, weeks: set[datetime.date], ids: pa.Array) -> dict[str, list[dict]]:
    """The desk's rows of the articles `ids` (from the weeks they are in), by table, each
    row with its article_id, as the desk draws from them."""
    folders = [lake.path("_state", ROOT, f"week={week.isoformat()}") for week in sorted(weeks)]
    paths = [path for folder in folders for path in lake.files_in(folder)]
    # One scan over the weeks' files (pyarrow reads them in parallel), not one read each.
    found = ds.dataset(paths, schema=SCHEMA, format="parquet", filesystem=lake.fs).to_table(
        filter=pc.field("article_id").isin(ids)) if paths else SCHEMA.empty_table()
    out: dict[str, list[dict]] = {name: [] for name in COLUMNS}
    seen = set()
    for row in found.to_pylist():
        if row["article_id"] in seen:  # a compaction or rebuild cut short: rows twice
            continue
        seen.add(row["article_id"])
        out["articles"].append({"article_id": row["article_id"],
                                "source_name": row["source_name"]})
        for name in LISTED:
            out[name] += [{"article_id": row["article_id"], **item} for item in row[name]]
    return out


def rebuild(lake: Lake, tag: str) -> None:
    """The state from the published articles, facts, quotes and entities (read whole)."""
    base = lake.path("_state", ROOT)
    if lake.fs.exists(base):
        lake.fs.rm(base, recursive=True)
    articles = lake.read("articles", [*COLUMNS["articles"], "published_date", "ingested_at"])
    if articles is None:
        return
    tables = {"articles": articles}
    for name in LISTED:
        found = lake.read(name, COLUMNS[name])
        tables[name] = found if found is not None else TABLES[name].empty_table().select(
            COLUMNS[name])
    ingested = pc.cast(articles["ingested_at"], pa.date32()).to_pylist()
    days = [published or day for published, day in
            zip(articles["published_date"].to_pylist(), ingested, strict=True)]
    for key, table in by_week(tables, days).items():
        lake.write_parquet(table, lake.path("_state", key, f"part-{tag}.parquet"))
