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

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from tasks.extract.entities import KIND, LABEL_OF_KIND, bare_surname_means, lake_names, surname
from tasks.extract.name_forms import plain_form, short_form_group
from tasks.extract.namesakes import namesake_links
from tasks.extract.person_names import (
    DOMINANCE,
    FORMAL,
    GIVEN,
    behind_nickname,
    dominant,
    formal_form,
    middles_agree,
    name_key,
    of_gender,
    one_person,
    same_person,
    suffix,
    suffixed_word,
    titled_surname,
)
from tasks.extract.person_names import core as _core
from tasks.extract.person_names import words as _words

# entity_id -> (entity_id, name) it becomes; an (article_id, entity_id) key is that article's
Links = dict[str | tuple[str, str], tuple[str, str]]

__all__ = ["Links", "apply_links", "dominant", "link_people", "person_links", "same_person"]


VOTED = "ORG"  # the label the model gives people's bare names in some articles ("Trump")


def label_votes(rows: list[dict], lake_counts: dict[tuple[str, str], int]
                ) -> tuple[set[str], dict[str, str]]:
    """The model's labels of one-word names settled by the run and the lake, both ways:
    - people: names it labelled VOTED in some articles that are people more often (a
      person's surname or a person named by it alone outweighs the VOTED uses: "Romney"
      tagged ORG once, a person in every other article);
    - things: names it labelled PERSON in some articles that are VOTED more often, each
      with the id it has there ("COVID-19", an ORG in most articles; a surname of people
      named in full counts for the person side: "Fox" of Vicente Fox).
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    things: dict[str, Counter] = defaultdict(Counter)  # word -> VOTED id -> mentions
    for row in rows:
        word = row["name"] if " " not in row["name"] else surname(row["name"])
        if row["label"] in ("PERSON", VOTED):
            votes[word][row["label"] == "PERSON"] += row["mention_count"]
        if row["label"] == VOTED:
            things[word][row["entity_id"]] += row["mention_count"]
    for (eid, word), count in lake_counts.items():
        votes[word][eid.startswith("person/")] += count
        if eid.startswith(KIND[VOTED] + "/"):
            things[word][eid] += count
    voted = {r["name"] for r in rows if r["label"] == VOTED}
    tagged = {r["name"] for r in rows if r["label"] == "PERSON" and " " not in r["name"]}
    return ({word for word in voted if votes[word][True] > votes[word][False]},
            {word: min(things[word].items(), key=lambda kv: (-kv[1], kv[0]))[0]
             for word in tagged if things[word] and votes[word][False] > votes[word][True]})


def _lake_counts(known: dict[str, str], words: Iterable[str]) -> dict[tuple[str, str], int]:
    """(entity_id, word) -> mentions the lake has of the entity under that word (its
    surname, or its one-word name); nothing from a plain alias map."""
    if not hasattr(known, "counts"):
        return {}
    return {(eid, word): n for word in set(words) for eid, n in known.counts(word).items()}


def person_links(rows: Iterable[dict], known: dict[str, str]) -> Links:
    """entity_id -> (entity_id, name) it should be, for the PERSON entity rows of a run
    (and the one-word VOTED rows that the label vote makes people); an (article_id,
    entity_id) key overrides its id's link in that article (there it keeps its own id).

    `rows` need article_id, entity_id, name, label and mention_count; `known` is the lake's
    alias -> entity_id map (known_aliases) or index (aliases.AliasIndex, asked only for
    the people these rows may be)."""
    rows = [r for r in rows if r["label"] == "PERSON" or (
        r["label"] == VOTED and " " not in r["name"])]
    words = {r["name"] if " " not in r["name"] else surname(r["name"]) for r in rows}
    lake_counts = _lake_counts(known, words)
    people, things = label_votes(rows, lake_counts)
    voted_away = {r["entity_id"]: (things[r["name"]], r["name"]) for r in rows
                  if r["label"] == "PERSON" and r["name"] in things}
    rows = [r for r in rows if r["entity_id"] not in voted_away and (
        r["label"] == "PERSON" or r["name"] in people)]
    if hasattr(known, "people"):
        lake = known.people(r["name"] for r in rows)
    else:
        lake = {eid: name for eid, name in lake_names(known).items()
                if eid.startswith("person/")}
    names, mentions, articles = dict(lake), Counter(), defaultdict(set)
    for (eid, _), count in lake_counts.items():
        mentions[eid] += count
    for row in rows:
        names.setdefault(row["entity_id"], row["name"])
        mentions[row["entity_id"]] += row["mention_count"]
        articles[row["entity_id"]].add(row["article_id"])
    full = {eid: name for eid, name in names.items() if " " in name}
    # A lone word that is the given name of two people in its article ("I like Paul" beside
    # Paul Ryan and Paul Nehlen) is no surname: it never links to the lake's Rand Paul.
    # Only a given name counts: two junk spans "Trump Be Trump", "Trump Twitter" do not.
    firsts = Counter((r["article_id"], r["name"].split()[0]) for r in rows if " " in r["name"])
    given = {key for key, n in firsts.items() if n > 1 and key[1].lower() in GIVEN}
    by_last, by_key, by_first = defaultdict(set), defaultdict(set), defaultdict(set)
    by_tail: dict[str, set[str]] = defaultdict(set)
    keys = {eid: key for eid, name in full.items() if (key := name_key(name)) is not None}
    by_name: dict[str, set[str]] = defaultdict(set)
    for eid, name in full.items():
        by_name[name].add(eid)
        if titled_surname(name) is None:  # "Mr. Trump" is nobody's full name
            by_last[surname(name)].add(eid)
            by_first[name.split()[0]].add(eid)
            if len(name.split()) > 2:  # a surname of two words
                by_tail[" ".join(name.split()[-2:])].add(eid)
    for eid, key in keys.items():
        by_key[key].add(eid)

    def spellings(eid: str) -> set[str]:  # never two people named in one article
        if eid not in keys:
            return set()
        return {other for other in by_key[keys[eid]] - {eid}
                if same_person(full[eid], full[other]) and not articles[eid] & articles[other]}

    def first(group: set[str]) -> str | None:
        """Of variants of one name, the lake's (if one) or the most mentioned."""
        in_lake = group & lake.keys()
        if len(in_lake) > 1:
            return None
        return next(iter(in_lake)) if in_lake else min(group, key=lambda e: (-mentions[e], e))

    def means(meant: set[str]) -> str | None:
        if len(meant) == 1 or one_person(full[e] for e in meant):
            return first(meant)  # variants of one name ("Paul Ryan", "Paul D. Ryan")
        return dominant({e: mentions[e] for e in meant})

    remap: dict[str, str] = {}
    kept: set[tuple[str, str]] = set()  # (article, id): the id stays in that article
    for eid in mentions.keys() - lake.keys():
        if eid not in names:
            continue  # a lake entity known only by its count
        if eid not in full:
            # the word is ambiguous only in the articles that name two people by it: there
            # the id stays; the articles that do not are linked as if those were not there
            ambiguous = {article for article in articles[eid] if (article, names[eid]) in given}
            if ambiguous and ambiguous >= articles[eid]:
                continue
            kept |= {(article, eid) for article in ambiguous}
            meant = bare_surname_means({other: full[other] for other in by_last[names[eid]]})
            best = means(by_first[names[eid]]) if names[eid].lower() in GIVEN else None
            if best and mentions[best] >= DOMINANCE * sum(mentions[e] for e in meant):
                meant = {best}  # "Hillary": Clinton, not a "Crooked Hillary"
            if meant and (target := means(meant)) is not None:
                remap[eid] = target
            continue
        if (titled := titled_surname(full[eid])) is not None:  # "Mr. Trump": of his gender
            meant = bare_surname_means({other: full[other] for other in by_last[titled[1]]
                                        if of_gender([full[other]], titled[0])})
            if meant and (target := means(meant)) is not None:
                remap[eid] = target
            continue
        if full[eid].split()[0].lower() not in GIVEN and (
                (compound := by_tail[full[eid]]) and one_person(full[e] for e in compound)):
            remap[eid] = first(compound) or eid  # "Wasserman Schultz": Debbie's surname
            continue
        if (real := behind_nickname(full[eid], by_name)) and len(by_name[real]) == 1:
            remap[eid] = next(iter(by_name[real]))  # "Crooked Hillary Clinton"
            continue
        if (word := suffixed_word(full[eid])) is not None:  # "Trump Jr.", "Don Jr."
            own = suffix(full[eid])
            sons = {e for e, n in full.items() if suffix(n) == own
                    and suffixed_word(n) is None and FORMAL.get(word, word) in _core(_words(n))[0]}
            if sons and (target := means(sons)) is not None:
                remap[eid] = target
            continue
        if (formal := formal_form(full[eid])) is not None and (
                target := plain_form(eid, formal, full, mentions, means)) is not None:
            remap[eid] = target  # "John G. Roberts Jr." beside a far commoner "John Roberts"
            continue
        if (aliased := known.get(full[eid])) not in (None, eid) and aliased in lake:
            remap[eid] = aliased  # a name the lake has linked before goes the same way
            continue
        if ((short := short_form_group(eid, full, by_last[surname(full[eid])]))
                and (target := first(short)) not in (None, eid)):
            remap[eid] = target  # "Steve Bannon" and "Stephen Bannon", no "Steven Bannon"
            continue
        # Other spellings of the name ("Qassem", "Qasem", "Qassim Suleimani"): the lake's,
        # else the commonest, when each is a spelling of it, no two are named in one article,
        # their middle names agree, and no two are given names of their own (Jon, John and
        # Jonn Smith).
        others = spellings(eid)
        spelt = {eid}.union(others, *map(spellings, others))
        cores = {e: _core(_words(full[e])) for e in spelt}
        if ((target := first(spelt)) in others and spelt - {target} <= spellings(target)
                and all(not articles[a] & articles[b] and middles_agree(cores[a][1], cores[b][1])
                        for a in spelt for b in spelt - {a})
                and len({kept[0] for kept, _ in cores.values()} & GIVEN) < 2):
            remap[eid] = target
            continue
        # Middle names given or left out ("Paul Ryan", "Paul D. Ryan", "Paul Davis Ryan"):
        # one person when all of them agree and no two are named in one article.
        # A slip of the pen among them ("Hilary Clinton") is left to the next rule; another
        # middle name ("George H. W. Bush" beside "George W. Bush") stops it.
        group = {e for e in spelt if cores[e][0] == cores[eid][0]}
        if (len(group) > 1 and one_person(full[e] for e in group)
                and all(not articles[a] & articles[b] for a in group for b in group - {a})
                and (target := first(group)) not in (None, eid)):
            remap[eid] = target
        elif len(others) > 1 and one_person(full[e] for e in others) and (
                target := first(others)) is not None and mentions[target] > mentions[eid]:
            remap[eid] = target  # the spelling of a name others write in several forms
        elif ((best := dominant({e: mentions[e] for e in group})) not in (None, eid)
              and one_person([full[eid], full[best]]) and not articles[eid] & articles[best]):
            remap[eid] = best  # "Donald J. Trump" beside a far commoner "Donald Trump", even
            # when a stray "Donald F. Trump" keeps the forms from being one name
    remap = follow_chains(remap, first)
    links: Links = {eid: (target, names[target]) for eid, target in remap.items() if target != eid}
    links.update({key: (key[1], names[key[1]]) for key in kept if key[1] in links})
    for key, target in namesake_links(rows, full, mentions, lambda e: remap.get(e, e)).items():
        if target != key[1] or key[1] in links:
            links[key] = (target, names[target])
    links.update({eid: thing for eid, thing in voted_away.items() if thing[0] != eid})
    return links


