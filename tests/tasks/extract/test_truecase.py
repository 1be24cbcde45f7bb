"""Truecasing lines in capitals before the parse, and the parse carried back onto the body."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.extract import extract_articles, load_nlp, parse_long
from tasks.extract.truecase import name_form, onto_body, truecase

BODY = ("CLINTON LEADS TRUMP IN NEW POLL AS NATO AND NBC WATCH THE U.S. RACE\n\n"
        "Hillary Clinton leads Donald Trump by four points in a new poll, NATO officials "
        "watched, the poll for the U.S. race found.\n\n"
        "“We are winning,” Clinton said on Tuesday in Ohio, where 12 people were hurt.")


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_words_take_the_casing_the_article_gives_them():
    head = truecase(BODY).split("\n")[0]
    # Clinton, Trump, new and poll as the body writes them; NATO and U.S. as it writes them;
    # NBC has no vowel, so an abbreviation; "as", "and", "watch" unseen: lower case.
    assert head == "Clinton leads Trump in new poll as NATO and NBC watch the U.S. race"


def test_a_stretch_opens_with_a_capital_and_unseen_words_are_lower_case():
    body = "STORM HITS COAST OF US AND UK\nThe coast was hit."
    # Unseen two-letter words other than English function words are abbreviations.
    assert truecase(body) == "Storm hits coast of US and UK\nThe coast was hit."


def test_a_sentence_opening_capital_counts_only_for_words_written_nowhere_else():
    body = 'POLICE SAY FANS CLASHED\n"Police came. Fans ran," one of the fans said.'
    assert truecase(body).split("\n")[0] == "Police say fans clashed"


def test_truecasing_keeps_every_offset():
    body = "RALLY IN İZMIR DRAWS CROWDS OF ISTANBUL FANS\nThe fans came from Istanbul."
    text = truecase(body)
    assert len(text) == len(body) and text.lower() == body.lower()
    # "İ" lower-cased is two characters: that word keeps its capitals.
    assert text.split("\n")[0] == "Rally in İZMIR draws crowds of Istanbul fans"


@pytest.mark.parametrize("body", [
    "Hillary Clinton leads Donald Trump, NATO said.\n\nThe U.S. poll was new.",
    "NATO\nThe alliance met.",                 # an acronym alone
    "LONDON 1996-08-22\nThe pound fell.",      # a dateline
    "NEW YORK 72 53 .576\nThe Mets won.",      # a table row
])
def test_mixed_case_text_and_short_capitals_are_left_as_they_are(body):
    assert truecase(body) is body


def test_the_parse_of_the_truecased_text_is_carried_onto_the_body(nlp):
    text = truecase(BODY)
    parsed = nlp(text)
    doc = onto_body(parsed, BODY)
    assert doc.text == BODY
    assert [(t.idx, t.tag_, t.dep_, t.head.i, t.lemma_, t.is_sent_start) for t in doc] == [
        (t.idx, t.tag_, t.dep_, t.head.i, t.lemma_, t.is_sent_start) for t in parsed]
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (e.start_char, e.end_char, e.label_) for e in parsed.ents]
    assert ("CLINTON", "PERSON") in {(e.text, e.label_) for e in doc.ents}
    assert parse_long(nlp, BODY).text == BODY


def test_published_text_equals_the_body_at_its_offsets(nlp):
    article = {"article_id": "a", "body": BODY, "published_date": date(2016, 10, 4),
               "title": None}
    rows = extract_articles([article], nlp)
    mentions = rows["mentions"]
    assert any(m["text"] == "CLINTON" for m in mentions)  # the headline's, as written
    for table in ("mentions", "quotes", "facts", "dates"):
        assert rows[table], table
        for row in rows[table]:
            assert row["text"] == BODY[row["start"]:row["end"]], (table, row)
    clinton = {m["entity_id"] for m in mentions if m["text"] in ("CLINTON", "Clinton")}
    assert len(clinton) == 1  # the headline's Clinton is the body's


@pytest.mark.parametrize("truecased,name", [("Jonathan morris", "Jonathan Morris"),
                                            ("the Independent", "the Independent"),
                                            ("Secretary of state", "Secretary of State")])
def test_a_name_from_a_truecased_line_is_linked_capitalised(truecased, name):
    assert name_form(truecased) == name


def test_the_headline_name_is_an_alias_as_written_of_the_one_person(nlp):
    article = {"article_id": "a", "body": BODY, "published_date": None, "title": None}
    entities = extract_articles([article], nlp)["entities"]
    clinton = [e for e in entities if "CLINTON" in e["aliases"]]
    assert [e["name"] for e in clinton] == ["Hillary Clinton"]
