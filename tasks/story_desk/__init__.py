"""The story desk: what each outlet of a story reported, side by side.

`story_facts` puts the figures the member articles give about the same thing in one row, with
how they compare (figures.py); `story_quotes` puts a speaker's quotes from every outlet in one
row (quotes.py). Both are drawn per story from the story's members and their articles' rows
(`draw`), so a caller may redraw every story or only the ones it touched; the task redraws
the stories its run changed, from the run's rows and the desk's state in `_state/desk/`
(the lake's member articles' rows by week, state.py), not from the lake's tables.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks.lake import Lake
from tasks.ledger import isolate
from tasks.publish import load_tables
from tasks.schemas import TABLES, conform
from tasks.story_desk import state
from tasks.story_desk.figures import story_fact_rows
from tasks.story_desk.quotes import story_quote_rows
from tasks.story_desk.state import COLUMNS

__all__ = ["draw", "stamp", "story_desk_task", "with_disputes"]

# Each snapshot's row key: a row drawn again unchanged keeps its run_id and ingest_date.
KEYS = {"story_facts": ("story_fact_id",),
        "story_quotes": ("story_id", "speaker_entity_id", "speaker")}


def draw(members: list[dict], facts: list[dict], quotes: list[dict], entities: list[dict],
         articles: list[dict]) -> dict[str, list[dict]]:
    """story_facts and story_quotes rows (without run_id, ingest_date) of the stories in
    `members` (story_members rows), from the rows of their member articles (others are
    ignored): facts, quotes, entities (entity_id, name) and articles (article_id,
    source_name)."""
    story_of = {m["article_id"]: m["story_id"] for m in members}
    outlets = {a["article_id"]: a.get("source_name") for a in articles
               if a["article_id"] in story_of}
    names = {e["entity_id"]: e["name"] for e in entities}
    story_facts, story_quotes = defaultdict(list), defaultdict(list)
    for fact in facts:
        if fact["article_id"] in story_of:
            story_facts[story_of[fact["article_id"]]].append(fact)
    for quote in quotes:
        if quote["article_id"] in story_of:
            story_quotes[story_of[quote["article_id"]]].append(quote)
    out: dict[str, list[dict]] = {"story_facts": [], "story_quotes": []}
    for story_id in sorted(set(story_of.values())):
        out["story_facts"] += story_fact_rows(story_id, story_facts[story_id], outlets)
        out["story_quotes"] += story_quote_rows(story_id, story_quotes[story_id], names,
                                                outlets)
    return out


def stamp(rows: list[dict], prior: list[dict], key: tuple[str, ...], run_id: str,
          today: datetime.date) -> list[dict]:
    """Rows with run_id and ingest_date: an unchanged row keeps its prior stamp, a changed
    one keeps the day it was first drawn, a new one gets today's."""
    before = {tuple(p[k] for k in key): p for p in prior}
    out = []
    for row in rows:
        old = before.get(tuple(row[k] for k in key))
        if old is not None and all(old.get(k) == v for k, v in row.items()):
            out.append(old)
        else:
            out.append({**row, "run_id": run_id,
                        "ingest_date": old["ingest_date"] if old else today})
    return out


def with_disputes(stories: list[dict], staging_url: str, paths: list[str]) -> list[dict]:
    """The run's changed stories (report.story_changes) with, for those it created or grew,
    `disputed`: the figures outlets disagree on (agreement other than agree), each with
    what is counted and every outlet's figure as written."""
    grown = {s["story_id"] for s in stories
             if s["articles_before"] is None or s["articles"] > s["articles_before"]}
    found: dict[str, list[dict]] = defaultdict(list)
    if grown and paths:
        table = load_tables(staging_url, {"story_facts": paths})["story_facts"]
        for row in table.to_pylist():
            if row["story_id"] in grown and row["agreement"] != "agree":
                found[row["story_id"]].append({
                    "kind": row["kind"], "counted": row["counted"],
                    "agreement": row["agreement"],
                    "figures": [f"{f['text']} ({f['source_name'] or f['article_id']})"
                                for f in row["figures"]]})
    return [{**s, "disputed": found.get(s["story_id"], [])} for s in stories]


