"""What a number counts: the counted noun and the object's words ("three of the victims",
"12 of 30 passengers", "31 dead"), and whether the noun is people, a thing or a group."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from tasks.extract.facts.kind_words import _is_kind_noun
from tasks.extract.facts.numbers import (
    NOMINAL_ADJECTIVES,
    is_ordinal_word,
    nominal_adjective,
    plus_length,
)
from tasks.extract.facts.people import is_people
from tasks.extract.syntax import (
    children,
    first_where,
    last_where,
    lefts,
    once_a_doc,
    phrase,
    sentence,
)

# Nouns counting people, through which a walk from the counted noun passes ("a total of").
_COLLECTIVE = {"total", "number", "group", "crowd", "toll", "tally", "count", "handful",
               "majority", "minority", "rest", "dozen", "hundred", "thousand", "million",
               "life"}  # "ended the lives of 471 civilians"


# Groups of people: "a crowd of 5,000" counts people.
_CROWDS = {"crowd", "group", "caravan", "delegation", "contingent", "mob", "throng", "gathering",
           "population"}


# Verbs said only of people (the guidelines' OTHER verbs): their elided object is people.
_PERSON_VERBS = {"charge", "convict", "indict", "sentence", "deport", "hospitalize",
                 "prosecute", "fire", "evacuate", "extradite", "pardon", "exonerate"}


# Verbs said only of people, of their subject: "three resigned", "two testified".
_PERSON_SUBJECT_VERBS = {"resign", "testify", "plead", "surrender", "defect", "vote", "survive"}
# Vague quantities, no counted nouns: the parser may hang a number on them.
_VAGUE = {"dozens", "scores", "hundreds", "thousands", "millions", "tens"}
# Dependencies of a word inside a noun's pre-modifier, through which the number's noun is found.
_PREMODIFIERS = {"compound", "npadvmod", "amod", "nmod"}
# Nouns singular in form that count people: "300 staff", "12 police".
_SINGULAR_GROUPS = {"police", "staff", "personnel", "crew", "people", "youth", "clergy",
                    "faculty"}


def _is_thing(tok: Token) -> bool:
    """A common noun that is no group of people: what happens to it ("released a list")
    does not happen to the people it holds ("the nationalities of the 20 hostages")."""
    return (tok.pos_ == "NOUN" and not tok.like_num and not is_people(tok)
            and not _is_kind_noun(tok) and tok.lemma_.lower() not in _COLLECTIVE)


def _counted(doc: Doc, num: Token, j: int) -> tuple[Token | None, tuple[int, int] | None]:
    """The token whose kind decides (the number itself when nothing is counted in words, None
    when it is no count) and the object's token range."""
    if _part_of_number(num):
        return num.head.head, (num.head.i, num.head.head.i + 1)
    if num.head != num and num.head.like_num and _range_end(num):
        # "from two to seven people": two people. Up the tree only: a range's end that is the
        # root ("15 to 1." alone, parsed as quantifiers of the 1) is its own head
        return _counted(doc, num.head, max(num.i, num.head.i) + 1)
    if num.dep_ == "nummod" and num.head.i > num.i and num.head.ent_type_ in ("DATE", "TIME"):
        return num, None  # "wounding 200 more late Tuesday"
    if num.dep_ == "nummod" and num.head.i > num.i:
        noun = top = num.head  # "two or three men": the object starts after the last number
        while top.dep_ in _PREMODIFIERS and top.head.i > top.i and not (
                is_people(top) and top.head.tag_ == "NN"):  # word; "200 people hostage"
            top = top.head  # the number hung on a modifier: "32 queer lives", "24 'hate
            # violence related' homicides", "a dozen police conduct complaints" (no people),
        if top.pos_ in ("NOUN", "PROPN") or noun.dep_ == "compound":  # not "three miles away"
            noun = top
        noun = hyphenated_end(noun)  # "two co-workers": the object is no "co"
        first = max((t.i + 1 for t in doc[j:noun.i] if t.like_num and not is_ordinal_word(t)),
                    default=j)
        first += plus_length(doc, first)  # "20-plus people"
        while first < noun.i and (doc[first].pos_ == "CCONJ" or doc[first].lower_ in (
                "more", "fewer", "less", "so") and doc[first - 1].lower_ == "or"):
            first += 1  # "31 or more children"
        if first < len(doc) and doc[first].lower_ == "of" and doc[first].right_edge.i < noun.i:
            first = doc[first].right_edge.i + 1  # "more than 70 of them civilians"
        if noun.lower_ == "more" or noun.pos_ not in ("NOUN", "PROPN") and (
                noun.lower_ not in NOMINAL_ADJECTIVES):
            return noun, None  # "all 157 aboard", "30 more"
        if noun.lower_ in _VAGUE:
            return num, None  # "killed seven and injured dozens", misparsed
        return noun, (first, noun.i + 1)
    if num.dep_ == "nummod":
        return None, None  # a label: "Guccifer 2.0", "recording 1"
    if num.dep_ == "appos" and num.head.pos_ == "NOUN" and doc[num.i - 1].is_punct:
        if any(c.dep_ == "nummod" for c in children(num.head)):
            return num, None  # a part: "14 people were wounded — two critically"
        return num.head, phrase(num.head)  # "The most firefighters — 340 — were killed"
    if (adjective := nominal_adjective(doc, j)) is not None:
        return adjective, (adjective.i, adjective.i + 1)  # "31 dead", "3,700 injured"
    if (group := _fronted_group(num)) is not None:
        return num, phrase(group)  # "Of the 30 passengers, 12 were hospitalized"
    # "24 percent – or 489,460 – of the 2.2 million people": also the percentage's partitive
    owners = [num, num.head] if num.dep_ in ("conj", "appos") and num.head.lower_ in (
        "percent", "%") else [num]
    of = next((c for o in owners if (c := _of_child(o)) is not None), None)
    pobj = next((c for c in children(of) if c.dep_ == "pobj"), None) if of else None
    if pobj is None:
        return _out_of(num) or num, None
    if pobj.pos_ != "PRON" and not any(c.dep_ in ("det", "poss", "nummod")
                                       for c in children(pobj)):
        return None, None  # a partitive is of a definite group: "Over 90 of middle class ..."
    if pobj.lower_ in ("whom", "which") and (antecedent := _relative_antecedent(num)):
        if not is_people(antecedent):
            return None, None  # "40 documents, 12 of which were released"
        edges = [c.left_edge.i for c in lefts(antecedent) if c.dep_ in ("amod", "compound")]
        return num, (min(edges, default=antecedent.i), antecedent.i + 1)
    if pobj.like_num and (adjective := nominal_adjective(doc, pobj.i + 1)) is not None:
        return pobj, (adjective.i, adjective.i + 1)  # "23 of the 53 wounded"
    return pobj, phrase(pobj)  # "three of the victims"


