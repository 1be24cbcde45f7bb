"""Who may have said a quote: STRATEGIES, an ordered list of named rules over one
QuoteContext. Each rule that decides proposes either a head token (resolved to a name and an
entity by speakers.Speakers) or an earlier quote whose speaker this one shares; every
proposal is a candidate of the ranker (candidates.py, ranker.py), and the first rule's is its
strongest feature (without a model, the speaker)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Token

from tasks.extract.quotes.attribution import attribution
from tasks.extract.quotes.context import QuoteContext
from tasks.extract.quotes.marks import _quoted
from tasks.extract.quotes.nearby import (
    _introduced,
    _next_sentence,
    _previous_sentence,
    _reported_before,
)
from tasks.extract.quotes.subjects import _by, _owner
from tasks.extract.quotes.window import _reported_by
from tasks.extract.speakers import PRONOUNS


@dataclass(frozen=True)
class Choice:
    """A strategy's decision: the speaker's head token with the cue, or an earlier quote's
    row to take the speaker (and cue) from."""

    cue: str | None = None
    head: Token | None = None
    same_as: dict | None = None
    pattern: str | None = None  # which attribution pattern found it (own_attribution)


def own_attribution(c: QuoteContext) -> Choice | None:
    """The words right around the quote (attribution.PATTERNS): 'said Day', 'Day said:'.
    A head inside a quote is a misparse ("It's time" as a subject) and no answer; an outer
    source ('"...," said Day, reports USA Today') wins over the inner one; a thing whose words
    they are ('Rubio's catch phrase', 'a statement by Fox News') gives way to its owner. "He"
    right after the first half of a split quote is that half's speaker."""
    pattern, (cue, who) = attribution(c)
    if who is not None and _quoted(who.idx, c.parts, c.open_marks):
        return None
    if who is not None and (outer := _reported_by(c.post + c.pre, c.quoted, who)) is not None:
        cue, who = outer
    if who is None:
        return None
    who = _owner(who) or _by(who) or who
    prior = c.prior
    if prior is not None and prior["speaker"] is not None and who.text in PRONOUNS and \
            prior["end"] <= who.idx < c.part.open_at and \
            not c.body[prior["end"]:who.idx].strip(' ,.?!"“”'):
        # 'Fallon fired back: "...," he wrote, "..."': lower-case, no new sentence
        return Choice(same_as=prior, pattern=pattern)
    return Choice(cue, who, pattern=pattern)


def earlier_in_paragraph(c: QuoteContext) -> Choice | None:
    """A later part of a split quote, or more words of the same speaker in one paragraph:
    the speaker of the quote before it in the paragraph (nothing further afield is looked at:
    the paragraph has already said whose words these are)."""
    return Choice(same_as=c.prior) if c.prior is not None else None


def previous_sentence(c: QuoteContext) -> Choice | None:
    """'Or maybe Bush, consultant Phil Musser says. "Several surveys ..."': the sentence just
    before, in the paragraph."""
    return _choice(_previous_sentence(c.doc, c.starts, c.part, c.line))


def introducing_paragraph(c: QuoteContext) -> Choice | None:
    """'Dr. Ward stated:' ending the paragraph before one that opens with the quote."""
    if c.opens_paragraph and c.body[:c.line[0]].rstrip().endswith(":"):
        return _choice(_introduced(c.doc, c.starts, c.lines[c.part.paragraph - 1], c.quoted))
    return None


def next_sentence(c: QuoteContext) -> Choice | None:
    """'"...." That was how Baker put it.': the speech verb of the sentence after it."""
    return _choice(_next_sentence(c.doc, c.body, c.starts, c.part, c.line, c.quoted))


def reporting_paragraph(c: QuoteContext) -> Choice | None:
    """'Carter said that the U.S. would not leave.' then a paragraph '"That's because ..."':
    the one whose words the paragraph before reported."""
    if c.opens_paragraph:
        return _choice(_reported_before(c.doc, c.body, c.starts, c.lines[c.part.paragraph - 1],
                                        c.quoted))
    return None


def same_voice(c: QuoteContext) -> Choice | None:
    """A paragraph of speech soon (within three paragraphs) after an attributed quote goes on
    in the same voice."""
    last = c.rows[-1] if c.rows else None
    if last is not None and last["speaker"] is not None and c.part.open_at == c.line[0] and any(
            c.last_in_paragraph.get(c.part.paragraph - k) is last for k in (1, 2, 3)):
        return Choice(same_as=last)
    return None


# The order of the rules: the first that decides is the rules' own pick.
STRATEGIES: list[Callable[[QuoteContext], Choice | None]] = [
    own_attribution,
    earlier_in_paragraph,
    previous_sentence,
    introducing_paragraph,
    next_sentence,
    reporting_paragraph,
    same_voice,
]


def _choice(found: tuple[str | None, Token | None]) -> Choice | None:
    cue, who = found
    return Choice(cue, who) if who is not None else None
