"""The lexicon data files (tasks/extract/lexicons/) and their one loader."""

from __future__ import annotations

from importlib.resources import files

import pytest

from tasks.extract import lexicon
from tasks.schemas import ENTITY_LABELS

USES = {"speech_verbs": {"cue", "frame", "naming", "attribution", "phrasal"},
        "people_nouns": {"count", "speaker", "description", "occupation", "group", "body"},
        "fact_hedges": {"adverb", "intent"},
        "date_words": {"time_preposition", "before_no_year", "after_no_year"}}
KINDS = {"KILL", "WOUND", "KIDNAP", "ARREST", "DISPLACE", "RELEASE", "OTHER"}


def test_every_file_is_a_known_notion_read_by_the_loader():
    names = {p.name.removesuffix(".tsv")
             for p in files("tasks.extract").joinpath("lexicons").iterdir()}
    assert names == {"speech_verbs", "people_nouns", "event_nouns", "given_names", "fact_kinds",
                     "fact_hedges", "date_words", "short_names", "nicknames", "titles"}
    assert all(lexicon.rows(name) for name in names)


@pytest.mark.parametrize("name", sorted(USES))
def test_one_row_a_word_with_known_uses(name):
    rows = lexicon.rows(name)
    assert len({row[0] for row in rows}) == len(rows)
    assert all(len(row) == 2 and row[1].split() and set(row[1].split()) <= USES[name]
               for row in rows)
    assert all(row[0] == row[0].lower().strip() for row in rows)


def test_given_names_are_of_one_gender_and_fact_kinds_known():
    assert not lexicon.given_names("m") & lexicon.given_names("f")
    assert "john" in lexicon.given_names("m") and "joan" in lexicon.given_names("f")
    assert all(len(row) == 3 and row[1] in ("verb", "noun", "of") and row[2] in KINDS
               for row in lexicon.rows("fact_kinds"))
    assert lexicon.fact_kinds("verb")["kill"] == "KILL"


def test_words_by_use():
    cues = lexicon.words("speech_verbs", "cue")
    assert "say" in cues and "call" not in cues
    assert "call" in lexicon.words("speech_verbs", "cue", "frame")
    assert ("fire", "back") in {tuple(w.split()) for w in lexicon.words("speech_verbs",
                                                                          "phrasal")}
    assert lexicon.words("speech_verbs") is lexicon.words("speech_verbs")  # read once


def test_short_names_have_a_canonical_name_and_known_labels():
    rows = lexicon.rows("short_names")
    assert len({row[0] for row in rows}) == len(rows)
    assert all(len(row) == 3 and row[1][0].isupper() for row in rows)
    assert all(set(row[2].split()) <= {*ENTITY_LABELS, "*"} for row in rows)


def test_titles_are_lower_case_and_each_abbreviation_has_both_forms():
    titles = lexicon.words("titles")
    assert all(t == t.lower().strip() for t in titles)
    dotted = {t for t in titles if t.endswith(".") and not t.endswith("s.")}
    assert {t.rstrip(".") for t in dotted} <= titles  # "gen." and "gen"
