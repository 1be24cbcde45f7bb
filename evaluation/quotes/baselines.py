"""The baselines: every double-quoted span in a paragraph (regex), and the PERSON mention
nearest to a quote as its speaker."""

from __future__ import annotations

import re

from evaluation.quotes.gold import Person, Span


def regex_quotes(body: str) -> list[Span]:
    spans = []
    for line in re.finditer(r"[^\n]+", body):
        for m in re.finditer(r'“([^”“]+)”|"([^"]+)"', line.group()):
            g = 1 if m.group(1) is not None else 2
            spans.append((line.start() + m.start(g), line.start() + m.end(g)))
    return spans


def nearest_person(span: Span, people: list[Person]) -> dict:
    outside = [p for p in people if p[1] <= span[0] or p[0] >= span[1]]
    if not outside:
        return {"speaker": None, "speaker_entity_id": None}
    p = min(outside, key=lambda p: span[0] - p[1] if p[1] <= span[0] else p[0] - span[1])
    return {"speaker": p[3], "speaker_entity_id": p[2]}
