"""Who a figure is attributed to: "according to X", else the subject of a reporting verb."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from tasks.extract import lexicon
from tasks.extract.syntax import (
    according_source,
    first_where,
    is_according_to,
    last_where,
    nearest_above,
    phrase,
    sentence,
    subject,
)

_ATTRIBUTION_VERBS = lexicon.words("speech_verbs", "attribution")
_ASIDE = {",", ";", ":", "(", ")", '"', "“", "”", "—", "–"}  # no hyphen: "Anti-Violence"
_OF_SOURCE = {"of", "from", "at", "for", "in"}  # "the Ministry of Health", "data from CBP"


def _attribution(doc: Doc, num: Token) -> str | None:
    """ "according to X" in the sentence (the first after the number), else the subject of a
    reporting verb governing the number ("health authorities report over 40,000 deaths")."""
    source = _source(doc, num)
    if source is None:
        return None
    lo, hi = source
    if lo <= num.i < hi or (hi - lo == 1 and doc[lo].pos_ == "PRON"):
        return None  # "according to two people familiar ...", "he said"
    return doc[lo:hi].text


def _source(doc: Doc, num: Token) -> tuple[int, int] | None:
    lo, hi = sentence(num)  # an "according" in the sentence whose "to" is in it too
    according = first_where(doc, is_according_to, num.i + 1, hi - 1)
    if according is None:
        according = last_where(doc, is_according_to, lo, hi - 1)
    if according is not None and (source := according_source(according)) is not None:
        return _whole(source)
    subj = _reporter(num)
    return _whole(subj) if subj is not None else None


def _whole(head: Token) -> tuple[int, int]:
    """The source's whole noun phrase: its left modifiers, the "of"/"from" phrases after it
    ("figures from Nielsen Media Research", "the Department of Public Safety") and the
    sources coordinated with it ("Kurdish activists and a Syria war monitor"); never a
    clause or a comma's aside, nor a phrase after a person's name (the parser hangs the
    sentence's "of the attack" on "prosecutor Frederic Van Leeuw")."""
    lo, hi = phrase(head)
    for child in head.rights:
        if (child.dep_ == "prep" and child.lower_ in _OF_SOURCE and head.ent_type_ != "PERSON"
                or child.dep_ == "cc"
                or child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN")):
            inner = _whole(child) if child.dep_ == "conj" else (child.i, child.right_edge.i + 1)
            if any(t.text in _ASIDE or t.pos_ in ("VERB", "AUX") for t in head.doc[hi:inner[1]]):
                break  # "police, who said", a list with a clause in it
            hi = inner[1]
        elif child.dep_ not in ("compound", "case", "punct") or child.text == ",":
            break
    return lo, hi


def _reporter(num: Token) -> Token | None:
    """The subject of the nearest ancestor that is a reporting verb with a subject (a deep
    tree is walked once, not once for each number in it)."""
    found = nearest_above(num, _reporter, _reporting_subject)
    return num.doc[found] if found >= 0 else None


def _reporting_subject(verb: Token) -> int | None:
    if verb.lemma_.lower() in _ATTRIBUTION_VERBS and (subj := subject(verb)) is not None:
        return subj.i
    return None
