"""What words say happened to people: kind verbs ("killed"), kind nouns ("deaths"), phrases
("taken hostage", "claimed 32 lives") and the kinds of coordinated verbs."""

from __future__ import annotations

from spacy.tokens import Token

from tasks.extract import lexicon
from tasks.extract.syntax import (
    children,
    once_a_doc,
)

# What kind verbs (also adjectives and participles) and nouns say (lexicons/fact_kinds.tsv).
_VERB_KIND = lexicon.fact_kinds("verb")
_NOUN_KIND = lexicon.fact_kinds("noun")
# Event nouns that say what happened to the people they are "of" ("the shootings of 12
# officers"), though a count of them is a count of events ("350 mass shootings").
_OF_KIND = lexicon.fact_kinds("of")
# Words by which a kind verb says what did not happen: "nearly killed", "tried to kill".
_HEDGES = lexicon.words("fact_hedges", "adverb")
_INTENTS = lexicon.words("fact_hedges", "intent")
# Kind verbs whose subject is the one it happens to ("two people died").
_INTRANSITIVE = {"die", "perish", "flee", "evacuate", "dead"}


@once_a_doc
def _verb_kinds(verb: Token) -> list[str]:
    """Kinds said by a verb, its conjoined verbs and its predicative ("shot dead", "shot and
    killed")."""
    words = [verb, *sorted(_conjoined(verb), key=lambda t: t.i), *(
        c for c in children(verb) if c.dep_ in ("acomp", "oprd", "xcomp")
        and c.pos_ in ("VERB", "ADJ") and not _own_arguments(c))]
    return [k for w in words if not _unreal(w)
            and (k := _phrase_kind(w) or _VERB_KIND.get(w.lemma_.lower()))]


def _unreal(verb: Token) -> bool:
    """The kind verb says what did not happen to them: hedged ("two were nearly killed"),
    attempted or threatened ("tried to kill three", "a plot to kidnap two")."""
    return any(c.dep_ == "advmod" and c.lower_ in _HEDGES and _next_to(c, verb)
               for c in children(verb)) or (
        verb.dep_ in ("xcomp", "acl") and verb.head.lemma_.lower() in _INTENTS
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in children(verb)))


def _conjoined(verb: Token) -> list[Token]:
    """The verbs coordinated with `verb` down the chain ("were pulled over but questioned and
    released"), up to one with arguments of its own. An existential's conjuncts are clauses of
    their own: "there have been 350 shootings, ... were shot" says nothing of the shootings."""
    if verb.lemma_ == "be" and any(c.dep_ == "expl" for c in children(verb)):
        return []
    out, todo = [], [verb]
    while todo:
        for c in children(todo.pop()):
            if c.dep_ == "conj" and c.pos_ in ("VERB", "ADJ") and not _own_arguments(c):
                out.append(c)
                todo.append(c)
    return out


def _own_arguments(verb: Token) -> bool:
    """ "Three were abducted and one was shot", "infected 3 million and killed 200,000": a
    conjoined verb with a subject or object of its own says nothing of the first's. So when
    the parser hung them elsewhere: a figure after a preposition ("and killed over 80"), a
    noun or number right before the verb group ("3,568 returned injured and 326 were
    killed")."""
    if verb.dep_ == "xcomp":  # "Three justices voted to release the documents"
        return any(c.dep_ == "dobj" for c in children(verb))
    if verb.dep_ != "conj":
        return False
    first = min([verb.i] + [c.i for c in children(verb) if c.i < verb.i and c.dep_ in (
        "aux", "auxpass", "neg", "advmod")])
    before = verb.doc[first - 1]
    return any(c.dep_ in ("nsubj", "nsubjpass", "dobj") or c.dep_ == "prep" and any(
        g.dep_ == "pobj" and g.like_num for g in children(c)) for c in children(verb)) or (
        before.like_num or before.pos_ in ("NOUN", "PROPN", "PRON")) and before.head != verb


