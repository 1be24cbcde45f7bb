"""A prediction against the gold: quote overlap, and whether a speaker is the gold Source (or
names what a pronoun Source refers to)."""

from __future__ import annotations

import re

from evaluation.quotes.gold import Person, Span

PRONOUNS = {"he", "she", "i", "we", "they", "him", "her", "it", "you", "me", "us", "them",
            "who", "which", "that"}
RELATIVE = {"who", "which", "that"}
TITLES = {"mr", "mrs", "ms", "dr", "sen", "senator", "rep", "gov", "governor", "president",
          "former", "secretary", "gen", "general"}


def overlap(a: list[Span], b: list[Span]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def length(spans: list[Span]) -> int:
    return sum(e - s for s, e in spans)


def matches(pred: Span, gold: list[Span]) -> int:
    """Overlap when it reaches half of the shorter span, else 0."""
    o = overlap([pred], gold)
    return o if o and 2 * o >= min(pred[1] - pred[0], length(gold)) else 0


def locate(body: str, text: str, quote: Span) -> Span | None:
    """The whole-word occurrence of `text` outside the quote nearest to it."""
    hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", body)
            if m.end() <= quote[0] or m.start() >= quote[1]]
    return min(hits, key=lambda h: abs(h[0] - quote[0]), default=None)


def referent(gold: dict, people: list[Person]) -> str | None:
    """Entity a pronoun Source stands for: that of the nearest earlier named gold Source (one
    holding a PERSON mention), else the nearest PERSON mention ending before the pronoun."""
    at = gold["source"][0][0]
    for _, e, eid, _ in reversed(gold["named_before"]):
        if e <= at:
            return eid
    before = [p for p in people if p[1] <= at]
    return before[-1][2] if before else None


def _words(text: str) -> list[str]:
    return re.findall(r"\w[\w'’-]*", text.lower())


def names_referent(speaker: str, ref: dict) -> bool:
    """Whether a speaker name names a hand-annotated referent (rules in the package docstring)."""
    s, r = _words(speaker), _words(ref["referent"])
    if not s or not r:
        return False
    if not ref["named"]:
        return r[-1] in s  # the head noun of "29 others"

    def within(a: list[str], b: list[str]) -> bool:
        return any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))

    if within(s, r) or within(r, s):
        return True
    return s[-1] == r[-1] and ref["referent"].split()[-1][:1].isupper() and all(
        w in r or w in TITLES or len(w) == 1 for w in s[:-1])


def speaker_right(row: dict, gold: dict, body: str, people: list[Person]) -> bool:
    source = gold["source"]
    if ref := gold.get("annotated"):
        entity = max((p[3] for p in people if p[2] == row["speaker_entity_id"]), key=len,
                     default="")
        if names_referent(row["speaker"] or "", ref) or names_referent(entity, ref):
            return True
    ids = {m["entity_id"] for m in gold["mentions"]}
    if gold["pronoun"] and not ref and (eid := gold["referent"]):
        ids.add(eid)
    if row["speaker_entity_id"] in ids:
        return True
    speaker = row["speaker"]
    if not speaker:
        return False
    written = " ".join(body[s:e] for s, e in source)
    if re.search(rf"(?<!\w){re.escape(speaker)}(?!\w)", written) or not gold["pronoun"] and \
            re.search(rf"(?<!\w){re.escape(written)}(?!\w)", speaker):
        return True  # "Coan" for "Coan, Santilli's attorney,"; "Brian Fallon" for "Fallon"
    where = locate(body, speaker, (row["start"], row["end"]))
    if where and (overlap([where], source) or written.lower() in RELATIVE
                  and 0 <= source[0][0] - where[1] <= 3):
        return True  # the Source, or the noun a relative "who" stands for
    names = {name for _, _, eid, name in people if eid in ids}
    return any(speaker in name.split() + [name] for name in names)
