"""Entities and mentions: the seed people pinned, span conventions, lake-wide linking, CoNLL."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pyarrow as pa
import pytest
from spacy.tokens import Doc

from evaluation.entities import load, score_conll
from tasks.clean import clean_record
from tasks.extract import extract_articles, known_aliases, load_nlp
from tasks.extract.entities import extract_entities
from tasks.extract.linking import person_links
from tasks.extract.mention_spans import in_prose
from tasks.schemas import conform

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "data" / "raw"
CONLL_DEV = ROOT.parent / "shared" / "datasets" / "conll2003" / "conllpp_dev.txt"
BIDEN = "person/joe-biden"
ZUHRI = "person/sami-abu-zuhri"
# Every person per seed article: entity_id -> (canonical name, roles). Roles are titles before
# the name or appositives after it; 001 calls Blinken "the US envoy" and "his secretary of
# state" only away from his name, which takes coreference, so he has none there.
PEOPLE = {
    "000": {"person/antony-blinken": ("Antony Blinken", ["Secretary of State"]),
            "person/benjamin-netanyahu": ("Benjamin Netanyahu", ["Prime Minister"]),
            "person/ismail-haniyeh": ("Ismail Haniyeh", ["leader"])},
    "001": {"person/antony-blinken": ("Antony Blinken", []),
            "person/abdel-fattah-el-sisi": ("Abdel Fattah el-Sisi", ["President"]),
            BIDEN: ("Joe Biden", ["President"]),
            "person/benjamin-netanyahu": ("Benjamin Netanyahu", ["Prime Minister"]),
            "person/osama-hamdan": ("Osama Hamdan", ["official"]),
            "person/mustafa-barghouti": ("Mustafa Barghouti",
                                         ["spokesman for the Palestinian National Initiative"]),
            "person/ismail-haniyeh": ("Ismail Haniyeh", ["Politburo chief"]),
            "person/fuad-shukr": ("Fuad Shukr", ["commander"])},
    "002": {"person/antony-blinken": ("Antony Blinken", ["Secretary of State"]),
            "person/benjamin-netanyahu": ("Benjamin Netanyahu", ["Prime Minister"]),
            BIDEN: ("Joe Biden", []),  # "a senior Biden administration official": surname only
            "person/mohammed-khattab": ("Mohammed Khattab", []),
            "person/ismail-haniyeh": ("Ismail Haniyeh", ["leader"])},
    "003": {"person/antony-blinken": ("Antony Blinken", ["Secretary of State"]),
            "person/benjamin-netanyahu": ("Benjamin Netanyahu", ["Prime Minister"]),
            # "SamirAbu Zohri" (sic) is 004's Sami Abu Zuhri: one person, see ZUHRI below.
            "person/sami-abu-zuhri": ("Sami Abu Zuhri", ["member of the Hamas political bureau"])},
    "004": {"person/antony-blinken": ("Antony Blinken", ["Secretary of State"]),
            "person/isaac-herzog": ("Isaac Herzog", ["President"]),
            "person/benjamin-netanyahu": ("Benjamin Netanyahu", ["Prime Minister"]),
            BIDEN: ("Joe Biden", ["President"]),
            "person/sami-abu-zuhri": ("Sami Abu Zuhri", ["official"])},
}


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def seeds() -> list[dict]:
    """The seeds as the flow feeds them: cleaned by clean_record (headlines become titles)."""
    now = dt.datetime(2024, 8, 20, tzinfo=dt.UTC)
    return [clean_record({"text": path.read_text(encoding="utf-8"), "source_uri": str(path),
                          "format": "text"}, now) | {"article_id": path.name[:3]}
            for path in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def batch(nlp, seeds) -> dict[str, list[dict]]:
    return extract_articles(seeds, nlp)


@pytest.fixture(scope="module")
def published_in_turn(nlp, seeds) -> list[dict]:
    """Entity rows when each seed is published before the next is read (lake-wide linking)."""
    rows: list[dict] = []
    for article in seeds:
        known = known_aliases(conform("entities", rows, run_id="t")) if rows else {}
        rows += extract_articles([article], nlp, known)["entities"]
    return rows


def people(rows: list[dict]) -> dict[str, dict[str, tuple[str, list[str]]]]:
    out: dict[str, dict] = {}
    for row in rows:
        if row["label"] == "PERSON":
            out.setdefault(row["article_id"], {})[row["entity_id"]] = (row["name"], row["roles"])
    return out


def test_seed_people_with_lake_linking(published_in_turn):
    # Published one by one, 003's spelling reaches the lake first and keeps its id.
    zohri = ("person/samir-abu-zohri", "Samir Abu Zohri")
    expected = {article: {(zohri[0] if eid == ZUHRI else eid):
                          ((zohri[1], roles) if eid == ZUHRI else (name, roles))
                          for eid, (name, roles) in persons.items()}
                for article, persons in PEOPLE.items()}
    assert people(published_in_turn) == expected


def test_seed_people_in_one_batch(batch):
    # Nothing is in the lake yet: 002's bare "Biden" is linked through the batch, where
    # Joe Biden is the one person whose name ends with it.
    assert people(batch["entities"]) == PEOPLE
    mentions = {m["entity_id"] for m in batch["mentions"] if m["article_id"] == "002"}
    assert BIDEN in mentions and "person/biden" not in mentions


def test_no_junk_entities_and_offsets_hold(batch, seeds):
    bodies = {s["article_id"]: s["body"] for s in seeds}
    for m in batch["mentions"]:
        assert bodies[m["article_id"]][m["start"]:m["end"]] == m["text"]
    for row in batch["entities"]:
        for alias in row["aliases"]:
            assert alias.strip() == alias and "\n" not in alias, row
            assert not alias.lower().startswith(("the ", "a ")), row
            assert not alias.endswith(("'s", "’s", "'", "’")), row
            assert "’s " not in alias and "'s " not in alias, row
    names = {r["name"] for r in batch["entities"]}
    assert not names & {"Readiness", "State", "Gaza’s Health Ministry"}
    assert {"Gaza", "Health Ministry"} <= names


def test_bare_surname_links_to_the_lake_entity(nlp, published_in_turn):
    known = known_aliases(conform("entities", published_in_turn, run_id="t"))
    article = {"article_id": "x", "body": "Blinken and Biden spoke in Doha on Monday.",
               "published_date": None, "title": None}
    rows = {r["entity_id"]: r for r in extract_articles([article], nlp, known)["entities"]}
    assert rows["person/antony-blinken"]["name"] == "Antony Blinken"  # the lake's name
    assert rows[BIDEN]["name"] == "Joe Biden" and rows[BIDEN]["aliases"] == ["Biden"]


def _doc(nlp, text: str, ents: dict[str, str], pos: dict[str, str] | None = None) -> Doc:
    """A hand-built Doc (no model): whitespace tokens, the given entity spans and POS."""
    words = text.split(" ")
    spaces = [w != "\n\n" and nxt != "\n\n" for w, nxt in zip(words, [*words[1:], ""],
                                                               strict=True)]
    spaces[-1] = False
    tags = list(itertools.repeat("O", len(words)))
    for span, label in ents.items():
        first = next(i for i in range(len(words)) if words[i:i + len(span.split())]
                     == span.split())
        for k in range(len(span.split())):
            tags[first + k] = ("B-" if k == 0 else "I-") + label
    pos = pos or {}
    return Doc(nlp.vocab, words=words, spaces=spaces, ents=tags,
               pos=[pos.get(w, "PUNCT" if not w.isalnum() else "PROPN") for w in words])


@pytest.mark.parametrize("text,ents,pos,expected", [
    ("SOCCER - JAPAN GET WIN", {"SOCCER - JAPAN": "GPE"}, {}, ["SOCCER", "JAPAN"]),
    ("Juventus 2 Parma 1", {"Juventus 2": "ORG", "Parma 1": "ORG"}, {"2": "NUM", "1": "NUM"},
     ["Juventus", "Parma"]),
    ("the Interfax news agency said", {"the Interfax news agency": "ORG"},
     {"the": "DET", "news": "NOUN", "agency": "NOUN", "said": "VERB"}, ["Interfax"]),
    ("King said .", {"King": "PERSON"}, {"said": "VERB"}, ["King"]),  # a surname, not a title
    ("Belgian King Baudouin died", {"Belgian King Baudouin": "PERSON"}, {"died": "VERB"},
     ["Baudouin"]),
    ("Gaza 's Health Ministry said", {"Gaza 's Health Ministry": "ORG"},
     {"'s": "PART", "said": "VERB"}, ["Gaza", "Health Ministry"]),
    ("BOSTON AT SEATTLE", {"BOSTON AT SEATTLE": "GPE"}, {"AT": "ADP"}, ["BOSTON", "SEATTLE"]),
    ("Interstate 95 closed", {"Interstate 95": "FAC"}, {"95": "NUM", "closed": "VERB"},
     ["Interstate 95"]),
    # no capital, no name: the small model's "marijuana" PERSON, "state" ORG, e-mail addresses
    ("marijuana and state law , wrote a.b@wsj.com and Ann Lee",
     {"marijuana": "PERSON", "state": "ORG", "a.b@wsj.com": "ORG", "Ann Lee": "PERSON"},
     {"and": "CCONJ", "law": "NOUN", "wrote": "VERB"}, ["Ann Lee"]),
    ("Robert F. Kennedy Jr. met Martin Luther King Jr.",
     {"Robert F. Kennedy Jr.": "PERSON", "Martin Luther King Jr.": "PERSON"},
     {"met": "VERB", "Jr.": "PROPN", "F.": "PROPN"},
     ["Robert F. Kennedy Jr.", "Martin Luther King Jr."]),  # "King" is no title here
])
def test_span_conventions_match_conll(nlp, text, ents, pos, expected):
    doc = _doc(nlp, text, ents, pos)
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["text"] for m in mentions] == expected
    assert all(doc.text[m["start"]:m["end"]] == m["text"] for m in mentions)


def test_a_suffix_tagged_apart_ends_the_name_before_it(nlp):
    # the model's "Jerry Falwell" PERSON and ", Jr." GPE are one name; "Jr." alone is nobody
    doc = _doc(nlp, "Jerry Falwell , Jr. , spoke . Jr. Sr.",
               {"Jerry Falwell": "PERSON", "Jr.": "GPE", "Jr. Sr.": "PERSON"},
               {"spoke": "VERB", "Jr.": "PROPN", "Sr.": "PROPN"})
    entities, mentions = extract_entities(doc, doc.text, "x", {})
    assert [(m["text"], m["entity_id"]) for m in mentions] == [
        ("Jerry Falwell , Jr.", "person/jerry-falwell-jr")]
    assert entities.rows[0]["name"] == "Jerry Falwell Jr."


def test_a_surname_the_model_cut_off_a_name_ends_it(nlp):
    # in a sentence, "Sheila Jackson" PERSON, "Lee" PERSON: one name; "Pelosi Trump" is two
    words = ["Sheila", "Jackson", "Lee", "met", "Pelosi", "Trump", "and", "Stuart", "Mann",
             "Mann", "."]
    doc = Doc(nlp.vocab, words=words,
              ents=["B-PERSON", "I-PERSON", "B-PERSON", "O", "B-PERSON", "B-PERSON", "O",
                    "B-PERSON", "I-PERSON", "B-PERSON", "O"],
              pos=["PROPN"] * 3 + ["VERB"] + ["PROPN"] * 2 + ["CCONJ"] + ["PROPN"] * 3
              + ["PUNCT"])
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [(m["text"], m["entity_id"]) for m in mentions] == [
        ("Sheila Jackson Lee", "person/sheila-jackson-lee"), ("Pelosi", "person/pelosi"),
        ("Trump", "person/trump"), ("Stuart Mann", "person/stuart-mann"),
        ("Mann", "person/stuart-mann")]
    # a headline's "Nancy Pelosi Trump Feud Grows" names two people
    doc = Doc(nlp.vocab, words=["Nancy", "Pelosi", "Trump", "Feud", "Grows"],
              ents=["B-PERSON", "I-PERSON", "B-PERSON", "O", "O"],
              pos=["PROPN"] * 4 + ["VERB"])
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["text"] for m in mentions] == ["Nancy Pelosi", "Trump"]


def test_a_name_before_its_suffix_is_never_cut_to_the_suffix(nlp):
    # "trump" written lower-case elsewhere cuts junk words off the start of names, but the
    # surname before a suffix is the name
    doc = _doc(nlp, "Trump Jr. played a trump card", {"Trump Jr.": "PERSON"},
               {"played": "VERB", "a": "DET", "trump": "NOUN", "card": "NOUN", "Jr.": "PROPN"})
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["text"] for m in mentions] == ["Trump Jr."]


def test_a_word_before_a_name_in_a_title_case_line_is_cut(nlp):
    text = "(RELATED: Second Amendment Activists Heckle Mike Bloomberg In Virginia) He left."
    _, mentions = extract_entities(nlp(text), text, "x", {})
    assert "Mike Bloomberg" in [m["text"] for m in mentions]
    # a capital after a quote mark starts a sentence: no title case, the name stays whole
    doc = _doc(nlp, 'said Sheri Lynn Johnson , his lawyer . " A trial', {
        "Sheri Lynn Johnson": "PERSON"}, {"said": "VERB", "his": "PRON", "lawyer": "NOUN",
                                          "A": "DET", "trial": "NOUN"})
    doc[0].is_sent_start = True
    for token in doc[1:]:
        token.is_sent_start = False
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["text"] for m in mentions] == ["Sheri Lynn Johnson"]


def test_sentence_case_subhead_is_not_an_entity(nlp):
    text = "Hamas met . \n\n Readiness to end the conflict \n\n Efforts grew ."
    doc = _doc(nlp, text, {"Readiness": "ORG", "Hamas": "ORG"},
               {"to": "PART", "end": "VERB", "the": "DET", "conflict": "NOUN",
                "Efforts": "NOUN", "grew": "VERB", "met": "VERB", "\n\n": "SPACE"})
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["text"] for m in mentions] == ["Hamas"]


@pytest.mark.skipif(not CONLL_DEV.exists(), reason="CoNLL-2003 dev not available")
def test_conll_gold_counts():
    texts, gold = load(str(CONLL_DEV))
    assert len(texts) == 216
    counts = {kind: sum(1 for s in gold if s[3] == kind) for kind in ("PER", "ORG", "LOC")}
    assert counts == {"PER": 1842, "ORG": 1341, "LOC": 1837}
    doc, start, end, _ = min(gold)
    assert texts[doc][start:end] == "LEICESTERSHIRE"


@pytest.mark.skipif(not CONLL_DEV.exists(), reason="CoNLL-2003 dev not available")
def test_our_mentions_score_at_least_bare_spacy_on_conll_slice(tmp_path):
    lines = CONLL_DEV.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("-DOCSTART-")]
    part = tmp_path / "dev-head.txt"
    part.write_text("".join(lines[:starts[25]]), encoding="utf-8")  # 25 documents
    result = score_conll(str(part))
    assert result["ours"]["overall"]["f1"] >= result["bare"]["overall"]["f1"]
    assert result["entity_seconds"] < 0.15 * result["spacy_seconds"]


def test_known_aliases_offer_unambiguous_surnames() -> None:
    import pyarrow as pa

    from tasks.extract import known_aliases

    names = ["Joe Biden", "Jill Biden", "Antony Blinken"]
    lake = pa.table({"entity_id": [f"person/{n.lower().replace(' ', '-')}" for n in names],
                     "name": names, "aliases": [[n] for n in names]})
    known = known_aliases(lake)
    assert known["Blinken"] == "person/antony-blinken"
    assert "Biden" not in known  # two Bidens: a bare surname names neither


@pytest.mark.parametrize("label,name", [("PERSON", "Antony Blinken"), ("GPE", "北京"),
                                        ("PERSON", "José Álvarez"), ("ORG", "AT&T"),
                                        ("WORK_OF_ART", "“—”")])
def test_every_entity_id_has_the_lake_format(label: str, name: str) -> None:
    import re

    from tasks.extract.entities import entity_id

    eid = entity_id(label, name)
    assert re.fullmatch(r"[a-z_]+/[a-z0-9]+(?:-[a-z0-9]+)*", eid), eid
    assert eid == entity_id(label, name)  # stable across runs


def test_a_generational_suffix_is_not_the_surname(nlp) -> None:
    doc = nlp("Health Secretary Robert F. Kennedy Jr. visited Texas on Monday. Kennedy said the "
              "outbreak was under control.\n\nMartin Luther King Jr. spoke in Memphis in 1968.")
    entities, mentions = extract_entities(doc, doc.text, "x", {})
    people = {r["entity_id"]: (r["name"], r["roles"]) for r in entities.rows
              if r["label"] == "PERSON"}
    assert people == {"person/robert-f-kennedy-jr": ("Robert F. Kennedy Jr.", ["Health Secretary"]),
                      "person/martin-luther-king-jr": ("Martin Luther King Jr.", [])}
    assert "org/health" not in {m["entity_id"] for m in mentions}  # part of the title
    rfk = "person/robert-f-kennedy-jr"
    assert person_links([{"article_id": "a", "entity_id": rfk, "name": "Robert F. Kennedy Jr.",
                          "label": "PERSON", "mention_count": 1},
                         {"article_id": "b", "entity_id": "person/kennedy", "name": "Kennedy",
                          "label": "PERSON", "mention_count": 1}], {}) == {
        "person/kennedy": (rfk, "Robert F. Kennedy Jr.")}
    lake = pa.table({"entity_id": [rfk], "name": ["Robert F. Kennedy Jr."],
                     "aliases": [["Robert F. Kennedy Jr."]]})
    assert known_aliases(lake)["Kennedy"] == rfk


def test_a_bare_surname_shared_by_father_and_son_is_the_father(nlp) -> None:
    doc = nlp("Donald Trump spoke in Ohio on Monday. Donald Trump Jr. spoke in Iowa. Trump said "
              "the economy was strong, and Trump Jr. agreed.")
    _, mentions = extract_entities(doc, doc.text, "x", {})
    ids = {m["text"]: m["entity_id"] for m in mentions if m["entity_id"].startswith("person/")}
    assert ids == {"Donald Trump": "person/donald-trump", "Trump": "person/donald-trump",
                   "Donald Trump Jr.": "person/donald-trump-jr",
                   "Trump Jr.": "person/donald-trump-jr"}
    rows = [{"article_id": a, "entity_id": f"person/{slug}", "name": name, "label": "PERSON",
             "mention_count": 1}
            for a, slug, name in [("a", "donald-trump", "Donald Trump"),
                                  ("b", "donald-trump-jr", "Donald Trump Jr."),
                                  ("c", "trump", "Trump")]]
    assert person_links(rows, {}) == {"person/trump": ("person/donald-trump", "Donald Trump")}
    lake = pa.table({"entity_id": ["person/donald-trump", "person/donald-trump-jr"],
                     "name": ["Donald Trump", "Donald Trump Jr."],
                     "aliases": [["Donald Trump"], ["Donald Trump Jr."]]})
    assert known_aliases(lake)["Trump"] == "person/donald-trump"


def test_a_name_that_starts_with_a_given_name_is_a_person(nlp) -> None:
    text = "Sean Hannity met Al Qaeda , Nikki Haley and the Bill Gates Foundation in Virginia Beach"
    ents = {"Sean Hannity": "ORG", "Al Qaeda": "ORG", "Nikki Haley": "GPE",
            "Bill Gates Foundation": "ORG", "Virginia Beach": "GPE"}
    doc = _doc(nlp, text, ents, {"met": "VERB", "and": "CCONJ", "the": "DET", "in": "ADP"})
    _, mentions = extract_entities(doc, doc.text, "x", {})
    assert [m["entity_id"] for m in mentions] == [
        "person/sean-hannity", "org/al-qaeda", "person/nikki-haley", "org/bill-gates-foundation",
        "gpe/virginia-beach"]


@pytest.mark.parametrize("text,expected", [
    ("Having Obama on the trail helps. The team met.", [("Obama", "PERSON")]),
    ("LETTER FROM HANOI Obama, muted on human rights, lifts arms embargo.",
     [("Obama", "PERSON")]),
    ("Billionaire Charles Koch will not back him. The billionaire said so.",
     [("Charles Koch", "PERSON")]),
    ("Bill Clinton spoke about the bill.", [("Bill Clinton", "PERSON")]),  # a given name
    # At a caption's or line's start, before the surname of a person named in full:
    ("Donald Trump says. | Getty Trump strikes back against GOP critics.",
     [("Donald Trump", "PERSON"), ("Trump", "PERSON"), ("GOP", "ORG")]),
    ("Rand Paul spoke. Paul Ryan agreed.", [("Rand Paul", "PERSON"), ("Paul Ryan", "PERSON")]),
    ("Wherever Obama goes, crowds follow.", [("Obama", "PERSON")]),  # tagged no name word
    ("Will Trump win Ohio? Donald Trump thinks so.",
     [("Trump", "PERSON"), ("Ohio", "GPE"), ("Donald Trump", "PERSON")]),
    ("Rep. Will Hurd said he will run.", [("Will Hurd", "PERSON")]),
    # CoNLL's score lines and a line's start: an initial, and a wife beside her husband
    ("England captain M. Atherton was out for 12 runs.",
     [("England", "GPE"), ("M. Atherton", "PERSON")]),
    ("Boris Yeltsin spoke.\nNaina Yeltsin is recovering.", None),
    ("Then, Cruz overlooked the most important part: Winning Kasich voters.",
     [("Cruz", "PERSON"), ("Kasich", "PERSON")]),
])
def test_headline_words_run_into_a_name_are_cut(nlp, text: str, expected: list | None) -> None:
    from tasks.extract.mention_spans import collect

    found = [(m.text, m.label) for m in collect(nlp(text), text)]
    if expected is None:  # nothing cut: every mention as spaCy spans it
        expected = [(e.text, e.label_) for e in nlp(text).ents]
    assert found == expected


def test_a_portfolio_word_alone_is_no_entity_and_run_together_names_are_cut(nlp) -> None:
    from tasks.extract.entities import run_together_cut
    from tasks.extract.mention_spans import collect

    text = "Clinton was secretary of State. The State Senator spoke to Treasury. @SpeakerRyan"
    assert not {"State", "@SpeakerRyan"} & {m.text for m in collect(nlp(text), text)}
    assert run_together_cut("Hillary Diane Rodham ClintonGiuliani") == (
        "Hillary Diane Rodham Clinton")
    assert run_together_cut("Ronald McDonald") == "Ronald McDonald"


def test_a_person_name_ending_in_a_body_noun_is_an_organisation() -> None:
    from tasks.extract.mention_spans import _label

    assert _label("Obama White House", "PERSON") == "ORG"
    assert _label("Steve House", "PERSON") == "PERSON"  # a given name: a surname House
    assert _label("Sam Park", "PERSON") == "PERSON"  # two words: a name ending in Park


def test_prose_is_a_line_that_ends_as_a_sentence() -> None:
    body = "Blinken Arrives In Tel Aviv\n\nBlinken met Netanyahu on Monday.\nPhoto: Reuters"
    assert [in_prose(body, at) for at in (0, 29, body.index("Photo"))] == [False, True, False]
