"""Where a quotation is: quote marks paired within a paragraph, a quote left open running
on into the next paragraph, quotes within quotes, and which tokens and mentions are quoted."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from tasks.extract.entities import Mention

_MARK = re.compile(r'["“”]')

_INCHES = re.compile(r"\d[’']\d{0,2}$")

_MARK_TOKENS = {'"', "“", "”"}

_END_PUNCT = {".", "!", "?"}


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
        first, chain, inner = True, len(parts), ""
        for mark in _MARK.finditer(body, line.start(), line.end()):
            pos, ch = mark.start(), mark.group()
            if ch != "“" and _INCHES.search(body, max(0, pos - 6), pos):
                continue  # 6’2”: a height, not a closing mark
            if (state := _inner(body, open_at, pos, ch, inner)) is not None:
                # '"... isn’t about “Equal Justice” anymore.' and '"... says, "I'd like 10,000
                # rounds," you know ...': a quote within the quote, not its end
                inner = state
                continue
            inner = ""
            # “abhorrent“: a left mark after an open quote and before no word closes it
            opening = (ch == "“" and (open_at is None or body[pos + 1:pos + 2].isalnum())) or (
                ch == '"' and open_at is None) or (
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


def _inner(body: str, open_at: int | None, pos: int, ch: str, inner: str) -> str | None:
    """The mark opening the quote within an open quote after this mark ("" once it closes),
    or None when the mark is no part of an inner quote: a curly pair inside a straight quote,
    or a straight mark opening before a word ('says, "I'd') and the one closing it."""
    if open_at is None or pos == open_at + 1:
        return None  # ('"“You don’t win ...,”': a stray straight mark before the quote)
    after = body[pos + 1:pos + 2].isalnum()
    if inner:
        closes = ch == "”" if inner == "“" else ch == '"' and not body[pos - 1].isspace()
        return "" if closes else None
    if ch == "“" and body[open_at] == '"' and after:
        return "“"
    return '"' if ch == '"' and after and body[pos - 1] in " ([" else None


def _quoted(offset: int, parts: list[_Part], open_marks: list[int]) -> bool:
    i = bisect_left(open_marks, offset + 1) - 1  # open_marks: each part's open_at
    return i >= 0 and offset < parts[i].close_at


def _outside_quotes(mentions: list[Mention], parts: list[_Part]) -> list[Mention]:
    """Mentions not inside a quotation: the only antecedents for "he said"."""
    open_marks = [p.open_at for p in parts]
    outside = []
    for m in mentions:
        i = bisect_left(open_marks, m.start) - 1
        if i < 0 or m.start >= parts[i].close_at:
            outside.append(m)
    return outside
