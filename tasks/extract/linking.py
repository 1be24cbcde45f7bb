"""One entity_id per person across the articles of a run and the lake.

Within an article, extract_entities already merges "Blinken" into "Antony Blinken", and a
name the lake knows gets the lake's id. Two cases need all the articles at once:
- a person named by one word only ("Biden") in an article that never gives the full name is
  the one person of the run or lake with that surname, if there is one (of a father and
  his "Jr." son, the father);
- one person spelt two ways by two outlets ("Sami Abu Zuhri", "Samir Abu Zohri") is one
  person when the spellings sound alike word by word and no other known person fits.
The lake's id wins (published ids never change); between two new spellings, the one with
more mentions (then the smaller id), so the result does not depend on article order.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

import jellyfish

from tasks.extract import lexicon
from tasks.extract.entities import SUFFIXES, bare_surname_means, lake_names, surname

MALE, FEMALE = lexicon.given_names("m"), lexicon.given_names("f")

__all__ = ["apply_links", "link_people", "person_links", "same_person"]


def _words(name: str) -> list[str]:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_.lower().replace("-", " ").replace(".", "").split()


def _core(words: list[str]) -> tuple[list[str], list[str]]:
    """The given name, surname and suffix; and the middle names or initials between them
    (nothing of a name with no words: see _words)."""
    if not words:
        return [], []
    last = len(words) - 1
    while last > 1 and words[last] in SUFFIXES:
        last -= 1
    return [words[0], *words[last:]], words[1:last]


def _key(words: list[str]) -> tuple[str, ...]:
    """Where to look for other spellings: the first letter, then each later word's sound."""
    return (words[0][0], *(jellyfish.metaphone(w) for w in words[1:]))


def _name_key(name: str) -> tuple[str, ...] | None:
    """None for a name that has no words in Latin letters ("Джонни Депп", "- -"): its
    spellings cannot be compared by sound, only its surname as written."""
    words = _core(_words(name))[0]
    return _key(words) if words else None


def _spelt_alike(a: str, b: str) -> bool:
    """One or two slips in a long word (Zohri/Zuhri, Pelsoi/Pelosi) that keep its sound;
    Young/Yang and Kyl/Kelly differ more than that."""
    return a == b or (jellyfish.metaphone(a) == jellyfish.metaphone(b) and
                      jellyfish.damerau_levenshtein_distance(a, b) <= max(1, len(a) // 4))


def same_person(a: str, b: str) -> bool:
    """Two full names that are spellings of one name: the same suffix, each other word spelt
    alike, the first one also when it is a short form of the other (Sami/Samir, Matt/Matthew),
    but never a man's and a woman's given name (John/Joan). A middle name or initial may be
    left out ("Hillary Rodham Clinton", "Loretta E. Lynch"), but two that differ are two
    people ("George W. Bush", "George H.W. Bush")."""
    (wa, middle_a), (wb, middle_b) = _core(_words(a)), _core(_words(b))
    if (len(wa) != len(wb) or len(wa) < 2 or min(map(len, wa + wb)) < 2 or _key(wa) != _key(wb)
            or (middle_a and middle_b and middle_a != middle_b)):
        return False
    (first_a, *rest_a), (first_b, *rest_b) = sorted((wa, wb), key=lambda w: len(w[0]))
    if {first_a, first_b} & MALE and {first_a, first_b} & FEMALE:
        return False
    return ((_spelt_alike(first_a, first_b)
             or (len(first_a) >= 4 and first_b.startswith(first_a)))
            and all(map(_spelt_alike, rest_a, rest_b)))


def person_links(rows: Iterable[dict], known: dict[str, str]) -> dict[str, tuple[str, str]]:
    """entity_id -> (entity_id, name) it should be, for the PERSON entity rows of a run.

    `rows` need article_id, entity_id, name, label and mention_count; `known` is the lake's
    alias -> entity_id map (known_aliases) or index (aliases.AliasIndex, asked only for
    the people these rows may be)."""
    rows = list(rows)
    if hasattr(known, "people"):
        lake = known.people(r["name"] for r in rows if r["label"] == "PERSON")
    else:
        lake = {eid: name for eid, name in lake_names(known).items()
                if eid.startswith("person/")}
    names, mentions, articles = dict(lake), Counter(), defaultdict(set)
    for row in rows:
        if row["label"] == "PERSON":
            names.setdefault(row["entity_id"], row["name"])
            mentions[row["entity_id"]] += row["mention_count"]
            articles[row["entity_id"]].add(row["article_id"])
    full = {eid: name for eid, name in names.items() if " " in name}
    by_last, by_key = defaultdict(set), defaultdict(set)
    keys = {eid: key for eid, name in full.items() if (key := _name_key(name)) is not None}
    for eid, name in full.items():
        by_last[surname(name)].add(eid)
    for eid, key in keys.items():
        by_key[key].add(eid)

    def spellings(eid: str) -> set[str]:  # never two people named in one article
        if eid not in keys:
            return set()
        return {other for other in by_key[keys[eid]] - {eid}
                if same_person(full[eid], full[other]) and not articles[eid] & articles[other]}

    remap: dict[str, str] = {}
    for eid in mentions.keys() - lake.keys():
        if eid not in full:
            meant = bare_surname_means({other: full[other] for other in by_last[names[eid]]})
            if len(meant) == 1:
                remap[eid] = next(iter(meant))
        elif len(others := spellings(eid)) == 1:
            other = next(iter(others))
            if other in lake or (spellings(other) == {eid}
                                 and (-mentions[other], other) < (-mentions[eid], eid)):
                remap[eid] = other
    for eid in remap:  # a lone "Zohri" -> "Samir Abu Zohri" -> "Sami Abu Zuhri"
        while remap[eid] in remap:
            remap[eid] = remap[remap[eid]]
    return {eid: (target, names[target]) for eid, target in remap.items()}


def apply_links(out: dict[str, list[dict]], remap: dict[str, tuple[str, str]]) -> None:
    """Rewrite entity, mention and quote rows in place; an article that now names one person
    two ways gets one entity row."""
    if not remap:
        return
    merged: dict[tuple[str, str], dict] = {}
    for row in out["entities"]:
        if row["entity_id"] in remap:
            row["entity_id"], row["name"] = remap[row["entity_id"]]
        key = (row["article_id"], row["entity_id"])
        if key in merged:
            kept = merged[key]
            kept["aliases"] = list(dict.fromkeys(kept["aliases"] + row["aliases"]))
            kept["roles"] = list(dict.fromkeys(kept["roles"] + row["roles"]))
            kept["mention_count"] += row["mention_count"]
        else:
            merged[key] = row
    out["entities"] = list(merged.values())
    for row in out["mentions"]:
        row["entity_id"] = remap.get(row["entity_id"], (row["entity_id"],))[0]
    for row in out["quotes"]:
        if row["speaker_entity_id"] in remap:
            row["speaker_entity_id"] = remap[row["speaker_entity_id"]][0]


def link_people(out: dict[str, list[dict]], known: dict[str, str]) -> None:
    apply_links(out, person_links(out["entities"], known))
