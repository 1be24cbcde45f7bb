"""Mentions: spaCy's entity spans cut into the names they hold (lists, credits, titles and
run-together names split off, headline fragments and junk left out), each with its label."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc, Span

from tasks.extract import lexicon
from tasks.extract.person_names import GIVEN, is_suffix, person_pieces
from tasks.extract.truecase import TRUECASED, name_form
from tasks.schemas import ENTITY_LABELS

# Title words spaCy sometimes puts inside a PERSON span; the name starts after the last one.
_TITLE_TOKENS = lexicon.words("titles")
# Given names that also name places and things ("Al Qaeda", "Virginia Beach", "Pearl Harbor")
GIVEN_NAMES = GIVEN - {
    "al", "virginia", "florence", "victoria", "charlotte", "eugene", "chester", "beverly",
    "amber", "rose", "troy", "warren", "douglas", "franklin", "grace", "joy", "ruby", "pearl",
    "crystal", "april", "june"}
_RELABELLED = {"ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT"}
_NOT_SURNAMES = {"foundation", "center", "centre", "institute", "university", "college",
                 "school", "hospital", "street", "avenue", "park", "bridge", "airport",
                 "stadium", "arena", "hall", "library", "museum", "company", "corp", "inc",
                 "group", "fund", "award", "prize", "act", "church", "tower", "building",
                 "county", "city", "island", "lake", "river", "valley", "administration",
                 "campaign", "project", "show", "network", "house", "day", "alert", "alerts",
                 "garden", "gardens", "hills", "heights", "beach", "springs"}
# Tags of words that start no name: "Will Trump ...?", "Wherever Obama goes".
_NOT_NAME_TAGS = {"MD", "WRB", "WDT", "WP", "RB", "IN", "DT", "PRP", "PRP$", "CC"}
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_TRIM_LEFT = {"DET", "PUNCT", "ADP", "CCONJ", "PART", "SPACE"}
_TRIM_RIGHT = {"PUNCT", "PART", "ADP", "CCONJ", "SPACE", "DET"}
_FINITE = {"VBZ", "VBD", "VBP"}
# Inside a span these end a piece: list commas, line breaks, " - " (CoNLL's "SOCCER - JAPAN"),
# brackets, "at" ("BOSTON AT SEATTLE") and possessives ("Gaza's Health Ministry" is Gaza plus
# Health Ministry, as in CoNLL); and a photo credit's slash (_is_credit_slash).
_BREAKS = {",", "(", ")", "[", "]", "'s", "’s", "at", "AT"}
_DASHES = {"-", "--", "–", "—"}
# Kinds that never end in a number or a lower-case noun ("Interfax news agency", "Juventus 2-0");
# facilities may ("Interstate 95").
_NAME_KINDS = {"PERSON", "ORG", "GPE", "LOC", "NORP"}


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str
    sentence_index: int
    tokens: range
    entity_id: str = ""
    name: str = ""  # the words as linking reads them: truecased in a line of capitals

    def __post_init__(self) -> None:
        self.name = self.name or self.text


def _trim(doc: Doc, lo: int, hi: int, label: str) -> Span | None:
    if label == "PERSON":  # "Belgian King Baudouin", "Secretary of State Antony Blinken"
        last = _surname_at(doc, lo, hi)  # "Martin Luther King Jr." keeps its King
        lo = max([lo] + [i + 1 for i in range(lo, last) if doc[i].lower_ in _TITLE_TOKENS])
    while lo < hi and doc[lo].pos_ in _TRIM_LEFT:
        lo += 1
    # Finite verbs end headline fragments ("Blinken Arrives In" tagged ORG).
    while hi - lo > 1 and (doc[hi - 1].pos_ in _TRIM_RIGHT or doc[hi - 1].tag_ in _FINITE or (
            label in _NAME_KINDS and (_is_figure(doc[hi - 1].text) or (
                label != "PERSON" and doc[hi - 1].is_lower and doc[hi - 1].pos_ == "NOUN")))):
        hi -= 1
    span = doc[lo:hi]
    return span if hi > lo and any(c.isalpha() for c in span.text) else None


def _surname_at(doc: Doc, lo: int, hi: int) -> int:
    """The last token of doc[lo:hi] before its generational suffixes (or lo)."""
    last = hi - 1
    while last > lo and is_suffix(doc[last].text):
        last -= 1
    return last


def _is_figure(text: str) -> bool:
    return any(c.isdigit() for c in text) and not any(c.isalpha() for c in text)


def _is_break(doc: Doc, i: int) -> bool:
    token = doc[i]
    return token.is_space or token.text in _BREAKS or (
        token.text in _DASHES and i > 0 and bool(doc[i - 1].whitespace_))


def _is_credit_slash(span: Span, i: int) -> bool:
    """A photo credit "Mel Evans/AP": a slash between words, after a person's name (the span
    is a person's, a given name comes before it, or the word before it ends a person's name
    in the article: "Rourke/AP"); "F / A-18" and "AC/DC" are no credits."""
    doc = span.doc
    return (doc[i].text == "/" and i > span.start and not doc[i - 1].whitespace_
            and not doc[i].whitespace_ and (
                span.label_ == "PERSON" or any(t.lower_ in GIVEN_NAMES for t in doc[span.start:i])
                or any(e.label_ == "PERSON" and e[-1].text == doc[i - 1].text
                       for e in doc.ents)))


def _pieces(span: Span) -> list[tuple[Span, str]]:
    """Split at list commas, line breaks, dashes, brackets, possessives and slashes; trim the
    edges. Each piece with its label."""
    pieces, begin, label = [], span.start, span.label_
    for i in range(span.start, span.end + 1):
        credit = i < span.end and _is_credit_slash(span, i)
        if i == span.end or _is_break(span.doc, i) or credit:
            if (piece := _trim(span.doc, begin, i, label)) is not None:
                pieces += [(p, label) for p in (
                    person_pieces(piece) if label == "PERSON" else [piece])]
            if credit:
                label = "ORG"  # the credit's agency
            begin = i + 1
    return _credits_repeated(pieces) if label != span.label_ else pieces


def _credits_repeated(pieces: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """A credit written twice ("Mel Evans/AP Mel Evans/AP"): the agency ends where the
    photographer's name starts again."""
    first, out = pieces[0][0][0].text, []
    for piece, label in pieces:
        k = next((k for k in range(1, len(piece)) if piece[k].text == first), None)
        if label == "ORG" and k is not None:
            out += [(piece[:k], "ORG"), (piece[k:], "PERSON")]
        else:
            out.append((piece, label))
    return out


