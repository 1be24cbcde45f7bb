"""The language evaluation's written samples: read from their data file, each recognised."""

from __future__ import annotations

from evaluation.language import SAMPLES, SHORT, score_samples


def test_every_written_sample_is_recognised_as_its_language() -> None:
    assert len(SAMPLES) == 13 and len(SHORT) == 6 and "en" not in SAMPLES
    result = score_samples()
    assert result["total"] == 19
    assert [r for r in result["rows"] if r["after"] != r["expected"]] == []
