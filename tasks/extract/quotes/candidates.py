"""Who could have said a quote: every strategy's pick (not only the first's), the speaker a
report or an "according to" hides ('"...," said Day, reports USA Today' also proposes Day),
and the people and organisations named in the quote's paragraph and the one before. Each
candidate is resolved to a name and an entity id as a row would be, without changing what
the article's later quotes see, and described by the features the ranker weighs."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Token

from tasks.extract.entities import Mention
from tasks.extract.quotes.attribution import attribution
from tasks.extract.quotes.context import QuoteContext
from tasks.extract.quotes.cues import _says
from tasks.extract.quotes.strategies import STRATEGIES, Choice
from tasks.extract.quotes.window import _reported_by
from tasks.extract.speakers import PRONOUNS, Speakers

_PRONOUNS = {"he", "she", "they", "we", "i", "it", "you"}
_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_NEARBY = 8  # named candidates kept, nearest first


@dataclass
class Candidate:
    """One possible speaker of a quote: the name and entity a row would carry, how to commit
    to it (a head token to resolve, or an earlier row to copy) and who proposed it."""

    speaker: str | None
    entity_id: str | None
    cue: str | None = None
    head: Token | None = None
    same_as: dict | None = None
    mention: Mention | None = None  # another person a pronoun may stand for
    rank: int = 0                   # that person's place among the pronoun's antecedents
    pronoun: str = ""               # the pronoun the speaker was found through
    by: list[str] = field(default_factory=list)  # proposers, in STRATEGIES order first
    features: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.entity_id or f"text:{(self.speaker or '').lower()}"


def proposals(c: QuoteContext, every: bool = True) -> list[tuple[str, Choice]]:
    """(name, choice) of every strategy that decides (without `every`, of the first), in
    STRATEGIES order; the name of the quote's own attribution carries its pattern
    ("own_attribution:cue_after")."""
    found = []
    for strategy in STRATEGIES:
        choice = strategy(c)
        if choice is not None:
            name = strategy.__name__
            found.append((f"{name}:{choice.pattern}" if choice.pattern else name, choice))
            if not every:
                break
    return found


def candidates(c: QuoteContext, speakers: Speakers, found: list[tuple[str, Choice]],
               named: Counter[str], every: bool = True) -> list[Candidate]:
    """The quote's candidates, one per speaker (an entity, else a name as written), with
    their features; `named` counts the article's mentions of each entity outside quotes.
    Without `every`, only the strategies' proposals (the rules alone need no more)."""
    by_key: dict[str, Candidate] = {}

    def add(name: str, cand: Candidate) -> None:
        if cand.speaker is None:
            return
        kept = by_key.setdefault(cand.key, cand)
        kept.by.append(name)
        if kept.head is None and kept.same_as is None and kept.mention is None:
            kept.head, kept.same_as, kept.mention = cand.head, cand.same_as, cand.mention
        kept.cue = kept.cue or cand.cue
        if cand.pronoun and kept is not cand:
            kept.rank = min(kept.rank, cand.rank) if kept.pronoun else cand.rank
            kept.pronoun = kept.pronoun or cand.pronoun

    for name, choice in found:
        add(name, _resolve(speakers, c, choice))
        head = choice.head
        if every and head is not None and head.lower_ in PRONOUNS:  # whom else "he" could be
            for kind, want in (("antecedent", head.lower_), ("anyone_before", "")):
                for rank, m in enumerate(speakers.antecedents(want, c.part.open_at, 3)):
                    add(kind, Candidate(m.text, m.entity_id, choice.cue, mention=m,
                                        rank=rank, pronoun=head.lower_))
    if every and (inner := _inner_speaker(c)) is not None:
        add("inner", _resolve(speakers, c, inner))
    for head in _nearby(c, speakers) if every else ():
        add("nearby", _resolve(speakers, c, Choice(head=head)))
    first = found[0][0] if found else None
    for cand in by_key.values():
        cand.features = _features(c, speakers, cand, first, named)
    return list(by_key.values())


def _resolve(speakers: Speakers, c: QuoteContext, choice: Choice) -> Candidate:
    if choice.same_as is not None:
        row = choice.same_as
        return Candidate(row["speaker"], row["speaker_entity_id"], row["cue"],
                         same_as=row)
    said, spoke = set(speakers.said), list(speakers.spoke)
    try:
        speaker, entity_id = speakers.speaker(choice.head, c.part.open_at)
    finally:
        speakers.said, speakers.spoke = said, spoke
    pronoun = choice.head.lower_ if choice.head.lower_ in PRONOUNS else ""
    return Candidate(speaker, entity_id, choice.cue, head=choice.head, pronoun=pronoun)


