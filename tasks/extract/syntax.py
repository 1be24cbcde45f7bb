"""Small dependency-parse helpers shared by the quote and fact extractors."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import numpy
from spacy.tokens import Doc, Token

_LEFT_MODIFIERS = {"compound", "amod", "det", "poss", "flat", "nmod", "nummod"}


def _own_subject(verb: Token) -> Token | None:
    # two subjects is a misparse ("Speaking in Salem, New Hampshire, Trump went"): the one
    # next to the verb, unless it is a title in quote marks ('Washington, star of "Scandal,"
    # thanked'), a date, or a dateline in capitals ("WASHINGTON (UPI) — A spokesman said")
    subjects = [c for c in children(verb) if c.dep_ in ("nsubj", "nsubjpass")]
    return min(subjects, key=lambda c: (
        c.ent_type_ in ("DATE", "TIME") or c.is_upper and len(c.text) > 2 or
        c.i > 0 and c.doc[c.i - 1].tag_ == "``", abs(verb.i - c.i)), default=None)


def subject(verb: Token, depth: int = 3) -> Token | None:
    """The verb's subject, or its governing verb's ("Blinken emphasized ..., telling reporters"),
    looking up through at most `depth` verbs."""
    cue = verb
    for _ in range(depth):
        subj = _own_subject(verb)
        if subj is not None and subj.tag_ not in ("WDT", "WP"):
            return subj
        if subj is not None:  # a relative pronoun: "Biden, who said" names Biden
            if verb is cue and verb.dep_ == "relcl":
                return verb.head
            # "... provocations that could derail peace, stating": the main clause speaks
            root = _own_subject(verb.sent.root)
            return root if root is not None and root.tag_ not in ("WDT", "WP") else None
        if verb.dep_ not in ("advcl", "xcomp", "conj", "ccomp", "acl") or verb.head is verb:
            return None
        verb = verb.head
    return None


def phrase(head: Token) -> tuple[int, int]:
    """Token range of a noun with its left modifiers ("senior Hamas official Osama Hamdan")."""
    left = [c.left_edge.i for c in lefts(head) if c.dep_ in _LEFT_MODIFIERS]
    return min(left, default=head.i), head.i + 1


# --- lookups made once a doc ------------------------------------------------------------------
# Token.sent scans from the token to both ends of its sentence on every call, and "the nearest
# X before this token in its sentence" scans back: once for each number or quote, that is
# quadratic in a long sentence (a run of figures or quote marks with no full stop is parsed as
# one sentence of thousands of tokens). These answer the same questions from tables made
# once a doc.

class _Tables:
    """Made on first use, each part when first asked for."""
    __slots__ = ("doc_len", "_heads", "_starts", "where", "memos")

    def __init__(self, doc: Doc) -> None:
        self.doc_len = len(doc)
        self._heads: tuple[list[int], list[int]] | None = None
        self._starts: list[int] | None = None
        self.where: dict[tuple[Callable[[Token], bool], int], list[int]] = {}
        self.memos: dict[object, dict[int, Any]] = {}

    def starts(self, doc: Doc) -> list[int]:
        """The first token of each sentence, then len(doc)."""
        if self._starts is None:
            self._starts = [sent.start for sent in doc.sents] + [self.doc_len]
        return self._starts

    def kids(self, i: int, doc: Doc) -> list[int]:
        """The indices of token i's children, in order."""
        if self._heads is None:  # tokens ordered by their head, and where each head's begin
            heads = numpy.arange(self.doc_len) + doc.to_array("HEAD").view("int64")
            order = numpy.argsort(heads, kind="stable")
            bounds = numpy.searchsorted(heads[order], numpy.arange(self.doc_len + 1))
            self._heads = order.tolist(), bounds.tolist()
        order, bounds = self._heads
        return [k for k in order[bounds[i]:bounds[i + 1]] if k != i]  # a root heads itself


_TABLES: WeakKeyDictionary[Doc, _Tables] = WeakKeyDictionary()  # gone with the doc


def _tables(doc: Doc) -> _Tables:
    tables = _TABLES.get(doc)
    if tables is None:
        tables = _TABLES[doc] = _Tables(doc)
    return tables


_NARROW = 64  # tokens a head spans below which Token.children's own scan is the cheaper


def children(tok: Token) -> Iterator[Token]:
    """tok.children, in order. Token.children scans the token's whole stretch of the
    sentence, from its leftmost to its rightmost descendant, on every call: at the root of a
    long sentence, for every number or quote asking, that is quadratic. So a token that
    spans many takes its children from a table made once a doc."""
    if tok.right_edge.i - tok.left_edge.i < _NARROW:
        return tok.children
    doc = tok.doc
    return (doc[i] for i in _tables(doc).kids(tok.i, doc))


def lefts(tok: Token) -> Iterator[Token]:
    """tok.lefts (see children)."""
    if tok.right_edge.i - tok.left_edge.i < _NARROW:
        return tok.lefts
    doc = tok.doc
    return (doc[i] for i in _tables(doc).kids(tok.i, doc) if i < tok.i)


