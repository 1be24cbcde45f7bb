"""Small dependency-parse helpers shared by the quote and fact extractors."""

from __future__ import annotations

from spacy.tokens import Token

_LEFT_MODIFIERS = {"compound", "amod", "det", "poss", "flat", "nmod", "nummod"}


def _own_subject(verb: Token) -> Token | None:
    # two subjects is a misparse ("Speaking in Salem, New Hampshire, Trump went"): the one
    # next to the verb, unless it is a title in quote marks ('Washington, star of "Scandal,"
    # thanked'), a date, or a dateline in capitals ("WASHINGTON (UPI) — A spokesman said")
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
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
    left = [c.left_edge.i for c in head.lefts if c.dep_ in _LEFT_MODIFIERS]
    return min(left, default=head.i), head.i + 1
