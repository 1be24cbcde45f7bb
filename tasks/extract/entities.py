"""Entities: mentions (mention_spans) linked into one entity per referent: ids, names, roles."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from spacy.tokens import Doc

from tasks.extract import lexicon
from tasks.extract.extractor import Extractor, ParsedArticle
from tasks.extract.lone_surnames import titled_otherwise
from tasks.extract.mention_spans import Mention, collect
from tasks.extract.person_names import (
    article_spellings,
    article_variants,
    behind_nickname,
    courtesy_gender,
    courtesy_title,
    dominant,
    given_name_means,
    is_suffix,
    of_gender,
)
from tasks.extract.roles import roles
from tasks.schemas import ENTITY_LABELS

KIND = {label: label.lower() for label in ENTITY_LABELS}  # work_of_art: the id format
LABEL_OF_KIND = {kind: label for label, kind in KIND.items()}

# Two words run together by a lost space ("SamirAbu"), but not McDonald or MacArthur.
_JOINED = re.compile(r"\b(?!(?:Mac|Van|Von|Fitz|Della|Del|Des)[A-Z])([A-Z][a-z]{2,})(?=[A-Z][a-z])")


@dataclass
class Entities:
    """What the other extractors need: mentions in order and token index -> entity_id."""

    mentions: list[Mention]
    token_entity: dict[int, str]
    labels: dict[str, str]
    rows: list[dict] = field(default_factory=list)


def slug(name: str) -> str:
    """ASCII slug of a name; a name with no ASCII letters or digits (another script) gets a
    stable hash instead, so every id keeps the lake's id format."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slugged = re.sub(r"[^a-z0-9]+", "-", re.sub(r"[.'’]", "", ascii_.lower())).strip("-")
    return slugged or "u" + hashlib.sha256(name.encode()).hexdigest()[:12]


# Well-known short and full forms of one organisation or country (lexicons/short_names.tsv):
# slug of a form -> (canonical name, the labels it needs; empty: any).
SHORT_NAMES = {slug(form): (name, frozenset(labels.split()) - {"*"})
               for form, name, labels in lexicon.rows("short_names")}
CANONICAL = {key: name for key, (name, _) in SHORT_NAMES.items()}  # any label: lake_names


def canonical_name(text: str, label: str) -> str:
    """The canonical name of a well-known short or full form ("GOP" -> "Republican Party")."""
    name, labels = SHORT_NAMES.get(slug(text), (text, frozenset()))
    return name if not labels or label in labels else text


def name_words(name: str) -> list[str]:
    """A person's name without its generational suffix, word by word."""
    words = name.split()
    while len(words) > 1 and is_suffix(words[-1]):
        words.pop()
    return [*words[:-1], words[-1].rstrip(",")]


def surname(name: str) -> str:
    return name_words(name)[-1]


def bare_surname_means(people: dict[str, str]) -> set[str]:
    """Of the persons (key -> full name) sharing a surname, those the bare surname can mean:
    a father and his "Jr." son share it, and the bare one is the father ("Trump")."""
    fathers = {key for key, name in people.items() if len(name_words(name)) == len(name.split())}
    return fathers or set(people)


def entity_id(label: str, name: str) -> str:
    return f"{KIND[label]}/{slug(name)}"


def names_entity(alias: str, eid: str) -> bool:
    """The alias can be the entity's canonical name: its slug is the id's (a mention written
    with a comma, "Donald Trump, Jr.", is not: the name is "Donald Trump Jr.")."""
    return "," not in alias and (eid.endswith("/" + slug(alias))
                                 or CANONICAL.get(slug(alias)) == alias)


def lake_names(known: dict[str, str]) -> dict[str, str]:
    """entity_id -> the lake's canonical name: the alias whose slug is the id's (of the
    lake's alias index, aliases.AliasIndex, a view that looks names up as they are asked)."""
    if hasattr(known, "names"):
        return known.names  # type: ignore[no-any-return]
    return {eid: alias for alias, eid in known.items() if names_entity(alias, eid)}


