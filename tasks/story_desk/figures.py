"""Same-fact groups of one story's figures, and how the outlets' values compare.

Two figures of a story report the same fact when they are of the same kind (KILL, KIDNAP
...), count compatible things (counted.Counted.compatible: "hostages" and an elided "kidnapped
251" do; "children" and "people", "Israelis" and "Palestinians" never do) and give values
within VALUE_SPREAD of each other. The values decide whether people in general are the
people of a group: "about 1,200 people" joins "approximately 1,200 Israelis", but "at least 21
people" killed in one strike does not join the 1,200 killed in the attack. A group grows by
complete linkage: a figure joins the group whose every member it fits, the closest by value
first; figures naming a group or a specific noun are placed before people in general, so the
general ones join the specific ones rather than seed groups of their own.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from tasks.story_desk.counted import Counted, counted

# The largest relative gap, (max - min) / max, between values of one fact: 250 and 251
# hostages are one figure reported two ways, 21 and 1,200 killed are two figures.
VALUE_SPREAD = 0.25
# Qualifiers that make the same claim: "over 40,000" is "more than 40,000".
SAME_CLAIM = {"over": "more_than"}


def group_figures(facts: list[dict]) -> list[list[dict]]:
    """Same-fact groups of a story's figures (facts rows: kind, value, object ...), each
    group in article then offset order, the groups in order of their first figure."""
    placed: list[tuple[str, list[tuple[Counted, dict]]]] = []
    things = [(counted(f.get("object"), f["kind"]), f) for f in facts]
    # Specific things first, then people in general; within each, in reading order.
    order = sorted(things, key=lambda tf: (not (tf[0].groups or tf[0].head != "people"),
                                           tf[1]["article_id"], tf[1]["start"]))
    for thing, fact in order:
        fits = [(min(_gap(fact["value"], f["value"]) for _, f in members), i)
                for i, (kind, members) in enumerate(placed)
                if kind == fact["kind"] and all(
                    thing.compatible(t) and _gap(fact["value"], f["value"]) <= VALUE_SPREAD
                    for t, f in members)]
        if fits:
            placed[min(fits)[1]][1].append((thing, fact))
        else:
            placed.append((fact["kind"], [(thing, fact)]))
    groups = [sorted((f for _, f in members), key=lambda f: (f["article_id"], f["start"]))
              for _, members in placed]
    return sorted(groups, key=lambda g: (g[0]["article_id"], g[0]["start"]))


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
        rows.append({
            "story_fact_id": f"{story_id}:" + hashlib.sha256(
                f"{group[0]['kind']}|{thing}|{group[0]['fact_id']}".encode()).hexdigest()[:12],
            "story_id": story_id,
            "kind": group[0]["kind"],
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
    return max(things, key=lambda t: (len(t.groups), t.head != "people", t.label)).label


def source_key(outlet: str | None, article_id: str) -> str:
    """An outlet, spelling case aside; an article of unknown outlet counts as its own."""
    return " ".join(outlet.casefold().split()) if (outlet or "").strip() else f"#{article_id}"


def by_article(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row["article_id"]].append(row)
    return out
