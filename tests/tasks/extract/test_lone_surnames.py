"""A lone surname beside the article's one namesake: that person or someone else."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import Doc

from tasks.extract import aliases
from tasks.extract.aliases import AliasIndex
from tasks.extract.entities import extract_entities
from tasks.extract.mention_spans import in_prose
from tasks.lake import Lake
from tasks.schemas import conform


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


def _lake(tmp_path: Path, donald: int, melania: int) -> AliasIndex:
    """A real lake whose alias index names Donald and Melania Trump so many times."""
    lake = Lake(str(tmp_path / "lake"))
    rows = [{"article_id": f"a{i}", "entity_id": eid, "name": name, "label": "PERSON",
             "aliases": [name], "roles": [], "mention_count": n}
            for i, (eid, name, n) in enumerate([
                ("person/donald-trump", "Donald Trump", donald),
                ("person/melania-trump", "Melania Trump", melania)])]
    table = conform("entities", rows, run_id="r1")
    lake.publish("r1", "2026-01-05", {"entities": table}, aliases.state(table),
                 {"run_id": "r1"})
    return AliasIndex(lake.url)


def test_a_surname_before_the_article_names_its_one_namesake_is_someone_else(
        tmp_path: Path) -> None:
    # a writer names a person in full first: "Trump" before "Melania Trump" is the Trump
    # the lake names ten times as often as any other
    words = ["Trump", "said", ",", "Melania", "Trump", "spoke", ",", "Trump", "left", "."]
    tags = ["B-PERSON", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "B-PERSON", "O", "O"]
    doc = _doc(words, tags)
    lake = _lake(tmp_path, donald=40, melania=4)
    _, mentions = extract_entities(doc, doc.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == [
        "person/donald-trump", "person/melania-trump", "person/melania-trump"]
    # not ten times as often, or a lake without counts: the article's own
    for known in (_lake(tmp_path / "b", donald=39, melania=4),
                  {"Donald Trump": "person/donald-trump"}):
        _, mentions = extract_entities(doc, doc.text, "x", known)
        assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 3
    # a headline names people by surname before the story does: no sentence, no rule
    headline = _doc(words[:-1], tags[:-1])
    _, mentions = extract_entities(headline, headline.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 3
    # a courtesy title of her gender says it is her
    titled = _doc(["Mrs.", *words], ["O", *tags])
    _, mentions = extract_entities(titled, titled.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 3
    # a given name alone is no surname: "Melania" before "Melania Trump" is her
    given = _doc(["Melania", *words[1:]], tags)
    _, mentions = extract_entities(given, given.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == ["person/melania-trump"] * 3


def test_prose_is_a_line_that_ends_as_a_sentence() -> None:
    body = "Blinken Arrives In Tel Aviv\n\nBlinken met Netanyahu on Monday.\nPhoto: Reuters"
    assert [in_prose(body, at) for at in (0, 29, body.index("Photo"))] == [False, True, False]
