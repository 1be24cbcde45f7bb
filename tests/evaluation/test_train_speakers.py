"""The validation split of PolNeAR train and the fitting of the quote speaker ranker."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import splits
from evaluation.quotes import load_split
from evaluation.train_speakers import accuracy, fit
from tasks.extract.quotes.ranker import Model


def test_the_validation_part_is_fixed_by_name_and_about_a_fifth():
    names = [f"article-{i}" for i in range(2000)]
    held = [n for n in names if splits.in_validation(n)]
    assert 0.17 < len(held) / len(names) < 0.23
    assert held == [n for n in names if splits.in_validation(n)]  # no state, no seed
    assert splits.in_validation("article-3") is ("article-3" in held)
    assert splits.parse("train:validation") == ("train", "validation")
    assert splits.parse("dev") == ("dev", None)
    with pytest.raises(ValueError):
        splits.parse("train:dev")


def test_fit_and_validation_parts_split_the_folder(tmp_path: Path):
    (tmp_path / "train" / "text").mkdir(parents=True)
    (tmp_path / "train" / "attributions").mkdir()
    for i in range(40):
        (tmp_path / "train" / "text" / f"a{i}.txt").write_text("Words.\n", encoding="utf-8")
    whole = {name for name, _, _ in load_split(str(tmp_path), "train")}
    fit_part = {name for name, _, _ in load_split(str(tmp_path), "train:fit")}
    held = {name for name, _, _ in load_split(str(tmp_path), "train:validation")}
    assert fit_part | held == whole and not fit_part & held and held
    assert held == {n for n in whole if splits.in_validation(n)}


def test_the_fitted_ranker_prefers_what_the_data_call_right_and_refits_the_same():
    # the speech verb's subject is right, the other name nearby is not; a pronoun only
    # when nothing else was proposed
    quotes = [[({"first": 1.0, "subject_of_cue": 1.0}, True), ({"by:nearby": 1.0}, False)]
              for _ in range(30)] + [
        [({"first": 1.0, "pronoun": 1.0}, False), ({"by:inner": 1.0, "subject": 1.0}, True)]
        for _ in range(10)]
    model = fit(quotes, 1.0)
    assert model == fit(quotes, 1.0)
    assert len(model["weights"]) == len(model["features"])
    assert accuracy(quotes, Model.from_dict(model)) == 1.0
    assert accuracy(quotes, None) == 0.75  # the rules' pick: the first strategy's
