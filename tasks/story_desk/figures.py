"""Same-fact groups of one story's figures, and how the outlets' values compare.

Two figures of a story report the same fact (same_fact) when they
- are of the same kind (KILL, KIDNAP ...), or one is OTHER (a count of people that says
  nothing of what happened to them: "the 17 victims") and both make the same claim (the
  same value, qualifiers that meet: "30 victims" are not "more than 30 people" wounded);
- count compatible things (counted.Counted.compatible: "hostages" and an elided "kidnapped
  251" do; "Israelis" and "Palestinians" never do), or, with the same kind and value, claims
  that meet (claims.py) and the same groups, people named two ways by heads that do not
  exclude each other ("four Marines" / "four individuals", "two suspects" / "the two
  brothers", but never "two men" / "two children");
- give the same value when they are in one article (an article giving 242 and 254 deaths,
  or 40 and 30 killed, reports two facts); across articles, values whose claims meet
  ("more than a million" / "an estimated 1.4 million"), and for a toll (any kind but OTHER)
  also values within VALUE_SPREAD of each other (a toll rises from day to day and outlets
  round it). People merely described (OTHER: customers, students, women) do not grow
  between reports: "605,000 customers" are not the "more than 500,000" cut off days before.
So the values decide whether people in general are the people of a group or a kind: "about
1,200 people" joins "approximately 1,200 Israelis", but "at least 21 people" killed in a strike
joins neither the 1,200 killed in the attack nor the "six children" among the 21. Groups come
from complete linkage, so every two figures of a group are the same fact by these rules.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from tasks.story_desk.claims import consistent
from tasks.story_desk.counted import PEOPLE, Counted, counted

# The largest relative gap, (max - min) / max, between two articles' values of one fact:
# 250 and 251 hostages, or a toll of 3,200 and of 4,000 two days later, are one figure
# reported two ways; 21 and 1,200 killed are two figures.
VALUE_SPREAD = 0.5
# Qualifiers that make the same claim: "over 40,000" is "more than 40,000".
SAME_CLAIM = {"over": "more_than"}
OTHER = "OTHER"


def same_fact(one: tuple[Counted, dict], other: tuple[Counted, dict]) -> bool:
    """Could two figures (counted thing, facts row) report the same fact?"""
    (a, f), (b, g) = one, other
    equal, apart = f["value"] == g["value"], f["article_id"] != g["article_id"]
    # Two kinds: "the 17 victims" and "17 students ... dead"; in one article only when the
    # OTHER one is more than "N people" ("15 survivors", "15 injured survivors").
    # The same value, and qualifiers that meet: "more than 30 people" are not "30 victims".
    claimed = equal and consistent(f, g)
    if f["kind"] != g["kind"] and (OTHER not in (f["kind"], g["kind"]) or not claimed
                                   or not (apart or not (_bare(a, f) or _bare(b, g)))):
        return False
    if claimed and {f["kind"], g["kind"]} != {OTHER} and (_general(a) or _general(b)) \
            and not (a.groups or b.groups):
        # "the 17 victims" and "17 students ... dead": people in general, the same value
        return True
    if not a.compatible(b):
        # The same people named two ways ("four Marines", "four individuals"; "two suspects",
        # "the two brothers"): the same kind and value, qualifiers that meet ("over 1 million
        # people" are not "nearly 1 million customers"), the same groups if any, and names
        # that do not exclude each other ("two men", "two children").
        return claimed and f["kind"] == g["kind"] and a.groups == b.groups \
            and not a.excludes(b)
    if not apart:
        return equal
    if OTHER in (f["kind"], g["kind"]):
        return consistent(f, g)   # people described, not a toll: they do not grow
    return equal or consistent(f, g) or _gap(f["value"], g["value"]) <= VALUE_SPREAD


def _general(thing: Counted) -> bool:
    return thing.head == PEOPLE and not thing.groups


def _bare(thing: Counted, fact: dict) -> bool:
    """Only "N people": no kind, no group."""
    return fact["kind"] == OTHER and _general(thing)


def group_figures(facts: list[dict]) -> list[list[dict]]:
    """Same-fact groups of a story's figures (facts rows: kind, value, object ...), each
    group in article then offset order, the groups in order of their first figure.

    Complete-linkage clustering (scipy) over the gaps between values: the closest figures
    merge first, so "12 killed" in three articles make one group before "17 killed" could
    take one of them, and no group holds two figures that are not the same fact."""
    if len(facts) < 2:
        return [list(facts)] if facts else []
    things = [(counted(f.get("object"), f["kind"]), f) for f in facts]
    n = len(things)
    distance = np.full((n, n), _APART)
    for i, j in itertools.combinations(range(n), 2):
        if same_fact(things[i], things[j]):
            # People in general merge after specific things of the same gap.
            distance[i, j] = distance[j, i] = _gap(facts[i]["value"], facts[j]["value"]) + \
                _TIE * (_general(things[i][0]) + _general(things[j][0]))
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="complete")
    labels = fcluster(tree, t=1.0, criterion="distance")
    members: dict[int, list[dict]] = defaultdict(list)
    for label, fact in zip(labels.tolist(), facts, strict=True):
        members[label].append(fact)
    groups = [sorted(g, key=lambda f: (f["article_id"], f["start"])) for g in members.values()]
    return sorted(groups, key=lambda g: (g[0]["article_id"], g[0]["start"]))


_APART = 2.0   # distance of two figures that are not the same fact: above any gap (<= 1)
_TIE = 1e-6


def _gap(a: int, b: int) -> float:
    high = max(abs(a), abs(b))
    return abs(a - b) / high if high else 0.0


def agreement(figures: list[dict]) -> str:
    """agree (same value and claim), qualifier_differs (same value, e.g. "about" against
    "nearly") or values_differ."""
    if len({f["value"] for f in figures}) > 1:
        return "values_differ"
    claims = {SAME_CLAIM.get(f["qualifier"], f["qualifier"]) for f in figures}
    return "agree" if len(claims) == 1 else "qualifier_differs"


def story_fact_rows(story_id: str, facts: list[dict], outlets: dict[str, str | None]
                    ) -> list[dict]:
    """story_facts rows of one story: a row per same-fact group that more than one article
    reports. facts: the member articles' facts rows; outlets: article_id -> source_name."""
    rows = []
    for group in group_figures(facts):
        articles = {f["article_id"] for f in group}
        if len(articles) < 2:
            continue
        thing = _label(group)
        values = [f["value"] for f in group]
        kind = next((f["kind"] for f in group if f["kind"] != OTHER), OTHER)
        rows.append({
            "story_fact_id": f"{story_id}:" + hashlib.sha256(
                f"{kind}|{thing}|{group[0]['fact_id']}".encode()).hexdigest()[:12],
            "story_id": story_id,
            "kind": kind,
            "counted": thing,
            "value_min": min(values),
            "value_max": max(values),
            "article_count": len(articles),
            "source_count": len({source_key(outlets.get(a), a) for a in articles}),
            "agreement": agreement(group),
            "figures": [{"fact_id": f["fact_id"], "article_id": f["article_id"],
                         "source_name": outlets.get(f["article_id"]), "value": f["value"],
                         "qualifier": f["qualifier"], "object": f.get("object"),
                         "attribution": f.get("attribution"), "text": f["text"],
                         "start": f["start"], "end": f["end"]} for f in group],
        })
    return rows


def _label(group: list[dict]) -> str:
    """The group's counted thing, as its most specific member names it."""
    things = [counted(f.get("object"), f["kind"]) for f in group]
    return max(things, key=lambda t: (len(t.groups), t.head != PEOPLE, t.label)).label


def source_key(outlet: str | None, article_id: str) -> str:
    """An outlet, spelling case aside; an article of unknown outlet counts as its own."""
    return " ".join(outlet.casefold().split()) if (outlet or "").strip() else f"#{article_id}"


def by_article(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row["article_id"]].append(row)
    return out
