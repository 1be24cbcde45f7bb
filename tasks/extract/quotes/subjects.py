"""Who a verb's words are: its subject, found also where the parse lost it, and whether a
subject is a person or body that speaks rather than a thing."""

from __future__ import annotations

import re

from spacy.tokens import Token

from tasks.extract import lexicon
from tasks.extract.quotes.cues import CUES
from tasks.extract.quotes.marks import _MARK_TOKENS
from tasks.extract.syntax import children, lefts, subject

# Abstract nouns ("the rejection", "the move", "the platform"), less bodies that speak.
_THING = re.compile(r"\w{3}(tion|sion|ment|ness|ity|ance|ence|ing)$|^(move|platform|promise|tone|"
                    r"stance|plan|bill|idea|issue|policy|law|rule|deal|change|record)$")

_BODIES = lexicon.words("people_nouns", "group", "body")

# Nouns of people who speak ("the senator said", "officials say").
_PEOPLE = lexicon.words("people_nouns", "description", "group", "body", "speaker")


def personal(head: Token | None) -> bool:
    """A person or a body of people (a name, he or she, "the senator", "officials"), not a
    thing that can be said to say something ("the report", "the process", "the areas")."""
    if head is None:
        return False
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or head.pos_ == "PROPN":
        return True
    if head.pos_ == "PRON":
        return head.lower_ in ("he", "she", "i", "we", "they", "you")
    return head.lemma_.lower() in _PEOPLE or _name_as_noun(head)


def _name_as_noun(head: Token) -> bool:
    """A capitalised noun inside a sentence is a name the tagger missed ("Hannity said")."""
    return head.pos_ == "NOUN" and head.is_title and not head.is_sent_start and \
        head.doc[head.i - 1].tag_ != "``"


def speaks(head: Token | None) -> bool:
    """Whether a subject can be a speaker: a name, a personal pronoun or a noun not known as
    a thing (no "the platform", "it", "the move")."""
    if head is None:
        return False
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or head.pos_ == "PROPN":
        return True
    if head.pos_ == "PRON":
        return head.lower_ not in ("it", "that", "this", "what", "which")
    lemma = head.lemma_.lower()
    return head.pos_ == "NOUN" and (lemma in _BODIES or not _THING.search(lemma)
                                    or _name_as_noun(head))


def _owner(head: Token) -> Token | None:
    """The person whose words a thing is: 'Rubio's catch phrase was that ...', 'Clinton's
    attacks called him "..."'."""
    if personal(head) or head.pos_ != "NOUN":
        return None
    return next((c for c in children(head) if c.dep_ == "poss" and c.pos_ == "PROPN"
                 and c.ent_type_ in ("PERSON", "ORG", "")), None)


def _owner_of_subject(verb: Token) -> Token | None:
    subj = next((c for c in children(verb) if c.dep_ == "nsubj"), None)
    return _owner(subj) if subj is not None else None


def _by(head: Token) -> Token | None:
    """Who a passive or a thing is by: 'has been called "..." by Joshua Hendrick', 'according
    to calculations by Amy Glasmeier', 'a statement released by Fox News'."""
    if personal(head):
        return None
    passive = head.pos_ == "VERB" and any(c.dep_ in ("auxpass", "nsubjpass")
                                          for c in children(head))
    if head.pos_ == "VERB" and not passive:
        return None
    near = [c for c in children(head) if c.i > head.i]
    near += [g for c in near if c.dep_ in ("acl", "oprd", "dobj", "attr") for g in children(c)]
    return next((obj for c in near if c.lower_ == "by" and c.dep_ in ("agent", "prep")
                 for obj in children(c) if obj.dep_ == "pobj" and personal(obj)), None)