_PORTFOLIOS = {"State", "Defense", "Defence", "Health", "Interior", "Foreign", "Finance",
               "Treasury", "Education", "Energy", "Justice", "Commerce", "Labor", "Labour",
               "Transportation", "Agriculture", "Housing", "Homeland Security"}


def _is_portfolio_word(text: str) -> bool:
    # "State" in "secretary of State", "Health" in "Health Secretary", "State Senator" are
    # tagged ORG; they belong to the role, not to an entity. Alone, a portfolio's common word
    # is no entity either: "State" would join the department, a state senate and "Islamic
    # State" under one id ("Treasury" alone is the department).
    return text in _PORTFOLIOS and text != "Treasury"


def _label(text: str, label: str) -> str:
    """PERSON for a two- or three-word name that starts with a given name the small model
    tagged as something else ("Sean Hannity" ORG), unless it ends in a place or body's noun
    ("Ronald Reagan Airport", "Bill Gates Foundation")."""
    words = text.split()
    if (label == "PERSON" and len(words) > 2 and words[-1].lower() in _NOT_SURNAMES
            and words[0].lower() not in GIVEN):
        return "ORG"  # "Obama White House"; "Steve House" and "Sam Park" stay people
    if (label in _RELABELLED and 2 <= len(words) <= 3 and words[0].lower() in GIVEN_NAMES
            and all(w[0].isupper() for w in words) and words[-1].lower() not in _NOT_SURNAMES):
        return "PERSON"
    return label


