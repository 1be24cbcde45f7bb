"""The quote's own attribution: patterns of the words right around it (PATTERNS), tried in
order; the first that applies decides."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from spacy.tokens import Doc, Token

from tasks.extract.quotes.context import Found, QuoteContext
from tasks.extract.quotes.cues import _FRAMES, _says
from tasks.extract.quotes.marks import _Part
from tasks.extract.quotes.subjects import _clause_subject, _owner_of_subject, personal, speaks
from tasks.extract.speakers import PRONOUNS

_DASHES = {"-", "–", "—", "--", "...", "…"}


def _frame_before_quote(c: QuoteContext) -> Found | None:
    """'Trump called them "rapists" (...) and promised': a cue after the quote that is not
    set off by a comma may start a clause of its own; the framing verb before it decides."""
    if c.post_cue is not None and not c.trailing:
        return _frame_before(c.doc, c.starts, c.part, c.line, c.quoted)
    return None


def _cue_after(c: QuoteContext) -> Found | None:
    """'"...," Gene Sperling, an adviser, said': a cue after the quote frames it when set off
    by a comma and naming someone; else it may start a clause of its own ('said ... "kept us
    safe" on Friday before claiming') or go on from the one before ('X said that Y
    represents "...," stating during the debate'), and a cue before decides."""
    post_cue, pre_cue = c.post_cue, c.pre_cue
    if post_cue is None or pre_cue is not None and not (c.trailing and (
            post_cue[1] is not None or c.names_next or c.verb_next) and (
            pre_cue[1] is None or c.opens_sentence or c.names_next)):
        return None
    cue, subj = post_cue
    # a mangled parse of '"...," Gene Sperling, an adviser, said' leaves "said" subjectless
    # or takes a word of the quote for its subject
    if subj is None or subj.i in c.quoted:
        subj = _trailing_speaker(c.words)
    # 'Fallon fired back: "...," he wrote': "he" is the one named before the colon
    named = _introducer(c.pre, c.quoted) if subj is not None and subj.lower_ in PRONOUNS \
        else None
    if named is not None:
        return cue, named
    return (cue, subj) if subj is not None else None


def _inverted_after(c: QuoteContext) -> Found | None:
    """'"...," mused the host', '"...," Trump from his desk' or '"...?" Hannity pressed' (a
    name tagged as a noun): a quote opening its sentence, then a name or any verb, or none."""
    words = c.words
    if c.trailing and c.opens_sentence and words and (
            words[0].pos_ in ("PROPN", "PRON", "DET") or words[0].tag_ in ("VBZ", "VBD") or (
            words[0].pos_ == "NOUN" and len(words) > 1 and words[1].tag_ in ("VBZ", "VBD"))):
        verb = next((t for t in words[:8] if t.pos_ == "VERB"), None)
        return (verb.lemma_.lower() if verb is not None else None), _trailing_speaker(words)
    return None


def _named_before_colon(c: QuoteContext) -> Found | None:
    """'Pollsters agree - Carl Bialik: "..."': see _name_before_colon."""
    named = _name_before_colon(c.pre)
    return (None, named) if named is not None else None


def _clause_before_colon(c: QuoteContext) -> Found | None:
    """'When Trump suggested that ..., Rubio fired back: "..."': the clause ending in the colon
    brings in the quote, not a speech verb under it."""
    pre = c.pre
    colon = pre[0].head if pre and pre[0].text == ":" else None
    if colon is not None and colon.pos_ == "VERB" and not _says(colon) and \
            colon.i < pre[0].i and colon.head.i not in {t.i for t in pre[1:] if t.i != colon.i} \
            and personal(who := _clause_subject(colon, c.quoted)) and who.i not in c.quoted:
        return colon.lemma_.lower(), who
    return None


def _cue_before(c: QuoteContext) -> Found | None:
    """'Clinton said: "..."': a cue before the quote, with its subject (a cue with no subject
    found, "repeated accusations that ..., calling him", leaves it to the patterns below)."""
    return c.pre_cue if c.pre_cue is not None and c.pre_cue[1] is not None else None


def _before_colon(c: QuoteContext) -> Found | None:
    """'Republican pollster Daron Shaw: "..."': the top verb before the colon ('Clinton
    apologized for what happened:'), not the nearest, and its subject, else the first person
    named there. A colon decides, even when it names no one."""
    pre = c.pre
    if not pre or pre[0].text != ":":
        return None
    inside = {t.i for t in pre}
    verb = next((t for t in pre if t.pos_ == "VERB" and (
        t.dep_ == "ROOT" or t.head.i not in inside)), None)
    subj = _clause_subject(verb, c.quoted) if verb is not None else None
    people = [t for t in pre if t.ent_type_ == "PERSON"]
    return (verb.lemma_.lower() if verb is not None else None), (
        subj if subj is not None else (people[0] if people else None))


def _after_dash(c: QuoteContext) -> Found | None:
    """'Trump also embraced harsh methods -- "I think ..."': after a dash that is no aside,
    the one whose clause it ends."""
    pre = c.pre
    if not pre or pre[0].text not in ("--", "—", "–") or c.post_cue is not None:
        return None
    inside = {t.i for t in pre}
    verb = next((t for t in pre if t.pos_ == "VERB" and t.head.i not in inside), None)
    subj = _clause_subject(verb, c.quoted) if verb is not None else None
    if personal(subj) and subj.i not in c.quoted:
        return verb.lemma_.lower(), subj
    return None


def _clause_around(c: QuoteContext) -> Found:
    """A quote inside a clause: 'Trump called her "crooked"' speaks for the clause's subject,
    and so does one the clause otherwise brings in ('Trump issued a statement, "..."'). The
    last pattern: it decides, if only that no one is found."""
    doc, part, line, quoted = c.doc, c.part, c.line, c.quoted
    first = bisect_left(c.starts, part.start)
    other: Found = (None, None)
    framed: Found | None = None
    if first < len(doc):
        for verb in doc[first].ancestors:
            if part.open_at <= verb.idx < part.close_at or verb.idx < line[0]:
                continue
            if verb.idx >= line[1]:
                break
            if verb.pos_ == "VERB" and verb.lemma_.lower() in _FRAMES:
                found = verb.lemma_.lower(), _clause_subject(verb, quoted)
                if speaks(found[1]):
                    return found
                framed = framed or found
                continue
            if verb.pos_ == "VERB" and not personal(other[1]):
                # ('Ryan worried that the safety net was becoming "..."': not the net)
                subj = _clause_subject(verb, quoted)
                if subj is not None and subj.i not in quoted and (
                        other[1] is None or personal(subj)):
                    other = verb.lemma_.lower(), subj
            elif verb.pos_ == "AUX" and other[1] is None and (
                    owner := _owner_of_subject(verb)) is not None:
                other = None, owner  # "Rubio's catch phrase was that Crist "...""
    return framed or other


# The quote's own attribution, in the order tried: the first that applies decides.
PATTERNS: list[Callable[[QuoteContext], Found | None]] = [
    _frame_before_quote,
    _cue_after,
    _inverted_after,
    _named_before_colon,
    _clause_before_colon,
    _cue_before,
    _before_colon,
    _after_dash,
    _clause_around,
]


def attribution(c: QuoteContext) -> tuple[str, Found]:
    """(the pattern's name, (cue, the speaker's head token)) by the first pattern that
    applies (the last always does)."""
    return next((pattern.__name__.lstrip("_"), found) for pattern in PATTERNS
                if (found := pattern(c)) is not None)


def _frame_before(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int],
                  quoted: set[int]) -> tuple[str, Token] | None:
    """The verb before a quote whose object it is ('called them "..."'), with a subject that
    speaks."""
    first = bisect_left(starts, part.start)
    verb = next((v for v in doc[first].ancestors if v.pos_ == "VERB"), None) \
        if first < len(doc) else None
    if verb is None or not line[0] <= verb.idx < part.open_at or \
            verb.lemma_.lower() not in _FRAMES:
        return None
    who = _clause_subject(verb, quoted)
    return (verb.lemma_.lower(), who) if speaks(who) and who.i not in quoted else None


