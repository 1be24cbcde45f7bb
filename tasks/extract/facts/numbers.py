"""Numbers in text for the counts of the facts: where they are ("1,200", "two
dozen", "half a million"), their values, the words that qualify them ("at least", "31 or
more"), and numbers that are no counts (years, ages, money, ratios, rates, names)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from tasks.extract.facts.people import is_people
from tasks.extract.syntax import memo

QUALIFIERS = [("more than", "more_than"), ("upwards of", "more_than"), ("at least", "at_least"),
               ("up to", "up_to"), ("as many as", "up_to"), ("less than", "up_to"),
               ("fewer than", "up_to"), ("at most", "up_to"), ("an estimated", "about"),
               ("nearly", "nearly"), ("almost", "nearly"), ("over", "over"), ("about", "about"),
               ("around", "about"), ("approximately", "about"), ("roughly", "about"),
               ("some", "about"), ("estimated", "about")]
NOMINAL_ADJECTIVES = {"dead", "injured", "wounded", "missing", "displaced"}


# Words that join numbers in a figure the tagger may call a date ("between 20 and 30", "two
# and a half million").
_RANGE_WORDS = {"between", "from", "to", "and", "-", "a", "half"}
_SKIP_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
_UNITS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen"])}
_TENS = {w: 10 * i for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2)}
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_NUMBER_WORDS = {*_UNITS, *_TENS} - {"zero", "one"}  # "One" as a noun is a pronoun
_YEAR = re.compile(r"(1[89]|20)\d\d")


def number_value(words: list[str]) -> int | None:
    """ "1,200" -> 1200, "two dozen" -> 24, "1.2 million" -> 1200000; None if not a number
    or past what a count can be."""
    total, current, seen, scale = 0.0, 0.0, False, 0
    parts = [p for w in words for p in w.lower().replace(",", "").split("-")]
    for k, part in enumerate(parts):
        if re.fullmatch(r"\d+(?:\.\d+)?", part):
            current += float(part)
        elif part in _UNITS or part in _TENS:
            current += _UNITS.get(part, 0) + _TENS.get(part, 0)
        elif part in _SCALES:
            current, scale = (current or 1) * _SCALES[part], _SCALES[part]
            if scale >= 1000:
                total, current = total + current, 0.0
        elif part == "half":  # "a half-dozen"; "a dozen and a half" is 18, "two and a half" 2.5
            current += 0.5 * (scale if parts[k - 2:k] == ["and", "a"] and scale else 1)
        elif part in ("and", "a", ""):
            continue
        else:
            return None
        seen = True
    # a count the facts table can hold (int64); more is no count of anything ("9" * 400 is inf)
    return round(total + current) if seen and total + current < 2**63 else None


def range_scale(doc: Doc, i: int, j: int) -> int:
    """ "10 or 20 million", "two to three thousand": the low end of a range written with one
    scale word has the high end's scale (1 when it has its own, or is no such low end)."""
    if any(t.lower_ in _SCALES for t in doc[i:j]) or j + 2 >= len(doc) or doc[j].lower_ not in (
            "or", "to", "-", "–"):
        return 1
    k = j + 1
    while k < len(doc) and doc[k].like_num and doc[k].lower_ not in _SCALES:
        k += 1
    return _SCALES.get(doc[k].lower_, 1) if k > j + 1 and k < len(doc) else 1


def number_spans(doc: Doc) -> list[tuple[int, int]]:
    """Runs of number tokens ("1,200", "two dozen", "a half-dozen") outside dates, money,
    percentages, ..."""
    spans, end = [], 0
    not_num = {doc.vocab.strings["dozen"], doc.vocab.strings["half"]}  # cheap first test
    for tok in doc:
        if tok.i < end or not (tok.like_num or tok.lower in not_num):
            continue
        i = tok.i
        scale = tok.lower_ in _SCALES or (tok.lower_ == "half" and _joins_number_words(doc, i + 1))
        if not (scale or tok.pos_ == "NUM" or tok.lower_ in _NUMBER_WORDS and (
                tok.pos_ in ("NOUN", "ADJ") or tok.dep_ == "nummod")  # "Eleven people" as NNP
                ) or _in_skipped_entity(doc, i):
            continue
        end = i + 1
        while end < len(doc):
            if [t.lower_ for t in doc[end:end + 3]] == ["and", "a", "half"]:
                end += 3  # "a dozen and a half", "two and a half million"
                continue
            if not (doc[end].like_num and not is_ordinal_word(doc[end])
                    or doc[end].lower_ in _SCALES or _joins_number_words(doc, end)
                    or _joins_scale(doc, end)) or _YEAR.fullmatch(doc[end].text):
                break  # "one 2007 attack"
            end += 1
        if scale and i > 0 and doc[i - 1].lower_ in ("a", "one"):
            i -= 1  # "a million workers", "a dozen people"
            if i > 0 and doc[i - 1].lower_ == "half":
                i -= 1  # "half a million"
        elif scale and tok.lower_ != "half":  # "several hundred": no value
            continue
        spans.append((i, end))
    return spans


def is_ordinal_word(tok: Token) -> bool:
    """spaCy's like_num is true of "first", "second": "20 first-graders" is 20."""
    return tok.is_alpha and number_value([tok.text]) is None


def _joins_scale(doc: Doc, j: int) -> bool:
    """The "and" of "two hundred and fifty"."""
    return (0 < j < len(doc) - 1 and doc[j].lower_ == "and" and doc[j - 1].lower_ in _SCALES
            and doc[j + 1].lower_.split("-")[0] in (*_UNITS, *_TENS))


