"""The kind of a count (KILL, WOUND, ..., OTHER), or None when it is no count of people: the
clause, a modifier, the noun itself, or the toll a figure reaches."""

from __future__ import annotations

from spacy.tokens import Token

from tasks.extract.facts.counted import (
    _fronted_group,
    _is_personal,
    _is_whole,
    _of_people,
    _others_of_things,
)
from tasks.extract.facts.kind_words import (
    _NOUN_KIND,
    _VERB_KIND,
    _first,
    _group_kind,
    _is_kind_noun,
    _verb_kinds,
)
from tasks.extract.facts.numbers import (
    NOMINAL_ADJECTIVES,
)
from tasks.extract.facts.people import is_people
from tasks.extract.facts.walk import _clause_kind, _conjunction_start, _is_agent
from tasks.extract.syntax import (
    children,
    once_a_doc,
    subject,
)

# Verbs by which a toll reaches a figure.
_TOLL_VERBS = {"rise", "reach", "climb", "stand", "hit", "jump", "increase", "grow", "top",
               "surpass", "exceed", "be", "soar", "mount", "bring", "push", "raise"}


# Measures and durations, never counted people even in a kind's clause ("wounded 48 less than
# three miles away").
_UNITS_OF_MEASURE = {"mile", "kilometer", "km", "foot", "feet", "yard", "meter", "metre", "inch",
                     "pound", "ton", "acre", "hour", "minute", "second", "day", "week", "month",
                     "year", "decade", "century", "time", "point", "block", "round", "shot",
                     "case", "infection"}  # disease cases are no counts of people


# Verbs by which a number of people changes (its figures are counts of those people).
_CHANGE_VERBS = {"rise", "fall", "drop", "increase", "decrease", "decline", "grow", "climb",
                 "jump", "shrink", "swell", "plunge", "soar", "dip"}


def _kind(noun: Token, num: Token, walked: dict[int, str | None]) -> str | None:
    """The kind of a count of `noun` (the number itself when the noun is elided), or None
    when it is no count. The clause decides ("were released"), else a verb modifying the
    noun ("four Americans killed"), else the noun itself ("250 hostages"): what happened to
    hostages ("were freed", "were killed") wins over their being hostages. Other people and
    events are OTHER."""
    own = _NOUN_KIND.get(noun.lemma_.lower()) or _NOUN_KIND.get(noun.lower_)
    modifier = _modifier_kind(noun)
    if (noun.dep_ == "conj" or noun.like_num) and modifier:
        # gapping: "one was killed and 12 others injured"; "Four killed, 20 wounded"
        clause: str | None = modifier
    else:
        clause = (None if _is_whole(noun, num) else _left_kind(noun) or _clause_kind(noun, walked)
                  ) or modifier
    people = is_people(noun) and not _others_of_things(noun) or _is_personal(noun)
    elided = noun.like_num or noun.lower_ == "more"  # "rescued 30 more"
    if not (own or people or elided or clause not in (None, "RELEASE")) or (
            noun.lemma_.lower() in _UNITS_OF_MEASURE) or _of_people(noun):
        return None  # things are released too: "three documents", "Two polls"; "three miles"
    if noun.lower_ in NOMINAL_ADJECTIVES:  # "and more than 3,700 injured", "150 missing"
        return own or "OTHER"
    if clause:
        return clause
    if own:
        return own
    if noun.like_num and not _is_personal(noun) and (group := _fronted_group(noun)) is not None:
        return _group_kind(group)  # "Of the dead, 22 were children"
    return "OTHER" if people else None


@once_a_doc
def _modifier_kind(noun: Token) -> str | None:
    """The kind said by a verb modifying the noun ("four Americans killed")."""
    return _first([k for c in (*children(noun), *_plural_relative_past_including(noun),
                               *_shared_modifiers(noun))
                   if c.dep_ in ("acl", "relcl", "amod") and not _is_agent(noun, c)
                   and not _said_of_a_part(c) and not _of_circumstance(c)
                   for k in _verb_kinds(c)])


@once_a_doc
def _shared_modifiers(noun: Token) -> list[Token]:
    """ "honor the 20 students and six adults killed in the rampage": a participle or relative
    clause after the last of coordinated nouns is said of them all."""
    if noun.dep_ == "conj":  # first: Token.conjuncts gathers the whole chain, on each call
        return []
    later = [c for c in noun.conjuncts if c.i > noun.i]
    return [m for m in children(later[-1]) if m.dep_ in ("acl", "relcl") and m.i > later[-1].i
            ] if later else []


