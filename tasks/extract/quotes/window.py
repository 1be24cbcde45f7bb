"""The words right around a quote (its sentence before the opening mark and after the closing
one) and the cue and speaker found in them."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Token

from tasks.extract.quotes.context import Found
from tasks.extract.quotes.cues import _reported_in, _says, _speech, _verb
from tasks.extract.quotes.marks import _END_PUNCT, _MARK_TOKENS, _Part
from tasks.extract.quotes.subjects import _by, _clause_subject, personal, speaks
from tasks.extract.speakers import PRONOUNS
from tasks.extract.syntax import according_source, children, is_according_to, subject

_WINDOW = 30    # tokens searched for a cue on either side of a quote

def _windows(doc: Doc, body: str, starts: list[int], part: _Part, line: tuple[int, int]
             ) -> tuple[list[Token], list[Token]]:
    """Tokens after the closing mark (same sentence) and before the opening mark (nearest first)."""
    post: list[Token] = []
    pre: list[Token] = []
    after = bisect_left(starts, part.close_at)
    # "...peace." He added: the sentence ended inside the quote unless a lowercase word follows;
    # '"...?" Sanders asked' goes on after a question or an exclamation.
    if body[part.end - 1] not in _END_PUNCT or body[part.end - 1] in "?!" or (
            after < len(doc) and doc[after].is_lower):
        for tok in doc[after:min(after + _WINDOW, len(doc))]:
            if tok.idx >= line[1] or tok.text in _MARK_TOKENS or tok.text in _END_PUNCT:
                break
            post.append(tok)
    before = bisect_left(starts, part.open_at) - 1
    for i in range(before, max(before - _WINDOW, -1), -1):
        if doc[i].idx < line[0] or doc[i].text in _MARK_TOKENS or doc[i].text in _END_PUNCT:
            break
        pre.append(doc[i])
    return post, pre


def _cue(tokens: list[Token], quoted: set[int]) -> Found | None:
    """The first speech verb, else "according to": 'X said that, according to its analysis,'
    quotes X. Speech reported within speech is the reporter's when its own subject is no
    person: 'a source said the areas that were hacked suggested "..."' quotes the source."""
    cues = [tok for tok in tokens if _says(tok) and _speech(tok)]
    inner = _clause_subject(cues[0], quoted) if cues else None
    # ('The longtime senator said he rarely asks ..., "..."': the one reporting, named, is
    # the source, and the "he" of the reported clause is most often the same person)
    if cues and (not personal(inner) or inner is not None and inner.lower_ in PRONOUNS):
        outer = _reported_in(cues[0])
        if outer is not None and speaks(who := _clause_subject(outer, quoted)) and \
                who.i not in quoted and (not personal(inner) or who.pos_ != "PRON"):
            return _verb(outer), who
    first: Found | None = None
    for tok in cues:
        found = _verb(tok), _clause_subject(tok, quoted)
        # 'X said that the platform should reiterate "..."': a thing does not speak, the one
        # who reports it does
        if speaks(found[1]):
            return found
        first = first or found
    if first is not None:
        return first
    for tok in tokens:
        if is_according_to(tok):
            source = according_source(tok)
            return "according to", (_by(source) or source) if source is not None else None
    return None


def _reported_by(tokens: list[Token], quoted: set[int], who: Token
                 ) -> tuple[str, Token] | None:
    """'"...," said Day, reports USA Today' and 'Day said, according to CNN': the outer source
    of a nested attribution is the one the quote is given on."""
    for tok in tokens:
        if is_according_to(tok):
            outer = according_source(tok)
            outer = outer if outer is None else _by(outer) or outer
            cue = "according to"
        elif tok.lemma_.lower() == "report" and tok.pos_ == "VERB" and tok.i > who.i and \
                tok.dep_ != "relcl" and not any(c.dep_ == "auxpass" for c in children(tok)):
            # (a report before the speaker sets the scene: 'X reported, his wife whispered';
            # 'X wrote in the email, which was first reported by the AP' tells of the email)
            outer = subject(tok)
            if outer is None or outer.i == who.i:  # inverted, '..., reports USA Today'
                outer = next((c for c in children(tok) if c.dep_ in (
                    "dobj", "attr", "npadvmod") and c.pos_ == "PROPN"
                    and c.ent_type_ not in ("DATE", "TIME")), None)
            cue = "report"
        else:
            continue
        # "according to its analysis": the speaker's own source, not another
        if outer is not None and outer.i not in quoted and outer.i != who.i and not any(
                c.dep_ == "poss" and c.pos_ == "PRON" for c in children(outer)):
            return cue, outer
    return None
