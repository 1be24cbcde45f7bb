"""The walk up the parse from a counted noun to the word that says what happened to it: the
verb it is an argument of ("killing 1,200 people") or the noun it is "of" ("the deaths of
40,000")."""

from __future__ import annotations

from collections.abc import Generator

from spacy.tokens import Token

from tasks.extract.facts.counted import _is_thing
from tasks.extract.facts.kind_words import (
    _INTRANSITIVE,
    _NOUN_KIND,
    _OF_KIND,
    _VERB_KIND,
    _among_kind,
    _first,
    _included_by,
    _is_kind_noun,
    _verb_kinds,
    nominal_kind,
)
from tasks.extract.facts.people import is_people
from tasks.extract.syntax import (
    chain_start,
    children,
    first_where,
    last_where,
    memo,
    rights,
    sentence,
)

# Verbs the walk from the number up the tree may pass through without losing the thread.
_PASS_VERBS = {"include", "result", "leave", "bring", "rise", "reach", "climb", "take"}
_PASS_PREPOSITIONS = {"of", "including", "among"}
# Prepositions that also introduce clauses ("after ... were killed").
_SUBORDINATORS = {"after", "before", "since", "until", "when", "as"}


def _people_before(including: Token) -> Token | None:
    """The people "including" picks from when the parser hung it on a thing ("migrants were
    arrested ..., according to CBP data, including 11,000 children"): the nearest plural
    people noun or count before it in the sentence ("injured at least 30, including 10")."""
    return last_where(including.doc, _is_people_or_count, sentence(including)[0], including.i)


def _is_people_or_count(t: Token) -> bool:
    return (t.tag_ in ("NNS", "NNPS") and is_people(t)
            or t.tag_ == "CD" and t.dep_ in ("dobj", "nsubj", "nsubjpass"))


def _subjectless_verb(pobj: Token) -> Token | None:
    """The verb a noun is the subject of when the parser read a subordinate clause as a
    prepositional phrase: "After the nine members ... were killed by ..." (no subject)."""
    prep = pobj.head
    verb = prep.head
    if prep.lower_ in _SUBORDINATORS and verb.pos_ == "VERB" and verb.i > pobj.i and not any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in children(verb)):
        return verb
    return None


def _next_subjectless(noun: Token) -> Token | None:
    """The verb a noun is the subject of when the parser hung the noun as a relative clause
    and left its verb subjectless: "videos in which two hostages, A and B, were beheaded"."""
    return first_where(noun.doc, _is_subjectless_verb, noun.i + 1, sentence(noun)[1])


def _is_subjectless_verb(t: Token) -> bool:
    return t.pos_ == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass", "expl")
                                        for c in children(t))


def _clause_kind(noun: Token, walked: dict[int, str | None] | None = None) -> str | None:
    """Walk up from the counted noun to a kind word: the verb it is an argument of ("killing
    1,200 people") or the noun it is "of" ("the deaths of 40,000 Palestinians").

    At an "including" the walk first walks from the group above it ("released 22 hostages,
    including four"), which meets the same "including"s further up: done by recursion, a
    chain of them ("including 5 people including 5 people ...") took time exponential in
    its length and, once that was remembered, a stack as deep as the chain. So the walks are
    generators run from an explicit stack, and each token's walk is made once a doc
    (`walked`, shared by the counts of a doc: a walk depends on its token only). A walk that
    comes back to a token it is still walking from finds nothing there."""
    walked = {} if walked is None else walked
    if noun.i in walked:
        return walked[noun.i]
    walked[noun.i] = None
    stack, found = [(noun.i, _walk_up(noun))], None
    while stack:
        i, walk = stack[-1]
        try:
            group = walk.send(found)  # the walk asks what the walk from `group` finds
        except StopIteration as done:
            walked[i] = found = done.value
            stack.pop()
            continue
        if group.i in walked:
            found = walked[group.i]
        else:
            walked[group.i], found = None, None
            stack.append((group.i, _walk_up(group)))
    return walked[noun.i]


def _first_coordinated(tok: Token) -> Token:
    """ "20 children and six adults were shot": the first of coordinated people, where the
    walk up starts (not past a kind noun: people coordinated with a release are a misparse)."""
    return chain_start(tok, _first_coordinated, lambda head: not _is_kind_noun(head))


