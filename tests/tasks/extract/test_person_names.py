"""Forms of one person's name within an article: variants, a given name alone, run-together
spans and nicknames; and what extract_entities makes of them."""

from __future__ import annotations

from collections import Counter

import pytest
import spacy
from spacy.tokens import Doc

from tasks.extract.entities import canonical_name, extract_entities
from tasks.extract.person_names import (
    article_spellings,
    article_variants,
    behind_nickname,
    courtesy_gender,
    given_name_means,
    middles_agree,
    of_gender,
    one_person,
    person_pieces,
)


@pytest.fixture(scope="module")
def vocab():
    return spacy.blank("en").vocab


def _doc(vocab, text: str, person: str, pos: dict[str, str] | None = None) -> Doc:
    """Whitespace tokens, `person` the one PERSON span, every word a proper noun unless said."""
    words = text.split(" ")
    first = next(i for i in range(len(words)) if words[i:i + len(person.split())]
                 == person.split())
    tags = ["O"] * len(words)
    for k in range(len(person.split())):
        tags[first + k] = ("B-" if k == 0 else "I-") + "PERSON"
    pos = pos or {}
    return Doc(vocab, words=words, ents=tags,
               pos=[pos.get(w, "PUNCT" if not w.isalnum() else "PROPN") for w in words])


@pytest.mark.parametrize("a,b,agree", [
    ([], ["d"], True), (["d"], ["davis"], True), (["davis"], ["davis"], True),
    (["w"], ["h", "w"], False), (["w"], ["hw"], False), (["david"], ["daniel"], False)])
def test_middle_names_agree(a: list[str], b: list[str], agree: bool) -> None:
    assert middles_agree(a, b) is agree


def test_one_person_needs_the_same_given_name_and_surname() -> None:
    assert one_person(["Paul Ryan", "Paul D. Ryan", "Paul Davis Ryan"])
    assert one_person(["Donald J. Trump", "Donald Trump"])
    assert not one_person(["George W. Bush", "George H. W. Bush"])
    assert not one_person(["Donald Trump", "Donald Trump Jr."])
    assert not one_person(["Barack Obama", "Michelle Obama"])
    assert not one_person(["Obama"])


def test_article_variants_take_the_fullest_form() -> None:
    assert article_variants(["Donald Trump", "Donald J. Trump", "Mike Pence"]) == {
        "Donald Trump": "Donald J. Trump", "Donald J. Trump": "Donald J. Trump",
        "Mike Pence": "Mike Pence"}
    # "George Bush" fits both Presidents: it and they stay as written
    assert article_variants(["George Bush", "George W. Bush", "George H. W. Bush"]) == {
        n: n for n in ["George Bush", "George W. Bush", "George H. W. Bush"]}


def test_a_given_name_alone_is_the_one_person_of_the_article_with_it() -> None:
    assert given_name_means("Paul", ["Paul Ryan", "Donald Trump"]) == "Paul Ryan"
    assert given_name_means("Paul", ["Paul Ryan", "Rand Paul"]) is None  # also a surname
    assert given_name_means("Paul", ["Paul Ryan", "Paul Manafort"]) is None
    assert given_name_means("Jeb", ["Marco Rubio"]) is None


def test_person_pieces_split_names_run_together(vocab) -> None:
    text = "Speaker Paul Ryan Paul Davis Ryan Retirees should say no"
    doc = _doc(vocab, text, "Paul Ryan Paul Davis Ryan Retirees", {"should": "AUX"})
    span = next(iter(doc.ents))
    assert [p.text for p in person_pieces(span)] == ["Paul Ryan", "Paul Davis Ryan"]
    doc = _doc(vocab, "al - Gama'a al - Islamiya said", "al - Gama'a al - Islamiya",
               {"said": "VERB"})
    assert [p.text for p in person_pieces(next(iter(doc.ents)))] == [
        "al - Gama'a al - Islamiya"]


def test_a_name_behind_a_nickname() -> None:
    known = ["Hillary Clinton", "Jean Smith"]
    assert behind_nickname("Crooked Hillary Clinton", known) == "Hillary Clinton"
    assert behind_nickname("Billie Jean King", known) is None  # no known "Jean King"
    assert behind_nickname("Mary Jean Smith", known) is None  # Mary is a given name
    assert behind_nickname("Hillary Clinton", known) is None


