"""What clustering keeps in `_state/` so that a run reads only the weeks its articles reach.

Layout (under `_state/stories/v2/`, the folder's version the marker of the layout):
- `features/week=<monday>/part-<run_id>.parquet`: per article, what the similarity needs
  (title, body, outlet, copy-of, entity counts, mentioned dates) and its window date,
  appended by the run that published the article, partitioned by the 7-day block of that
  date, sorted by article_id (a rebuilt file in row groups of FEATURE_ROWS): the members of
  touched stories beyond the window are read by id, the row groups of their week holding
  them, not the whole week once a week is large.
  The window date is the publication date, or for an undated article the day it was
  ingested: an undated article joins stories published around the day it arrived.
- `members/members.parquet`: article -> story -> week, replaced whole with each publish
  (the story_members snapshot plus where each member's features are).
- `READY.json`: written last by `rebuild`; without it (a new lake, an older version, a
  rebuild cut short) the next run rebuilds the state from the published tables.
Runs write the state through the lake's journal, with the tables it describes.
"""

from __future__ import annotations

import datetime
import posixpath
from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tasks.lake import Lake

VERSION = "v2"  # v2: features sorted by article_id, in small row groups
ROOT = f"stories/{VERSION}"          # below _state/
MEMBERS = f"{ROOT}/members/members.parquet"

FEATURES_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("window_date", pa.date32()), ("title", pa.string()),
    ("body", pa.string()), ("published_date", pa.date32()), ("source_name", pa.string()),
    ("duplicate_of", pa.string()), ("entity_ids", pa.list_(pa.string())),
    ("entity_counts", pa.list_(pa.int32())), ("mentioned_dates", pa.list_(pa.date32()))])
# Rows per row group of a rebuilt features file (~0.5 KB a row compressed): a week of a
# large lake (70,000 articles at 10,000 a day) reads ~0.5 MB per member asked, not 35 MB.
# Not smaller: 64-row groups make a file 1.3x larger and, at 1,171 rows, a look-up of 30
# ids slower (24 ms against 14 ms in one group).
FEATURE_ROWS = 1024
MEMBERS_SCHEMA = pa.schema([("article_id", pa.string()), ("story_id", pa.string()),
                            ("week", pa.date32())])

# What building the features reads of each published (or staged) table.
COLUMNS = {"articles": ["article_id", "title", "body", "published_date", "source_name",
                        "duplicate_of"],
           "entities": ["article_id", "entity_id", "mention_count"],
           "dates": ["article_id", "resolved_date"]}


def week_of(day: datetime.date) -> datetime.date:
    """The Monday starting the 7-day block of a day: two days at most MAX_GAP_DAYS (7)
    apart lie in the same block or in neighbouring ones."""
    return day - datetime.timedelta(days=day.weekday())


def reach(days: set[datetime.date]) -> set[datetime.date]:
    """The weeks whose articles the articles of these days can join."""
    return {week_of(d) + datetime.timedelta(weeks=k) for d in days for k in (-1, 0, 1)}


def articles(tables: dict[str, pa.Table], ingest: datetime.date | pa.Array) -> list[dict]:
    """Article dicts as cluster_stories takes them, with their window_date, from articles,
    entities and dates tables (published or staged); `ingest` is the day (or one per
    article row) the articles were ingested."""
    mentions: dict[str, dict[str, int]] = defaultdict(dict)
    ents = tables["entities"]
    for aid, eid, count in zip(*(ents[c].to_pylist() for c in COLUMNS["entities"]), strict=True):
        mentions[aid][eid] = count
    dated: dict[str, list[datetime.date]] = defaultdict(list)
    dates = tables["dates"]
    for aid, day in zip(*(dates[c].to_pylist() for c in COLUMNS["dates"]), strict=True):
        if day is not None:
            dated[aid].append(day)
    rows = tables["articles"].select(COLUMNS["articles"]).to_pylist()
    ingested = ingest.to_pylist() if isinstance(ingest, pa.Array) else [ingest] * len(rows)
    for row, day in zip(rows, ingested, strict=True):
        row["entities"] = mentions.get(row["article_id"], {})
        row["mentioned_dates"] = dated.get(row["article_id"], [])
        row["window_date"] = row["published_date"] or day
    return rows