def follow_chains(remap: dict[str, str], first: Callable[[set[str]], str | None]
                  ) -> dict[str, str]:
    """Each id -> the end of its chain of links (a lone "Zohri" -> "Samir Abu Zohri" -> "Sami
    Abu Zuhri"). Ids that link round in a circle are one person: all go to the one `first`
    picks (else the smallest id), whatever order the links were made in."""
    def end(eid: str) -> str:
        path = [eid]
        while (step := remap.get(path[-1])) is not None and step not in path:
            path.append(step)
        if step is None:
            return path[-1]
        circle = set(path[path.index(step):])
        return first(circle) or min(circle)
    return {eid: end(eid) for eid in remap}


def apply_links(out: dict[str, list[dict]], links: Links) -> None:
    """Rewrite entity, mention and quote rows in place; an article that now names one person
    two ways gets one entity row."""
    if not links:
        return

    def link(article_id: str, eid: str) -> tuple[str, str] | None:
        """The article's own entry first; one that keeps the id changes nothing."""
        target = links.get((article_id, eid), links.get(eid))
        return None if target is None or target[0] == eid else target

    merged: dict[tuple[str, str], dict] = {}
    for row in out["entities"]:
        if (target := link(row["article_id"], row["entity_id"])) is not None:
            row["entity_id"], row["name"] = target
            row["label"] = LABEL_OF_KIND.get(row["entity_id"].split("/", 1)[0], row["label"])
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
        if (target := link(row["article_id"], row["entity_id"])) is not None:
            row["entity_id"] = target[0]
    for row in out["quotes"]:
        if row["speaker_entity_id"] and (
                target := link(row["article_id"], row["speaker_entity_id"])) is not None:
            row["speaker_entity_id"] = target[0]


def link_people(out: dict[str, list[dict]], known: dict[str, str]) -> None:
    apply_links(out, person_links(out["entities"], known))
