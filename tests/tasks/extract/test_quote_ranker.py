"""The learned choice among a quote's candidate speakers (quotes.candidates, quotes.ranker):
the shipped model loads without scikit-learn and ranks small cases right (real model)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from tasks.extract import load_nlp
from tasks.extract.entities import extract_entities
from tasks.extract.quotes import explain_quotes, ranker
from tasks.extract.quotes.candidates import Candidate


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def traced(text: str, nlp, model: ranker.Model | None | bool = True
           ) -> list[tuple[dict, list[Candidate]]]:
    doc = nlp(text)
    ents, _ = extract_entities(doc, text, "a", {}, {})
    trace: list = []
    explain_quotes(doc, text, "a", ents, model=model, trace=trace)
    return trace


def test_the_shipped_model_is_plain_data_that_loads():
    data = json.loads(files("tasks.extract.quotes").joinpath(ranker.MODEL_FILE).read_text())
    model = ranker.shipped()
    assert model is not None and model.features == tuple(data["features"])
    assert len(model.weights) == len(model.features) and "first" in model.features
    assert data["trained_on"].startswith("PolNeAR train:fit")


def test_the_speaker_of_the_speech_verb_beats_another_name_nearby(nlp):
    text = ("Gene Sperling met Bill Daley in Ohio on Monday. “We are going to win this state in "
            "November,” Sperling said.")
    [(row, cands)] = traced(text, nlp)
    assert {c.entity_id for c in cands} >= {"person/gene-sperling", "person/bill-daley"}
    assert row["speaker_entity_id"] == "person/gene-sperling" and row["cue"] == "say"


def test_a_pronoun_offers_the_other_people_it_could_stand_for(nlp):
    text = ("Hillary Clinton met Bernie Sanders in Iowa on Monday.\n\n“We will win this state "
            "in November,” she said.")
    [(row, cands)] = traced(text, nlp)
    by = {c.entity_id: c for c in cands}
    assert by["person/hillary-clinton"].features.get("via_pronoun") == 1.0
    assert "person/bernie-sanders" in by
    assert row["speaker_entity_id"] == "person/hillary-clinton"


def test_without_a_model_the_first_strategy_decides(nlp):
    text = ("Gene Sperling met Bill Daley in Ohio on Monday. “We are going to win this state in "
            "November,” Sperling said.")
    [(row, cands)] = traced(text, nlp, model=None)
    first = [c for c in cands if c.features.get("first")]
    assert [c.entity_id for c in first] == [row["speaker_entity_id"]] == ["person/gene-sperling"]


def test_the_ranker_scores_with_numpy_alone():
    model = ranker.Model(("first", "by:nearby"), ranker.np.array([2.0, -1.0]), 0.0)
    a = Candidate("A", "person/a", features={"by:nearby": 1.0})
    b = Candidate("B", "person/b", features={"first": 1.0, "unknown": 5.0})
    assert ranker.best([a, b], model) is b
    assert ranker.best([], model) is None
