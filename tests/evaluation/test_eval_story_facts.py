"""The same-fact scorer on a tiny synthetic story, and the shipped gold's shape."""

from __future__ import annotations

import pytest

from evaluation.story_facts import SPLITS, align, load_gold, locate, score_story, totals

BODY_A = "Hamas killed 1,200 people and took 250 hostages. Later 21 people died in a strike."
BODY_B = "About 1,200 Israelis were killed and 251 were kidnapped."


def gold(article: str, body: str, text: str, group: str, occurrence: int = 0) -> dict:
    start, end = locate(body, text, occurrence)
    return {"article_id": article, "text": text, "occurrence": occurrence, "group": group,
            "start": start, "end": end}


def fact(article: str, body: str, text: str, kind: str, value: int, obj: str | None,
         qualifier: str = "exact") -> dict:
    start = body.index(text)
    return {"fact_id": f"{article}:{start}", "article_id": article, "kind": kind,
            "value": value, "qualifier": qualifier, "object": obj, "attribution": None,
            "text": text, "start": start, "end": start + len(text)}


FIGURES = [gold("a", BODY_A, "1,200", "toll"), gold("a", BODY_A, "250", "hostages"),
           gold("a", BODY_A, "21", "strike"), gold("b", BODY_B, "1,200", "toll"),
           gold("b", BODY_B, "251", "hostages")]


def test_pairs_precision_recall_and_missed_figures() -> None:
    facts = [fact("a", BODY_A, "1,200 people", "KILL", 1200, "people"),
             fact("a", BODY_A, "250 hostages", "KIDNAP", 250, "hostages"),
             fact("a", BODY_A, "21 people", "KILL", 21, "people"),
             fact("b", BODY_B, "About 1,200 Israelis", "KILL", 1200, "Israelis", "about")]
    result = score_story(FIGURES, facts)            # "251 were kidnapped" was not extracted
    assert result["found"] == 4
    assert {(a, b) for a, b, _ in result["gold"]} == {(0, 3)}
    assert {(a, b) for a, b, _ in result["predicted"]} == {(0, 3)}
    scores = totals([result])
    assert (scores["precision"], scores["recall"], scores["missed"]) == (1.0, 1.0, 1)


def test_a_wrong_merge_costs_precision_and_a_missed_merge_recall() -> None:
    facts = [fact("a", BODY_A, "1,200 people", "KILL", 1200, "people"),
             fact("a", BODY_A, "250 hostages", "KIDNAP", 250, "hostages"),
             fact("b", BODY_B, "About 1,200 Israelis", "KILL", 1200, "Israelis", "about"),
             fact("b", BODY_B, "251", "KILL", 251, None)]   # the wrong kind: not grouped
    result = score_story(FIGURES, facts)
    scores = totals([result])
    assert scores["pairs_gold"] == 2 and scores["pairs_right"] == 1
    assert scores["recall"] == pytest.approx(0.5) and scores["precision"] == 1.0
    # A figure lying outside every extracted span is missed, not aligned.
    assert align([gold("a", BODY_A, "21", "x")], facts) == {}


def test_shipped_gold_has_train_dev_test_and_test2_stories() -> None:
    stories = load_gold()
    assert [sum(s["split"] == split for s in stories) for split in SPLITS] == [22, 15, 15, 21]
    articles = [a for s in stories for a in s["articles"]]
    assert len(set(articles)) == len(articles)  # no article in two stories
    assert len({s["story_id"] for s in stories}) == len(stories)
    for story in stories:
        assert all(f["article_id"] in story["articles"] for f in story["figures"])
        assert all(f["group"].startswith(story["story"] + "-") for f in story["figures"])