def _in_skipped_entity(doc: Doc, i: int) -> bool:
    """In a date, money, percentage, ... entity; but the tagger also calls a bare number a
    date ("the toll stands at 45"): an entity of nothing but a non-year number is none."""
    if doc[i].ent_type_ not in _SKIP_ENTS:
        return False
    known = memo(doc, _in_skipped_entity)  # the answer is the entity's: found once for it,
    if i not in known:  # not once for each number in it (a long "DATE" of figures)
        start = i
        while doc[start].ent_iob_ == "I":
            start -= 1
        end = i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        answer = _skipped(doc, i, start, end)
        known.update(dict.fromkeys(range(start, end), answer))
    return known[i]


def _skipped(doc: Doc, i: int, start: int, end: int) -> bool:
    if doc[i].ent_type_ == "QUANTITY":  # "about 7,000 migrants", "1.5 million displaced"
        return not (doc[end - 1].pos_ == "NOUN" and is_people(doc[end - 1])
                    or nominal_adjective(doc, end) is not None)
    if doc[i].ent_type_ not in ("DATE", "TIME"):
        return True
    return any(not (t.like_num or t.lower_ in _RANGE_WORDS) or _YEAR.fullmatch(t.text)
               for t in doc[start:end])  # "between 20 and 30" is no date


def _joins_number_words(doc: Doc, j: int) -> bool:
    """The hyphen of "ninety-three", "two-dozen", "half-dozen" when the tokenizer split it
    off."""
    if not (0 < j < len(doc) - 1 and doc[j].text == "-" and not doc[j - 1].whitespace_
            and not doc[j].whitespace_):
        return False
    before, after = doc[j - 1].lower_, doc[j + 1].lower_
    return (before in _TENS and after in _UNITS) or (
        after in _SCALES and (before == "half" or before in _UNITS or before in _TENS))


def is_not_a_count(doc: Doc, i: int, j: int) -> bool:
    before = doc[i - 1].lower_ if i > 0 else ""
    after = doc[j].lower_ if j < len(doc) else ""
    after2 = doc[j + 1].lower_ if j + 1 < len(doc) else ""
    return (bool(_YEAR.fullmatch(doc[i].text))
            or before in {"$", "aged", "age", "no.", "#", "per"}  # "3 guns per 100 residents"
            or after in {"%", "percent", "year", "years", "-year", "p.m.", "a.m.", "times"}
            or after == "-" and after2 != "plus"  # "51-49", but "20-plus people"
            or "year-old" in after  # ages: "voters 30 and older"
            or (after in {"and", "or"} and after2 in {"older", "younger", "over", "under"})
            or (after == "in" and j + 1 < len(doc) and doc[j + 1].like_num)  # "one in five"
            or _is_age(doc, i, j) or _in_name(doc, i) or is_rate(doc, j)
            or (before in (":", "of") and i > 1 and doc[i - 2].lower_ == "age")  # "age of 89"
            or (j < len(doc) and not doc[j - 1].whitespace_ and doc[j].is_alpha)  # "5G", "3D"
            or (before in ("in", "-") and i > 1 and doc[i - 2].like_num)  # "1 in 5", "51-49"
            or (before == "." and i > 1 and doc[i - 2].lower_ == "no"))  # "the No. 2 Republican"


_RATE_UNITS = {"day", "night", "week", "weekend", "month", "year", "hour", "minute", "decade"}


def is_rate(doc: Doc, j: int) -> bool:
    """A rate is no count: "nearly one every day", "1,100 users a day" (`j` is where the
    number or its noun ends)."""
    return (j + 1 < len(doc) and doc[j].lower_ in ("a", "an", "per", "every", "each")
            and doc[j + 1].lemma_.lower() in _RATE_UNITS)


def _in_name(doc: Doc, i: int) -> bool:
    """Digits that end a name: "SEAL Team 6", "Proposition 8", "Apollo 11"."""
    return (doc[i].is_digit and i > 1 and doc[i - 1].pos_ == "PROPN" and doc[i - 1].is_title
            and not doc[i - 1].is_sent_start and doc[i - 1].ent_type_ not in ("GPE", "NORP"))


def _is_age(doc: Doc, i: int, j: int) -> bool:
    """ "Tamerlan Tsarnaev, 26, was killed", "a woman, 32, in serious condition"."""
    # isdecimal, not is_digit: "①" and "²" are digits that int() does not read
    return (j == i + 1 and doc[i].text.isdecimal() and int(doc[i].text) < 120 and i > 1
            and doc[i - 1].text == "," and doc[i - 2].pos_ in ("PROPN", "NOUN")
            and (j == len(doc) or doc[j].is_punct))


def nominal_adjective(doc: Doc, j: int) -> Token | None:
    """A nominal adjective right after the number, maybe past an adverb ("1.5 million
    internally displaced", "20 critically injured")."""
    if j + 1 < len(doc) and doc[j].pos_ == "ADV" and doc[j].lower_.endswith("ly"):
        j += 1
    return doc[j] if j < len(doc) and doc[j].lower_ in NOMINAL_ADJECTIVES else None


def trailing_qualifier(doc: Doc, j: int) -> str | None:
    """ "31 or more children", "five or fewer"."""
    if j + 1 < len(doc) and doc[j].lower_ == "or":  # "a dozen or so"
        return {"more": "at_least", "fewer": "up_to", "less": "up_to", "so": "about"}.get(
            doc[j + 1].lower_)
    return "more_than" if plus_length(doc, j) else None


def plus_length(doc: Doc, j: int) -> int:
    """Length of a "-plus" or "plus" right after a number ("20-plus people")."""
    if j < len(doc) and doc[j].lower_ == "plus":
        return 1
    return 2 if j + 1 < len(doc) and doc[j].text == "-" and doc[j + 1].lower_ == "plus" else 0
