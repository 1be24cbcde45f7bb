"""The shared memoised walks of tasks.extract.syntax, on hand-made parses."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab

from tasks.extract.syntax import chain_start, memo, nearest_above


def _doc(words: list[str], heads: list[int], deps: list[str]) -> Doc:
    return Doc(Vocab(), words=words, heads=heads, deps=deps)


def test_nearest_above_skips_the_token_itself_and_shares_the_answer() -> None:
    # said <- told <- a <- b : "told" and "said" both answer; the nearest one above wins.
    doc = _doc(["b", "a", "told", "said"], [1, 2, 3, 3], ["dep", "dep", "ccomp", "ROOT"])
    key = object()

    def verb(tok):
        return tok.i if tok.text in ("told", "said") else None

    assert nearest_above(doc[0], key, verb) == 2
    assert memo(doc, key) == {0: 2, 1: 2}  # the path below the answer, answered once
    assert nearest_above(doc[2], key, verb) == 3  # itself excluded
    assert nearest_above(doc[3], key, verb) == -1  # the root has nothing above it


def test_chain_start_climbs_conjuncts_while_the_head_joins() -> None:
    # x <-conj- y <-conj- z: the chain starts at x, or at y when x may not be joined.
    doc = _doc(["x", "y", "z"], [0, 0, 1], ["ROOT", "conj", "conj"])
    assert chain_start(doc[2], object(), lambda head: True).i == 0
    assert chain_start(doc[2], object(), lambda head: head.text != "x").i == 1
    assert chain_start(doc[0], object(), lambda head: True).i == 0
