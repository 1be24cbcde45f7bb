"""The values a figure's number and qualifier allow, as news rounds them."""

from __future__ import annotations

import pytest

from tasks.story_desk.claims import claim, consistent, step


@pytest.mark.parametrize(("value", "unit"), [(1200, 100), (40000, 10000), (251, 1), (0, 1)])
def test_step_is_the_rounding_the_number_shows(value: int, unit: int) -> None:
    assert step(value) == unit


@pytest.mark.parametrize(("one", "other", "meet"), [
    ((1_000_000, "more_than"), (1_400_000, "exact"), True),   # "more than a million"
    ((500_000, "more_than"), (605_000, "exact"), False),      # another day's cut-off
    ((1_000_000, "over"), (1_000_000, "nearly"), False),
    ((800_000, "nearly"), (729_000, "exact"), True),
    ((1_500_000, "nearly"), (1_400_000, "exact"), False),     # a whole step under
    ((250, "about"), (251, "exact"), True),
    ((1200, "about"), (1200, "nearly"), True),
    ((40000, "more_than"), (40000, "over"), True),
    ((6, "at_least"), (6, "exact"), True),
    ((2, "exact"), (3, "exact"), False),
    ((350_000, "about"), (234_000, "about"), False),
])
def test_consistent(one: tuple[int, str], other: tuple[int, str], meet: bool) -> None:
    f, g = ({"value": v, "qualifier": q} for v, q in (one, other))
    assert consistent(f, g) is meet and consistent(g, f) is meet


def test_a_claim_is_a_range_around_its_value() -> None:
    for value in (7, 250, 1200, 40000, 1_000_000):
        for qualifier in ("exact", "about", "more_than", "over", "at_least", "nearly", "up_to"):
            low, high = claim(value, qualifier)
            assert low <= high and value / 2 <= low and high <= value * 1.5
