"""Who a quote's speaker is: the mention of its head word, the person a "he" or "she" stands
for (by recency, subject position and gender evidence from the article itself), or the person
or group a description ("the Israeli leader", "the Hamas terror group") names."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from tasks.extract import lexicon
from tasks.extract.entities import Entities, Mention
from tasks.extract.person_names import GENDER
from tasks.extract.syntax import phrase, rights

# Nouns of a definite description ("the Israeli leader") -> roles of the people it can be.
_DESCRIBED = {
    "leader": ("prime minister", "president", "leader", "premier", "chancellor", "king"),
    "premier": ("prime minister", "premier"), "president": ("president",),
    "minister": ("minister",), "secretary": ("secretary",), "chancellor": ("chancellor",),
    "envoy": ("envoy", "secretary of state", "ambassador"),
    "diplomat": ("secretary of state", "ambassador", "envoy", "foreign minister"),
    "spokesman": ("spokesman",), "spokeswoman": ("spokeswoman",),
}
# Head nouns of a description that can only be a person ("the GOP front-runner").
PERSON_NOUNS = lexicon.words("people_nouns", "description")
# Nouns of one person's occupation ("the former pollster", "the veteran strategist"): in a
# definite description they mostly stand for the person the story is about just then.
OCCUPATIONS = lexicon.words("people_nouns", "occupation")
# Nouns of a group or organisation ("the Hamas terror group").
GROUPS = lexicon.words("people_nouns", "group")
PRONOUNS = {"he", "she"}


@dataclass
class Speakers:
    """What speaker resolution needs from the article, with per-article caches."""

    doc: Doc
    ents: Entities
    outside: list[Mention]
    by_token: dict[int, Mention] = field(default_factory=dict)
    said: set[int] = field(default_factory=set)  # first tokens of mentions used as speakers
    spoke: list[tuple[int, Mention]] = field(default_factory=list)  # (quote offset, speaker)
    genders: dict[str, str] | None = None
    surnames: dict[str, str] | None = None  # last word -> PERSON entity id

    def __post_init__(self) -> None:
        self.by_token = {i: m for m in self.ents.mentions for i in m.tokens}
        self.outside_starts = [m.start for m in self.outside]

    def speaker(self, head: Token, before: int) -> tuple[str | None, str | None]:
        if head.lower_ in PRONOUNS:  # "he said": the person the story is about just now
            found = self.antecedent(head.lower_, before)
            if found is None:
                return head.text, None
            self.spoke.append((before, found))
            return found.text, found.entity_id
        mention = self.by_token.get(head.i) or self.named_in(head)
        if mention is not None:
            self.said.add(mention.tokens[0])
            self.spoke.append((before, mention))
            return mention.text, mention.entity_id
        lo, hi = phrase(head)
        for i in range(head.i - 1, lo - 1, -1):  # a parse running over a headline or quote
            if "\n" in self.doc[i].text_with_ws or self.doc[i].is_quote:
                lo = i + 1
                break
        words = self.doc[lo:hi]
        return words.text, (self.ents.token_entity.get(head.i) or self.described(words, before)
                            or self.group(words))

    def named_in(self, head: Token) -> Mention | None:
        """The person a title names: 'Trump's campaign manager, Corey Lewandowski,' and 'Vice
        President for news and talk Dave Gorab' (parsed as an apposition or a conjunct)."""
        for child in rights(head):
            mention = self.by_token.get(child.i)
            if child.dep_ in ("appos", "conj") and mention is not None and \
                    self.ents.labels.get(mention.entity_id) == "PERSON":
                return mention
        return None

    def described(self, words: Span, before: int) -> str | None:
        """'the Israeli leader': the latest person named earlier whose roles fit the noun."""
        if words[0].lower_ != "the":
            return None
        fits = _DESCRIBED.get(words[-1].lower_)
        if fits is None:  # 'the Republican nominee': the person the story is about just now
            found = self.antecedent("", before) if words[-1].lower_ in PERSON_NOUNS | \
                OCCUPATIONS else None
            return found.entity_id if found is not None else None
        roles = {row["entity_id"]: " ".join(row["roles"]).lower() for row in self.ents.rows
                 if row["label"] == "PERSON"}
        end = bisect_left(self.outside_starts, before)
        for m in reversed(self.outside[:end]):
            if any(fit in roles.get(m.entity_id, "") for fit in fits):
                return m.entity_id
        return None

    def group(self, words: Span) -> str | None:
        """'The Hamas terror group': the organisation the group noun stands for."""
        if words[-1].lemma_.lower() not in GROUPS:
            return None
        orgs = {self.ents.token_entity[t.i] for t in words[:-1]
                if self.ents.labels.get(self.ents.token_entity.get(t.i, "")) == "ORG"}
        return orgs.pop() if len(orgs) == 1 else None

    def antecedent(self, pronoun: str, before: int) -> Mention | None:
        """The latest earlier person, of the pronoun's gender when known, who spoke or was the
        subject of a main clause; else one who was any subject; else the latest named."""
        found = self.antecedents(pronoun, before, 1)
        return found[0] if found else None

    def antecedents(self, pronoun: str, before: int, k: int) -> list[Mention]:
        """The `k` likeliest people a pronoun stands for, in antecedent()'s order (one per
        entity), for the quote ranker to weigh."""
        if self.genders is None:
            self.genders = _genders(self.doc, self.ents)
        want = {"he": "m", "she": "f"}.get(pronoun, "")  # "" for a description: either
        end = bisect_left(self.outside_starts, before)
        named = [(m.start, self.as_person(m, want)) for m in self.outside[max(0, end - 40):end]]
        spoken = [(at, self.as_person(m, want)) for at, m in self.spoke[-10:] if at < before]
        people = [m for _, m in sorted(named + spoken, key=lambda x: x[0], reverse=True)
                  if (self.ents.labels.get(m.entity_id) == "PERSON" or m.entity_id in
                      self.genders) and (not want or self.genders.get(m.entity_id, want) == want)]
        ranks = [(0 if m.tokens[0] in self.said or any(m is s for _, s in spoken)
                  or _is_subject(self.doc[m.tokens[-1]], main=True)
                  else 1 if _is_subject(self.doc[m.tokens[-1]]) else 2) for m in people]
        ordered = sorted(range(len(people)), key=lambda i: ranks[i])  # stable: latest first
        seen: set[str] = set()
        out = []
        for i in ordered:
            if people[i].entity_id not in seen and len(out) < k:
                seen.add(people[i].entity_id)
                out.append(people[i])
        return out


    def as_person(self, m: Mention, want: str) -> Mention:
        """A surname the tagger took for an organisation ("Trump" beside the person "Donald
        Trump") is the person of the article with that surname named most often, if of the
        wanted gender ("Trump" is Donald Trump before Ivanka Trump, and for "she" no one)."""
        if self.ents.labels.get(m.entity_id, "PERSON") == "PERSON" or " " in m.text:
            return m
        if self.surnames is None:
            # (a full name: capitalised words, not a title such as "Trump v. Trump")
            rows = sorted((r for r in self.ents.rows if r["label"] == "PERSON" and " " in
                           r["name"] and all(w[:1].isupper() for w in r["name"].split())),
                          key=lambda r: r["mention_count"])
            self.surnames = {r["name"].split()[-1]: r["entity_id"] for r in rows}
        eid = self.surnames.get(m.text)
        fits = eid is not None and (not want or self.genders.get(eid, want) == want)
        return replace(m, entity_id=eid) if fits else m


