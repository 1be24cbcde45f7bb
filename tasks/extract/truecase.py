"""Truecasing before the parse: lines written in capitals (headlines and subheads kept in a
body, CoNLL's "SOCCER - JAPAN GET LUCKY WIN") get the casing the same article gives their
words elsewhere, because spaCy's small model reads all-caps text badly (headline fragments
as entities, a prominent person under extra ids).

The change is length-preserving character by character, so every offset into the body
holds; `onto_body` carries the parse of the truecased text back onto the body's own
characters, so every published text is the body's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from spacy.attrs import DEP, ENT_IOB, ENT_KB_ID, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

# A word: letters, with inner apostrophes ("DON'T", "CLINTON'S"); hyphens and periods part
# words ("RUN-UP" is two, "U.S." two one-letter words).
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_VOWELS = set("aeiouyAEIOUY")
# spaCy's English stop words; in capitals "US" is the country, not "us".
_FUNCTION_WORDS = STOP_WORDS - {"us"}
_LEADING = " \"“‘'([—–-"  # may stand between a stop (or a line's start) and a sentence
_STOPS = (".", "!", "?", ":", ";")
# Words of two letters or more that make a line a stretch, not an acronym or a table row
# ("NEW YORK 72 53 .576"); 2 and 4 scored the same on CoNLL train's validation part.
MIN_WORDS = 3
MAX_LOWER = 0.1  # share of a stretch's cased letters that may be lower case ("McCAIN")


def truecase(body: str) -> str:
    """`body` with its lines in capitals given the article's own casing of their words; the
    same length, and the same characters but for case. A body without such lines is
    returned as it is (the same object)."""
    lines = body.split("\n")
    capitals = [_capitals(line) for line in lines]
    stretches = [i for i, line in enumerate(lines) if capitals[i] and _words(line) >= MIN_WORDS]
    if not stretches:
        return body
    # Lines in capitals too short to be stretches ("IMPACTS:") are headings as well: their
    # capitals are no evidence of a word's casing.
    forms = _article_forms(line for i, line in enumerate(lines) if not capitals[i])
    for i in stretches:
        lines[i] = _recased(lines[i], forms)
    return "\n".join(lines)


def _capitals(line: str) -> bool:
    upper = sum(map(str.isupper, line))
    if upper < 2:
        return False
    lower = sum(map(str.islower, line))
    return lower <= MAX_LOWER * (upper + lower)


def _words(line: str) -> int:
    return sum(len(word) > 1 for word in _WORD.findall(line))


def _article_forms(lines: Iterable[str]) -> dict[str, str]:
    """Each word's commonest form in the article's mixed-case lines, by its lower case. A
    sentence's first word is capitalised by its place, so it counts only for a word the
    article writes nowhere else ("Fans came" beside "fans" is "fans")."""
    inner: dict[str, Counter[str]] = {}
    first: dict[str, Counter[str]] = {}
    for line in lines:
        for match in _WORD.finditer(line):
            word, at = match.group(0), match.start()
            before = line[max(0, at - 8):at].rstrip(_LEADING)
            opens = before[-1:] in _STOPS or (not before and at <= 8)
            (first if opens else inner).setdefault(word.lower(), Counter())[word] += 1
    return {key: forms.most_common(1)[0][0] for key, forms in (first | inner).items()}


def _recased(line: str, forms: dict[str, str]) -> str:
    out, at, first = [], 0, True
    for match in _WORD.finditer(line):
        word = match.group(0)
        new = _form(word, forms, line[match.end():match.end() + 1] == ".")
        if first and new is not None and new.islower():
            new = new[0].upper() + new[1:]  # the stretch opens with a capital
        first = False
        if new is not None and len(new) == len(word):  # never "ß" -> "SS": offsets hold
            out += [line[at:match.start()], new]
            at = match.end()
    return "".join([*out, line[at:]])


def _form(word: str, forms: dict[str, str], stop_after: bool) -> str | None:
    """The word as the article writes it; None keeps it in capitals."""
    if (known := forms.get(word.lower())) is not None:
        return known
    if len(word) == 1 and stop_after:  # an initial or an abbreviation ("U.S.", "J. EDGAR")
        return None
    if len(word) == 2 and word.lower() not in _FUNCTION_WORDS:  # "UN", "EU", "AP", "TV"
        return None
    if not _VOWELS.intersection(word):  # no vowel: an abbreviation ("FBI", "NBC", "DC")
        return None
    head, sep, tail = word.partition("'") if "'" in word else word.partition("’")
    if sep and (known := forms.get(head.lower())) is not None:  # "CLINTON'S": Clinton's
        return known + sep + tail.lower()
    return word.lower()  # kept in capitals or title case instead, it scored lower


def name_form(truecased: str) -> str:
    """A name as linking reads it, from its truecased words: a word truecasing put in lower
    case (one the article never writes otherwise) is capitalised, as a name's words are,
    unless it is a function word ("Jonathan morris" -> "Jonathan Morris", "the Independent")."""
    return _WORD.sub(lambda m: _capitalised(m.group(0)), truecased)


def _capitalised(word: str) -> str:
    if not word.islower() or word in STOP_WORDS or len(up := word[0].upper()) != 1:
        return word
    return up + word[1:]


TRUECASED = "truecased"  # Doc.user_data key: the text that was parsed, where it differs
# What the extractors read of a parse; carried over token by token.
_ATTRS = [TAG, POS, MORPH, LEMMA, HEAD, DEP, ENT_IOB, ENT_TYPE, ENT_KB_ID]


def onto_body(doc: Doc, body: str) -> Doc:
    """The parse `doc` of truecase(body), on the body's own characters: the same tokens,
    tags, lemmas, dependencies, sentences and entities, with token.text, span.text and
    doc.text the body's, and the truecased text in user_data[TRUECASED]. A doc of the body
    itself is returned as it is."""
    if len(doc) == 0 or doc.text == body:
        return doc
    words = [body[t.idx:t.idx + len(t)] for t in doc]
    out = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
    out.from_array(_ATTRS, doc.to_array(_ATTRS))
    out.user_data[TRUECASED] = doc.text  # names are linked as the parse read them
    return out
