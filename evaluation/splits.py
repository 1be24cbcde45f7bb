"""A fixed validation part of a training split, chosen by a hash of each article's file name so
that it is the same on every machine and run, and stays put when articles are added."""

from __future__ import annotations

import hashlib

VALIDATION_SHARE = 0.2
PARTS = ("fit", "validation")  # "train:fit" is train without its validation part


def in_validation(name: str, share: float = VALIDATION_SHARE) -> bool:
    """Whether the article `name` (its file name without suffix) is held out for validation."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def parse(split: str) -> tuple[str, str | None]:
    """'train:validation' -> ('train', 'validation'); 'dev' -> ('dev', None)."""
    name, _, part = split.partition(":")
    if part and part not in PARTS:
        raise ValueError(f"unknown part {part!r} of split {name!r}: one of {PARTS}")
    return name, part or None


def keeps(part: str | None, name: str) -> bool:
    """Whether an article belongs to `part` (None: the whole split)."""
    return part is None or in_validation(name) == (part == "validation")