def _inner_speaker(c: QuoteContext) -> Choice | None:
    """The speaker inside a reported attribution, whom own_attribution passes over for the
    outer source ('"...," said Day, reports USA Today': Day)."""
    _, (cue, who) = attribution(c)
    if who is None or who.i in c.quoted or _reported_by(c.post + c.pre, c.quoted, who) is None:
        return None
    return Choice(cue, who)


def _nearby(c: QuoteContext, speakers: Speakers) -> list[Token]:
    """Last tokens of the names outside quotes in the quote's paragraph and the one before."""
    lo = c.lines[max(0, c.part.paragraph - 1)][0]
    hi = c.line[1]
    first = bisect_left(speakers.outside_starts, lo)
    near = []
    for m in speakers.outside[first:]:
        if m.start >= hi:
            break
        if speakers.ents.labels.get(m.entity_id) in _LABELS:
            near.append(m)
    near.sort(key=lambda m: min(abs(m.end - c.part.open_at), abs(m.start - c.part.close_at)))
    return [c.doc[m.tokens[-1]] for m in near[:_NEARBY]]


def _features(c: QuoteContext, speakers: Speakers, cand: Candidate, first: str | None,
              named: Counter[str]) -> dict[str, float]:
    is_first = first is not None and first in cand.by
    f: dict[str, float] = {"first": float(is_first), "proposers": len(set(cand.by)) / 3}
    if first is not None:  # how far the first rule's pick is trusted depends on the rule
        f[f"{'first' if is_first else 'rival'}:{first.split(':')[-1]}"] = 1.0
    if cand.pronoun:
        f["via_pronoun"] = 1.0
        f["antecedent_rank"] = cand.rank / 2
        gender = (speakers.genders or {}).get(cand.entity_id or "")
        agrees = gender == {"he": "m", "she": "f"}[cand.pronoun]
        f[f"gender:{'unknown' if gender is None else 'agrees' if agrees else 'clashes'}"] = 1.0
    for name in cand.by:
        strategy, _, pattern = name.partition(":")
        f[f"by:{strategy}"] = 1.0
        if pattern:
            f[f"pattern:{pattern}"] = 1.0
    label = speakers.ents.labels.get(cand.entity_id or "")
    f[f"label:{label if label in _LABELS else 'other' if label else 'none'}"] = 1.0
    words = (cand.speaker or "").lower().split()
    pronoun = len(words) == 1 and words[0] in _PRONOUNS
    f["pronoun"] = float(pronoun)
    f["pronoun_unresolved"] = float(pronoun and cand.entity_id is None)
    f["named_before"] = float(cand.entity_id is not None and any(
        r["speaker_entity_id"] == cand.entity_id for r in c.rows))
    f["mentions"] = math.log1p(named[cand.entity_id] if cand.entity_id else 0) / 3
    f["opens_paragraph"] = float(c.opens_paragraph)
    f["cue_say"] = float(cand.cue == "say")
    f["cue_none"] = float(cand.cue is None)
    head = cand.head if cand.head is not None or cand.mention is None else \
        c.doc[cand.mention.tokens[-1]]
    if cand.same_as is not None and head is None:
        f["same_as"] = 1.0
        return f
    if head is None:
        return f
    where = _paragraph(c, head.idx)
    f["same_paragraph"] = float(where == c.part.paragraph)
    f["previous_paragraph"] = float(where == c.part.paragraph - 1)
    f["headline"] = float(where == 0)
    text = c.body[c.lines[where][0]:c.lines[where][1]].lstrip()
    f["aside"] = float(text[:1] in "([" or text[:6].lower() in ("editor", "note: "))
    before = head.idx < c.part.open_at
    f["before_quote"] = float(before)
    gap = c.part.open_at - head.idx if before else head.idx - c.part.close_at
    f["distance"] = math.log1p(max(gap, 0)) / 6
    quote_sent = c.doc[min(bisect_left(c.starts, c.part.start), len(c.doc) - 1)].sent
    f["same_sentence"] = float(quote_sent.start <= head.i < quote_sent.end or (
        not before and head.sent.start <= bisect_left(c.starts, c.part.close_at)))
    f["subject"] = float(head.dep_ in ("nsubj", "nsubjpass"))
    f["subject_of_cue"] = float(f["subject"] and _says(head.head))
    f["object"] = float(head.dep_ in ("pobj", "dobj", "dative", "attr"))
    f["of_report"] = float(head.head.lemma_.lower() in ("report", "to", "tell", "according"))
    return f


def _paragraph(c: QuoteContext, offset: int) -> int:
    return max(0, bisect_left([s for s, _ in c.lines], offset + 1) - 1)
