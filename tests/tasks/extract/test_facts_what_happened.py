"""Facts read from what happened to the counted people, whole objects and whole sources (real
model): the error kinds a reading of unseen articles found (issue 13)."""

from __future__ import annotations

import pytest

from tasks.extract import load_nlp
from tasks.extract.facts import extract_facts


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def facts(text: str, nlp) -> dict[str, dict]:
    doc = nlp(text)
    rows = extract_facts(doc, text, "a")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    return {r["text"]: r for r in rows}


def test_deaths_named_by_an_ing_noun_the_people_are_of(nlp):
    rows = facts("Two men were arrested in the slayings of two women. Police investigated the "
                 "beheading of three hostages.", nlp)
    assert rows["Two men"]["kind"] == "ARREST"
    assert rows["two women"]["kind"] == "KILL"
    assert rows["three hostages"]["kind"] == "KILL"


def test_what_did_not_happen_is_no_kind(nlp):
    rows = facts("Two people were nearly killed when the roof collapsed. He tried to kill "
                 "three officers. Four soldiers were killed.", nlp)
    assert rows["Two people"]["kind"] == "OTHER"
    assert rows["three officers"]["kind"] == "OTHER"
    assert rows["Four soldiers"]["kind"] == "KILL"


def test_people_who_drowned_or_were_lost_died(nlp):
    rows = facts("At least nine people drowned in the floods. He called the families of the ten "
                 "sailors lost on one of those ships.", nlp)
    assert rows["At least nine people"]["kind"] == "KILL"
    assert rows["ten sailors"]["kind"] == "KILL"


def test_objects_keep_their_hyphenated_words(nlp):
    rows = facts("The gunman killed two co-workers and wounded three first-graders. Three of "
                 "the co-workers were hurt.", nlp)
    assert rows["two co-workers"]["object"] == "co-workers"
    assert rows["two co-workers"]["kind"] == "KILL"
    assert rows["three first-graders"]["object"] == "first-graders"
    assert rows["Three"]["object"] == "the co-workers"


def test_the_low_end_of_a_range_takes_the_scale_word(nlp):
    rows = facts("What to do about 10 or 20 million unauthorized immigrants living among us.",
                 nlp)
    assert [r["value"] for r in rows.values()][:1] == [10_000_000]


def test_sources_are_whole_phrases(nlp):
    rows = facts("The show drew 20 million viewers, according to figures from Nielsen Media "
                 "Research. At least seven civilians were killed, Kurdish activists and a Syria "
                 "war monitor said. At least nine people drowned and six died in traffic "
                 "accidents, South Carolina's Department of Public Safety said.", nlp)
    assert rows["20 million viewers"]["attribution"] == "figures from Nielsen Media Research"
    assert rows["At least seven civilians"]["attribution"] == (
        "Kurdish activists and a Syria war monitor")
    assert rows["six"]["attribution"] == "South Carolina's Department of Public Safety"


def test_a_phrase_the_parser_hung_on_a_persons_name_is_no_part_of_the_source(nlp):
    rows = facts("Two explosions hit the airport, said Belgian federal prosecutor Frederic Van "
                 "Leeuw of the attack on the airport.", nlp)
    assert rows["Two explosions"]["attribution"] == "Belgian federal prosecutor Frederic Van Leeuw"
