from __future__ import annotations

import pytest

from evaluation.pages import shingle_counts, summary, wiredesk_body

GOLD = "Blinken arrived in Tel Aviv on Sunday to push for a ceasefire in Gaza."


def test_identical_text_is_all_true_positives() -> None:
    assert shingle_counts(GOLD, GOLD) == (1.0, 0.0, 0.0)


def test_boilerplate_costs_precision_and_missing_text_recall() -> None:
    tp, fp, fn = shingle_counts(GOLD, GOLD + " Share this article on Facebook and Twitter now")
    assert fp > 0 and fn == 0 and tp + fp == pytest.approx(1.0)
    tp, fp, fn = shingle_counts(GOLD, "Blinken arrived in Tel Aviv on Sunday")
    assert fn > 0 and fp == 0
    scores = summary([shingle_counts(GOLD, GOLD), (0.5, 0.5, 0.0)])
    assert (scores["precision"], scores["recall"]) == (0.75, 1.0)


def test_wiredesk_body_of_a_page() -> None:
    page = ("<html><body><nav>Home | World | Sport</nav><article><h1>Talks</h1>"
            + "".join(f"<p>{GOLD} Paragraph {i} of the report.</p>" for i in range(5))
            + "</article><footer>Leave a Reply</footer></body></html>").encode()
    body = wiredesk_body(page)
    assert "Paragraph 4" in body and "Home | World" not in body
    assert wiredesk_body(b"<html><body></body></html>") == ""
