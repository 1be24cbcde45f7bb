"""A lone surname beside the article's one namesake: that person or someone else."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from tasks.extract.entities import extract_entities
from tasks.extract.linking import person_links
from tasks.extract.lone_surnames import in_prose


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


def test_a_surname_before_the_article_names_its_one_namesake_is_someone_else() -> None:
    # a writer names a person in full first: "Trump" before "Melania Trump" is another Trump
    words = ["Trump", "said", ",", "Melania", "Trump", "spoke", ",", "Trump", "left", "."]
    tags = ["B-PERSON", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "B-PERSON", "O", "O"]
    doc = _doc(words, tags)
    lake = {"Donald Trump": "person/donald-trump", "Melania Trump": "person/melania-trump"}
    _, mentions = extract_entities(doc, doc.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == [
        "person/trump", "person/melania-trump", "person/melania-trump"]
    # a headline names people by surname before the story does: no sentence, no rule
    headline = _doc(words[:-1], tags[:-1])
    _, mentions = extract_entities(headline, headline.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 3
    # a courtesy title of her gender says it is her
    titled = _doc(["Mrs.", *words], ["O", *tags])
    _, mentions = extract_entities(titled, titled.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 3
    # the run's linking: the far likeliest Trump of the run, else the article's after all
    entities, _ = extract_entities(doc, doc.text, "x", {})
    assert _meant(entities.rows) == "person/melania-trump"
    donald = {"article_id": "y", "entity_id": "person/donald-trump", "name": "Donald Trump",
              "label": "PERSON", "mention_count": 20}
    melania = {**donald, "article_id": "z", "entity_id": "person/melania-trump",
               "name": "Melania Trump", "mention_count": 2}
    run = [*entities.rows, melania]
    assert _meant([*run, {**donald, "mention_count": 19}]) == "person/melania-trump"
    assert _meant([*run, {**donald, "mention_count": 20}]) == "person/donald-trump"  # 10 times


def _meant(rows: list[dict]) -> str:
    """The id the run's linking gives the bare "Trump" of article x."""
    links = person_links(rows, {})
    return links.get(("x", "person/trump"), links.get("person/trump", ("person/trump",)))[0]


def test_prose_is_a_line_that_ends_as_a_sentence() -> None:
    body = "Blinken Arrives In Tel Aviv\n\nBlinken met Netanyahu on Monday.\nPhoto: Reuters"
    assert [in_prose(body, at) for at in (0, 29, body.index("Photo"))] == [False, True, False]
