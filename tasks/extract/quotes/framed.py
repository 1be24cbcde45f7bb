"""Whether a short quote is someone's words (a partial quotation in the content of a verb of
saying) rather than a scare quote or a title."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Token

from tasks.extract.quotes.cues import _FRAMES, _NAMING
from tasks.extract.quotes.marks import _Part
from tasks.extract.syntax import children, first_where, nearest_above, sentence

_TITLE_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by"}

_MIN_WORDS = 4  # shorter quotes need a cue nearby or in their sentence ("green light" alone)


def _framed(doc: Doc, starts: list[int], part: _Part, body: str) -> bool:
    """A short quote that is a partial quotation ("claimed the comments were "deceptive""),
    not a scare quote or a title: its words sit in the content of a verb of saying, reached
    without passing a clause under a preposition ("accused Biden of giving Israel the "green
    light"" is the writer's phrase; "described him as "volatile"" is not). When every word is
    capitalised it is a title ("Meet the Press") unless someone gives it as a name ("called
    Rubio "Little Marco"", not "a film called "Tenemos Familias"")."""
    words = body[part.start:part.end].split()
    titled = all(w[0].isupper() or not w[0].isalpha() or w in _TITLE_SMALL for w in words)
    first, last = bisect_left(starts, part.start), bisect_left(starts, part.end)
    for tok in doc[first:last]:
        above = _frame_or_stop(tok)  # the ancestors between say nothing: passed at once
        while above is not None and first <= above.i < last:
            above = _frame_or_stop(above)
        if above is not None and _is_frame(above):  # else a preposition's clause: stop
            # also the verb under a preposition itself: "by calling him "...""
            return not titled or above.lemma_.lower() in _NAMING and any(
                c.dep_ == "nsubj" for c in children(above))
    return not titled and first_where(doc, _is_according, *sentence(
        doc[min(first, len(doc) - 1)])) is not None


def _is_frame(tok: Token) -> bool:
    return tok.lemma_.lower() in _FRAMES and tok.pos_ in ("VERB", "AUX")


def _is_according(tok: Token) -> bool:
    return tok.lower_ == "according"


def _frame_or_stop(tok: Token) -> Token | None:
    """The nearest ancestor that is a verb framing words (_FRAMES) or a clause under a
    preposition ("pcomp", "agent"), where _framed's walk up stops (shared along the way:
    walking up from every word of every quote is quadratic in a deep parse)."""
    found = nearest_above(tok, _frame_or_stop, _frame_or_stop_index)
    return tok.doc[found] if found >= 0 else None


def _frame_or_stop_index(above: Token) -> int | None:
    return above.i if _is_frame(above) or above.dep_ in ("pcomp", "agent") else None
