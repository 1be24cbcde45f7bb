"""Templated text, dedup's worst case: short market briefs from a few templates, and their
bodies as cleaned article rows."""

from __future__ import annotations

import random

import pyarrow as pa

from tasks.clean import article_id

# Short market briefs made from a few templates, as a feed of generated wire copy delivers
# them: every record shares most of its words with thousands of others, so LSH buckets
# crowd. From least to most fixed text (the third template's fills are all near copies).
TEMPLATES = [
    "Shares of {company} rose {pct}% to ${price} on {weekday} after the {sector} group "
    "reported {quarter} results, analysts at {bank} in {city} said.",
    "Shares of {company} rose {pct}% to ${price} on {weekday}, after the {sector} group "
    "reported {quarter} results above forecasts. Analysts at {bank} said the gain was the "
    "largest in the sector this year. Trading volume in {city} was well above its 30-day "
    "average, and the company did not respond to a request for comment.",
    "The company said on {weekday} that it expects full-year revenue to be in line with "
    "guidance, citing steady demand across its main markets and lower input costs. Chief "
    "executive officers of peers have made similar remarks in recent weeks. {company} shares "
    "closed {pct}% higher at ${price}. The stock has gained this year, outperforming the "
    "broader market, according to data compiled by the exchange. Analysts at {bank} rate it "
    "a buy.",
]
_SYLLABLES = ["ac", "bel", "cor", "dan", "ex", "fin", "gal", "hor", "ion", "jet", "kor", "lum",
              "mar", "nor", "ox", "pra", "quin", "ros", "sol", "tek", "ur", "vor", "wex", "zen"]
SLOTS = {
    "company": [f"{a.title()}{b}{c} {kind}" for a in _SYLLABLES for b in _SYLLABLES
                for c in ("a", "o", "ix") for kind in ("Inc", "Corp", "Group")],
    "pct": [f"{i}.{j}" for i in range(1, 20) for j in range(10)],
    "price": [f"{i}.{j:02d}" for i in range(5, 400, 3) for j in range(0, 100, 7)],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "sector": ["chipmaker", "retail", "banking", "energy", "drugmaker", "airline", "media"],
    "quarter": ["first-quarter", "second-quarter", "third-quarter", "fourth-quarter"],
    "bank": ["Goldman Sachs", "Morgan Stanley", "JPMorgan", "Barclays", "UBS", "Citi"],
    "city": ["New York", "London", "Frankfurt", "Tokyo", "Paris", "Toronto", "Zurich"],
}


def templated_bodies(n: int, seed: int = 1) -> list[str]:
    """`n` short templated records in groups: a group is one template and one fill of its
    slots, and each of its 1-10 records draws `changed` of the slots afresh, the same number
    for the whole group: 0 makes exact copies, 1-2 near copies, 3-4 borderline, all 8 other
    stories (which still share the template's fixed words)."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        template = rng.choice(TEMPLATES)
        base = {slot: rng.choice(values) for slot, values in SLOTS.items()}
        changed = rng.choice([0, 1, 2, 3, 4, len(SLOTS)])
        for _ in range(rng.randint(1, 10)):
            fill = dict(base)
            for slot in rng.sample(sorted(SLOTS), changed):
                fill[slot] = rng.choice(SLOTS[slot])
            out.append(template.format(**fill))
    return out[:n]


def dedup_rows(bodies: list[str], name: str) -> pa.Table:
    """Bodies as cleaned article rows, the input of dedup_batches."""
    return pa.Table.from_pylist([
        {"article_id": article_id(b), "source_uri": f"{name}#{i}", "source_id": None,
         "content_sha256": "", "bytes": 0, "body": b} for i, b in enumerate(bodies)])
