"""The near-copy benchmark of `wiredesk eval copies`: built, run through the real dedup step,
scored; on generated text always, on allsides when the shared datasets are present."""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

import pytest

from evaluation.copies import (
    ALLSIDES,
    KINDS,
    build_benchmark,
    report,
    run_desk,
    score,
    score_perturbations,
    score_speed,
)

DATASET = Path(__file__).resolve().parents[3] / ALLSIDES


def _rows(n: int) -> list[dict]:
    """Unrelated articles of random words: no pair among them is a copy."""
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    return [{"id": f"a{i}", "title": f"Story {i}", "date": "2024-08-18", "authors": None,
             "source": "test", "text": "\n\n".join(" ".join(rng.choices(vocab, k=60))
                                                   for _ in range(6))} for i in range(n)]


def test_every_perturbation_kind_is_caught_and_negatives_stay_apart() -> None:
    records = build_benchmark(_rows(30), n=12, n_negatives=18)
    result = score(records, run_desk(records))
    assert result["copies"] == 12 and result["negatives"] == 18
    assert {k: v["copies"] for k, v in result["kinds"].items()} == dict.fromkeys(KINDS, 2)
    assert result["recall"] == 1.0 and result["precision"] == 1.0
    assert result["false_positives"] == [] and result["wrong_target"] == 0


def test_a_missed_copy_lowers_recall() -> None:
    records = build_benchmark(_rows(30), n=12, n_negatives=18)
    verdicts = run_desk(records)
    copy = next(i for i, r in enumerate(records) if r["role"] == "copy")
    verdicts[copy] = {**verdicts[copy], "status": "published", "duplicate_of": None}
    assert score(records, verdicts)["recall"] == pytest.approx(11 / 12)


def test_speed_report_without_datasketch(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt") as f:
        f.writelines(json.dumps(r) + "\n" for r in _rows(40))
    monkeypatch.setitem(sys.modules, "datasketch", None)  # as on a runtime-only install
    speed = score_speed(str(corpus), sizes=(10, 40), datasketch_docs=10, repeats=1)
    text = report(speed=speed)
    assert speed["datasketch_sets_docs_s"] is None and "not installed" in text
    assert "dedup step, 10 articles" in text and "dedup step, 40 articles" in text


@pytest.mark.skipif(not DATASET.exists(), reason="allsides dataset not available")
def test_allsides_sample_meets_the_bar() -> None:
    result = score_perturbations(str(DATASET), n=120, negatives=240)
    assert result["recall"] >= 0.98 and result["precision"] >= 0.99, result
