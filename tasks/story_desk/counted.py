"""What a figure counts, read from its noun phrase (facts.object) and its kind, so that two
figures of one story can be told to count the same thing or not.

A counted thing is a head noun and the groups its words name: "about 250 hostages" and
"kidnapped 251" are the KIDNAP kind's own people (its kind nouns and words like "people" say
nothing more than the kind does); "1,200 Israelis" is people, of the group "israeli";
"over 40,000 Palestinian deaths" is people of "palestinian"; "six children" is children;
"207 of its staff members" is members. Groups are the capitalised words of the phrase
(nationalities, organisations: "Israelis", "Hamas combatants").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tasks.extract.lexicon import fact_kinds

PEOPLE = "people"


@dataclass(frozen=True)
class Counted:
    """What a figure counts: a head noun (`people` for people in general) and the groups
    named around it (empty: any people)."""

    head: str
    groups: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """How the story desk names it: "people", "people (israeli)", "member (staff)"."""
        return self.head + (f" ({', '.join(sorted(self.groups))})" if self.groups else "")

    def compatible(self, other: Counted) -> bool:
        """Could both count the same thing? The same head, and groups that do not clash:
        people in general fit people of a group ("1,200 people" and "1,200 Israelis" in a
        story about one attack); two different groups never fit ("Israelis" and
        "Palestinians"), nor two heads ("children" and "people", "members" and "people")."""
        if self.head != other.head:
            return False
        return not self.groups or not other.groups or self.groups == other.groups

    def excludes(self, other: Counted) -> bool:
        """Do the two heads name people no one can be both of ("men" and "children")?"""
        mine, theirs = _exclusive(self.head), _exclusive(other.head)
        return self.head != other.head and bool(mine) and mine == theirs


@cache
def _lexicon() -> dict[str, tuple[str, str]]:
    text = files("tasks.story_desk").joinpath("counted_nouns.tsv").read_text("utf-8")
    out = {}
    for raw in text.splitlines():
        if line := raw.split("#", 1)[0].rstrip():
            word, use, *rest = line.split("\t")
            out[word] = (use, rest[0] if rest else "")
    return out


def _exclusive(head: str) -> str:
    """The lexicon's class of mutually exclusive heads the head is in ("" if none)."""
    use, name = _lexicon().get(head, ("", ""))
    return name if use == "class" else ""


def singular(word: str) -> str:
    """A lower-case word's singular, by the lexicon's exceptions or English suffix rules."""
    use, form = _lexicon().get(word, ("", ""))
    if use == "plural":
        return form
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ves", "fe"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def _is_people(word: str, kind: str) -> bool:
    lex = _lexicon().get(word, ("", ""))[0]
    return lex == PEOPLE or fact_kinds("noun").get(singular(word)) == kind \
        or fact_kinds("noun").get(word) == kind


def counted(obj: str | None, kind: str) -> Counted:
    """The counted thing of a figure: its object noun phrase read for the fact's kind. No
    object (an elided noun: "kidnapped 251") is the kind's people."""
    words = [w if w.count(".") > 1 else w.rstrip(".")  # "U.S." whole, "people." not
             for w in re.findall(r"[\w’'-]+(?:\.[\w’'-]*)*", obj or "")]
    words = [w for w in words if _lexicon().get(w.lower(), ("",))[0] != "drop"
             and not any(ch.isdigit() for ch in w)]
    if not words:
        return Counted(PEOPLE)
    *mods, last = words
    groups = {_group(w) for w in mods if w[0].isupper()}
    if last[0].isupper() and _DEMONYM.search(last):  # "Israelis": people of a group
        return Counted(PEOPLE, frozenset({*groups, _group(last)}))
    # Lower-case modifiers are left out: "two chief suspects" and "two armed suspects" are
    # the same suspects, and a story rarely counts two sorts of one noun.
    head = PEOPLE if _is_people(last.lower(), kind) else singular(last.lower())
    use, same = _lexicon().get(head, ("", ""))
    return Counted(same if use == "same" else head, frozenset(groups))


# A capitalised plural naming people by where they are from ("Israelis", "Palestinians",
# "Americans", "Chinese"), unlike one naming a body ("Marines", "Democrats").
_DEMONYM = re.compile(r"(?:ans|is|ese|ens)$")


def _group(word: str) -> str:
    """A capitalised word as a group: a plural demonym as its singular ("Israelis"), any other
    as written ("Hamas")."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    plural = word.endswith("s") and word[:-1].endswith(("an", "i", "er", "ite", "ist"))
    return word[:-1] if plural else word
