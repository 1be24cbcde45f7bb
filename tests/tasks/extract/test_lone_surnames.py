"""A lone surname beside the article's one namesake: that person or someone else."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from tasks.extract.entities import extract_entities


def _doc(words: list[str], tags: list[str]) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, ents=tags,
               pos=["PROPN" if w[0].isupper() else "PUNCT" if not w.isalnum() else "VERB"
                    for w in words])


def test_a_title_the_article_one_namesake_never_carries_is_someone_else() -> None:
    # "President Trump" in an article that names Melania Trump alone is not her
    doc = _doc(["Melania", "Trump", "spoke", ",", "President", "Trump", "left"],
               ["B-PERSON", "I-PERSON", "O", "O", "O", "B-PERSON", "O"])
    lake = {"Donald Trump": "person/donald-trump", "Melania Trump": "person/melania-trump"}
    _, mentions = extract_entities(doc, doc.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump", "person/trump"]
    # a lake that knows no other Trump: the title tells nothing ("General Soleimani")
    _, mentions = extract_entities(doc, doc.text, "x", {"Melania Trump": "person/melania-trump"})
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 2
    # the same title, however written, is the article's namesake: "Rep. Ryan" is Tim Ryan
    doc = _doc(["Rep.", "Tim", "Ryan", "spoke", ",", "Representative", "Ryan", "left"],
               ["O", "B-PERSON", "I-PERSON", "O", "O", "O", "B-PERSON", "O"])
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["entity_id"] for m in mentions] == ["person/tim-ryan"] * 2
