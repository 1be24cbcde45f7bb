"""Numeric facts in the manner of GDELT: how many people were killed, wounded, kidnapped, ...

Where things are: `numbers` finds numbers and their values; `counted` what a number counts;
`kinds` (with `walk` and `kind_words`) what happened to the counted people; `attribution`
who gives the figure."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from tasks.extract.extractor import Extractor, ParsedArticle
from tasks.extract.facts.attribution import _attribution
from tasks.extract.facts.counted import (
    _counted,
    _of_a_group,
    _part_of_number,
    _range_end,
    _singular_noun,
)
from tasks.extract.facts.kinds import _kind, _toll_kind
from tasks.extract.facts.numbers import (
    QUALIFIERS,
    is_not_a_count,
    is_rate,
    number_spans,
    number_value,
    range_scale,
    trailing_qualifier,
)

__all__ = ["extract_facts", "number_value"]

_QUOTES = re.compile(r"[\"“”]")  # no part of an object: 'the so-called "Dreamers"'


def extract_facts(doc: Doc, body: str, article_id: str) -> list[dict]:
    """Fact rows (without run_id); `body` is doc.text."""
    rows = []
    walked: dict[int, str | None] = {}  # _clause_kind's walks, once a doc
    for i, j in number_spans(doc):
        if is_not_a_count(doc, i, j):
            continue
        value = number_value([t.text for t in doc[i:j]])
        if value is not None and value < 1000:
            value *= range_scale(doc, i, j)
        if value is None or value == 0:
            continue  # "zero credibility": none of anything; no value, no count (a toll's
            # figure past int64 went on to "value >= 2" with None)
        num = doc[j - 1]
        while num.dep_ == "conj" and i <= num.head.i < j:  # "two hundred and fifty"
            num = num.head
        noun, obj_range = _counted(doc, num, j)
        if obj_range:  # whole words: "three of the co-workers", "the anti-war protesters"
            obj_range = _whole_words(doc, *obj_range)
        if noun is not None and noun.i > num.i and is_rate(doc, noun.i + 1):
            continue
        kind = _kind(noun, num, walked) if value is not None and noun is not None else None
        if noun is num and (toll := _toll_kind(num)):
            kind = toll
        if kind is None or value >= 2 and _singular_noun(noun, num) or value < 2 and (
                kind == "OTHER" or _of_a_group(noun) or (
                i > 0 and doc[i - 1].lower_ == "not") or (
                noun is num and i > 0 and doc[i - 1].pos_ in ("DET", "ADJ"))):
            continue  # "one person said", "12 members of one family", "not one was hurt",
            # "a similar one released"
        lead = " ".join(t.lower_ for t in doc[max(0, i - 3):i])
        qualifier, start_tok = "exact", i
        for words, name in QUALIFIERS:
            if lead == words or lead.endswith(" " + words):
                qualifier, start_tok = name, i - len(words.split())
                break
        if qualifier == "exact":
            qualifier = trailing_qualifier(doc, j) or _range_end(num) or qualifier
        # the span runs to a following counted noun ("two dozen people"), not a partitive's
        end_tok = noun.i + 1 if noun.i > num.i and noun.head.head != num and not (
            _part_of_number(num) or _range_end(num) == "at_least") else j
        start, end = doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1])
        rows.append({"fact_id": f"{article_id}:{start}", "article_id": article_id,
                     "kind": kind, "value": value, "qualifier": qualifier,
                     "object": _QUOTES.sub("", doc[slice(*obj_range)].text) if obj_range
                     else None,
                     "attribution": _attribution(doc, num),
                     "text": body[start:end], "start": start, "end": end})
    return rows


def _whole_words(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    """The range widened to the hyphenated words it cuts ("co" of "co-workers")."""
    def joined(k: int) -> bool:  # doc[k] is a hyphen glued to both neighbours
        return (0 < k < len(doc) - 1 and doc[k].text in ("-", "–") and not doc[k - 1].whitespace_
                and not doc[k].whitespace_ and doc[k - 1].is_alpha and doc[k + 1].is_alpha)
    while joined(hi):
        hi += 2
    while joined(lo - 1):
        lo -= 2
    return lo, hi


def _fact_rows(article: ParsedArticle) -> list[dict]:
    return extract_facts(article.doc, article.body, article.article_id)


EXTRACTORS = (Extractor("facts", _fact_rows),)