def rights(tok: Token) -> Iterator[Token]:
    """tok.rights (see children)."""
    if tok.right_edge.i - tok.left_edge.i < _NARROW:
        return tok.rights
    doc = tok.doc
    return (doc[i] for i in _tables(doc).kids(tok.i, doc) if i > tok.i)


def sentence(tok: Token) -> tuple[int, int]:
    """The token range of tok.sent."""
    starts = _tables(tok.doc).starts(tok.doc)
    k = bisect_right(starts, tok.i) - 1
    return starts[k], starts[k + 1]


def _where(doc: Doc, test: Callable[[Token], bool], k: int) -> list[int]:
    """The tokens of sentence k that pass `test`, listed once."""
    tables = _tables(doc)
    if (found := tables.where.get((test, k))) is None:
        starts = tables.starts(doc)
        found = tables.where[test, k] = [i for i in range(starts[k], starts[k + 1])
                                         if test(doc[i])]
    return found


def first_where(doc: Doc, test: Callable[[Token], bool], lo: int, hi: int) -> Token | None:
    """The first token of doc[lo:hi] that passes `test`, a function of the token alone (and
    the same function each time: a sentence's tokens passing it are listed once)."""
    starts = _tables(doc).starts(doc)
    k = bisect_right(starts, lo) - 1
    while 0 <= k < len(starts) - 1 and starts[k] < hi:
        found = _where(doc, test, k)
        j = bisect_left(found, lo)
        if j < len(found) and found[j] < hi:
            return doc[found[j]]
        k += 1
    return None


def last_where(doc: Doc, test: Callable[[Token], bool], lo: int, hi: int) -> Token | None:
    """The last token of doc[lo:hi] that passes `test` (see first_where)."""
    starts = _tables(doc).starts(doc)
    k = min(bisect_right(starts, hi - 1), len(starts) - 1) - 1
    while k >= 0 and starts[k + 1] > lo:
        found = _where(doc, test, k)
        j = bisect_left(found, hi) - 1
        if j >= 0 and found[j] >= lo:
            return doc[found[j]]
        k -= 1
    return None


def memo(doc: Doc, key: object) -> dict[int, Any]:
    """A dict kept with the doc for `key`'s answers by token index. Keep indices in it, never
    tokens: a token holds its doc, which would then never be freed."""
    return _tables(doc).memos.setdefault(key, {})


def nearest_above(tok: Token, key: object, answer: Callable[[Token], int | None]) -> int:
    """`answer` of the nearest ancestor of `tok` (itself excluded) that has one (a token
    index), -1 when none has. Every token on the way up shares the result, kept with the doc
    under `key`: walking up from every token of a deep parse stays linear, not quadratic."""
    known = memo(tok.doc, key)
    path, found = [], -1
    while True:
        if tok.i in known:
            found = known[tok.i]
            break
        path.append(tok.i)
        if tok.head.i == tok.i:
            break
        tok = tok.head
        if (got := answer(tok)) is not None:
            found = got
            break
    for i in path:
        known[i] = found
    return found


def chain_start(tok: Token, key: object, joins: Callable[[Token], bool]) -> Token:
    """The first of the conjuncts `tok` is one of, climbing "conj" links while `joins` accepts
    the head. The chain shares the answer, kept with the doc under `key`: climbing a long
    chain once for each of its tokens would be quadratic."""
    starts = memo(tok.doc, key)
    path = []
    while tok.i not in starts and tok.dep_ == "conj" and tok.head.i != tok.i and joins(tok.head):
        path.append(tok.i)
        tok = tok.head
    start = starts.setdefault(tok.i, tok.i)
    for i in path:
        starts[i] = start
    return tok.doc[start]


T = TypeVar("T")


class _At(int):
    """A token kept by its index (see memo)."""


def _detach(value: Any) -> Any:
    if isinstance(value, Token):
        return _At(value.i)
    return [_detach(v) for v in value] if isinstance(value, list) else value


def _attach(doc: Doc, value: Any) -> Any:
    if isinstance(value, _At):
        return doc[value]
    return [_attach(doc, v) for v in value] if isinstance(value, list) else value


def once_a_doc(fn: Callable[[Token], T]) -> Callable[[Token], T]:
    """fn, a function of the token alone, answered once a doc for each token: for the
    helpers that look over a token's children or its stretch of the sentence, which many
    numbers or quotes may ask about the same token (the root of a long list of figures).
    An answer may be a token or a list of tokens."""
    @wraps(fn)
    def answer(tok: Token) -> T:
        known = memo(tok.doc, answer)
        if tok.i not in known:
            known[tok.i] = _detach(fn(tok))
        return _attach(tok.doc, known[tok.i])
    return answer


def is_according_to(tok: Token) -> bool:
    """`tok` is the "according" of "according to"."""
    return tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and \
        tok.doc[tok.i + 1].lower_ == "to"


def according_source(according: Token) -> Token | None:
    """The head of X in "according to X" (`according` as is_according_to found it)."""
    return next((c for c in children(according.doc[according.i + 1]) if c.dep_ == "pobj"), None)