def _is_uncapitalised(text: str) -> bool:
    # Names are written with a capital; the small model also tags "marijuana", "state", "n't",
    # "16th", "@handles" and "x.y@wsj.com" (0.5% of its mentions on allsides, nearly all junk).
    # A handle is no name even with capitals ("@SpeakerRyan").
    return not any(c.isupper() for c in text) or text.startswith("@")


def _is_heading_word(body: str, piece: Span) -> bool:
    """The capital of a sentence-case subhead ("Readiness to end the conflict") seen only there."""
    start, doc = piece.start_char, piece.doc
    if len(piece) > 1 or (start and body[start - 1] != "\n") or piece.end == len(doc):
        return False
    after = doc[piece.end]  # lower-case words follow, but not a list ("France at Japan")
    return (not in_prose(body, start) and after.is_lower
            and after.is_alpha and after.pos_ not in ("ADP", "CCONJ")
            and body.count(piece.text) == 1)


def in_prose(body: str, at: int) -> bool:
    """Whether body[at] is on a line of sentences, not a headline's, a subhead's or a
    caption's: the line ends as a sentence does (a colon introduces what follows)."""
    end = body.find("\n", at)
    return body[at:end if end >= 0 else len(body)].rstrip().endswith(_SENTENCE_ENDS)


_SENTENCE_ENDS = (".", "!", "?", ":", '"', "”", "’", "'", ")")
_SMALL_WORDS = {"ADP", "DET", "CCONJ", "AUX", "PART", "PRON", "SCONJ"}


def _in_title_case(piece: Span) -> bool:
    """In a sentence written as a headline: a small word right after another word has a
    capital ("Activists Heckle Mike Bloomberg In Virginia", a related story's title); after
    a quote mark or a full stop it starts a sentence ('attorney. "A seventh trial')."""
    doc = piece.doc
    if not doc.has_annotation("SENT_START"):
        return False
    sentence = piece.sent
    return any(t.pos_ in _SMALL_WORDS and t.is_title and not t.ent_type_
               and doc[t.i - 1].is_alpha for t in sentence[1:])


def _name_starts(piece: Span, body: str, lower_words: set[str], surnames: set[str]) -> Span:
    """A person's name without the headline or caption words the model ran into it before
    the name ("Having Obama", "HANOI Obama", "Billionaire Charles Koch", "Trump Trump"): a
    verb or a word ending in -ing that is no given name ("Painting Sanders as ..."), a word
    in capitals before words that are not, a word written lower-case elsewhere
    in the article that is no given name, or the next word written twice; at the start of a
    line or caption, a word that is no given name before a given name ("Billionaire Charles
    Koch"); and at a caption's, before the surname of a person the article names in full
    ("| Getty Trump" beside Donald Trump; a line's "Naina Yeltsin" beside Boris stays)."""
    lo, doc = piece.start, piece.doc
    last = _surname_at(doc, lo, piece.end)  # the surname stays: "Trump Jr." is no "Jr."
    before = body[max(0, piece.start_char - 3):piece.start_char]
    caption = before.rstrip(" ").endswith("|")
    headline = caption or not before.strip(" ") or before.endswith("\n") or _in_title_case(piece)
    while lo < last:
        word, after = doc[lo], doc[lo + 1]
        tagged = word.tag_.startswith("VB") or word.tag_ in _NOT_NAME_TAGS
        if not ((tagged and (word.lower_ not in GIVEN or word.is_sent_start))  # "Will Carling"
                or word.text == after.text
                or (word.lower_.endswith("ing") and len(word) > 5 and word.lower_ not in GIVEN)
                or (word.is_upper and word.is_alpha and len(word) > 1 and not after.is_upper)
                or (word.lower_ in lower_words and word.lower_ not in GIVEN)
                or (headline and lo == piece.start and word.lower_ not in GIVEN and (
                    (after.lower_ in GIVEN and lo + 2 < piece.end)
                    or (caption and lo + 2 == piece.end and after.text in surnames)))):
            break
        lo += 1
    return doc[lo:piece.end]


