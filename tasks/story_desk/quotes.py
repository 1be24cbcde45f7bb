"""Who said what in a story, according to which outlet: one row per story and speaker.

A speaker resolved to an entity (quotes.speaker_entity_id) is one row whatever each outlet
calls them ("Netanyahu", "the Israeli leader"), holding every member article's quotes. An
unresolved speaker ("an official") is a row per article and speaker as written: two outlets'
"an official" need not be one person. Quotes without any speaker are left out.
"""

from __future__ import annotations

from tasks.story_desk.figures import source_key


def story_quote_rows(story_id: str, quotes: list[dict], names: dict[str, str],
                     outlets: dict[str, str | None]) -> list[dict]:
    """story_quotes rows of one story. quotes: the member articles' quotes rows; names:
    entity_id -> canonical name; outlets: article_id -> source_name."""
    speakers: dict[tuple, list[dict]] = {}
    for quote in sorted(quotes, key=lambda q: (q["article_id"], q["start"])):
        if quote.get("speaker_entity_id"):
            key: tuple = (quote["speaker_entity_id"], None)
        elif (quote.get("speaker") or "").strip():
            key = (None, f"{quote['article_id']}|{' '.join(quote['speaker'].split())}")
        else:
            continue
        speakers.setdefault(key, []).append(quote)
    rows = []
    for (entity_id, _), said in speakers.items():
        articles = {q["article_id"] for q in said}
        rows.append({
            "story_id": story_id,
            "speaker_entity_id": entity_id,
            "speaker": (names.get(entity_id) if entity_id else None) or said[0]["speaker"]
            or entity_id,
            "article_count": len(articles),
            "source_count": len({source_key(outlets.get(a), a) for a in articles}),
            "sources": sorted({outlets[a] for a in articles if outlets.get(a)}),
            "quotes": [{"quote_id": q["quote_id"], "article_id": q["article_id"],
                        "source_name": outlets.get(q["article_id"]), "speaker": q["speaker"],
                        "text": q["text"], "start": q["start"], "end": q["end"],
                        "cue": q.get("cue"), "kind": q["kind"]} for q in said],
        })
    return sorted(rows, key=lambda r: (-r["article_count"], -len(r["quotes"]),
                                       r["speaker_entity_id"] or "~", r["speaker"]))