def _name_before_colon(pre: list[Token]) -> Token | None:
    """'Pollsters agree - Carl Bialik: "..."', 'Continued Stone: "..."' and 'he tweeted about
    ... Donald Trump: "..."': a name standing alone before the colon, after a dash or an
    ellipsis, at the start of the paragraph or after a speech verb it is the subject of, is
    the quote's source (not 'told Fox News:' or 'later on CNN:')."""
    if not pre or pre[0].text != ":":
        return None
    names: list[Token] = []
    bracketed = False
    for tok in pre[1:]:
        if tok.text in _DASHES:
            break
        bracketed = tok.text != "(" and (bracketed or tok.text == ")")
        if tok.pos_ in ("VERB", "AUX"):
            # an inverted speech verb ("Continued Stone:") whose subject the name is
            if _says(tok) and names and tok.i + 1 == names[-1].i and tok.i == pre[-1].i:
                break
            return None
        if tok.is_punct and tok.text not in "().":
            return None
        # (a name may be tagged a noun: "Pew Research")
        if not bracketed and (tok.pos_ == "PROPN" or tok.pos_ == "NOUN" and tok.is_title) and \
                tok.ent_type_ not in ("DATE", "TIME"):
            names.append(tok)
    else:
        if pre[-1].i > 0 and pre[-1].doc[pre[-1].i - 1].text not in ("\n", "\n\n") and \
                "\n" not in pre[-1].doc[pre[-1].i - 1].text:
            return None  # the name is not where a sentence starts
    return names[0] if names else None


def _introducer(pre: list[Token], quoted: set[int]) -> Token | None:
    """The named person whose clause ends in the colon before a quote ('Fallon fired back:')."""
    if not pre or pre[0].text != ":" or pre[0].head.pos_ != "VERB":
        return None
    who = _clause_subject(pre[0].head, quoted)
    named = who is not None and (who.ent_type_ == "PERSON" or who.pos_ == "PROPN")
    return who if named and who.i not in quoted else None


def _trailing_speaker(words: list[Token]) -> Token | None:
    """Head of the speaker in '"...," Name [, apposition,] said' or '"...," said Name'."""
    if not words:
        return None
    first = words[1] if words[0].pos_ in ("VERB", "AUX") and len(words) > 1 else words[0]
    # (a capitalised word after "said" is a name whatever its tag: '"...," said Skelly')
    if first.pos_ not in ("PROPN", "PRON", "NOUN", "DET", "ADJ") and not (
            first.is_title and first.is_alpha and first.i > words[0].i):
        return None
    head = first
    for tok in first.doc[first.i + 1:first.i + 6]:  # the end of a name: "Gene Sperling"
        if tok.pos_ not in ("PROPN", "NOUN") and tok.text != "-":
            break
        head = tok
    return head
