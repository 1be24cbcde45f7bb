"""Raw text to cleaned body: gold offsets index the raw file, predictions the body."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher

from evaluation.quotes.gold import Span


class Aligner:
    """Maps raw character offsets to body offsets through identical words."""

    def __init__(self, raw: str, body: str) -> None:
        self.raw_words = [m.span() for m in re.finditer(r"\S+", raw)]
        body_words = [m.span() for m in re.finditer(r"\S+", body)]
        a = [raw[s:e] for s, e in self.raw_words]
        b = [body[s:e] for s, e in body_words]
        self.to_body: dict[int, Span] = {}
        for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                self.to_body[block.a + k] = body_words[block.b + k]
        self.raw_starts = [s for s, _ in self.raw_words]

    def span(self, start: int, end: int) -> tuple[Span | None, float]:
        """Body span of raw [start, end) and the share of its words found in the body."""
        lo = max(0, bisect_right(self.raw_starts, start) - 1)
        hi = bisect_left(self.raw_starts, end)
        words = [i for i in range(lo, hi) if self.raw_words[i][1] > start]
        kept = [i for i in words if i in self.to_body]
        if not kept:
            return None, 0.0
        first, last = kept[0], kept[-1]
        b_start = self.to_body[first][0] + max(0, start - self.raw_words[first][0])
        b_end = self.to_body[last][1] - max(0, self.raw_words[last][1] - end)
        return (b_start, b_end), len(kept) / len(words)

    def spans(self, frags: list[Span]) -> tuple[list[Span], float]:
        mapped = [self.span(s, e) for s, e in frags]
        total = sum(e - s for s, e in frags) or 1
        share = sum(sh * (e - s) for (_, sh), (s, e) in zip(mapped, frags, strict=True)) / total
        return [m for m, _ in mapped if m is not None], share