_SUFFIX_GAP = re.compile(r" ?,? ?")  # "Jerry Falwell, Jr.", "Jerry Falwell Jr."


def _suffixes_joined(mentions: list[Mention], body: str) -> list[Mention]:
    """A generational suffix the model tagged apart ("Jerry Falwell" PERSON, ", Jr." GPE)
    ends the name before it; alone it names nobody."""
    out: list[Mention] = []
    for m in mentions:
        if not all(map(is_suffix, m.text.split())):
            out.append(m)
            continue
        if out and out[-1].label == "PERSON" and _SUFFIX_GAP.fullmatch(body[out[-1].end:m.start]):
            _extend(out[-1], m, body)
    return out


def _surnames_rejoined(mentions: list[Mention], body: str) -> list[Mention]:
    """A name the model cut in two ("Sheila Jackson" PERSON, "Lee" PERSON): in a sentence, a
    one-word person a space after a given name and one more word ends that name. News never
    writes two people side by side without a comma; a name written twice ("Stuart Mann
    Stuart Mann"), a caption's two names or a headline's "Nancy Pelosi Trump Feud" stay
    apart."""
    out: list[Mention] = []
    for m in mentions:
        last = out[-1] if out else None
        if (last is not None and last.label == m.label == "PERSON" and " " not in m.text
                and body[last.end:m.start] == " " and len(words := last.text.split()) == 2
                and words[0].lower() in GIVEN and m.text not in words
                and in_prose(body, m.start)):
            _extend(last, m, body)
            continue
        out.append(m)
    return out


def _extend(person: Mention, m: Mention, body: str) -> None:
    """The person's mention runs on to the end of the next one, whose words end the name."""
    person.end, person.text = m.end, body[person.start:m.end]
    person.name = f"{person.name} {m.name}"
    person.tokens = range(person.tokens.start, m.tokens.stop)


# One apostrophe for linking: outlets write "O’Rourke" and "O'Rourke" for one man, and the
# label vote and surname look-ups compare the words as written.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def _linked_name(written: str, truecased: str) -> str:
    return (written if truecased == written else name_form(truecased)).translate(_APOSTROPHES)


def collect(doc: Doc, body: str) -> list[Mention]:
    """The name mentions of a parsed article, in order."""
    sentence_of = np.cumsum(doc.to_array("SENT_START") == 1) - 1  # token -> sentence number
    mentions, lower_words = [], set(_LOWER_WORD.findall(body))
    names = doc.user_data.get(TRUECASED, body)  # the text parsed (truecase.onto_body)
    surnames = {e[-1].text for e in doc.ents  # of the people named in full by a given name
                if e.label_ == "PERSON" and len(e) > 1 and e[0].lower_ in GIVEN}
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        for piece, label in _pieces(ent):
            if label == "PERSON" and len(piece) > 1:
                piece = _name_starts(piece, body, lower_words, surnames)
            start, end = piece.start_char, piece.end_char
            if (_is_portfolio_word(piece.text) or _is_heading_word(body, piece)
                    or _is_uncapitalised(piece.text)):
                continue
            mentions.append(Mention(start, end, piece.text, _label(piece.text, label),
                                    int(sentence_of[piece.start]),
                                    range(piece.start, piece.end),
                                    name=_linked_name(piece.text, names[start:end])))
    return _surnames_rejoined(_suffixes_joined(mentions, body), body)
