"""Story clustering: the five seed accounts of one trip, unrelated news, duplicates, stable ids."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest

from tasks.cluster import (
    YEAR_CLASH,
    assign_ids,
    average_linkage,
    cluster_stories,
    entity_vectors,
    neighbour_edges,
    number_vectors,
    text_vectors,
    year_vectors,
)
from tasks.schemas import conform

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
AUG = datetime.date(2024, 8, 18)
BLINKEN, ISRAEL, HAMAS = "person/antony-blinken", "gpe/israel", "org/hamas"
NETANYAHU, GAZA, EGYPT = "person/benjamin-netanyahu", "gpe/gaza", "gpe/egypt"
SEED_ENTITIES = [
    {BLINKEN: 5, ISRAEL: 4, HAMAS: 4, NETANYAHU: 2, GAZA: 3, EGYPT: 2, "gpe/qatar": 1},
    {BLINKEN: 3, ISRAEL: 5, HAMAS: 3, NETANYAHU: 1, GAZA: 3, EGYPT: 3,
     "person/abdel-fattah-el-sisi": 1, "person/joe-biden": 1},
    {BLINKEN: 6, ISRAEL: 3, HAMAS: 3, NETANYAHU: 3, GAZA: 2, EGYPT: 1, "gpe/tel-aviv": 1},
    {BLINKEN: 3, ISRAEL: 4, HAMAS: 2, NETANYAHU: 3, EGYPT: 1, "gpe/cairo": 1, "gpe/qatar": 1},
    {BLINKEN: 5, ISRAEL: 3, HAMAS: 3, NETANYAHU: 1, GAZA: 1, "person/isaac-herzog": 2},
]
UNRELATED = [
    ("Real Madrid beat Mallorca in La Liga opener",
     "Real Madrid opened the La Liga season with a two-goal win over Mallorca at the Santiago "
     "Bernabeu. Kylian Mbappe scored on his league debut and coach Carlo Ancelotti praised the "
     "midfield. Mallorca coach Jagoba Arrasate said his side defended well for an hour.",
     {"org/real-madrid": 3, "org/mallorca": 3, "person/kylian-mbappe": 2,
      "person/carlo-ancelotti": 1, "fac/santiago-bernabeu": 1}),
    ("Nvidia shares climb before quarterly earnings",
     "Nvidia shares rose four percent as investors bet that demand for artificial intelligence "
     "chips will lift quarterly revenue again. Analysts at Morgan Stanley raised their price "
     "target, citing data centre orders from Microsoft and Meta.",
     {"org/nvidia": 3, "org/morgan-stanley": 1, "org/microsoft": 1, "org/meta": 1}),
]


def article(aid: str, body: str, *, title: str | None = None, date: datetime.date | None = AUG,
            source: str | None = None, duplicate_of: str | None = None,
            entities: dict[str, int] | None = None) -> dict:
    return {"article_id": aid, "title": title, "body": body, "published_date": date,
            "source_name": source, "duplicate_of": duplicate_of, "entities": entities or {}}


@pytest.fixture(scope="module")
def seeds() -> list[dict]:
    files = sorted(RAW.glob("*.txt"))
    assert len(files) == 5
    return [article(f"seed{i}", f.read_text(encoding="utf-8"), source=f"outlet{i}",
                    date=AUG + datetime.timedelta(days=i % 2), entities=SEED_ENTITIES[i])
            for i, f in enumerate(files)]


@pytest.fixture(scope="module")
def others() -> list[dict]:
    return [article(f"other{i}", body, title=title, entities=ents, source="wire")
            for i, (title, body, ents) in enumerate(UNRELATED)]


def story_of(members: list[dict]) -> dict[str, str]:
    return {m["article_id"]: m["story_id"] for m in members}


def test_seeds_form_one_story_and_unrelated_stay_apart(seeds, others):
    stories, members = cluster_stories(seeds + others, {}, {})
    story = story_of(members)
    assert len({story[a["article_id"]] for a in seeds}) == 1
    assert len({story[s] for s in ["seed0", "other0", "other1"]}) == 3
    seed_story = next(s for s in stories if s["story_id"] == story["seed0"])
    assert seed_story["article_count"] == 5 and seed_story["source_count"] == 5
    assert seed_story["first_published"] == AUG
    assert seed_story["last_published"] == AUG + datetime.timedelta(days=1)
    assert seed_story["top_entities"][:2] == [BLINKEN, ISRAEL]
    assert len(seed_story["top_entities"]) == 5
    assert {s["title"] for s in stories} >= {t for t, _, _ in UNRELATED}


def test_story_title_is_a_headline_and_sources_are_counted_by_known_outlet(seeds):
    """Seed texts carry no metadata: titles and outlets as clean left them (a time stamp
    taken for a title by an older run, no title at all, outlets spelled two ways)."""
    members = [{**a, "title": title, "source_name": source}
               for a, title, source in zip(seeds, ["20:09 IST", None, "", "Reuters", None],
                                           ["Breitbart", "breitbart", None, "Reuters", None],
                                           strict=True)]
    stories, _ = cluster_stories(members, {}, {})
    [story] = stories
    assert story["source_count"] == 2  # Breitbart (twice spelled), Reuters; two unknown
    title = story["title"]
    assert title and title.strip() == title and len(title) <= 151
    first = min(members, key=lambda a: (a["published_date"], a["article_id"]))
    assert title.rstrip("…") in " ".join(first["body"].split())  # its lead sentence


def test_same_kind_of_event_a_year_apart_is_another_story(seeds):
    later = [{**a, "article_id": a["article_id"] + "-2025",
              "published_date": a["published_date"] + datetime.timedelta(days=365)}
             for a in seeds]
    _, members = cluster_stories(seeds + later, {}, {})
    story = story_of(members)
    assert story["seed0"] == story["seed4"] != story["seed0-2025"] == story["seed4-2025"]


def test_near_duplicate_joins_its_originals_story(seeds, others):
    copy = article("copy", seeds[0]["body"][:200], source="aggregator", duplicate_of="seed0",
                   date=AUG + datetime.timedelta(days=3))
    stories, members = cluster_stories(seeds + others + [copy], {}, {})
    story = story_of(members)
    assert story["copy"] == story["seed0"]
    row = next(s for s in stories if s["story_id"] == story["seed0"])
    assert row["article_count"] == 6 and row["source_count"] == 6
    assert row["last_published"] == AUG + datetime.timedelta(days=3)


def test_incremental_run_keeps_story_ids(seeds, others):
    first_stories, first_members = cluster_stories(seeds[:3] + others[:1], {}, {})
    created = {s["story_id"]: AUG for s in first_stories}
    _, members = cluster_stories(seeds + others, story_of(first_members), created)
    before, after = story_of(first_members), story_of(members)
    assert all(after[aid] == sid for aid, sid in before.items())
    assert after["seed4"] == after["seed0"]
    assert after["other1"] not in created


def test_bridging_cluster_takes_the_older_id():
    clusters = [["a", "b", "c"], ["d"]]
    prior = {"a": "st-new", "b": "st-old", "d": "st-old"}
    created = {"st-new": datetime.date(2024, 8, 2), "st-old": datetime.date(2024, 8, 1)}
    # st-old is oldest; it goes to the cluster holding most of its members (a tie: 1 and 1,
    # broken by smallest article id), and st-new then has no free cluster left for it.
    assert assign_ids(clusters, prior, created) == ["st-old", assign_ids([["d"]], {}, {})[0]]
    assert assign_ids([["a", "b", "d"]], prior, created) == ["st-old"]


def test_bridging_article_merges_stories_under_the_older_id(seeds):
    # Two halves of the seed story clustered apart earlier; together they are one story.
    prior = {"seed0": "st-b", "seed1": "st-b", "seed2": "st-a", "seed3": "st-a", "seed4": "st-a"}
    created = {"st-a": datetime.date(2024, 8, 19), "st-b": datetime.date(2024, 8, 18)}
    stories, members = cluster_stories(seeds, prior, created)
    assert [s["story_id"] for s in stories] == ["st-b"]
    assert {m["story_id"] for m in members} == {"st-b"}


def test_rerun_on_own_output_is_identical(seeds, others):
    copy = article("copy", seeds[1]["body"], duplicate_of="seed1")
    articles = seeds + others + [copy]
    stories, members = cluster_stories(articles, {}, {})
    created = {s["story_id"]: AUG for s in stories}
    again = cluster_stories(list(reversed(articles)), story_of(members), created)
    assert again == (stories, members)
    assert stories == sorted(stories, key=lambda s: s["story_id"])


def test_rows_conform_to_the_declared_schemas(seeds, others):
    stories, members = cluster_stories(seeds + others, {}, {})
    day = datetime.date(2024, 8, 20)
    assert conform("stories", stories, run_id="r", ingest_date=day).num_rows == 3
    assert conform("story_members", members, run_id="r", ingest_date=day).num_rows == 7
    assert cluster_stories([], {}, {}) == ([], [])


def test_average_linkage_needs_the_mean_not_one_strong_pair():
    # 0-1 strong, 2 attached to 1 only: the mean to {0, 1} is 0.45 / 2 < 0.3, so 2 stays out.
    edges = {(0, 1): 0.9, (1, 2): 0.45}
    assert average_linkage(3, edges, 0.3) == [0, 0, 1]
    assert average_linkage(3, edges, 0.2) == [0, 0, 0]


def test_disjoint_mentioned_years_weaken_a_pair(seeds):
    # The same text twice, undated: identical unless the years they mention do not overlap.
    def pair(first: list[datetime.date], second: list[datetime.date]) -> float:
        twins = [{**seeds[0], "article_id": aid, "published_date": None, "mentioned_dates": d}
                 for aid, d in (("a", first), ("b", second))]
        text = text_vectors([t["body"] for t in twins])
        days = np.full(2, np.nan)
        return neighbour_edges(text, entity_vectors([{}, {}]), days, year_vectors(twins))[0, 1]
    y2008 = [datetime.date(2008, 12, 1)]
    y2013 = [datetime.date(2013, 5, 2), datetime.date(2008, 1, 1)]
    assert pair(y2008, []) == pytest.approx(1.0)
    assert pair(y2008, y2013) == pytest.approx(1.0)          # 2008 mentioned by both
    assert pair(y2008, y2013[:1]) == pytest.approx(YEAR_CLASH)


def test_candidate_index_is_bounded_and_keeps_same_event_pairs() -> None:
    import numpy as np

    from tasks.cluster import MAX_CANDIDATES, candidate_pairs, entity_vectors, index_keys
    from tasks.cluster import text_vectors as vectors

    # 600 near-identical articles on one day share every key: each keeps at most the cap.
    crowd = [f"The city council met on budget day {i % 3} and voted on taxes." for i in range(600)]
    event = ["A magnitude 6.1 earthquake struck Aceh in Indonesia, killing 12 people.",
             "Twelve people died when a 6.1 quake hit Indonesia's Aceh province."]
    texts = crowd + event
    keys = index_keys(vectors(texts), entity_vectors([{}] * len(texts)))
    days = np.zeros(len(texts))
    a, b = candidate_pairs(keys, days)
    per_article = np.bincount(np.r_[a, b], minlength=len(texts))
    assert per_article.max() <= MAX_CANDIDATES
    assert (600, 601) in set(zip(a.tolist(), b.tolist(), strict=True))
    # a month apart is outside the 7-day date gate: no candidate across it
    days[601] = 30
    a, b = candidate_pairs(keys, days)
    assert (600, 601) not in set(zip(a.tolist(), b.tolist(), strict=True))


def test_different_figures_weaken_a_pair_and_missing_figures_do_not():
    # Two quakes of one kind: same words, different magnitude and toll; a third report of the
    # first quake gives no figures at all, so the figures neither help nor hurt it.
    texts = ["A magnitude 6.1 earthquake hit the province on Sunday, killing 24 people.",
             "A magnitude 5.4 earthquake hit the province on Sunday, killing 3 people.",
             "An earthquake hit the province on Sunday, killing dozens of people.",
             "Markets closed higher on Friday after a quiet session."]
    text, numbers = text_vectors(texts), number_vectors(texts)
    assert number_vectors(["100,000 people and 6.1 magnitude"]).nnz == 2
    days = np.full(len(texts), np.nan)
    with_numbers = neighbour_edges(text, entity_vectors([{}] * 4), days, None, numbers)
    without = neighbour_edges(text, entity_vectors([{}] * 4), days)
    assert with_numbers[0, 1] < without[0, 1] / 1.5
    assert with_numbers[0, 2] == pytest.approx(without[0, 2])


def test_pairs_outside_both_nearest_lists_count_at_a_discount(monkeypatch):
    import tasks.cluster as cluster

    # Six reports each of two arrests of the same kind: every report's five nearest are its own
    # story's other reports, so a pair across the two stories is in no nearest list.
    variants = [("Tuesday", ""), ("Tuesday morning", " early"), ("on Tuesday", ""),
                ("Tuesday", " today"), ("early Tuesday", ""), ("Tuesday", " again")]

    def reports(who: str) -> list[str]:
        return [f"{who} was arrested on suspicion of drunk driving {day}, police said; the team "
                f"said it was aware of the arrest{extra}." for day, extra in variants]
    texts = reports("Receiver Vincent Jackson") + reports("Lineman Jamal Williams")
    text, ents, days = text_vectors(texts), entity_vectors([{}] * 12), np.full(12, np.nan)
    edges = neighbour_edges(text, ents, days)
    monkeypatch.setattr(cluster, "NEAR_K", len(texts))
    full = neighbour_edges(text, ents, days)
    assert edges[0, 1] == pytest.approx(full[0, 1])
    assert edges[0, 6] == pytest.approx(cluster.FAR_WEIGHT * full[0, 6])


def test_eval_stories_command_scores_a_file_in_ecbplus_format(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from flows.cli import app

    events = {"1a": ["A magnitude 6.1 earthquake struck Aceh, killing 24 people.",
                     "The 6.1 quake in Aceh killed 24 and flattened homes.",
                     "Rescuers in Aceh dug for survivors after the deadly 6.1 tremor."],
              "1b": ["Voters in Turkmenistan elected a new parliament.",
                     "Turkmenistan's parliamentary election drew a high turnout.",
                     "Observers criticised the Turkmenistan vote for parliament."]}
    lines = [{"doc_id": f"{cluster}_{i}", "topic": 1, "cluster": cluster, "url": None,
              "text": text} for cluster, texts in events.items() for i, text in enumerate(texts)]
    path = tmp_path / "ecb.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    result = CliRunner().invoke(app, ["eval", "stories", "--path", str(path), "--augment"])
    assert result.exit_code == 0, result.output
    assert "6 documents, 1 topics" in result.output and "4x augmented" in result.output
    b3_f1 = next(line for line in result.output.splitlines() if line.startswith("b3_f1"))
    assert float(b3_f1.split()[1]) == 1.0  # two plainly different events, three reports each


def test_scale_check_times_clustering_at_each_size(tmp_path) -> None:
    import gzip
    import json

    from evaluation.stories import report_scale, score_scale

    towns = ["Leeds", "Derby", "Bath", "York", "Hull", "Ely"]
    rows = [{"id": i, "title": f"Flood in {towns[i % 6]}", "date": f"2020-05-{1 + i % 6:02d}",
             "source": f"outlet {i % 3}",
             "text": f"Floods hit {towns[i % 6]} on Monday and {10 + i % 6} homes were lost."}
            for i in range(24)]
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r) for r in rows))
    scale = score_scale(str(corpus), sizes=(6, 24))
    assert scale[6]["stories"] == 6 and scale[24]["stories"] == 6  # one flood a town
    assert "24 / 6:" in report_scale(scale)