def test_one_article_names_one_person_by_every_form(vocab) -> None:
    text = ("Donald J. Trump met Paul D. Ryan . Donald Trump and Paul Ryan agreed , "
            "Paul said , and Ryan left .")
    words = text.split(" ")
    tags = ["O"] * len(words)
    for name in ["Donald J. Trump", "Paul D. Ryan", "Donald Trump", "Paul Ryan", "Paul", "Ryan"]:
        n = len(name.split())
        first = next(i for i in range(len(words)) if words[i:i + n] == name.split()
                     and tags[i] == "O" and (n > 1 or words[i - 1] in (",", "and")))
        tags[first:first + n] = ["B-PERSON"] + ["I-PERSON"] * (n - 1)
    doc = Doc(vocab, words=words, ents=tags,
              pos=["PUNCT" if not w.isalnum() else "VERB" if w in ("met", "agreed", "said",
                                                                   "left") else "PROPN"
                   for w in words])
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert {m["text"]: m["entity_id"] for m in mentions} == {
        "Donald J. Trump": "person/donald-j-trump", "Donald Trump": "person/donald-j-trump",
        "Paul D. Ryan": "person/paul-d-ryan", "Paul Ryan": "person/paul-d-ryan",
        "Paul": "person/paul-d-ryan", "Ryan": "person/paul-d-ryan"}


def test_well_known_short_names_and_credits_and_datelines(vocab) -> None:
    text = ("GOP and House leaders met ; NEW YORK ( Reuters ) said ; "
            "Mel Evans / AP Mel Evans / AP took it ; Matt Rourke and Rourke / AP")
    words = text.split(" ")
    tags = ["O"] * len(words)
    for first, n, label in [(0, 1, "ORG"), (2, 1, "ORG"), (6, 2, "GPE"), (9, 1, "ORG"),
                            (13, 8, "PERSON"), (24, 2, "PERSON"),
                            (27, 3, "ORG")]:
        tags[first:first + n] = [f"B-{label}"] + [f"I-{label}"] * (n - 1)
    spaces = [w != "/" and nxt != "/" for w, nxt in zip(words, [*words[1:], ""], strict=True)]
    doc = Doc(vocab, words=words, spaces=spaces, ents=tags,
              pos=[{"and": "CCONJ", "the": "DET", "it": "PRON"}.get(w, "VERB") if w.islower()
                   else "PROPN" if w.isalnum() else "PUNCT" for w in words])
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [(m["text"], m["entity_id"]) for m in mentions] == [
        ("GOP", "org/republican-party"), ("House", "org/house-of-representatives"),
        ("NEW YORK", "gpe/new-york"), ("Reuters", "org/reuters"),  # no alias of New York
        *[("Mel Evans", "person/mel-evans"), ("AP", "org/associated-press")] * 2,  # agency
        ("Matt Rourke", "person/matt-rourke"), ("Rourke", "person/matt-rourke"),
        ("AP", "org/associated-press")]  # "Rourke/AP" tagged ORG: the credit of Matt Rourke
    assert canonical_name("House", "WORK_OF_ART") == "House"  # a show is no House of Reps.


def test_a_courtesy_title_tells_which_of_two_people_a_surname_is(vocab) -> None:
    assert courtesy_gender("said Mrs. Clinton", 10) == "f"
    assert courtesy_gender("said Mr Clinton", 8) == "m" and courtesy_gender("Clinton", 0) is None
    assert of_gender(["Hillary Clinton", "Bill Clinton", "Chelsea Clinton"], "m") == [
        "Bill Clinton"]
    text = ("Bill Clinton and Hillary Clinton met . Mrs. Clinton spoke , Mr. Clinton left , "
            "Clinton .")
    words = text.split(" ")
    tags = ["O"] * len(words)
    for first, n in [(0, 2), (3, 2), (8, 1), (12, 1), (15, 1)]:
        tags[first:first + n] = ["B-PERSON"] + ["I-PERSON"] * (n - 1)
    doc = Doc(vocab, words=words, ents=tags,
              pos=["PROPN" if w[0].isupper() else "PUNCT" if not w.isalnum() else "VERB"
                   for w in words])
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["entity_id"] for m in mentions] == [
        "person/bill-clinton", "person/hillary-clinton", "person/hillary-clinton",
        "person/bill-clinton", "person/clinton"]  # no title: either of them, so neither


