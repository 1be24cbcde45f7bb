"""Quotations with speaker and reporting verb: direct ones in straight or curly double quotes,
and first-person speech reproduced without marks ("I will not run, Lopez said": unmarked).

Where things are: `marks` pairs the quote marks; `window` takes the words around a quote and
the cue in them; `strategies.STRATEGIES` is the ordered list of rules that choose the speaker
(the first, the quote's own attribution, is itself the ordered `attribution.PATTERNS`);
`speakers.Speakers` turns the chosen head word into a name and an entity id."""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc

from tasks.extract.entities import Entities, article_entities
from tasks.extract.extractor import Extractor, ParsedArticle
from tasks.extract.quotes.context import QuoteContext
from tasks.extract.quotes.framed import _MIN_WORDS, _framed
from tasks.extract.quotes.marks import _outside_quotes, _parts
from tasks.extract.quotes.strategies import choose
from tasks.extract.quotes.unmarked import _unmarked
from tasks.extract.quotes.window import _cue, _windows
from tasks.extract.speakers import Speakers

__all__ = ["explain_quotes", "extract_quotes"]


def extract_quotes(doc: Doc, body: str, article_id: str, ents: Entities) -> list[dict]:
    """Quote rows (without run_id); `body` is doc.text."""
    return [row for row, _ in explain_quotes(doc, body, article_id, ents)]


def explain_quotes(doc: Doc, body: str, article_id: str, ents: Entities
                   ) -> list[tuple[dict, str | None]]:
    """Each quote row with the name of the strategy that chose its speaker, and for the
    quote's own attribution the pattern ("own_attribution:cue_after"); None when none did,
    or when another part of the same quotation gave it."""
    parts = _parts(body)
    starts = doc.to_array("IDX").tolist()  # token -> character offset
    lines = [m.span() for m in re.finditer(r"[^\n]+", body)]
    speakers = Speakers(doc, ents, _outside_quotes(ents.mentions, parts))
    quoted = {i for p in parts
              for i in range(bisect_left(starts, p.open_at), bisect_left(starts, p.close_at))}
    open_marks = [p.open_at for p in parts]
    rows: list[dict] = []
    why: dict[int, str | None] = {}  # id(row) -> strategy
    chains: dict[int, list[dict]] = {}
    last_in_paragraph: dict[int, dict] = {}
    for part in parts:
        post, pre = _windows(doc, body, starts, part, lines[part.paragraph])
        post_cue, pre_cue = _cue(post, quoted), _cue(pre, quoted)
        # '"...," he said' and '"...?" Trump went on': the attribution follows
        trailing = "," in body[part.end:part.close_at + 1] or bool(post and post[0].text == ",") \
            or body[part.end - 1] in "?!"
        # A cue set off by a comma or colon makes even a short quote a real one.
        attached = (post_cue is not None and trailing) or (
            post_cue is None and pre_cue is not None and pre[0].text in {",", ":"})
        if len(body[part.start:part.end].split()) < _MIN_WORDS and not attached and \
                not _framed(doc, starts, part, body):
            continue
        row = {"quote_id": f"{article_id}:{part.start}", "article_id": article_id,
               "text": body[part.start:part.end], "start": part.start, "end": part.end,
               "speaker": None, "speaker_entity_id": None, "cue": None, "kind": "direct"}
        context = QuoteContext(doc, body, starts, lines, parts, open_marks, quoted, part, post,
                               pre, post_cue, pre_cue, trailing,
                               last_in_paragraph.get(part.paragraph), rows, last_in_paragraph)
        chosen = choose(context)
        why[id(row)] = None if chosen is None else chosen[0] if chosen[1].pattern is None \
            else f"{chosen[0]}:{chosen[1].pattern}"
        if chosen is not None and chosen[1].same_as is not None:
            _copy_speaker(chosen[1].same_as, row)
        elif chosen is not None:
            row["cue"] = chosen[1].cue
            row["speaker"], row["speaker_entity_id"] = speakers.speaker(chosen[1].head,
                                                                         part.open_at)
        chains.setdefault(part.chain, []).append(row)
        last_in_paragraph[part.paragraph] = row
        rows.append(row)
    # A quotation running over several paragraphs has one speaker, wherever the cue stands.
    for chain in chains.values():
        source = next((row for row in chain if row["speaker"] is not None), None)
        for row in chain:
            if source is not None and row["speaker"] is None:
                _copy_speaker(source, row)
                why[id(row)] = None
    explained = [(row, why[id(row)]) for row in rows]
    unmarked = [(row, "unmarked") for row in _unmarked(doc, body, article_id, speakers, quoted)]
    return sorted(explained + unmarked, key=lambda pair: pair[0]["start"]) if unmarked \
        else explained


def _copy_speaker(source: dict, row: dict) -> None:
    for key in ("speaker", "speaker_entity_id", "cue"):
        row[key] = source[key]


def _quote_rows(article: ParsedArticle) -> list[dict]:
    ents, _ = article_entities(article)
    return extract_quotes(article.doc, article.body, article.article_id, ents)


EXTRACTORS = (Extractor("quotes", _quote_rows),)
