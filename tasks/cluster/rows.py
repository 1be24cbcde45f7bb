"""A story's row from its members: headline, counts, dates, heaviest entities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tasks.headline import story_headline

TOP_ENTITIES = 5


def story_row(story_id: str, members: list[dict]) -> dict:
    dates = [a["published_date"] for a in members if a.get("published_date") is not None]
    mentions: Counter = Counter()
    for a in members:
        mentions.update(a.get("entities") or {})
    return {
        "story_id": story_id,
        "title": story_headline(members),
        "article_count": len(members),
        "source_count": source_count(members),
        "first_published": min(dates, default=None),
        "last_published": max(dates, default=None),
        "top_entities": _top(mentions.items()),
    }


def source_count(members: list[dict]) -> int:
    """Distinct outlets among the members whose outlet is known (from metadata, URL, file
    name or dateline: articles.source_name_source), spelling case aside."""
    return len({" ".join(a["source_name"].casefold().split()) for a in members
                if (a.get("source_name") or "").strip()})


def _top(counts: Iterable[tuple[str, int]]) -> list[str]:
    return [eid for eid, _ in sorted(counts, key=lambda kv: (-kv[1], kv[0]))[:TOP_ENTITIES]]


