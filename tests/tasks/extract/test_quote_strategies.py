"""Each rule that chooses a quote's speaker (quotes.strategies.STRATEGIES) and each pattern of a
quote's own attribution (quotes.attribution.PATTERNS), on a sentence it decides (real
model)."""

from __future__ import annotations

import pytest

from tasks.extract import load_nlp
from tasks.extract.entities import extract_entities
from tasks.extract.quotes import explain_quotes
from tasks.extract.quotes.attribution import PATTERNS
from tasks.extract.quotes.strategies import STRATEGIES


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def explained(text: str, nlp) -> list[tuple[str | None, str | None]]:
    """(speaker entity id, deciding strategy) of each quote; the strategy without the
    attribution pattern that decided within it."""
    doc = nlp(text)
    ents, _ = extract_entities(doc, text, "a", {}, {})
    return [(row["speaker_entity_id"], why and why.split(":")[0])
            for row, why in explain_quotes(doc, text, "a", ents)]


def patterns(text: str, nlp) -> list[tuple[str | None, str | None]]:
    """(speaker as written, deciding attribution pattern) of each quote."""
    doc = nlp(text)
    ents, _ = extract_entities(doc, text, "a", {}, {})
    return [(row["speaker"], why.split(":")[1] if why and ":" in why else None)
            for row, why in explain_quotes(doc, text, "a", ents)]


CASES = {
    "own_attribution": (
        "“We are going to win this state in November,” Gene Sperling, a top adviser, said.",
        [("person/gene-sperling", "own_attribution")]),
    "earlier_in_paragraph": (
        "“We will win this state,” Clinton said. “And we will keep fighting for every single "
        "vote here.”", [("person/clinton", "own_attribution"),
                        ("person/clinton", "earlier_in_paragraph")]),
    "previous_sentence": (
        "Or maybe it will be Bush, consultant Phil Musser says. “Several surveys show him ahead "
        "of everyone in the field.”", [("person/phil-musser", "previous_sentence")]),
    "introducing_paragraph": (
        "Dr. Anna Ward stated:\n\n“The results of the trial were better than anyone expected.”",
        [("person/anna-ward", "introducing_paragraph")]),
    "next_sentence": (
        "“The results were far better than anyone on the team had expected.” That was how James "
        "Baker put it.", [("person/james-baker", "next_sentence")]),
    "reporting_paragraph": (
        "Ash Carter said that the United States would not leave the region.\n\n“That is because "
        "we have made a promise to our allies there.”",
        [("person/ash-carter", "reporting_paragraph")]),
    "same_voice": (
        "Hillary Clinton spoke in Ohio on Monday.\n\n“We will win this state,” Clinton said."
        "\n\n“And we will keep fighting for every single vote here.”",
        [("person/hillary-clinton", "own_attribution"), ("person/hillary-clinton", "same_voice")]),
}

# Rules retired once the ranker weighed the names near a quote: their cases stay, now found
# among the nearby names.
RETIRED = {
    "sentence_subject": (
        "Donald Trump was in a fighting mood on Tuesday: no more “weak and pathetic deals for "
        "this country.”", [("person/donald-trump", "nearby")]),
    "said_before": (
        "Asma Jahangir said she was angered. Doing so “appeared to be an attempt to silence the "
        "critics of the government.”", [("person/asma-jahangir", "nearby")]),
}


def test_every_strategy_has_a_case_and_says_why():
    assert [s.__name__ for s in STRATEGIES] == list(CASES)
    assert all(s.__doc__ for s in STRATEGIES) and all(p.__doc__ for p in PATTERNS)


@pytest.mark.parametrize("name", list(CASES))
def test_strategy_decides(name, nlp):
    text, expected = CASES[name]
    assert explained(text, nlp) == expected


@pytest.mark.parametrize("name", list(RETIRED))
def test_the_ranker_finds_what_a_retired_rule_found(name, nlp):
    text, expected = RETIRED[name]
    assert explained(text, nlp) == expected


def test_he_right_after_the_first_half_of_a_split_quote_is_its_speaker(nlp):
    text = ("Jimmy Fallon fired back: “I did not say that at all,” he wrote, “and I never will "
            "say it, not in this show or any other show.”")
    assert explained(text, nlp) == [("person/jimmy-fallon", "own_attribution")] * 2


PATTERN_CASES = {
    "frame_before_quote": (
        "Donald Trump called them “rapists and criminals who are pouring across the border” "
        "and promised a wall.", "Donald Trump"),
    "cue_after": (
        "“We are going to win this state in November,” Gene Sperling, a top adviser, said.",
        "Gene Sperling"),
    "inverted_after": (
        "“Why would anyone vote for this plan at all?” Sean Hannity pressed his guest.",
        "Sean Hannity"),
    "named_before_colon": (
        "Pollsters agree - Carl Bialik: “The numbers simply do not add up for the campaign.”",
        "Carl Bialik"),
    "clause_before_colon": (
        "Hillary Clinton apologized for what happened: “I made a mistake and I take "
        "responsibility.”", "Hillary Clinton"),
    "cue_before": (
        "Hillary Clinton said on Monday, “We will build an economy that works for everyone.”",
        "Hillary Clinton"),
    "before_colon": (
        "On the debate stage in Iowa, a reply from Bernie Sanders: “We cannot afford any of "
        "it.”", "Bernie Sanders"),
    "after_dash": (
        "Donald Trump also embraced harsh methods -- “I think waterboarding is fine and we "
        "should do more.”", "Donald Trump"),
    "clause_around": (
        "Donald Trump issued a statement, “We will not back down from this fight, ever.”",
        "Donald Trump"),
}


def test_every_pattern_has_a_case():
    assert [p.__name__.lstrip("_") for p in PATTERNS] == list(PATTERN_CASES)


@pytest.mark.parametrize("name", list(PATTERN_CASES))
def test_pattern_decides(name, nlp):
    text, speaker = PATTERN_CASES[name]
    assert patterns(text, nlp) == [(speaker, name)]