def _clause_subject(verb: Token, quoted: set[int]) -> Token | None:
    """subject(), also through "by warning that", "a statement describing" and the like; a
    verb of a quotation is not the writer's clause ('said it "kept us safe" before claiming')."""
    verb = _reporting(verb, quoted)
    if verb.tag_ == "VBG" and verb.i not in quoted and (
            verb.head.i in quoted or (subject(verb) is not None and subject(verb).i in quoted)):
        # 'Clinton seemed ready, telling the crowd, "Some people get ..."' and 'trashed Comey
        # on "Morning Joe," calling it': a participle the parse hung in a quote goes with the
        # verb before it
        before = next((t for t in reversed(verb.doc[max(0, verb.i - 30):verb.i])
                       if t.tag_ in ("VBD", "VBZ", "VBP") and t.i not in quoted), None)
        if before is not None and "\n" not in verb.doc[before.i:verb.i].text:
            verb = before
    for _ in range(3):
        subj = subject(verb, depth=5)
        if subj is not None and subj.ent_type_ in ("DATE", "TIME"):
            subj = None  # 'Saturday at the convention Sen. Warren said': a date says nothing
        if (subj := _named_before(verb) or _by(verb) or subj or _lost_subject(verb, quoted)
                ) is not None:
            return subj
        while verb.dep_ in ("pcomp", "pobj", "prep", "dative", "acl", "dobj", "conj") and \
                verb.head is not verb:
            verb = verb.head
            if verb.pos_ in ("VERB", "AUX") and verb.i not in quoted:
                break
        else:
            return None
    return None


def _named_before(verb: Token) -> Token | None:
    """'"Cruz," Beck joked': a name right before a verb, parsed as a compound of it, is its
    subject."""
    return next((c for c in lefts(verb) if c.dep_ == "compound" and c.i == verb.i - 1
                 and c.ent_type_ == "PERSON"), None)


def _lost_subject(verb: Token, quoted: set[int]) -> Token | None:
    """A subject the parse hung elsewhere: a name read as a modal before a past tense ('Will
    wrote'); else, for a finite verb, the nearest subject or apposition before it in its
    sentence ('Sanders, meanwhile, who sits at zero, said' and 'a White House official who
    spoke anonymously said', parsed as the subject of "sits" and an apposition)."""
    if verb.i == 0:
        return None
    prev = verb.doc[verb.i - 1]
    # (a modal before a past form, tagged either way, is no modal)
    if prev.tag_ == "MD" and prev.is_title and verb.tag_ in ("VBD", "VBN") and \
            prev.head.i == verb.i:
        return prev
    # a past participle with an object and no auxiliary is a past tense ('one lawmaker called
    # Trump "..."', 'Two analysts, Megahan and Harman, found that')
    deps = {c.dep_ for c in children(verb)}
    if verb.tag_ not in ("VBD", "VBZ", "VBP") and not (
            verb.tag_ == "VBN" and not deps & {"aux", "auxpass"} and
            deps & {"dobj", "oprd", "ccomp"}):
        return None
    bracketed = False  # ("Sen. Elizabeth Warren (D-MA) said": not the state)
    for tok in reversed(verb.doc[verb.sent.start:verb.i]):
        if tok.i in quoted or tok.text in _MARK_TOKENS:
            return None
        bracketed = tok.text != "(" and (bracketed or tok.text == ")")
        # (not the subject of a clause brought in by "that", "when" or "although")
        if not bracketed and tok.dep_ in ("nsubj", "nsubjpass", "appos", "ROOT") and \
                tok.pos_ in ("NOUN", "PROPN") and speaks(tok) and \
                tok.ent_type_ not in ("DATE", "TIME") and not any(
                c.dep_ == "mark" and c.i < tok.i for c in children(tok.head)):
            return tok
    return None


def _reporting(verb: Token, quoted: set[int]) -> Token:
    """'Sanders said the process could be "messy," adding, "..."': a participle after a reported
    clause goes with the verb that reports it when it is one of speech (adding, saying,
    explaining) or when the reported clause is about a thing ('Romney said the plan was a
    failure, calling it "..."'); after a person's clause it may be theirs."""
    head = verb.head
    speech = verb.lemma_.lower() in CUES
    # ('Hannity said on his show after the senator won, remarking that': a participle of
    # speech after a clause of time or cause under a speech verb goes with that verb too)
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and (
            head.dep_ == "ccomp" or speech and head.dep_ == "advcl") and \
            head.lemma_.lower() not in CUES and head.head.lemma_.lower() in CUES and \
            head.head.pos_ == "VERB" and head.head.i not in quoted and (
            speech or not personal(subject(head))):
        return head.head
    return verb
