"""The learned choice among a quote's candidate speakers: a logistic regression over the
candidates' features (candidates.py), fitted on PolNeAR train less its validation part by
`python -m evaluation.train_speakers` and shipped as speaker_model.json (feature names,
weights, intercept). The candidate scoring highest speaks; with no model, the first
strategy's pick does (the ordered rules alone)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from tasks.extract.quotes.candidates import Candidate

MODEL_FILE = "speaker_model.json"


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    weights: np.ndarray
    intercept: float

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        return cls(tuple(data["features"]), np.asarray(data["weights"], dtype=float),
                   float(data["intercept"]))

    def scores(self, cands: list[Candidate]) -> np.ndarray:
        index = {name: i for i, name in enumerate(self.features)}
        x = np.zeros((len(cands), len(self.features)))
        for row, cand in enumerate(cands):
            for name, value in cand.features.items():
                if (i := index.get(name)) is not None:
                    x[row, i] = value
        return x @ self.weights + self.intercept


@cache
def shipped() -> Model | None:
    """The model shipped in the package, None when there is none (while fitting one)."""
    path = files("tasks.extract.quotes").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return Model.from_dict(json.loads(path.read_text("utf-8")))


def best(cands: list[Candidate], model: Model | None) -> Candidate | None:
    """The candidate most likely to be the speaker; without a model, the first strategy's."""
    if not cands:
        return None
    if model is None:
        return next((cand for cand in cands if cand.features.get("first")), None)
    return cands[int(np.argmax(model.scores(cands)))]