def _link(body: str, mentions: list[Mention], known: dict[str, str],
          known_names: dict[str, str]) -> dict[str, str]:
    """Give each mention an entity_id; return entity_id -> canonical name (when in the text)."""
    votes: dict[str, Counter] = {}
    for m in mentions:
        if m.label == "PERSON" and (cut := run_together_cut(m.name)) != m.name:
            m.end = m.start + len(cut)  # "Hillary Clinton" + a link's "Giuliani"
            m.name, m.text = cut, m.text[:len(cut)]
        votes.setdefault(slug(m.name), Counter())[m.label] += 1
    # One person written two ways in one article ("Donald J. Trump", "Donald Trump")
    variant = article_variants(m.name for m in mentions if m.label == "PERSON" and " " in m.name)
    for name, form in variant.items():  # "Crooked Hillary Clinton" beside "Hillary Clinton"
        variant[name] = behind_nickname(form, variant.values()) or form
    spelling = article_spellings(Counter(variant[m.name] for m in mentions if m.name in variant))
    variant = {name: spelling.get(form, form) for name, form in variant.items()}
    fulls = sorted(set(variant.values()))
    by_last: dict[str, list[str]] = {}
    for full in fulls:
        by_last.setdefault(surname(full), []).append(full)
    names: dict[str, str] = {}
    for m in mentions:
        words = m.name.split()
        longer = []
        if m.label == "PERSON" and variant.get(m.name, m.name) != m.name:
            longer = [variant[m.name]]
        elif m.label == "PERSON" or len(words) == 1:
            ending = {n: n for n in by_last.get(surname(m.name), [])
                      if words in (n.split()[-len(words):], name_words(n)[-len(words):])}
            longer = sorted(bare_surname_means(ending) - {m.name})
            if (gender := courtesy_gender(body, m.start)) is not None:
                # "Mr. Clinton" beside Hillary and Bill is Bill; "Mr. Biden" beside Jill
                # Biden alone is not her (the lake's man Biden, or nobody)
                longer = of_gender(longer, gender) if len(longer) > 1 else [
                    n for n in longer if not of_gender([n], "f" if gender == "m" else "m")]
            if not ending and m.label == "PERSON" and len(words) == 1:  # "Paul": Paul Ryan
                longer = [meant] if (meant := given_name_means(m.name, fulls)) else []
        if len(words) == 1 and len(longer) == 1 and titled_otherwise(
                body, m, longer[0], [x for x in mentions if variant.get(x.name, x.name) ==
                                     longer[0]], partial(_lake_people, m.name, known, known_names)):
            longer = []  # "President Trump" beside Melania Trump alone: the lake's Trump
        lake_fit = _titled_in_lake(body, m, known, known_names) if not longer else None
        if len(longer) == 1:
            m.label, name = "PERSON", longer[0]
        elif lake_fit is not None and lake_fit[0]:  # "Mrs. Obama": the lake's one woman Obama
            m.entity_id, m.label = lake_fit[0], "PERSON"
            names.setdefault(m.entity_id, lake_fit[1])
            continue
        elif lake_fit is not None:  # the lake knows only men Obama: "Mrs. Obama" stays apart
            m.label, name = "PERSON", lake_fit[1]
        elif len(words) == 1 and not longer and m.name in known:  # namesakes: linking.py
            m.entity_id = known[m.name]
            m.label = LABEL_OF_KIND.get(m.entity_id.split("/", 1)[0], m.label)
            if (lake_name := known_names.get(m.entity_id)) is not None:
                names.setdefault(m.entity_id, lake_name)
            continue
        else:
            # Same words, different labels across the article (Blinken GPE/PERSON): majority wins.
            m.label = votes[slug(m.name)].most_common(1)[0][0]
            name = canonical_name(m.name, m.label)
        if m.label == "PERSON":
            name = unjoin(name)
        m.entity_id = entity_id(m.label, name)
        names.setdefault(m.entity_id, name)
    # "United Nations Relief and Works Agency (UNRWA)": the bracketed initials are an alias;
    # a dateline's "NEW YORK (Reuters)" is not.
    for a, b in zip(mentions, mentions[1:], strict=False):
        if (body[a.end:b.start] == " (" and body[b.end:b.end + 1] == ")" and " " not in b.text
                and b.text.isupper() and b.text[0] == a.text[0].upper()):
            b.entity_id, b.label = a.entity_id, a.label
    return names


