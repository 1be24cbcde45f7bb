"""Speakers found beyond the quote's own sentence: the sentence before or after it, the
paragraph that introduces it, one reporting the same person's words. (The sentence's
subject, and the one who said something in the sentence before, were rules of their own
until the ranker's nearby names made them redundant.)"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc, Token

from tasks.extract.quotes.cues import CUES, _says, _verb
from tasks.extract.quotes.marks import _END_PUNCT, _MARK, _MARK_TOKENS, _Part
from tasks.extract.quotes.subjects import _BODIES, _PEOPLE, _clause_subject, personal
from tasks.extract.quotes.window import _WINDOW, _cue
from tasks.extract.speakers import PRONOUNS
from tasks.extract.syntax import children, subject

# What a paragraph ending in a colon can announce as the source of the quotes below it.
_DOCUMENT = re.compile(r"^(transcript|statement|excerpt|text|letter|memo|release|remarks|"
                       r"email|post|tweet|message|speech|testimony|exchange)s?$")


def _previous_sentence(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int]
                       ) -> tuple[str | None, Token | None]:
    """'Or maybe Bush, consultant Phil Musser says. "Several surveys ..."': the speech verb of
    the sentence just before a quote that opens a sentence, in the same paragraph."""
    i = bisect_left(starts, part.open_at)
    if i >= len(doc) or not doc[i].is_sent_start and doc[i - 1].text not in _END_PUNCT | {":"}:
        return None, None
    prev = doc[i - 1].sent if i > 0 else None
    if prev is None or prev.start_char < line[0] or _MARK.search(prev.text):
        return None, None
    for tok in prev:
        if tok.pos_ == "VERB" and _says(tok) and (subj := subject(tok)):
            return _verb(tok), subj
    # 'Iowa State's Dianne Bystrom agreed. "..."': a person who is the sentence's subject
    subj = subject(prev.root) if prev.root.pos_ == "VERB" else None
    if subj is not None and (subj.ent_type_ == "PERSON" or subj.lower_ in PRONOUNS or (
            subj.pos_ == "NOUN" and subj.lemma_.lower() in _PEOPLE - _BODIES)):
        return prev.root.lemma_.lower(), subj
    return None, None


def _introduced(doc: Doc, starts: list[int], line: tuple[int, int], quoted: set[int]
                ) -> tuple[str | None, Token | None]:
    """'Dr. Ward stated:' closing the paragraph before one that opens with a quote."""
    sent = doc[bisect_left(starts, line[1]) - 1].sent
    tokens = [t for t in reversed(sent) if t.idx >= line[0] and t.i not in quoted]
    if (found := _cue(tokens, quoted)) is not None and found[1] is not None:
        return found
    verb = next((t for t in tokens if t.pos_ == "VERB" and t.dep_ == "ROOT"), None)
    if verb is None or (subj := _clause_subject(verb, quoted)) is None:
        # 'Partial transcript as follows:' or 'Full statement:': the document is the source
        # of the quoted paragraphs below it
        words = [t for t in tokens if t.is_alpha]
        head = sent.root
        if len(words) <= 5 and head.pos_ in ("NOUN", "PROPN") and head.idx >= line[0] and \
                head.i not in quoted and _DOCUMENT.search(head.lower_):
            return None, head
        return None, None
    return verb.lemma_.lower(), subj


def _next_sentence(doc: Doc, body: str, starts: list[int], part: _Part,
                   line: tuple[int, int], quoted: set[int]) -> tuple[str | None, Token | None]:
    """'"...." That was how Baker put it.' and '"...." So said Baker.': a quote with nothing
    before it to say whose it is, ending its sentence, is given by the speech verb of the
    sentence after it in the paragraph, when that verb has a person for its subject."""
    i = bisect_left(starts, part.close_at)
    # (`body` is doc.text, which spaCy would rebuild on every call)
    if i >= len(doc) or body[part.end - 1] not in _END_PUNCT and not doc[i].is_sent_start:
        return None, None
    tokens = []
    for tok in doc[i:i + _WINDOW]:
        if tok.idx >= line[1] or tok.text in _MARK_TOKENS:
            return None, None  # another quote: its own attribution
        if tok.text in _END_PUNCT:
            break
        tokens.append(tok)
    found = _cue(tokens, quoted)
    if found is None or not personal(found[1]) or found[1].lower_ in PRONOUNS:
        return None, None
    return found


def _reported_before(doc: Doc, body: str, starts: list[int], line: tuple[int, int],
                     quoted: set[int]) -> tuple[str | None, Token | None]:
    """'Carter said that the U.S. would not leave the region.' then a paragraph '"That's
    because ..."' with no attribution: speech right after a paragraph reporting what someone
    said, without quoting them, is theirs."""
    if _MARK.search(body, line[0], line[1]):
        return None, None
    root = doc[bisect_left(starts, line[1]) - 1].sent.root
    if root.pos_ != "VERB" or root.lemma_.lower() not in CUES or not any(
            c.dep_ == "ccomp" for c in children(root)):
        return None, None
    who = _clause_subject(root, quoted)
    return (root.lemma_.lower(), who) if personal(who) else (None, None)
