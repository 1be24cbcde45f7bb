from __future__ import annotations

import pyarrow as pa

from tasks.clean import article_id
from tasks.dedup import CopyDesk, signature_of

BASE = " ".join(f"Sentence {i} says the talks in Cairo went on for hours with officials "
                f"from Qatar and Egypt present and number {i * 7} noted." for i in range(40))


def _check(desk: CopyDesk, body: str, uri: str = "x"):
    return desk.check(article_id(body), body, uri)


def test_exact_copies_across_case_quotes_and_whitespace() -> None:
    desk = CopyDesk()
    assert _check(desk, BASE).status == "published"
    verdict = _check(desk, "  " + BASE.upper().replace(" ", "\n "))
    assert verdict.status == "duplicate" and verdict.article_id == article_id(BASE)
    assert "exact copy" in verdict.reason


def test_near_copies_edited_cut_and_wrapped() -> None:
    desk = CopyDesk()
    original = _check(desk, BASE)
    edited = _check(desk, BASE.replace("Sentence 3 ", "Line 3 ").replace("hours", "days", 1))
    cut = _check(desk, BASE[: len(BASE) * 2 // 3])
    wrapped = _check(desk, "Share this article. Subscribe now. " + BASE + " Leave a reply.")
    for verdict in (edited, cut, wrapped):
        assert verdict.status == "published"
        assert verdict.duplicate_of == original.article_id, verdict
        assert 0.8 <= verdict.similarity <= 1.0


def test_different_articles_are_not_copies() -> None:
    desk = CopyDesk()
    _check(desk, BASE)
    other = " ".join(f"Item {i}: the storm hit the coast near town {i} overnight, "
                     f"leaving {i} homes without power." for i in range(40))
    assert _check(desk, other).duplicate_of is None


def test_seeds_are_not_copies_of_each_other(seed_texts: dict[str, str]) -> None:
    desk = CopyDesk()
    assert all(_check(desk, t).duplicate_of is None for t in seed_texts.values())


def test_state_round_trip_finds_copies_of_published_articles() -> None:
    first = CopyDesk()
    original = _check(first, BASE)
    ids = pa.table({"article_id": [original.article_id]})
    later = CopyDesk.from_lake(ids, first.state_table())
    assert _check(later, BASE).status == "duplicate"
    assert _check(later, BASE + " One more line.").duplicate_of == original.article_id


def test_copy_of_a_copy_points_at_the_original() -> None:
    desk = CopyDesk()
    original = _check(desk, BASE)
    copy = _check(desk, BASE + " Extra closing line one.")
    copy_of_copy = _check(desk, BASE + " Extra closing line one. And two.")
    assert copy.duplicate_of == copy_of_copy.duplicate_of == original.article_id


def test_signatures_are_deterministic() -> None:
    assert (signature_of(BASE)[0] == signature_of(BASE)[0]).all()
