"""story_quotes: a speaker's quotes in a story, from every outlet, in one row."""

from __future__ import annotations

from tasks.story_desk.quotes import story_quote_rows


def quote(article: str, start: int, speaker: str | None, entity: str | None) -> dict:
    return {"quote_id": f"{article}:{start}", "article_id": article, "text": "words",
            "start": start, "end": start + 5, "speaker": speaker,
            "speaker_entity_id": entity, "cue": "said", "kind": "direct"}


def test_a_speaker_quoted_by_three_outlets_is_one_row_with_three_sources() -> None:
    netanyahu = "person/benjamin-netanyahu"
    quotes = [quote("c", 9, "the Israeli leader", netanyahu), quote("a", 5, "Netanyahu", netanyahu),
              quote("b", 7, "Netanyahu", netanyahu), quote("a", 80, "Netanyahu", netanyahu),
              quote("a", 200, "an official", None), quote("b", 300, "an official", None),
              quote("b", 400, None, None)]
    rows = story_quote_rows("st-1", quotes, {netanyahu: "Benjamin Netanyahu"},
                            {"a": "AP", "b": "Reuters", "c": None})
    first, *unresolved = rows
    assert first["speaker"] == "Benjamin Netanyahu" and first["speaker_entity_id"] == netanyahu
    assert (first["article_count"], first["source_count"]) == (3, 3)
    assert first["sources"] == ["AP", "Reuters"]
    assert [q["quote_id"] for q in first["quotes"]] == ["a:5", "a:80", "b:7", "c:9"]
    assert [q["source_name"] for q in first["quotes"]] == ["AP", "AP", "Reuters", None]
    # Two outlets' "an official" need not be one person; a quote without a speaker is left out.
    assert [(r["speaker"], r["article_count"]) for r in unresolved] == [("an official", 1)] * 2
