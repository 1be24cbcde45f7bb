"""Direct quotations in straight or curly double quotes, with speaker and reporting verb."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from tasks.extract.entities import Entities, Mention
from tasks.extract.syntax import phrase, subject

_MARK = re.compile(r'["“”]')
_MARK_TOKENS = {'"', "“", "”"}
_END_PUNCT = {".", "!", "?"}
CUES = {"say", "tell", "add", "stress", "note", "urge", "insist", "warn", "claim", "state",
        "declare", "write", "explain", "announce", "argue", "ask", "reply", "respond",
        "emphasize", "emphasise", "assert", "acknowledge", "admit", "confirm", "deny",
        "suggest", "recall", "conclude", "predict", "promise", "vow", "tweet", "post", "caution",
        "complain", "comment", "remark", "observe", "continue", "shout", "describe", "mention",
        "report", "testify", "whisper", "quip", "concede", "accuse", "demand", "plead", "pledge"}
_PRONOUNS = {"he", "she"}
_MIN_WORDS = 4  # shorter quotes without an attached cue are scare quotes ("green light")
_WINDOW = 30    # tokens searched for a cue on either side of a quote


@dataclass
class _Part:
    start: int          # first character of the quoted words
    end: int
    open_at: int        # offset of the opening mark
    close_at: int       # offset after the closing mark (paragraph end when it is missing)
    paragraph: int
    chain: int          # parts of one multi-paragraph quotation share a chain number


def _parts(body: str) -> list[_Part]:
    """Pair quote marks within each paragraph (line); an unclosed quote runs to the line end."""
    parts: list[_Part] = []
    pending_chain: int | None = None  # an unclosed quote whose next paragraph reopens it
    for p, line in enumerate(re.finditer(r"[^\n]+", body)):
        open_at: int | None = None
        first, chain = True, len(parts)
        for mark in _MARK.finditer(body, line.start(), line.end()):
            pos, ch = mark.start(), mark.group()
            opening = ch == "“" or (ch == '"' and open_at is None) or (
                ch == "”" and open_at is None and body[pos + 1:pos + 2].isalnum())
            if opening:
                chain = pending_chain if first and pending_chain is not None and \
                    not body[line.start():pos].strip() else len(parts)
                open_at, first = pos, False
                continue
            if open_at is not None:
                parts.append(_Part(open_at + 1, pos, open_at, pos + 1, p, chain))
                open_at = None
        pending_chain = None
        if open_at is not None:
            parts.append(_Part(open_at + 1, line.end(), open_at, line.end(), p, chain))
            pending_chain = chain
    for part in parts:  # quoted words only: no edge spaces, no comma moved inside the marks
        text = body[part.start:part.end]
        stripped = text.rstrip().rstrip(",").rstrip()
        part.end = part.start + len(stripped)
        part.start += len(stripped) - len(stripped.lstrip())
    return [part for part in parts if part.end > part.start]


def _cue(tokens: list[Token]) -> tuple[str, Token | None] | None:
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            objects = [c for c in tok.nbor().children if c.dep_ == "pobj"]
            return "according to", objects[0] if objects else None
        if tok.lemma_.lower() in CUES and tok.pos_ in ("VERB", "AUX"):
            return tok.lemma_.lower(), subject(tok)
    return None


def _windows(doc: Doc, body: str, starts: list[int], part: _Part, line: tuple[int, int]
             ) -> tuple[list[Token], list[Token]]:
    """Tokens after the closing mark (same sentence) and before the opening mark (nearest first)."""
    post: list[Token] = []
    pre: list[Token] = []
    after = bisect_left(starts, part.close_at)
    # "...peace." He added: the sentence ended inside the quote unless a lowercase word follows.
    if body[part.end - 1] not in _END_PUNCT or (after < len(doc) and doc[after].is_lower):
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


def extract_quotes(doc: Doc, body: str, article_id: str, ents: Entities) -> list[dict]:
    """Quote rows (without run_id); `body` is doc.text."""
    parts = _parts(body)
    if not parts:
        return []
    starts = doc.to_array("IDX").tolist()  # token -> character offset
    lines = [m.span() for m in re.finditer(r"[^\n]+", body)]
    outside = _outside_quotes(ents.mentions, parts)
    outside_starts = [m.start for m in outside]
    rows: list[dict] = []
    chains: dict[int, list[dict]] = {}
    last_in_paragraph: dict[int, dict] = {}
    for part in parts:
        post, pre = _windows(doc, body, starts, part, lines[part.paragraph])
        post_cue, pre_cue = _cue(post), _cue(pre)
        # A cue set off by a comma or colon makes even a short quote a real one.
        attached = (post_cue is not None and (post[0].text == "," or body[part.end] == ",")) or (
            post_cue is None and pre_cue is not None and pre[0].text in {",", ":"})
        if len(body[part.start:part.end].split()) < _MIN_WORDS and not attached:
            continue
        row = {"quote_id": f"{article_id}:{part.start}", "article_id": article_id,
               "text": body[part.start:part.end], "start": part.start, "end": part.end,
               "speaker": None, "speaker_entity_id": None, "cue": None, "kind": "direct"}
        found = post_cue or pre_cue
        if found is not None:
            row["cue"], subj = found
            if subj is not None:
                row["speaker"], row["speaker_entity_id"] = _speaker(
                    doc, subj, ents, outside, bisect_left(outside_starts, part.open_at))
        else:  # continuation of the same speaker: later part of a split or multi-paragraph quote
            prior = last_in_paragraph.get(part.paragraph)
            if prior is not None:
                _copy_speaker(prior, row)
        chains.setdefault(part.chain, []).append(row)
        last_in_paragraph[part.paragraph] = row
        rows.append(row)
    # A quotation running over several paragraphs has one speaker, wherever the cue stands.
    for chain in chains.values():
        source = next((row for row in chain if row["speaker"] is not None), None)
        for row in chain:
            if source is not None and row["speaker"] is None:
                _copy_speaker(source, row)
    return rows


def _copy_speaker(source: dict, row: dict) -> None:
    for key in ("speaker", "speaker_entity_id", "cue"):
        row[key] = source[key]


def _outside_quotes(mentions: list[Mention], parts: list[_Part]) -> list[Mention]:
    """Mentions not inside a quotation: the only antecedents for "he said"."""
    open_marks = [p.open_at for p in parts]
    outside = []
    for m in mentions:
        i = bisect_left(open_marks, m.start) - 1
        if i < 0 or m.start >= parts[i].close_at:
            outside.append(m)
    return outside


def _speaker(doc: Doc, subj: Token, ents: Entities, outside: list[Mention], before: int
             ) -> tuple[str | None, str | None]:
    if subj.lower_ in _PRONOUNS:  # "he said": the most recent person named before the quote
        for m in reversed(outside[max(0, before - 50):before]):
            if ents.labels.get(m.entity_id) == "PERSON":
                return m.text, m.entity_id
        return subj.text, None
    lo, hi = phrase(subj)
    return doc[lo:hi].text, ents.token_entity.get(subj.i)