def test_a_courtesy_title_of_the_other_gender_is_not_the_article_one_namesake(vocab) -> None:
    # "Mr. Biden" in an article that names only Jill Biden is a man the lake knows
    words = ["Jill", "Biden", "spoke", ",", "Mr.", "Biden", "left", ",", "Mrs.", "Biden", "too"]
    tags = ["B-PERSON", "I-PERSON", "O", "O", "O", "B-PERSON", "O", "O", "O", "B-PERSON", "O"]
    doc = Doc(vocab, words=words, ents=tags,
              pos=["PROPN" if w[0].isupper() else "PUNCT" if not w.isalnum() else "VERB"
                   for w in words])
    lake = {"Joe Biden": "person/joe-biden", "Jill Biden": "person/jill-biden"}
    _, mentions = extract_entities(doc, doc.text, "x", lake)
    assert [m["entity_id"] for m in mentions] == [
        "person/jill-biden", "person/joe-biden", "person/jill-biden"]
    _, mentions = extract_entities(doc, doc.text, "x", {})  # a lake that knows no man Biden
    assert [m["entity_id"] for m in mentions] == [
        "person/jill-biden", "person/biden", "person/jill-biden"]  # left to linking.py


def test_a_titled_surname_takes_the_lake_person_of_its_gender(vocab) -> None:
    words = ["Mrs.", "Obama", "spoke", ",", "Mr.", "Obama", "left"]
    doc = Doc(vocab, words=words, ents=["O", "B-PERSON", "O", "O", "O", "B-PERSON", "O"],
              pos=["PROPN", "PROPN", "VERB", "PUNCT", "PROPN", "PROPN", "VERB"])
    both = {"Barack Obama": "person/barack-obama", "Michelle Obama": "person/michelle-obama"}
    _, mentions = extract_entities(doc, doc.text, "x", both)
    assert [m["entity_id"] for m in mentions] == ["person/michelle-obama", "person/barack-obama"]
    _, mentions = extract_entities(doc, doc.text, "x", {"Barack Obama": "person/barack-obama",
                                                        "Obama": "person/barack-obama"})
    assert [m["entity_id"] for m in mentions] == ["person/mrs-obama", "person/barack-obama"]


@pytest.mark.parametrize("a,b,same", [
    ("Bernie Sanders", "Bernard Sanders", True),  # a short form of the given name
    ("Rudy Giuliani", "Rudolph Giuliani", True),
    ("Bill Clinton", "William Clinton", True),
    ("Bill Clinton", "Hillary Clinton", False),
    ("Hillary Diane Rodham Clinton", "Hillary Rodham Clinton", True),  # a whole middle left out
    ("George W. Bush", "George H. W. Bush", False),  # initials: one left out is another man
])
def test_short_given_names_and_whole_middle_names(a: str, b: str, same: bool) -> None:
    assert one_person([a, b]) is same


def test_a_titled_surname_takes_the_lakes_far_likeliest_person_of_its_gender(
        vocab, tmp_path) -> None:
    from tasks.extract import aliases
    from tasks.extract.aliases import AliasIndex
    from tasks.lake import Lake
    from tasks.schemas import conform

    def row(article: str, eid: str, name: str, mentions: int) -> dict:
        return {"article_id": article, "entity_id": eid, "name": name, "label": "PERSON",
                "aliases": [name, name.split()[-1]], "roles": [], "mention_count": mentions}

    lake = Lake(str(tmp_path / "lake"))
    rows = [row("a", "person/donald-trump", "Donald Trump", 40),
            row("b", "person/eric-trump", "Eric Trump", 2),
            row("c", "person/fred-smith", "Fred Smith", 3),
            row("d", "person/john-smith", "John Smith", 3)]
    table = conform("entities", rows, run_id="r1")
    lake.publish("r1", "2026-01-05", {"entities": table}, aliases.state(table), {"run_id": "r1"})
    words = ["Mr.", "Trump", "spoke", ",", "Mr.", "Smith", "left"]
    doc = Doc(vocab, words=words, ents=["O", "B-PERSON", "O", "O", "O", "B-PERSON", "O"],
              pos=["PROPN", "PROPN", "VERB", "PUNCT", "PROPN", "PROPN", "VERB"])
    _, mentions = extract_entities(doc, doc.text, "x", AliasIndex(lake.url))
    assert [m["entity_id"] for m in mentions] == ["person/donald-trump", "person/mr-smith"]


def test_an_article_that_spells_a_name_two_ways_names_one_person() -> None:
    counts = Counter({"Hillary Clinton": 5, "Hilary Clinton": 1, "Bill Clinton": 3, "Xi": 1,
                      "Nancy Pelsoi": 1, "Nancy Pelosi": 2, "Mary Kelly": 1, "Mark Kelly": 4})
    assert article_spellings(counts) == {
        "Hillary Clinton": "Hillary Clinton", "Hilary Clinton": "Hillary Clinton",
        "Bill Clinton": "Bill Clinton", "Xi": "Xi", "Nancy Pelsoi": "Nancy Pelosi",
        "Nancy Pelosi": "Nancy Pelosi", "Mary Kelly": "Mary Kelly", "Mark Kelly": "Mark Kelly"}
