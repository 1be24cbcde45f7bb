"""What a figure claims about a count: the range of values its number and qualifier allow.

News rounds a count to the precision its number shows, and a qualifier moves it less than
half its size: "more than 500,000 customers" is between 500,000 and 600,000, "more than a
million" between 1 and 1.5 million, "nearly 1,200" between 1,100 and 1,200, "nearly 1
million" between 900,000 and 1 million, "about 250" between 245 and 255; "605,000" is
605,000. Two figures can count the same set only when their ranges meet ("over 1 million"
and "nearly 1 million" cannot; "more than a million" and "an estimated 1.4 million" can),
unless the count moves from report to report (a toll: figures.py).
"""

from __future__ import annotations


def step(value: int) -> int:
    """The rounding step a number shows: the largest power of ten dividing it (1,200 -> 100,
    40,000 -> 10,000, 251 -> 1)."""
    unit = 1
    while value and value % (unit * 10) == 0:
        unit *= 10
    return unit


def claim(value: int, qualifier: str) -> tuple[float, float]:
    """The values a figure allows, as a closed range."""
    # Counts are whole: a strict bound moves in by a half. A small count moves by at least 2
    # ("nearly 7" is 6).
    above = max(min(step(value), value / 2), 2)
    below = max(min(step(value), value / 10), 2)
    if qualifier in ("more_than", "over"):
        return value + 0.5, value + above
    if qualifier == "at_least":
        return value, value + above
    if qualifier == "nearly":  # less than a whole step under: 1.4 million is not "nearly 1.5"
        return value - below + 0.5, value - 0.5
    if qualifier == "up_to":
        return value - below, value
    if qualifier == "about":
        return value - min(step(value) / 2, value / 4), value + min(step(value) / 2, value / 4)
    return value, value


def consistent(one: dict, other: dict) -> bool:
    """Do two figures (facts rows: value, qualifier) allow a common value?"""
    low_a, high_a = claim(one["value"], one["qualifier"])
    low_b, high_b = claim(other["value"], other["qualifier"])
    return low_a <= high_b and low_b <= high_a