def features_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist([{
        **{k: a[k] for k in FEATURES_SCHEMA.names if k in a},
        "entity_ids": list(a["entities"]), "entity_counts": list(a["entities"].values())}
        for a in rows], schema=FEATURES_SCHEMA).sort_by("article_id")


def from_features(table: pa.Table) -> list[dict]:
    rows = table.to_pylist()
    for row in rows:
        row["entities"] = dict(zip(row.pop("entity_ids"), row.pop("entity_counts"), strict=True))
    return rows


def by_week(rows: list[dict]) -> dict[str, pa.Table]:
    """State key (below _state/) -> the features of the articles whose window is that week."""
    weeks: dict[datetime.date, list[dict]] = defaultdict(list)
    for row in rows:
        weeks[week_of(row["window_date"])].append(row)
    return {f"{ROOT}/features/week={week.isoformat()}": features_table(some)
            for week, some in sorted(weeks.items())}


def read_features(lake: Lake, weeks: set[datetime.date] | None,
                  ids: pa.Array | None = None) -> pa.Table:
    """The features of the given weeks (None: every week), only `ids` when given."""
    base = lake.path("_state", ROOT, "features")
    if weeks is None:
        folders = lake.fs.ls(base, detail=False) if lake.fs.exists(base) else []
    else:
        folders = [posixpath.join(base, f"week={w.isoformat()}") for w in sorted(weeks)]
    paths = [path for folder in folders for path in lake.files_in(folder)]
    if not paths:
        return FEATURES_SCHEMA.empty_table()
    # One scan over every file (pyarrow reads them in parallel); by id, only the row groups
    # whose article_id range holds one of them.
    return ds.dataset(paths, schema=FEATURES_SCHEMA, format="parquet", filesystem=lake.fs
                      ).to_table(filter=None if ids is None else pc.field("article_id").isin(ids))


def read_members(lake: Lake) -> pa.Table:
    path = lake.path("_state", MEMBERS)
    if not lake.fs.exists(path):
        return MEMBERS_SCHEMA.empty_table()
    return pq.read_table(path, filesystem=lake.fs, schema=MEMBERS_SCHEMA)


def ready(lake: Lake) -> bool:
    return lake.fs.exists(lake.path("_state", ROOT, "READY.json"))


def rebuild(lake: Lake | str) -> None:
    """Rebuild the clustering state from the published articles, entities, dates and
    story_members (reads them whole, once): for a new lake, a lost state or an older one."""
    lake = Lake(lake) if isinstance(lake, str) else lake
    top = lake.path("_state", "stories")
    if lake.fs.exists(top):  # an older version, or a rebuild cut short
        lake.fs.rm(top, recursive=True)
    published = {name: lake.read(name, [*columns, "ingested_at"] if name == "articles"
                                 else columns) for name, columns in COLUMNS.items()}
    count = 0
    if published["articles"] is not None:
        tables = {name: table if table is not None else pa.table(
            {c: pa.array([], pa.string()) for c in COLUMNS[name]})
            for name, table in published.items()}
        ingested = pc.cast(published["articles"]["ingested_at"], pa.date32())
        rows = articles(tables, ingested.combine_chunks())
        count = len(rows)
        for key, table in by_week(rows).items():
            lake.write_parquet(table, lake.path("_state", key, "part-rebuild.parquet"),
                               row_group_size=FEATURE_ROWS)
        week = {r["article_id"]: week_of(r["window_date"]) for r in rows}
        members = lake.read("story_members", ["article_id", "story_id"])
        if members is not None:
            aids = members["article_id"].to_pylist()
            lake.write_parquet(pa.table({
                "article_id": aids, "story_id": members["story_id"],
                "week": pa.array([week.get(a) for a in aids], pa.date32())},
                schema=MEMBERS_SCHEMA), lake.path("_state", MEMBERS))
    lake.write_json({"version": VERSION, "articles": count}, lake.path("_state", ROOT,
                                                                        "READY.json"))