@once_a_doc
def _phrase_kind(verb: Token) -> str | None:
    """Kinds said by a verb with a word: "taken hostage", "held captive", "taken into
    custody", "lost their lives", "claimed 32 lives", "fatally shot", "beaten to death",
    "gunned down", "rounded up", "set free"."""
    lemma = verb.lemma_.lower()
    words = {c.lower_ for c in children(verb)} | {g.lower_ for c in children(verb)
                                                 if c.dep_ == "prep" for g in children(c)} | {
        g.lower_ for c in children(verb) if c.dep_ == "dobj"  # "holding 40 foreigners captive"
        for g in children(c) if g.dep_ in ("amod", "oprd") and g.i > c.i}
    if lemma in ("take", "hold") and words & {"hostage", "captive"}:
        return "KIDNAP"
    if lemma in ("take", "hold", "remain", "be", "keep", "stay", "put", "throw", "land") and (
            words & {"custody", "jail", "prison", "detention"}):
        return "ARREST"  # "taken into custody", "15 remain in jail"
    if lemma in ("lose", "claim", "take", "cost", "end") and words & {"life", "lives"}:
        return "KILL"  # "claimed 32 lives", "took 40 lives"
    if lemma == "lose" and verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(
            c.dep_ == "dobj" for c in children(verb)):
        return "KILL"  # people "lost" themselves: "the ten sailors lost at sea"
    after = verb.doc[verb.i + 1].lower_ if verb.i + 1 < len(verb.doc) else ""
    if lemma == "shoot" and (words | {after}) & {"fatally", "dead"} or (
            lemma == "gun" and "down" in words) or (
            "death" in words and lemma not in ("sentence", "condemn")):  # "beaten to death"
        return "KILL"
    if lemma == "evacuate" and "medically" in words:
        return "OTHER"  # a medical evacuation displaces no one
    if lemma in ("take", "rush", "airlift", "fly", "transport", "admit", "treat") and (
            words & {"hospital", "hospitals"}):
        return "OTHER"  # people, though neither wounded nor killed in words: "taken to hospital"
    if lemma in ("force", "drive", "flee", "leave", "abandon") and words & {"home", "homes"}:
        return "DISPLACE"  # "forced from their homes", "had left their homes"
    if lemma == "round" and "up" in words:
        return "ARREST"
    if lemma == "set" and "free" in words:
        return "RELEASE"
    return None


def _next_to(adverb: Token, verb: Token) -> bool:
    """ "were nearly killed": the adverb right before the verb group, not a figure's
    qualifier the parser hung on the verb ("Nearly 300 killed")."""
    return adverb.i < verb.i and all(t.dep_ in ("aux", "auxpass", "neg")
                                     for t in verb.doc[adverb.i + 1:verb.i])


def nominal_kind(noun: Token) -> str | None:
    """The kind of an -ing noun made from a kind verb ("the slayings of two women", "the
    beheading of two hostages", "the kidnapping of 12"), said of the people it is "of"."""
    lemma = noun.lemma_.lower()
    if not lemma.endswith("ing") or len(lemma) < 6:
        return None
    stem = lemma[:-3]
    for verb in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem):
        if verb in _VERB_KIND:
            return _VERB_KIND[verb]
    return None


def _first(kinds: list[str]) -> str | None:
    """Of coordinated kind words the first ("abducted ... and later killed" is KIDNAP), but
    a shooting that killed is a killing ("shot and killed", "shot dead")."""
    if kinds[:1] == ["WOUND"] and "KILL" in kinds:
        return "KILL"
    return kinds[0] if kinds else None


def _is_kind_noun(tok: Token) -> bool:
    return tok.lemma_.lower() in _NOUN_KIND or tok.lower_ in _NOUN_KIND


@once_a_doc
def _among_kind(verb: Token) -> str | None:
    """ "one of its employees was among those shot", "... among the dead"."""
    if verb.lemma_ != "be":
        return None
    groups = [g for c in children(verb) if c.dep_ == "prep" and c.lower_ == "among"
              for g in children(c) if g.dep_ == "pobj"]
    words = [w for g in groups for w in (g, *children(g)) if w.dep_ in ("pobj", "acl", "amod")]
    return _first([k for w in words if (k := _VERB_KIND.get(w.lemma_.lower())
                                         or _NOUN_KIND.get(w.lower_))])


@once_a_doc
def _included_by(verb: Token) -> str | None:
    """ "The dead included 12 officers", "those killed included three children"."""
    if verb.lemma_ != "include":
        return None
    subj = next((c for c in children(verb) if c.dep_ == "nsubj"), None)
    if subj is None:
        return None
    return _NOUN_KIND.get(subj.lemma_.lower()) or _NOUN_KIND.get(subj.lower_) or _first(
        [k for c in children(subj) if c.dep_ in ("acl", "relcl", "amod") for k in _verb_kinds(c)])


def _group_kind(group: Token) -> str | None:
    """What the group a part is taken from is: "the dead", "those arrested"."""
    return _NOUN_KIND.get(group.lemma_.lower()) or _NOUN_KIND.get(group.lower_) or _first(
        [k for c in children(group) if c.dep_ in ("acl", "relcl", "amod") for k in _verb_kinds(c)])