@once_a_doc
def hyphenated_end(tok: Token) -> Token:
    """The last word of a hyphenated word the tokenizer split ("co - workers", "front -
    runners"): what is counted is the whole word, whose head is its last part."""
    doc = tok.doc
    while (tok.i + 2 < len(doc) and doc[tok.i + 1].text in ("-", "–") and not tok.whitespace_
           and not doc[tok.i + 1].whitespace_ and doc[tok.i + 2].is_alpha):
        tok = doc[tok.i + 2]
    return tok


@once_a_doc
def _of_child(tok: Token) -> Token | None:
    return next((c for c in children(tok) if c.dep_ == "prep" and c.lower_ == "of"), None)


@once_a_doc
def _range_end(num: Token) -> str | None:
    """ "from two to seven people", "between 20 and 30 people", parsed as quantifiers of the
    high end: the low end is `at_least`, the high end `up_to`."""
    def joined(low: Token, high: Token) -> bool:
        return low.i < high.i and (
            low.dep_ == "quantmod" and low.head == high and any(
                t.lower_ in ("to", "-", "and") for t in low.doc[low.i + 1:high.i])
            or high.dep_ == "conj" and high.head == low and any(  # "between 20 and 30"
                c.dep_ == "quantmod" and c.lower_ == "between" for c in children(low)))
    if num.head.like_num and (joined(num, num.head) or joined(num.head, num)):
        return "at_least" if num.i < num.head.i else "up_to"
    return "up_to" if any(c.like_num and joined(c, num) for c in children(num)) else (
        "at_least" if any(c.like_num and joined(num, c) for c in children(num)) else None)


def _relative_antecedent(num: Token) -> Token | None:
    """The people "whom"/"which" stands for in "12 officers, five of whom were killed"."""
    verb = num.head
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    # the parser lost the relative clause ("drew 3,000 protesters, 150 of whom were arrested"
    # as a clause of "drew"): the nearest plural noun before, people for "whom"
    whom = any(c.lower_ == "of" and any(g.lower_ == "whom" for g in children(c))
               for c in children(num))
    return last_where(num.doc, _is_plural_people if whom else _is_plural, sentence(num)[0],
                      num.i)


def _is_plural(t: Token) -> bool:
    return t.tag_ in ("NNS", "NNPS")


def _is_plural_people(t: Token) -> bool:
    return t.tag_ in ("NNS", "NNPS") and is_people(t)


def _is_whole(noun: Token, num: Token) -> bool:
    """`num` counts the group a part is taken from ("Nine of the 12 hostages were freed"):
    what the clause says happened to the part did not happen to all of it."""
    return num.head == noun and (noun.dep_ == "pobj" and noun.head.lower_ == "of"
                                 and noun.head.head.like_num or _is_part_taken_from(num)
                                 or _fronted_of(noun))