@once_a_doc
def _plural_relative_past_including(noun: Token) -> list[Token]:
    """ "four Americans, including Ambassador Stevens, who were killed": the parser hangs the
    relative clause on the nearest name, but its plural verb agrees with the people."""
    if noun.tag_ not in ("NNS", "NNPS"):
        return []
    return [r for c in children(noun) if c.dep_ == "prep" and c.lower_ == "including"
            for g in children(c) if g.dep_ == "pobj" and g.tag_ in ("NN", "NNP")
            for r in children(g) if r.dep_ == "relcl" and any(
                a.dep_ in ("aux", "auxpass") and a.lower_ in ("were", "are", "have")
                for a in children(r))]


def _of_circumstance(relcl: Token) -> bool:
    """ "350 shootings in which four people were shot", "the three states where 20 were
    arrested": the clause says what happened in them, not to them."""
    return relcl.dep_ == "relcl" and any(
        c.tag_ == "WRB" or c.dep_ == "prep" and any(g.tag_ in ("WDT", "WP") for g in children(c))
        for c in children(relcl))


def _said_of_a_part(relcl: Token) -> bool:
    """ "12 officers, five of whom were killed": the clause is said of the five only."""
    return relcl.dep_ == "relcl" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.like_num and any(
            g.lower_ == "of" for g in children(c)) for c in children(relcl))


def _left_kind(noun: Token) -> str | None:
    """ "gunfire that left six officers wounded" when the parser hung "wounded" elsewhere."""
    # "left the ambassador and three other Americans dead"; the first of the conjuncts is
    # found once a doc, and the object of "leave" tested before the chain is gathered: each
    # is a walk over the chain, quadratic over a long one when done for each number in it
    noun = _conjunction_start(noun)
    if noun.dep_ != "dobj" or noun.head.lemma_.lower() != "leave":
        return None
    last = max((noun, *noun.conjuncts), key=lambda t: t.i)  # "left three civilians and one
    after = noun.doc[last.i + 1] if last.i + 1 < len(noun.doc) else None  # officer dead"
    if after is None:
        return None
    return _VERB_KIND.get(after.lower_) or _VERB_KIND.get(after.lemma_.lower())


def _figure_verb(num: Token) -> Token | None:
    """The verb a figure is reached by: "rose to 45", "stands at 300", "increasing by
    295,000", "dropped 1.3 million, from 114.8 million to 113.5 million", "the toll is 12"."""
    if num.dep_ == "pobj" and num.head.lower_ in ("to", "at", "by", "from"):
        verb = num.head.head
        return verb.head if verb.lower_ == "from" and num.head.lower_ == "to" else verb
    return num.head if num.dep_ in ("dobj", "attr", "npadvmod") else None


@once_a_doc
def _toll_kind(num: Token) -> str | None:
    """The kind of a figure a toll or number reaches ("the death toll rose to 45", "the number
    of people arrested stands at 300", "the toll is 12", "bringing the number of enrollments
    to 2.2 million"): deaths unless the toll says else."""
    verb = _figure_verb(num)
    if verb is None or verb.lemma_.lower() not in _TOLL_VERBS | _CHANGE_VERBS:
        return None
    subjects = [c for c in children(verb) if c.dep_ in ("nsubj", "dobj") and c != num]
    if not subjects and (governing := subject(verb)) is not None:
        subjects = [governing]  # "the number of ... continued to rise, increasing by 295,000"
    toll = next((c for c in subjects if c.lemma_.lower() in (
        "toll", "number", "count", "tally", "total") or _is_kind_noun(c)), None)
    if toll is None:  # people that grow or shrink: "workers with jobs dropped 1.3 million"
        return "OTHER" if verb.lemma_.lower() in _CHANGE_VERBS and any(
            c.dep_ == "nsubj" and c.tag_ in ("NNS", "NNPS") and is_people(c)
            for c in subjects) else None
    if _is_kind_noun(toll):  # "deaths climbed to 300"
        return _NOUN_KIND.get(toll.lemma_.lower()) or _NOUN_KIND[toll.lower_]
    words = [w for c in children(toll) for w in (c, *children(c))
             if c.dep_ in ("compound", "amod") or (c.dep_ == "prep" and c.lower_ == "of")]
    kinds = [k for w in words if (k := _NOUN_KIND.get(w.lemma_.lower())
                                  or _NOUN_KIND.get(w.lower_))] + [  # "number of injured"
        k for w in words if w.dep_ == "pobj" for c in children(w)
        if c.dep_ in ("acl", "relcl", "amod") for k in _verb_kinds(c)]
    if kinds or toll.lemma_.lower() == "toll":
        return kinds[0] if kinds else "KILL"
    return "OTHER" if any(w.dep_ == "pobj" and is_people(w) for w in words) else None
