"""The cluster stage over runs: only the weeks in reach are read, ids stay stable, the state
is published with the run and rebuilt from the published tables when missing."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.cluster import state
from tasks.cluster.stage import cluster_task
from tasks.lake import Lake
from tasks.publish import staged_state
from tasks.schemas import conform

RAW = Path(__file__).resolve().parents[3] / "data" / "raw"
AUG = datetime.date(2024, 8, 18)
SEED_ENTITIES = {"person/antony-blinken": 5, "gpe/israel": 4, "org/hamas": 4, "gpe/gaza": 2}
_runs = itertools.count()


def article(aid: str, body: str, date: datetime.date | None, title: str | None = None,
            duplicate_of: str | None = None) -> dict:
    return {"article_id": aid, "source_uri": f"file:{aid}", "source_name": f"outlet-{aid}",
            "source_name_source": "metadata", "title": title, "published_date": date,
            "published_date_source": "metadata" if date else "none", "language": "en",
            "body": body, "word_count": len(body.split()), "duplicate_of": duplicate_of,
            "ingested_at": datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)}


def seeds() -> list[dict]:
    files = sorted(RAW.glob("*.txt"))
    return [article(f"seed{i}", f.read_text(encoding="utf-8"), AUG + datetime.timedelta(i % 2))
            for i, f in enumerate(files)]


FAR = [article("far0", "The city council approved a new budget for road repairs and school "
               "buses after a long debate on property taxes.", datetime.date(2019, 3, 4),
               "Council approves road budget")]


def run(lake: Lake, new: list[dict], today: datetime.date = datetime.date(2026, 1, 5)
        ) -> dict[str, pa.Table]:
    """One run's clustering and publish, as the flow does it."""
    run_id = f"run{next(_runs)}"
    staging = Lake(lake.uri("_state", "staging", run_id))
    tables = {"articles": conform("articles", new, run_id=run_id),
              "entities": conform("entities", [
                  {"article_id": a["article_id"], "entity_id": eid, "name": eid, "label": "GPE",
                   "mention_count": n, "aliases": [], "roles": []}
                  for a in new if a["article_id"].startswith("seed")
                  for eid, n in SEED_ENTITIES.items()], run_id=run_id),
              "dates": conform("dates", [], run_id=run_id)}
    staged = {}
    for name, table in tables.items():
        staged[name] = [staging.path(f"{name}.parquet")]
        staging.write_parquet(table, staged[name][0])
    out = cluster_task.fn(lake.url, staging.url, staged, run_id, today)
    for name in ("stories", "story_members"):
        tables[name] = pq.read_table(out[name][0], filesystem=staging.fs)
    lake.publish(run_id, today.isoformat(), tables, staged_state(staging.url, out["state"]),
                 {"run_id": run_id})
    return tables


def story_of(members: pa.Table) -> dict[str, str]:
    return dict(zip(members["article_id"].to_pylist(), members["story_id"].to_pylist(),
                    strict=True))


def test_a_run_reclusters_only_the_weeks_in_reach_and_keeps_ids(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    first = story_of(run(lake, seeds()[:3] + FAR)["story_members"])
    assert len({first["seed0"], first["seed1"], first["seed2"]}) == 1
    far_week = lake.path("_state", state.ROOT, "features", "week=2019-03-04")
    far_file = lake.fs.ls(far_week)[0]
    with lake.fs.open(far_file, "wb") as fh:  # were it read, the run would fail
        fh.write(b"not parquet")
    members = run(lake, seeds()[3:])["story_members"]
    after = story_of(members)
    assert after["seed3"] == after["seed4"] == first["seed0"]
    assert after["far0"] == first["far0"]  # carried over untouched
    assert members.num_rows == 6
    tracked = state.read_members(lake)
    assert sorted(tracked["article_id"].to_pylist()) == sorted(after)


def test_a_copy_joins_its_originals_story_from_beyond_the_window(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    first = story_of(run(lake, FAR)["story_members"])
    copy = article("copy0", FAR[0]["body"], datetime.date(2024, 1, 1), duplicate_of="far0")
    after = story_of(run(lake, [copy])["story_members"])
    assert after["copy0"] == after["far0"] == first["far0"]


def test_undated_articles_are_windowed_by_their_ingest_day(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    run(lake, seeds()[:3])
    undated = seeds()[3]
    undated["published_date"] = None
    near = story_of(run(lake, [undated], today=AUG)["story_members"])
    assert near["seed3"] == near["seed0"]
    later = seeds()[4]
    later["published_date"] = None
    far = story_of(run(lake, [later], today=AUG + datetime.timedelta(days=60))["story_members"])
    assert far["seed4"] != far["seed0"]
    weeks = lake.fs.ls(lake.path("_state", state.ROOT, "features"))
    assert any(w.endswith("week=2024-10-14") for w in weeks)


def test_a_missing_or_older_state_is_rebuilt_from_the_published_tables(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    first = story_of(run(lake, seeds()[:3] + FAR)["story_members"])
    lake.fs.rm(lake.path("_state", "stories"), recursive=True)
    lake.fs.makedirs(lake.path("_state", "stories", "v0"))  # an older layout goes too
    after = story_of(run(lake, seeds()[3:])["story_members"])
    assert state.ready(lake)
    assert not lake.fs.exists(lake.path("_state", "stories", "v0"))
    assert after["seed4"] == first["seed0"] and after["far0"] == first["far0"]
    state.rebuild(lake)
    assert sorted(state.read_members(lake)["article_id"].to_pylist()) == sorted(after)
    assert state.read_features(lake, None).num_rows == 6
