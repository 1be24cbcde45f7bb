"""First-person speech reproduced without quote marks: 'I will not run again, Lopez said.'"""

from __future__ import annotations

from spacy.tokens import Doc

from tasks.extract.quotes.cues import CUES
from tasks.extract.quotes.marks import _MARK_TOKENS
from tasks.extract.speakers import Speakers
from tasks.extract.syntax import children, subject

_FIRST_PERSON = {"i", "me", "we", "us"}


def _unmarked(doc: Doc, body: str, article_id: str, ctx: Speakers, quoted: set[int]
              ) -> list[dict]:
    """'I will not run again, Lopez said.': first-person words without quote marks before a
    trailing cue whose subject is a name, or he/she standing for a known person."""
    rows = []
    for sent in doc.sents:
        root = sent.root
        if root.lemma_.lower() not in CUES or root.pos_ != "VERB" or any(
                t.i in quoted or t.text in _MARK_TOKENS for t in sent):
            continue
        said = next((c for c in children(root) if c.dep_ == "ccomp" and c.i < root.i), None)
        subj = subject(root)
        comma = root.i - 1 if subj is None else subj.left_edge.i - 1
        if said is None or subj is None or subj.i < said.i or comma <= sent.start or \
                doc[comma].text != "," or said.left_edge.i != sent.start or not any(
                    t.lower_ in _FIRST_PERSON and t.tag_ == "PRP" for t in doc[sent.start:comma]):
            continue
        speaker, entity = ctx.speaker(subj, sent.start_char)
        if entity is None and subj.ent_type_ != "PERSON":
            continue  # the speaker is not clear ("he" with no one to stand for, "a source")
        start, end = sent.start_char, doc[comma].idx
        rows.append({"quote_id": f"{article_id}:{start}", "article_id": article_id,
                     "text": body[start:end], "start": start, "end": end, "speaker": speaker,
                     "speaker_entity_id": entity, "cue": root.lemma_.lower(),
                     "kind": "unmarked"})
    return rows
