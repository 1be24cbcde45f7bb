"""Quotations with speaker and reporting verb: direct ones in straight or curly double quotes,
and first-person speech reproduced without marks ("I will not run, Lopez said": unmarked).

Where things are: `marks` pairs the quote marks; `window` takes the words around a quote and
the cue in them; `strategies.STRATEGIES` is the ordered list of rules that propose a speaker
(the first, the quote's own attribution, is itself the ordered `attribution.PATTERNS`);
`candidates` gathers their proposals and the people named nearby, with features; `ranker`
picks one with the shipped model (speaker_model.json, fitted by evaluation.train_speakers);
`speakers.Speakers` turns a head word into a name and an entity id."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from spacy.tokens import Doc

from tasks.extract.entities import Entities, article_entities
from tasks.extract.extractor import Extractor, ParsedArticle
from tasks.extract.quotes import ranker
from tasks.extract.quotes.candidates import Candidate, candidates, proposals
from tasks.extract.quotes.context import QuoteContext
from tasks.extract.quotes.framed import _MIN_WORDS, _framed
from tasks.extract.quotes.marks import _outside_quotes, _parts
from tasks.extract.quotes.strategies import STRATEGIES
from tasks.extract.quotes.unmarked import _unmarked
from tasks.extract.quotes.window import _cue, _windows
from tasks.extract.speakers import Speakers

__all__ = ["explain_quotes", "extract_quotes"]

_RULES = {strategy.__name__ for strategy in STRATEGIES}


def extract_quotes(doc: Doc, body: str, article_id: str, ents: Entities) -> list[dict]:
    """Quote rows (without run_id); `body` is doc.text."""
    return [row for row, _ in explain_quotes(doc, body, article_id, ents)]


def explain_quotes(doc: Doc, body: str, article_id: str, ents: Entities,
                   model: ranker.Model | None | bool = True,
                   trace: list[tuple[dict, list[Candidate]]] | None = None
                   ) -> list[tuple[dict, str | None]]:
    """Each quote row with the name of the first strategy that proposed the speaker the
    ranker chose, and for the quote's own attribution the pattern
    ("own_attribution:cue_after"); None when there was no candidate, or when another part of
    the same quotation gave it. `model`: True for the shipped ranker, None for the first
    strategy's pick; `trace` collects each row with its candidates (for fitting the ranker)."""
    if model is True:
        model = ranker.shipped()
    parts = _parts(body)
    starts = doc.to_array("IDX").tolist()  # token -> character offset
    lines = [m.span() for m in re.finditer(r"[^\n]+", body)]
    speakers = Speakers(doc, ents, _outside_quotes(ents.mentions, parts))
    quoted = {i for p in parts
              for i in range(bisect_left(starts, p.open_at), bisect_left(starts, p.close_at))}
    open_marks = [p.open_at for p in parts]
    named = Counter(m.entity_id for m in speakers.outside)
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
        every = model is not None or trace is not None
        found = proposals(context, every)
        cands = candidates(context, speakers, found, named, every)
        chosen = ranker.best(cands, model)
        if trace is not None:
            trace.append((row, cands))
        why[id(row)] = chosen.by[0] if chosen is not None else None
        if chosen is not None and chosen.same_as is not None:
            _copy_speaker(chosen.same_as, row)
        elif chosen is not None and chosen.mention is not None:  # another antecedent
            row["cue"], row["speaker"] = chosen.cue, chosen.mention.text
            row["speaker_entity_id"] = chosen.mention.entity_id
            speakers.spoke.append((part.open_at, chosen.mention))
        elif chosen is not None and chosen.head is not None:
            row["cue"] = chosen.cue
            row["speaker"], row["speaker_entity_id"] = speakers.speaker(chosen.head,
                                                                         part.open_at)
        chains.setdefault(part.chain, []).append(row)
        last_in_paragraph[part.paragraph] = row
        rows.append(row)
    # A quotation running over several paragraphs has one speaker, wherever the cue stands:
    # a part with a rule's pick gives it to parts with none, or with only a name nearby.
    for chain in chains.values():
        ruled = [row for row in chain if (why[id(row)] or "").split(":")[0] in _RULES]
        source = next((row for row in ruled or chain if row["speaker"] is not None), None)
        for row in chain:
            if source is not None and (row["speaker"] is None or ruled and all(
                    row is not r for r in ruled)):
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