def _fronted_of(noun: Token) -> bool:
    """The group of a fronted partitive: "Of the 30 passengers, 12 were hospitalized", "Of
    the 80,000 people who were forced west, between 12,000 and 17,000 perished"."""
    if noun.dep_ != "pobj" or noun.head.lower_ != "of":
        return False
    prep = noun.head.head if noun.head.head.lower_ == "out" else noun.head
    return prep.i == sentence(noun)[0] and prep.head.pos_ in ("VERB", "AUX") or any(
        c.dep_ in ("nsubj", "nsubjpass") and c.like_num and c.i > noun.i
        for c in children(prep.head))


@once_a_doc
def _fronted_group(num: Token) -> Token | None:
    """The group a subject number is taken from by a fronted "(out) of": "Of the 30
    passengers, 12 were hospitalized", "Out of the 40 workers, 32 were rescued"."""
    if num.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = num.head
    preps = [c for c in children(verb) if c.i < num.i and c.dep_ == "prep" and c.lower_ in (
        "of", "out")]
    preps = [g for c in preps for g in (c, *children(c)) if g.lower_ == "of"]
    return next((g for c in preps for g in children(c) if g.dep_ == "pobj" and (
        is_people(g) or g.pos_ == "PRON" or _is_kind_noun(g))), None)


@once_a_doc
def _is_part_taken_from(num: Token) -> bool:
    """ "12 of 30 passengers", parsed as quantifiers of "30": this is the 30."""
    return any(c.dep_ == "quantmod" and c.lower_ == "of" for c in children(num))


@once_a_doc
def _part_of_number(num: Token) -> bool:
    """ "12 of 30 passengers", parsed as quantifiers of "30": this is the 12."""
    return (num.dep_ == "quantmod" and num.head.like_num and num.head.dep_ == "nummod"
            and _is_part_taken_from(num.head))


def _of_people(noun: Token) -> bool:
    """ "the editors of two newspapers": things that people are "of" are not counted people,
    whatever happened to the people."""
    return (_is_thing(noun) and noun.dep_ == "pobj" and noun.head.lower_ == "of"
            and is_people(noun.head.head))


def _others_of_things(noun: Token) -> bool:
    """ "the Lee statue and four others": others of the kind they are coordinated with."""
    return noun.lower_ in ("others", "other") and noun.dep_ == "conj" and _is_thing(noun.head)


@once_a_doc
def _is_personal(num: Token) -> bool:
    """An elided noun ("Six were charged") is people when a relative "who" or a verb said only
    of people (the guidelines' OTHER verbs) says so: "seven who are now indicted"."""
    if not num.like_num or first_where(num.doc, _is_percent, *sentence(num)) is not None:
        return False  # "42 percent ..., compared to 32 who say"
    if num.dep_ == "pobj" and num.head.lower_ == "of":  # "a crowd of 5,000", not "a father of
        return num.head.head.lemma_.lower() in _CROWDS  # two who ..."
    if any(c.dep_ == "relcl" and any(g.lower_ in ("who", "whom") for g in children(c))
           for c in children(num)):
        return True
    lemma = num.head.lemma_.lower()
    return (num.dep_ in ("nsubjpass", "dobj") and lemma in _PERSON_VERBS
            or num.dep_ == "nsubj" and lemma in _PERSON_SUBJECT_VERBS)


def _is_percent(t: Token) -> bool:
    return t.lower_ in ("percent", "%")


def _out_of(num: Token) -> Token | None:
    """What "one X out of N" counts: "his last victim out of more than 600" (X is the
    attribute when the parser hung "out of" on the copula)."""
    if not (num.dep_ == "pobj" and num.head.lower_ == "of" and num.head.head.lower_ == "out"):
        return None
    whole = num.head.head.head
    if whole.lemma_ == "be":
        whole = next((c for c in children(whole) if c.dep_ == "attr"), whole)
    return whole if whole.pos_ == "NOUN" and is_people(whole) else None


def _of_a_group(noun: Token) -> bool:
    """ "members of one family": the one is a group the counted people belong to."""
    return (noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN"
            and not noun.head.head.like_num and not _is_kind_noun(noun.head.head))


def _singular_noun(noun: Token, num: Token) -> bool:
    """Many of a singular noun are no count of it: "a 911 caller", "the 2020 campaign"."""
    return (noun.i > num.i and noun.tag_ in ("NN", "NNP") and not noun.like_num
            and noun.lemma_.lower() not in _SINGULAR_GROUPS and noun.lower_ != "more"
            and not (noun.tag_ == "NNP" and is_people(noun)))  # "800,000 Rohingya"