def _is_subject(tok: Token, main: bool = False) -> bool:
    """Subject of a clause; with `main`, of the sentence's own verb (not "noted that X ...")."""
    while tok.dep_ in ("compound", "flat", "appos", "conj") and tok.head is not tok:
        tok = tok.head
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = tok.head
    while main and verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    # a parse that runs on from a headline hangs the paragraph's main verb below it
    return not main or verb.dep_ == "ROOT" or "\n" in tok.doc[verb.head.i:verb.i].text


_HONORIFICS = {"mr.": "m", "mr": "m", "mrs.": "f", "ms.": "f", "mrs": "f", "ms": "f"}
# Gendered words in a person's titles or appositives ("spokeswoman", "his wife, Ann Lee")
_ROLE_GENDER = re.compile(
    r"\b(?:(?P<f>(?:spokes|chair|congress|business|council|anchor)?woman|actress|wife|"
    r"mother|daughter|sister|first lady|queen|widow)|(?P<m>(?:spokes|chair|congress|business|"
    r"council|anchor)man|actor|husband|father|son|brother|king|widower))\b")


def _genders(doc: Doc, ents: Entities) -> dict[str, str]:
    """Gender of people from what the article says of them outright: an honorific before any
    mention ("Mrs. Clinton"), else a gendered title or appositive ("spokeswoman", "his wife"),
    else a given name that is nearly always one gender ("Bernie Sanders", "Carly Fiorina").
    Pronouns near a name are no evidence: counting them ("Lee said she ...") got the gender
    wrong often enough, in sentences about two people, to lose more pronouns than it won."""
    named = {}
    for row in ents.rows:
        # the first word of a name of two or more ("Bernie Sanders", not "Sanders" alone); a
        # first and last name the tagger took for something else ("Carly Fiorina" as an
        # organisation) is a person too
        person = row["label"] == "PERSON"
        found = {"m" if first in GENDER["m"] else "f" for words in map(str.split, row["aliases"])
                 if (len(words) > 1 if person else
                     len(words) == 2 and all(w[:1].isupper() for w in words))
                 and ((first := words[0].lower()) in GENDER["m"] or first in GENDER["f"])}
        if len(found) == 1:
            named[row["entity_id"]] = found.pop()
    titled: dict[str, str] = {}
    for m in ents.mentions:
        first = doc[m.tokens[0]]
        if ents.labels.get(m.entity_id) == "PERSON" and first.i > 0 and \
                doc[first.i - 1].lower_ in _HONORIFICS:
            titled[m.entity_id] = _HONORIFICS[doc[first.i - 1].lower_]
    roled = {}
    for row in ents.rows:
        found = {k for role in row["roles"] for hit in _ROLE_GENDER.finditer(role.lower())
                 for k, v in hit.groupdict().items() if v}
        if len(found) == 1 and row["label"] == "PERSON":
            roled[row["entity_id"]] = found.pop()
    return named | roled | titled