def _lake_people(word: str, known: dict[str, str], known_names: dict[str, str]
                 ) -> dict[str, str]:
    """The lake's persons (id -> full name) of that surname."""
    if hasattr(known, "people"):
        return known.people([word])  # type: ignore[no-any-return]
    return {eid: n for eid, n in known_names.items()
            if eid.startswith("person/") and " " in n and surname(n) == word}


def _titled_in_lake(body: str, m: Mention, known: dict[str, str], known_names: dict[str, str]
                    ) -> tuple[str, str] | None:
    """For a lone surname after a courtesy title, the lake's one person of that surname and
    gender (id, name), or ("", the title and surname) when the lake knows that surname only
    for others; None without a title or a lake person of that surname."""
    title, gender = courtesy_title(body, m.start), courtesy_gender(body, m.start)
    if " " in m.name or title is None or gender is None:
        return None
    if not (people := _lake_people(m.name, known, known_names)):
        return None
    fit = {eid: people[eid] for eid in people if of_gender([people[eid]], gender)}
    if len(fit) > 1 and hasattr(known, "counts"):  # "Mr. Trump": the lake's far likeliest
        counts = known.counts(m.name)
        if (meant := dominant({eid: counts.get(eid, 0) for eid in fit})) is not None:
            return meant, fit[meant]
    return next(iter(fit.items())) if len(fit) == 1 else ("", f"{title} {m.name}")


def run_together_cut(text: str) -> str:
    """A name without the words of a run-together list after it ("Hillary Diane Rodham
    ClintonGiuliani", a web page's linked names), so that it is compared as written."""
    last = text.rsplit(" ", 1)[-1]
    if " " not in text or not (joined := _JOINED.match(last)):
        return text
    return text[:len(text) - len(last) + joined.end(1)]


def unjoin(name: str) -> str:
    """A lost space inside a name is put back ("SamirAbu Zohri"); at its end the next words
    of a run-together list follow ("Joe BidenBiden", "Ellis SchumerState") and are cut."""
    *words, last = name.split(" ")
    if joined := _JOINED.match(last):
        last = joined.group(1)
    return _JOINED.sub(r"\1 ", " ".join([*words, last]))


def extract_entities(doc: Doc, body: str, article_id: str, known: dict[str, str],
                     known_names: dict[str, str] | None = None) -> tuple[Entities, list[dict]]:
    """Entity rows and mention rows (both without run_id) plus the linking the others use.

    `body` is doc.text, passed in because Doc.text re-joins every token on each access.
    `known`: lake aliases -> entity_id; `known_names`: lake_names(known), built once a batch.
    """
    mentions = collect(doc, body)
    names = _link(body, mentions, known,
                  lake_names(known) if known_names is None else known_names)
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.entity_id, []).append(m)
    qualifiers = {m.text for m in mentions if m.label != "PERSON"}
    rows = []
    for eid, group in groups.items():
        label = group[0].label  # the id's kind comes from the label, so the group agrees
        aliases = list(dict.fromkeys(m.text for m in group))
        rows.append({"article_id": article_id, "entity_id": eid,
                     # known only through an alias the lake lacks a name for: longest alias
                     "name": names.get(eid) or max((m.name for m in group), key=len),
                     "label": label,
                     "aliases": aliases, "roles": roles(body, group, qualifiers),
                     "mention_count": len(group)})
    mention_rows = [{"article_id": article_id, "entity_id": m.entity_id, "text": m.text,
                     "start": m.start, "end": m.end, "sentence_index": m.sentence_index}
                    for m in mentions]
    token_entity = {i: m.entity_id for m in mentions for i in m.tokens}
    labels = {row["entity_id"]: row["label"] for row in rows}
    return Entities(mentions, token_entity, labels, rows), mention_rows


def article_entities(article: ParsedArticle) -> tuple[Entities, list[dict]]:
    """extract_entities, once an article: the entities and mentions tables and the quotes'
    speakers all come from it."""
    if "entities" not in article.shared:
        article.shared["entities"] = extract_entities(
            article.doc, article.body, article.article_id, article.known, article.names)
    return article.shared["entities"]


def _entity_rows(article: ParsedArticle) -> list[dict]:
    return article_entities(article)[0].rows


def _mention_rows(article: ParsedArticle) -> list[dict]:
    return article_entities(article)[1]


EXTRACTORS = (Extractor("entities", _entity_rows), Extractor("mentions", _mention_rows))