def _walk_up(noun: Token) -> Generator[Token, str | None, str | None]:
    """_clause_kind's walk from one token; it yields a group to be told what its walk finds."""
    tok = _first_coordinated(noun)
    prev = tok
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX", "ADJ") and any(c.dep_ == "neg" for c in children(tok)):
            return None  # "were not among those arrested", "were not hurt"
        if tok.pos_ in ("VERB", "AUX", "ADJ") and (
                kind := _first(_verb_kinds(tok)) or _among_kind(tok) or _included_by(tok)):
            return kind
        if prev.lower_ == "including" and tok != noun and (kind := (yield tok)):
            return kind  # what happened to the group: "released 22 hostages, including four"
        if tok != noun and _is_kind_noun(tok):
            if prev.dep_ in ("appos", "conj"):  # people are no release: a misparse
                return None
            return _NOUN_KIND.get(tok.lemma_.lower()) or _NOUN_KIND[tok.lower_]
        if prev.lower_ == "of" and (kind := _OF_KIND.get(tok.lemma_.lower())
                                    or nominal_kind(tok)):
            return kind
        if (tok.dep_ == "pobj" and (verb := _subjectless_verb(tok)) is not None) or (
                tok.pos_ == "NOUN" and tok.dep_ == "relcl" and (verb := _next_subjectless(tok))):
            tok = verb
            continue
        if tok.lower_ == "including" and _is_thing(tok.head):
            tok = _people_before(tok) or tok.head
            continue
        if _ends_walk(tok, noun) or _is_agent(tok, tok.head):
            break
        prev, tok = tok, tok.head
    return None


def _is_agent(tok: Token, verb: Token) -> bool:
    """ "two gunmen killed 21 people", "gunmen who killed 21", "gunmen killing 21": the
    counted did it to an object rather than had it done to them ("Two officers also killed",
    a headline, is theirs)."""
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in _VERB_KIND or (
            verb.lemma_.lower() in _INTRANSITIVE) or not _object_later(verb):
        return False  # a later conjunct's object is shared: "who kidnapped and murdered him"
    if tok.dep_ == "nsubj" and tok.head == verb:
        return True
    return verb.head == tok and (verb.dep_ == "relcl" and any(
        c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in children(verb))
        or verb.dep_ == "acl" and verb.tag_ == "VBG")


def _object_later(verb: Token) -> bool:
    """Whether the verb, or one of its conjuncts after it, has a direct object. Found for
    each chain of conjuncts once a doc: Token.conjuncts gathers the whole chain on each call,
    quadratic over a long one ("killed 5 killed 5 ...")."""
    return any(c.dep_ == "dobj" for c in children(verb)) or (
        _last_object(_conjunction_start(verb)) >= verb.i)


def _conjunction_start(tok: Token) -> Token:
    """The first of the conjuncts a token is one of, as Token.conjuncts finds it."""
    return chain_start(tok, _conjunction_start, lambda head: True)


def _last_object(start: Token) -> int:
    """The last token with a direct object in the chain of conjuncts from `start` (gathered
    as Token.conjuncts does), -1 for none."""
    last = memo(start.doc, _last_object)
    if start.i not in last:
        queue, found = [start], -1
        for word in queue:
            if any(c.dep_ == "dobj" for c in children(word)):
                found = max(found, word.i)
            queue.extend(w for w in rights(word) if w.dep_ == "conj")
        last[start.i] = found
    return last[start.i]


def _ends_walk(tok: Token, noun: Token) -> bool:
    """A verb of its own ("killing ... and taking 250 hostages"), a preposition other than
    "of"/"including"/"among", the root, or a thing (its verb is said of it)."""
    return ((tok.pos_ in ("VERB", "AUX") and (tok.lemma_.lower() not in _PASS_VERBS
                                               or tok.dep_ == "conj"))
            or tok.head == tok
            or (tok.dep_ == "pobj" and tok.head.lower_ not in _PASS_PREPOSITIONS
                and not _along_with(tok.head) and not (  # "Over 300 were injured"
                    tok.like_num and tok.head.lower_ in ("over", "about", "around", "nearly")))
            or (tok != noun and _is_thing(tok)))


def _along_with(prep: Token) -> bool:
    """ "killed four people, along with two civilians": the "with" shares the clause."""
    return prep.lower_ == "with" and prep.i > 0 and prep.doc[prep.i - 1].lower_ in (
        "along", "together")