@task(name="story-desk", cache_policy=NO_CACHE)
def story_desk_task(lake_url: str, staging_url: str, staged: dict[str, list[str]],
                    run_id: str, today: datetime.date) -> dict[str, list[str]]:
    """Redraw story_facts and story_quotes over the staged story_members and the lake's plus
    this run's articles. An article whose rows make drawing fail is left out of the desk
    (logged), never the run: its own tables publish as they are."""
    lake, staging = Lake(lake_url), Lake(staging_url)
    new = load_tables(staging_url, {n: staged.get(n, []) for n in
                                    [*COLUMNS, "stories", "story_members"]})
    # Only the stories this run changed are drawn again (all of them when a desk snapshot
    # is missing); the others keep their rows. Their members' rows come from the run and
    # from the desk's state, by the weeks those members are in (state.py).
    redraw_all = bool(set(KEYS) & set(lake.missing_snapshots()))
    stories = new["stories"]
    redrawn = (stories if redraw_all else stories.filter(pc.equal(stories["run_id"], run_id))
               )["story_id"].combine_chunks()
    # The lake's other stories keep their rows, in Arrow: they are most of the snapshots.
    stay = stories.filter(pc.invert(pc.is_in(stories["story_id"], value_set=redrawn))
                          )["story_id"].combine_chunks()
    snapshot = new["story_members"]
    members = snapshot.filter(pc.is_in(snapshot["story_id"], value_set=redrawn)).to_pylist()
    fresh = set(new["articles"]["article_id"].to_pylist())
    older = {m["article_id"] for m in members} - fresh
    rows = state.read(lake, _weeks(staging, staged.get("state", []), older),
                      pa.array(sorted(older), pa.string()))
    for name, columns in COLUMNS.items():
        rows[name] += new[name].select(columns).to_pylist()

    def step(some: list[dict]) -> dict[str, list[dict]]:
        return draw(some, rows["facts"], rows["quotes"], rows["entities"], rows["articles"])

    drawn, culprits = isolate(step, [m for m in members if m["article_id"] in fresh],
                              fixed=[m for m in members if m["article_id"] not in fresh])
    for member, exc in culprits:
        get_run_logger().warning("story desk: article %s left out: %s: %s",
                                 member["article_id"], type(exc).__name__, exc)
    disputed = sum(row["agreement"] != "agree" for row in drawn["story_facts"])
    get_run_logger().info("story desk: %d figures given by several articles of a story (%d "
                          "disputed), %d speakers quoted", len(drawn["story_facts"]),
                          disputed, len(drawn["story_quotes"]))
    out = {"state": [*staged.get("state", [])]}  # the desk's rows of the run's articles
    days = [d or today for d in new["articles"]["published_date"].to_pylist()]
    for key, table in state.by_week(new, days).items():
        out["state"].append(staging.path("state", key, "part.parquet"))
        staging.write_parquet(table, out["state"][-1])
    for name, key in KEYS.items():
        prior = lake.read(name)
        prior = conform(name, prior) if prior is not None else TABLES[name].empty_table()
        # Rows of stories merged away go; only the redrawn stories' rows go through Python.
        kept = prior.filter(pc.is_in(prior["story_id"], value_set=stay))
        stamped = stamp(drawn[name], prior.filter(pc.is_in(
            prior["story_id"], value_set=redrawn)).to_pylist(), key, run_id, today)
        out[name] = [staging.path(f"{name}.parquet")]
        staging.write_parquet(pa.concat_tables([kept, conform(name, stamped)]), out[name][0])
    return out


def _weeks(staging: Lake, paths: list[str], ids: set[str]) -> set[datetime.date]:
    """The weeks of these lake articles, from the clustering state's members file that the
    cluster task staged (every story member, with its week)."""
    from tasks.cluster.state import MEMBERS  # scikit-learn's package: loaded by cluster

    found = [p for p in paths if p.endswith(MEMBERS)]
    if not ids or not found:
        return set()
    members = pq.read_table(found[0], filesystem=staging.fs, columns=["article_id", "week"],
                            filters=pc.field("article_id").isin(pa.array(sorted(ids))))
    return set(pc.unique(members["week"]).to_pylist()) - {None}
