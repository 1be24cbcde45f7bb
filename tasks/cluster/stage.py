"""The `cluster` task: re-cluster the stories a run's new articles can reach.

Stories only join articles published within MAX_GAP_DAYS of each other, so a new article can
only touch the stories with a member in its week or the weeks either side (`state.reach`).
The run reads the features of those weeks, takes every story with a member there (and the
stories of the originals its copies copy), reads the rest of those stories' members (in
whatever week they are), and re-clusters that set; every other story stays as it is. Ids
are assigned as over the whole lake: prior ids survive, a merge keeps the older one, and a
new story's id is never one the lake already uses.

The published `stories` and `story_members` stay whole snapshots: the untouched rows are
carried over by Arrow (filter, concat, sort), never through Python, and the publish replaces
each snapshot by one rename, so readers see the old version or the new one.
"""

from __future__ import annotations

import bisect
import datetime

import pyarrow as pa
import pyarrow.compute as pc
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks import cluster
from tasks.cluster import state
from tasks.lake import Lake
from tasks.ledger import failures_table, isolate, reason
from tasks.publish import load_tables
from tasks.schemas import TABLES, conform


class SortedIds:
    """Membership in a sorted Arrow array of ids by bisection: the lake's story ids without a
    Python set of them."""

    def __init__(self, ids: pa.Array):
        self.ids = ids.take(pc.sort_indices(ids))

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> str:
        return self.ids[i].as_py()

    def __contains__(self, story_id: object) -> bool:
        i = bisect.bisect_left(self, story_id)
        return i < len(self.ids) and self[i] == story_id


def redraw(lake: Lake, new: list[dict], everything: bool, members: pa.Table,
           stories: pa.Table) -> tuple[list[dict], pa.Table, dict[str, datetime.date],
                                       pa.Array]:
    """What a run re-clusters: (the lake's articles in reach, the members state of the
    stories they belong to, those stories' created dates, every story id of the lake), from
    the members state and the published stories."""
    weeks = None if everything else state.reach({a["window_date"] for a in new})
    window = state.read_features(lake, weeks)
    reached = pa.array({*window["article_id"].to_pylist(),
                        *(a["duplicate_of"] for a in new if a.get("duplicate_of"))}, pa.string())
    touched = pc.unique(members.filter(pc.is_in(members["article_id"], value_set=reached))
                        ["story_id"])
    touched_members = members.filter(pc.is_in(members["story_id"], value_set=touched))
    outside = touched_members.filter(pc.invert(pc.is_in(
        touched_members["article_id"], value_set=window["article_id"])))
    if outside.num_rows:  # the touched stories' members beyond the window
        window = pa.concat_tables([window, state.read_features(
            lake, set(pc.unique(outside["week"]).to_pylist()), outside["article_id"])])
    created = stories.filter(pc.is_in(stories["story_id"], value_set=touched))
    return (state.from_features(window), touched_members,
            dict(zip(*(created[c].to_pylist() for c in ("story_id", "ingest_date")),
                     strict=True)),
            pa.chunked_array([*stories["story_id"].chunks, *members["story_id"].chunks],
                             pa.string()).combine_chunks())


@task(name="cluster", cache_policy=NO_CACHE)
def cluster_task(lake_url: str, staging_url: str, staged: dict[str, list[str]], run_id: str,
                 today: datetime.date) -> dict[str, list[str]]:
    """Re-cluster the stories this run's articles can reach and stage the new snapshots
    (rows that do not change keep the run_id and ingest_date they were first written with),
    the state for later runs (`state`), and the run's articles that clustering could not
    handle (`failures`). The changed stories are the staged rows with this run's run_id."""
    lake, staging = Lake(lake_url), Lake(staging_url)
    if not state.ready(lake):
        state.rebuild(lake)
    new = state.articles(load_tables(staging_url, {n: staged[n] for n in state.COLUMNS}),
                         today)
    # A lost story snapshot is redrawn over the whole lake; the desk's tables are not ours.
    everything = bool({"stories", "story_members"} & set(lake.missing_snapshots()))
    # Read once: the members state and both snapshots (the untouched rows are carried over).
    members = state.read_members(lake)
    old = {name: _snapshot(lake, name) for name in ("stories", "story_members")}
    fixed, touched, created, in_use = redraw(lake, new, everything, members, old["stories"])
    prior = dict(zip(*(touched[c].to_pylist() for c in ("article_id", "story_id")),
                     strict=True))
    # One new article's odd rows fail that article, not the run; the lake's are not blamed.
    (stories, drawn), culprits = isolate(
        lambda some: cluster.cluster_stories(some, prior, created, SortedIds(in_use)), new,
        fixed=fixed)
    failed = {a["article_id"] for a, _ in culprits}
    new = [a for a in new if a["article_id"] not in failed]
    story_ids = pa.array(sorted({*created, *prior.values()}), pa.string())
    fresh = {"run_id": run_id, "ingest_date": today}
    out = {}
    for name, key, rows, keep_date in (("stories", "story_id", stories, True),
                                       ("story_members", "article_id", drawn, False)):
        redrawn = pc.is_in(old[name]["story_id"], value_set=story_ids)
        before = {row[key]: row for row in old[name].filter(redrawn).to_pylist()}
        rows = [_keep_if_same(row, before.get(row[key]), fresh, keep_date) for row in rows]
        table = pa.concat_tables([old[name].filter(pc.invert(redrawn)), conform(name, rows)])
        out[name] = [staging.path(f"{name}.parquet")]
        staging.write_parquet(table.sort_by([("story_id", "ascending"),
                                             *([("article_id", "ascending")] if key ==
                                               "article_id" else [])]), out[name][0])
    week = {a["article_id"]: state.week_of(a["window_date"]) for a in [*fixed, *new]}
    kept = members.filter(pc.invert(pc.is_in(members["story_id"], value_set=story_ids)))
    aids = [row["article_id"] for row in drawn]
    keys = {state.MEMBERS: pa.concat_tables([kept, pa.table({
        "article_id": aids, "story_id": [row["story_id"] for row in drawn],
        "week": pa.array([week[a] for a in aids], pa.date32())}, schema=state.MEMBERS_SCHEMA)])}
    keys |= state.by_week(new)
    out["state"] = []
    for key, table in keys.items():
        path = staging.path("state", key if key.endswith(".parquet") else f"{key}/part.parquet")
        staging.write_parquet(table, path)
        out["state"].append(path)
    out["failures"] = [staging.path("failures-cluster.parquet")]
    staging.write_parquet(failures_table({a["article_id"]: reason("cluster", exc)
                                          for a, exc in culprits}), out["failures"][0])
    return out


def _snapshot(lake: Lake, name: str) -> pa.Table:
    found = lake.read(name)
    return found.cast(TABLES[name]) if found is not None else TABLES[name].empty_table()


def _keep_if_same(row: dict, prior: dict | None, fresh: dict, keep_date: bool) -> dict:
    """A row as it was when nothing in it changed, else stamped by this run; with keep_date
    (stories) it keeps the day it was first published either way."""
    if prior is None:
        return {**row, **fresh}
    if all(prior[k] == v for k, v in row.items()):
        return prior
    return {**row, **fresh, **({"ingest_date": prior["ingest_date"]} if keep_date else {})}
