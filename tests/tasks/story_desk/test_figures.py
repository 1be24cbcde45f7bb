"""Same-fact grouping of a story's figures, on hand-written facts rows."""

from __future__ import annotations

import pytest

from tasks.story_desk.counted import counted
from tasks.story_desk.figures import agreement, group_figures, story_fact_rows


def fact(article: str, start: int, kind: str, value: int, obj: str | None,
         qualifier: str = "exact") -> dict:
    text = f"{value} {obj or ''}".strip()
    return {"fact_id": f"{article}:{start}", "article_id": article, "kind": kind,
            "value": value, "qualifier": qualifier, "object": obj, "attribution": None,
            "text": text, "start": start, "end": start + len(text)}


@pytest.mark.parametrize(("obj", "kind", "label"), [
    ("hostages", "KIDNAP", "people"),
    (None, "KIDNAP", "people"),                     # "kidnapped 251"
    ("people", "KIDNAP", "people"),                 # "251 people taken hostage"
    ("Israelis", "KILL", "people (israeli)"),
    ("Palestinian deaths", "KILL", "people (palestinian)"),
    ("deaths", "KILL", "people"),
    ("children", "KILL", "child"),
    ("its staff members", "KILL", "member"),
    ("U.S. Marines", "KILL", "marine (u.s.)"),
    ("Hamas combatants", "KILL", "combatant (hamas)"),
    ("three kids", "OTHER", "child"),                # another word for one head
    ("two policemen", "KILL", "officer"),
])
def test_counted_thing(obj: str | None, kind: str, label: str) -> None:
    assert counted(obj, kind).label == label


def test_people_in_general_join_a_group_only_when_the_values_agree() -> None:
    facts = [fact("a", 10, "KILL", 1200, "people", "about"),
             fact("b", 10, "KILL", 1200, "Israelis", "about"),
             fact("c", 10, "KILL", 21, "people", "at_least")]    # another attack
    groups = group_figures(facts)
    assert [[f["fact_id"] for f in g] for g in groups] == [["a:10", "b:10"], ["c:10"]]


@pytest.mark.parametrize(("one", "other", "article"), [
    (("KILL", 6, "children"), ("KILL", 21, "people"), "b"),      # the seeds' strike
    (("KILL", 207, "its staff members"), ("KILL", 40000, "Palestinians"), "b"),
    (("KILL", 1200, "Israelis"), ("KILL", 1200, "Palestinians"), "b"),
    (("KILL", 250, "people"), ("KIDNAP", 250, "hostages"), "b"),
    (("OTHER", 13, "people"), ("KILL", 13, "people"), "a"),     # a bare "N people"
    (("OTHER", 2, "men"), ("OTHER", 2, "children"), "b"),      # heads that exclude each other
    (("KILL", 3, "boys"), ("KILL", 3, "women"), "b"),
    (("OTHER", 605_000, "customers"), ("OTHER", 500_000, "customers", "more_than"), "b"),
    (("OTHER", 1_000_000, "people", "over"), ("OTHER", 1_000_000, "customers", "nearly"), "b"),
    (("OTHER", 30, "victims"), ("WOUND", 30, "people", "more_than"), "b"),  # claims apart
    (("OTHER", 30, "victims"), ("OTHER", 30, "people", "more_than"), "b"),
])
def test_different_things_never_share_a_row(one: tuple, other: tuple, article: str) -> None:
    assert len(group_figures([fact("a", 1, *one), fact(article, 50, *other)])) == 2


@pytest.mark.parametrize(("one", "other"), [
    (("KILL", 4, "Marines"), ("KILL", 4, "individuals")),        # two outlets, two names
    (("OTHER", 2, "suspects"), ("OTHER", 2, "brothers")),
    (("OTHER", 17, "victims"), ("KILL", 17, "students")),
    (("WOUND", 15, "injured survivors"), ("OTHER", 15, "survivors")),
    (("OTHER", 3, "kids"), ("OTHER", 3, "children")),             # one head, another word
    (("KILL", 2, "policemen"), ("KILL", 2, "police officers")),
    (("OTHER", 1_000_000, "people", "more_than"), ("OTHER", 1_400_000, "people")),
])
def test_the_same_people_named_two_ways_share_a_row(one: tuple, other: tuple) -> None:
    assert len(group_figures([fact("a", 1, *one), fact("b", 1, *other)])) == 1


def test_one_article_s_two_values_are_two_facts_and_tolls_rise_across_articles() -> None:
    facts = [fact("a", 1, "KILL", 242, "deaths"), fact("a", 60, "KILL", 254, "deaths"),
             fact("b", 1, "KILL", 3200, "dead"), fact("c", 1, "KILL", 4000, "deaths")]
    assert [len(g) for g in group_figures(facts)] == [1, 1, 2]


def test_people_described_do_not_grow_between_reports() -> None:
    # A toll of 3,200 and one of 4,000 are one fact; 3,200 and 4,000 students are not.
    facts = [fact("a", 1, "OTHER", 3200, "students"), fact("b", 1, "OTHER", 4000, "students")]
    assert [len(g) for g in group_figures(facts)] == [1, 1]


def test_general_figure_does_not_bridge_two_groups() -> None:
    facts = [fact("a", 1, "KILL", 100, "Israelis"), fact("b", 1, "KILL", 100, "Palestinians"),
             fact("c", 1, "KILL", 100, "people")]
    groups = group_figures(facts)
    assert len(groups) == 2 and sum(len(g) for g in groups) == 3


@pytest.mark.parametrize(("given", "expected"), [
    ([(250, "about"), (251, "exact")], "values_differ"),
    ([(1200, "about"), (1200, "nearly")], "qualifier_differs"),
    ([(40000, "more_than"), (40000, "over")], "agree"),           # the same claim
    ([(5, "exact"), (5, "exact")], "agree"),
])
def test_agreement(given: list[tuple[int, str]], expected: str) -> None:
    assert agreement([{"value": v, "qualifier": q} for v, q in given]) == expected


def test_rows_need_two_articles_and_count_outlets() -> None:
    facts = [fact("a", 1, "KILL", 27, "Palestinians"), fact("a", 90, "KILL", 27, "people"),
             fact("b", 5, "KILL", 30, "Palestinians"), fact("c", 5, "KILL", 27, "Palestinians"),
             fact("a", 50, "WOUND", 3, "people")]                  # one article only: no row
    [row] = story_fact_rows("st-1", facts, {"a": "AP", "b": "ap ", "c": None})
    assert row["counted"] == "people (palestinian)" and row["agreement"] == "values_differ"
    assert (row["value_min"], row["value_max"]) == (27, 30)
    assert row["article_count"] == 3 and row["source_count"] == 2   # AP twice; c unknown
    assert [f["fact_id"] for f in row["figures"]] == ["a:1", "a:90", "b:5", "c:5"]
    assert row["story_fact_id"].startswith("st-1:")
