"""Numeric facts in the manner of GDELT: how many people were killed, wounded, kidnapped, ..."""

from __future__ import annotations

import re
from collections.abc import Generator

from spacy.tokens import Doc, Token

from tasks.extract.count_numbers import (
    NOMINAL_ADJECTIVES,
    QUALIFIERS,
    is_not_a_count,
    is_ordinal_word,
    is_rate,
    nominal_adjective,
    number_spans,
    number_value,
    plus_length,
    trailing_qualifier,
)
from tasks.extract.counts_lexicon import is_people
from tasks.extract.syntax import (
    children,
    first_where,
    last_where,
    lefts,
    memo,
    once_a_doc,
    phrase,
    rights,
    sentence,
    subject,
)

_VERB_KIND = {"kill": "KILL", "murder": "KILL", "slay": "KILL", "massacre": "KILL",
              "execute": "KILL", "die": "KILL", "wound": "WOUND", "injure": "WOUND",
              "hurt": "WOUND", "kidnap": "KIDNAP", "abduct": "KIDNAP", "arrest": "ARREST",
              "detain": "ARREST", "jail": "ARREST", "imprison": "ARREST", "displace": "DISPLACE",
              "evacuate": "DISPLACE", "flee": "DISPLACE", "uproot": "DISPLACE",
              "release": "RELEASE", "free": "RELEASE", "behead": "KILL", "shoot": "WOUND",
              "rescue": "RELEASE", "dead": "KILL", "stab": "WOUND", "apprehend": "ARREST",
              "perish": "KILL", "assassinate": "KILL", "lynch": "KILL", "maim": "WOUND",
              "shot": "WOUND",  # "among those shot", tagged as a noun
              "wounded": "WOUND", "injured": "WOUND", "displaced": "DISPLACE"}  # adjectives
_NOUN_KIND = {"death": "KILL", "fatality": "KILL", "dead": "KILL", "killing": "KILL",
              "injury": "WOUND", "wounded": "WOUND", "injured": "WOUND", "hostage": "KIDNAP",
              "abductee": "KIDNAP", "captive": "KIDNAP", "abduction": "KIDNAP",
              "kidnapping": "KIDNAP", "arrest": "ARREST", "detainee": "ARREST",
              "refugee": "DISPLACE", "evacuee": "DISPLACE", "displacement": "DISPLACE",
              "murder": "KILL", "homicide": "KILL", "release": "RELEASE",
              "evacuation": "DISPLACE", "displaced": "DISPLACE", "execution": "KILL",
              "massacre": "KILL", "slaughter": "KILL", "assassination": "KILL",
              "detention": "ARREST", "imprisonment": "ARREST", "rescue": "RELEASE"}
# Event nouns that say what happened to the people they are "of" ("the shootings of 12
# officers"), though a count of them is a count of events ("350 mass shootings").
_OF_KIND = {"shooting": "WOUND", "stabbing": "WOUND"}
# Verbs the walk from the number up the tree may pass through without losing the thread.
_PASS_VERBS = {"include", "result", "leave", "bring", "rise", "reach", "climb", "take"}
_PASS_PREPOSITIONS = {"of", "including", "among"}
# Kind verbs whose subject is the one it happens to ("two people died").
_INTRANSITIVE = {"die", "perish", "flee", "evacuate", "dead"}
# Verbs by which a toll reaches a figure.
_TOLL_VERBS = {"rise", "reach", "climb", "stand", "hit", "jump", "increase", "grow", "top",
               "surpass", "exceed", "be", "soar", "mount", "bring", "push", "raise"}
# Nouns counting people, through which a walk from the counted noun passes ("a total of").
_COLLECTIVE = {"total", "number", "group", "crowd", "toll", "tally", "count", "handful",
               "majority", "minority", "rest", "dozen", "hundred", "thousand", "million",
               "life"}  # "ended the lives of 471 civilians"
# Groups of people: "a crowd of 5,000" counts people.
_CROWDS = {"crowd", "group", "caravan", "delegation", "contingent", "mob", "throng", "gathering",
           "population"}
# Verbs said only of people (the guidelines' OTHER verbs): their elided object is people.
_PERSON_VERBS = {"charge", "convict", "indict", "sentence", "deport", "hospitalize",
                 "prosecute", "fire", "evacuate", "extradite", "pardon", "exonerate"}
# Verbs said only of people, of their subject: "three resigned", "two testified".
_PERSON_SUBJECT_VERBS = {"resign", "testify", "plead", "surrender", "defect", "vote", "survive"}
# Prepositions that also introduce clauses ("after ... were killed").
_SUBORDINATORS = {"after", "before", "since", "until", "when", "as"}
_ATTRIBUTION_VERBS = {"say", "report", "tell", "confirm", "announce", "estimate", "state",
                      "claim", "count", "record", "put"}
# Measures and durations, never counted people even in a kind's clause ("wounded 48 less than
# three miles away").
_UNITS_OF_MEASURE = {"mile", "kilometer", "km", "foot", "feet", "yard", "meter", "metre", "inch",
                     "pound", "ton", "acre", "hour", "minute", "second", "day", "week", "month",
                     "year", "decade", "century", "time", "point", "block", "round", "shot",
                     "case", "infection"}  # disease cases are no counts of people
_QUOTES = re.compile(r"[\"“”]")  # no part of an object: 'the so-called "Dreamers"'


@once_a_doc
def _verb_kinds(verb: Token) -> list[str]:
    """Kinds said by a verb, its conjoined verbs and its predicative ("shot dead", "shot and
    killed")."""
    words = [verb, *sorted(_conjoined(verb), key=lambda t: t.i), *(
        c for c in children(verb) if c.dep_ in ("acomp", "oprd", "xcomp")
        and c.pos_ in ("VERB", "ADJ") and not _own_arguments(c))]
    return [k for w in words if (k := _phrase_kind(w) or _VERB_KIND.get(w.lemma_.lower()))]


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


def _first(kinds: list[str]) -> str | None:
    """Of coordinated kind words the first ("abducted ... and later killed" is KIDNAP), but
    a shooting that killed is a killing ("shot and killed", "shot dead")."""
    if kinds[:1] == ["WOUND"] and "KILL" in kinds:
        return "KILL"
    return kinds[0] if kinds else None


def _is_kind_noun(tok: Token) -> bool:
    return tok.lemma_.lower() in _NOUN_KIND or tok.lower_ in _NOUN_KIND


def _is_thing(tok: Token) -> bool:
    """A common noun that is no group of people: what happens to it ("released a list")
    does not happen to the people it holds ("the nationalities of the 20 hostages")."""
    return (tok.pos_ == "NOUN" and not tok.like_num and not is_people(tok)
            and not _is_kind_noun(tok) and tok.lemma_.lower() not in _COLLECTIVE)


def _people_before(including: Token) -> Token | None:
    """The people "including" picks from when the parser hung it on a thing ("migrants were
    arrested ..., according to CBP data, including 11,000 children"): the nearest plural
    people noun or count before it in the sentence ("injured at least 30, including 10")."""
    return last_where(including.doc, _is_people_or_count, sentence(including)[0], including.i)


def _is_people_or_count(t: Token) -> bool:
    return (t.tag_ in ("NNS", "NNPS") and is_people(t)
            or t.tag_ == "CD" and t.dep_ in ("dobj", "nsubj", "nsubjpass"))


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
    walk up starts (not past a kind noun: people coordinated with a release are a misparse).
    Every token on the way shares the answer, kept with the doc: climbing a long chain of
    conjuncts once for each number in it is quadratic."""
    first = memo(tok.doc, _first_coordinated)
    path = []
    while tok.i not in first and tok.dep_ == "conj" and tok.head != tok and not _is_kind_noun(
            tok.head):
        path.append(tok.i)
        tok = tok.head
    found = first.setdefault(tok.i, tok.i)
    for i in path:
        first[i] = found
    return tok.doc[found]


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
        if prev.lower_ == "of" and tok.lemma_.lower() in _OF_KIND:
            return _OF_KIND[tok.lemma_.lower()]
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
    starts = memo(tok.doc, _conjunction_start)
    path = []
    while tok.i not in starts and tok.dep_ == "conj" and tok.head.i != tok.i:
        path.append(tok.i)
        tok = tok.head
    start = starts.setdefault(tok.i, tok.i)
    for i in path:
        starts[i] = start
    return tok.doc[start]


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


def _kind(noun: Token, num: Token, walked: dict[int, str | None]) -> str | None:
    """The kind of a count of `noun` (the number itself when the noun is elided), or None
    when it is no count. The clause decides ("were released"), else a verb modifying the
    noun ("four Americans killed"), else the noun itself ("250 hostages"): what happened to
    hostages ("were freed", "were killed") wins over their being hostages. Other people and
    events are OTHER."""
    own = _NOUN_KIND.get(noun.lemma_.lower()) or _NOUN_KIND.get(noun.lower_)
    modifier = _modifier_kind(noun)
    if (noun.dep_ == "conj" or noun.like_num) and modifier:
        # gapping: "one was killed and 12 others injured"; "Four killed, 20 wounded"
        clause: str | None = modifier
    else:
        clause = (None if _is_whole(noun, num) else _left_kind(noun) or _clause_kind(noun, walked)
                  ) or modifier
    people = is_people(noun) and not _others_of_things(noun) or _is_personal(noun)
    elided = noun.like_num or noun.lower_ == "more"  # "rescued 30 more"
    if not (own or people or elided or clause not in (None, "RELEASE")) or (
            noun.lemma_.lower() in _UNITS_OF_MEASURE) or _of_people(noun):
        return None  # things are released too: "three documents", "Two polls"; "three miles"
    if noun.lower_ in NOMINAL_ADJECTIVES:  # "and more than 3,700 injured", "150 missing"
        return own or "OTHER"
    if clause:
        return clause
    if own:
        return own
    if noun.like_num and not _is_personal(noun) and (group := _fronted_group(noun)) is not None:
        return _group_kind(group)  # "Of the dead, 22 were children"
    return "OTHER" if people else None


def _group_kind(group: Token) -> str | None:
    """What the group a part is taken from is: "the dead", "those arrested"."""
    return _NOUN_KIND.get(group.lemma_.lower()) or _NOUN_KIND.get(group.lower_) or _first(
        [k for c in children(group) if c.dep_ in ("acl", "relcl", "amod") for k in _verb_kinds(c)])


@once_a_doc
def _modifier_kind(noun: Token) -> str | None:
    """The kind said by a verb modifying the noun ("four Americans killed")."""
    return _first([k for c in (*children(noun), *_plural_relative_past_including(noun),
                               *_shared_modifiers(noun))
                   if c.dep_ in ("acl", "relcl", "amod") and not _is_agent(noun, c)
                   and not _said_of_a_part(c) and not _of_circumstance(c)
                   for k in _verb_kinds(c)])


@once_a_doc
def _shared_modifiers(noun: Token) -> list[Token]:
    """ "honor the 20 students and six adults killed in the rampage": a participle or relative
    clause after the last of coordinated nouns is said of them all."""
    if noun.dep_ == "conj":  # first: Token.conjuncts gathers the whole chain, on each call
        return []
    later = [c for c in noun.conjuncts if c.i > noun.i]
    return [m for m in children(later[-1]) if m.dep_ in ("acl", "relcl") and m.i > later[-1].i
            ] if later else []


@once_a_doc
def _plural_relative_past_including(noun: Token) -> list[Token]:
    """ "four Americans, including Ambassador Stevens, who were killed": the parser hangs the
    relative clause on the nearest name, but its plural verb agrees with the people."""
    if noun.tag_ not in ("NNS", "NNPS"):
        return []
    return [r for c in children(noun) if c.dep_ == "prep" and c.lower_ == "including"
            for g in children(c) if g.dep_ == "pobj" and g.tag_ in ("NN", "NNP")
            for r in children(g) if r.dep_ == "relcl" and any(
                a.dep_ in ("aux", "auxpass") and a.lower_ in ("were", "are", "have")
                for a in children(r))]


def _of_circumstance(relcl: Token) -> bool:
    """ "350 shootings in which four people were shot", "the three states where 20 were
    arrested": the clause says what happened in them, not to them."""
    return relcl.dep_ == "relcl" and any(
        c.tag_ == "WRB" or c.dep_ == "prep" and any(g.tag_ in ("WDT", "WP") for g in children(c))
        for c in children(relcl))


def _said_of_a_part(relcl: Token) -> bool:
    """ "12 officers, five of whom were killed": the clause is said of the five only."""
    return relcl.dep_ == "relcl" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.like_num and any(
            g.lower_ == "of" for g in children(c)) for c in children(relcl))


def _relative_antecedent(num: Token) -> Token | None:
    """The people "whom"/"which" stands for in "12 officers, five of whom were killed"."""
    verb = num.head
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    # the parser lost the relative clause ("drew 3,000 protesters, 150 of whom were arrested"
    # as a clause of "drew"): the nearest plural noun before, people for "whom"
    whom = any(c.lower_ == "of" and any(g.lower_ == "whom" for g in children(c))
               for c in children(num))
    return last_where(num.doc, _is_plural_people if whom else _is_plural, sentence(num)[0],
                      num.i)


def _is_plural(t: Token) -> bool:
    return t.tag_ in ("NNS", "NNPS")


def _is_plural_people(t: Token) -> bool:
    return t.tag_ in ("NNS", "NNPS") and is_people(t)


def _left_kind(noun: Token) -> str | None:
    """ "gunfire that left six officers wounded" when the parser hung "wounded" elsewhere."""
    # "left the ambassador and three other Americans dead"; the first of the conjuncts is
    # found once a doc, and the object of "leave" tested before the chain is gathered: each
    # is a walk over the chain, quadratic over a long one when done for each number in it
    noun = _conjunction_start(noun)
    if noun.dep_ != "dobj" or noun.head.lemma_.lower() != "leave":
        return None
    last = max((noun, *noun.conjuncts), key=lambda t: t.i)  # "left three civilians and one
    after = noun.doc[last.i + 1] if last.i + 1 < len(noun.doc) else None  # officer dead"
    if after is None:
        return None
    return _VERB_KIND.get(after.lower_) or _VERB_KIND.get(after.lemma_.lower())


def _is_whole(noun: Token, num: Token) -> bool:
    """`num` counts the group a part is taken from ("Nine of the 12 hostages were freed"):
    what the clause says happened to the part did not happen to all of it."""
    return num.head == noun and (noun.dep_ == "pobj" and noun.head.lower_ == "of"
                                 and noun.head.head.like_num or _is_part_taken_from(num)
                                 or _fronted_of(noun))


def _fronted_of(noun: Token) -> bool:
    """The group of a fronted partitive: "Of the 30 passengers, 12 were hospitalized", "Of
    the 80,000 people who were forced west, between 12,000 and 17,000 perished"."""
    if noun.dep_ != "pobj" or noun.head.lower_ != "of":
        return False
    prep = noun.head.head if noun.head.head.lower_ == "out" else noun.head
    return prep.i == sentence(noun)[0] and prep.head.pos_ in ("VERB", "AUX") or any(
        c.dep_ in ("nsubj", "nsubjpass") and c.like_num and c.i > noun.i
        for c in children(prep.head))


@once_a_doc
def _fronted_group(num: Token) -> Token | None:
    """The group a subject number is taken from by a fronted "(out) of": "Of the 30
    passengers, 12 were hospitalized", "Out of the 40 workers, 32 were rescued"."""
    if num.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = num.head
    preps = [c for c in children(verb) if c.i < num.i and c.dep_ == "prep" and c.lower_ in (
        "of", "out")]
    preps = [g for c in preps for g in (c, *children(c)) if g.lower_ == "of"]
    return next((g for c in preps for g in children(c) if g.dep_ == "pobj" and (
        is_people(g) or g.pos_ == "PRON" or _is_kind_noun(g))), None)


@once_a_doc
def _is_part_taken_from(num: Token) -> bool:
    """ "12 of 30 passengers", parsed as quantifiers of "30": this is the 30."""
    return any(c.dep_ == "quantmod" and c.lower_ == "of" for c in children(num))


@once_a_doc
def _part_of_number(num: Token) -> bool:
    """ "12 of 30 passengers", parsed as quantifiers of "30": this is the 12."""
    return (num.dep_ == "quantmod" and num.head.like_num and num.head.dep_ == "nummod"
            and _is_part_taken_from(num.head))


def _of_people(noun: Token) -> bool:
    """ "the editors of two newspapers": things that people are "of" are not counted people,
    whatever happened to the people."""
    return (_is_thing(noun) and noun.dep_ == "pobj" and noun.head.lower_ == "of"
            and is_people(noun.head.head))


def _others_of_things(noun: Token) -> bool:
    """ "the Lee statue and four others": others of the kind they are coordinated with."""
    return noun.lower_ in ("others", "other") and noun.dep_ == "conj" and _is_thing(noun.head)


@once_a_doc
def _is_personal(num: Token) -> bool:
    """An elided noun ("Six were charged") is people when a relative "who" or a verb said only
    of people (the guidelines' OTHER verbs) says so: "seven who are now indicted"."""
    if not num.like_num or first_where(num.doc, _is_percent, *sentence(num)) is not None:
        return False  # "42 percent ..., compared to 32 who say"
    if num.dep_ == "pobj" and num.head.lower_ == "of":  # "a crowd of 5,000", not "a father of
        return num.head.head.lemma_.lower() in _CROWDS  # two who ..."
    if any(c.dep_ == "relcl" and any(g.lower_ in ("who", "whom") for g in children(c))
           for c in children(num)):
        return True
    lemma = num.head.lemma_.lower()
    return (num.dep_ in ("nsubjpass", "dobj") and lemma in _PERSON_VERBS
            or num.dep_ == "nsubj" and lemma in _PERSON_SUBJECT_VERBS)


def _is_percent(t: Token) -> bool:
    return t.lower_ in ("percent", "%")


def _attribution(doc: Doc, num: Token) -> str | None:
    """ "according to X" in the sentence (the first after the number), else the subject of a
    reporting verb governing the number ("health authorities report over 40,000 deaths")."""
    source = _source(doc, num)
    if source is None:
        return None
    lo, hi = source
    if lo <= num.i < hi or (hi - lo == 1 and doc[lo].pos_ == "PRON"):
        return None  # "according to two people familiar ...", "he said"
    return doc[lo:hi].text


def _source(doc: Doc, num: Token) -> tuple[int, int] | None:
    lo, hi = sentence(num)  # an "according" in the sentence whose "to" is in it too
    according = first_where(doc, _is_according_to, num.i + 1, hi - 1)
    if according is None:
        according = last_where(doc, _is_according_to, lo, hi - 1)
    if according is not None:
        to = doc[according.i + 1]
        objects = [c for c in children(to) if c.dep_ == "pobj"]
        if objects:
            return phrase(objects[0])
    subj = _reporter(num)
    return phrase(subj) if subj is not None else None


def _is_according_to(t: Token) -> bool:
    return t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to"


def _reporter(num: Token) -> Token | None:
    """The subject of the nearest ancestor that is a reporting verb with a subject. Every
    token on the way up shares the answer, kept with the doc: a deep tree is walked once,
    not once for each number in it."""
    known = memo(num.doc, _reporter)  # token index -> the subject's index, -1 for none
    path, tok, found = [], num, -1
    while True:
        if tok.i in known:
            found = known[tok.i]
            break
        path.append(tok.i)
        if tok.head.i == tok.i:
            break
        tok = tok.head
        if tok.lemma_.lower() in _ATTRIBUTION_VERBS and (subj := subject(tok)) is not None:
            found = subj.i
            break
    for i in path:
        known[i] = found
    return num.doc[found] if found >= 0 else None


def _counted(doc: Doc, num: Token, j: int) -> tuple[Token | None, tuple[int, int] | None]:
    """The token whose kind decides (the number itself when nothing is counted in words, None
    when it is no count) and the object's token range."""
    if _part_of_number(num):
        return num.head.head, (num.head.i, num.head.head.i + 1)
    if num.head != num and num.head.like_num and _range_end(num):
        # "from two to seven people": two people. Up the tree only: a range's end that is the
        # root ("15 to 1." alone, parsed as quantifiers of the 1) is its own head
        return _counted(doc, num.head, max(num.i, num.head.i) + 1)
    if num.dep_ == "nummod" and num.head.i > num.i and num.head.ent_type_ in ("DATE", "TIME"):
        return num, None  # "wounding 200 more late Tuesday"
    if num.dep_ == "nummod" and num.head.i > num.i:
        noun = top = num.head  # "two or three men": the object starts after the last number
        while top.dep_ in _PREMODIFIERS and top.head.i > top.i and not (
                is_people(top) and top.head.tag_ == "NN"):  # word; "200 people hostage"
            top = top.head  # the number hung on a modifier: "32 queer lives", "24 'hate
            # violence related' homicides", "a dozen police conduct complaints" (no people),
        if top.pos_ in ("NOUN", "PROPN") or noun.dep_ == "compound":  # not "three miles away"
            noun = top
        first = max((t.i + 1 for t in doc[j:noun.i] if t.like_num and not is_ordinal_word(t)),
                    default=j)
        first += plus_length(doc, first)  # "20-plus people"
        while first < noun.i and (doc[first].pos_ == "CCONJ" or doc[first].lower_ in (
                "more", "fewer", "less", "so") and doc[first - 1].lower_ == "or"):
            first += 1  # "31 or more children"
        if first < len(doc) and doc[first].lower_ == "of" and doc[first].right_edge.i < noun.i:
            first = doc[first].right_edge.i + 1  # "more than 70 of them civilians"
        if noun.lower_ == "more" or noun.pos_ not in ("NOUN", "PROPN") and (
                noun.lower_ not in NOMINAL_ADJECTIVES):
            return noun, None  # "all 157 aboard", "30 more"
        if noun.lower_ in _VAGUE:
            return num, None  # "killed seven and injured dozens", misparsed
        return noun, (first, noun.i + 1)
    if num.dep_ == "nummod":
        return None, None  # a label: "Guccifer 2.0", "recording 1"
    if num.dep_ == "appos" and num.head.pos_ == "NOUN" and doc[num.i - 1].is_punct:
        if any(c.dep_ == "nummod" for c in children(num.head)):
            return num, None  # a part: "14 people were wounded — two critically"
        return num.head, phrase(num.head)  # "The most firefighters — 340 — were killed"
    if (adjective := nominal_adjective(doc, j)) is not None:
        return adjective, (adjective.i, adjective.i + 1)  # "31 dead", "3,700 injured"
    if (group := _fronted_group(num)) is not None:
        return num, phrase(group)  # "Of the 30 passengers, 12 were hospitalized"
    # "24 percent – or 489,460 – of the 2.2 million people": also the percentage's partitive
    owners = [num, num.head] if num.dep_ in ("conj", "appos") and num.head.lower_ in (
        "percent", "%") else [num]
    of = next((c for o in owners if (c := _of_child(o)) is not None), None)
    pobj = next((c for c in children(of) if c.dep_ == "pobj"), None) if of else None
    if pobj is None:
        return _out_of(num) or num, None
    if pobj.pos_ != "PRON" and not any(c.dep_ in ("det", "poss", "nummod")
                                       for c in children(pobj)):
        return None, None  # a partitive is of a definite group: "Over 90 of middle class ..."
    if pobj.lower_ in ("whom", "which") and (antecedent := _relative_antecedent(num)):
        if not is_people(antecedent):
            return None, None  # "40 documents, 12 of which were released"
        edges = [c.left_edge.i for c in lefts(antecedent) if c.dep_ in ("amod", "compound")]
        return num, (min(edges, default=antecedent.i), antecedent.i + 1)
    if pobj.like_num and (adjective := nominal_adjective(doc, pobj.i + 1)) is not None:
        return pobj, (adjective.i, adjective.i + 1)  # "23 of the 53 wounded"
    return pobj, phrase(pobj)  # "three of the victims"


@once_a_doc
def _of_child(tok: Token) -> Token | None:
    return next((c for c in children(tok) if c.dep_ == "prep" and c.lower_ == "of"), None)


# Vague quantities, no counted nouns: the parser may hang a number on them.
_VAGUE = {"dozens", "scores", "hundreds", "thousands", "millions", "tens"}
# Dependencies of a word inside a noun's pre-modifier, through which the number's noun is found.
_PREMODIFIERS = {"compound", "npadvmod", "amod", "nmod"}


@once_a_doc
def _range_end(num: Token) -> str | None:
    """ "from two to seven people", "between 20 and 30 people", parsed as quantifiers of the
    high end: the low end is `at_least`, the high end `up_to`."""
    def joined(low: Token, high: Token) -> bool:
        return low.i < high.i and (
            low.dep_ == "quantmod" and low.head == high and any(
                t.lower_ in ("to", "-", "and") for t in low.doc[low.i + 1:high.i])
            or high.dep_ == "conj" and high.head == low and any(  # "between 20 and 30"
                c.dep_ == "quantmod" and c.lower_ == "between" for c in children(low)))
    if num.head.like_num and (joined(num, num.head) or joined(num.head, num)):
        return "at_least" if num.i < num.head.i else "up_to"
    return "up_to" if any(c.like_num and joined(c, num) for c in children(num)) else (
        "at_least" if any(c.like_num and joined(num, c) for c in children(num)) else None)


# Verbs by which a number of people changes (its figures are counts of those people).
_CHANGE_VERBS = {"rise", "fall", "drop", "increase", "decrease", "decline", "grow", "climb",
                 "jump", "shrink", "swell", "plunge", "soar", "dip"}


def _figure_verb(num: Token) -> Token | None:
    """The verb a figure is reached by: "rose to 45", "stands at 300", "increasing by
    295,000", "dropped 1.3 million, from 114.8 million to 113.5 million", "the toll is 12"."""
    if num.dep_ == "pobj" and num.head.lower_ in ("to", "at", "by", "from"):
        verb = num.head.head
        return verb.head if verb.lower_ == "from" and num.head.lower_ == "to" else verb
    return num.head if num.dep_ in ("dobj", "attr", "npadvmod") else None


@once_a_doc
def _toll_kind(num: Token) -> str | None:
    """The kind of a figure a toll or number reaches ("the death toll rose to 45", "the number
    of people arrested stands at 300", "the toll is 12", "bringing the number of enrollments
    to 2.2 million"): deaths unless the toll says else."""
    verb = _figure_verb(num)
    if verb is None or verb.lemma_.lower() not in _TOLL_VERBS | _CHANGE_VERBS:
        return None
    subjects = [c for c in children(verb) if c.dep_ in ("nsubj", "dobj") and c != num]
    if not subjects and (governing := subject(verb)) is not None:
        subjects = [governing]  # "the number of ... continued to rise, increasing by 295,000"
    toll = next((c for c in subjects if c.lemma_.lower() in (
        "toll", "number", "count", "tally", "total") or _is_kind_noun(c)), None)
    if toll is None:  # people that grow or shrink: "workers with jobs dropped 1.3 million"
        return "OTHER" if verb.lemma_.lower() in _CHANGE_VERBS and any(
            c.dep_ == "nsubj" and c.tag_ in ("NNS", "NNPS") and is_people(c)
            for c in subjects) else None
    if _is_kind_noun(toll):  # "deaths climbed to 300"
        return _NOUN_KIND.get(toll.lemma_.lower()) or _NOUN_KIND[toll.lower_]
    words = [w for c in children(toll) for w in (c, *children(c))
             if c.dep_ in ("compound", "amod") or (c.dep_ == "prep" and c.lower_ == "of")]
    kinds = [k for w in words if (k := _NOUN_KIND.get(w.lemma_.lower())
                                  or _NOUN_KIND.get(w.lower_))] + [  # "number of injured"
        k for w in words if w.dep_ == "pobj" for c in children(w)
        if c.dep_ in ("acl", "relcl", "amod") for k in _verb_kinds(c)]
    if kinds or toll.lemma_.lower() == "toll":
        return kinds[0] if kinds else "KILL"
    return "OTHER" if any(w.dep_ == "pobj" and is_people(w) for w in words) else None


def _of_a_group(noun: Token) -> bool:
    """ "members of one family": the one is a group the counted people belong to."""
    return (noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN"
            and not noun.head.head.like_num and not _is_kind_noun(noun.head.head))


def _out_of(num: Token) -> Token | None:
    """What "one X out of N" counts: "his last victim out of more than 600" (X is the
    attribute when the parser hung "out of" on the copula)."""
    if not (num.dep_ == "pobj" and num.head.lower_ == "of" and num.head.head.lower_ == "out"):
        return None
    whole = num.head.head.head
    if whole.lemma_ == "be":
        whole = next((c for c in children(whole) if c.dep_ == "attr"), whole)
    return whole if whole.pos_ == "NOUN" and is_people(whole) else None


# Nouns singular in form that count people: "300 staff", "12 police".
_SINGULAR_GROUPS = {"police", "staff", "personnel", "crew", "people", "youth", "clergy",
                    "faculty"}


def _singular_noun(noun: Token, num: Token) -> bool:
    """Many of a singular noun are no count of it: "a 911 caller", "the 2020 campaign"."""
    return (noun.i > num.i and noun.tag_ in ("NN", "NNP") and not noun.like_num
            and noun.lemma_.lower() not in _SINGULAR_GROUPS and noun.lower_ != "more"
            and not (noun.tag_ == "NNP" and is_people(noun)))  # "800,000 Rohingya"


def extract_facts(doc: Doc, body: str, article_id: str) -> list[dict]:
    """Fact rows (without run_id); `body` is doc.text."""
    rows = []
    walked: dict[int, str | None] = {}  # _clause_kind's walks, once a doc
    for i, j in number_spans(doc):
        if is_not_a_count(doc, i, j):
            continue
        value = number_value([t.text for t in doc[i:j]])
        if value is None or value == 0:
            continue  # "zero credibility": none of anything; no value, no count (a toll's
            # figure past int64 went on to "value >= 2" with None)
        num = doc[j - 1]
        while num.dep_ == "conj" and i <= num.head.i < j:  # "two hundred and fifty"
            num = num.head
        noun, obj_range = _counted(doc, num, j)
        if noun is not None and noun.i > num.i and is_rate(doc, noun.i + 1):
            continue
        kind = _kind(noun, num, walked) if value is not None and noun is not None else None
        if noun is num and (toll := _toll_kind(num)):
            kind = toll
        if kind is None or value >= 2 and _singular_noun(noun, num) or value < 2 and (
                kind == "OTHER" or _of_a_group(noun) or (
                i > 0 and doc[i - 1].lower_ == "not") or (
                noun is num and i > 0 and doc[i - 1].pos_ in ("DET", "ADJ"))):
            continue  # "one person said", "12 members of one family", "not one was hurt",
            # "a similar one released"
        lead = " ".join(t.lower_ for t in doc[max(0, i - 3):i])
        qualifier, start_tok = "exact", i
        for words, name in QUALIFIERS:
            if lead == words or lead.endswith(" " + words):
                qualifier, start_tok = name, i - len(words.split())
                break
        if qualifier == "exact":
            qualifier = trailing_qualifier(doc, j) or _range_end(num) or qualifier
        # the span runs to a following counted noun ("two dozen people"), not a partitive's
        end_tok = noun.i + 1 if noun.i > num.i and noun.head.head != num and not (
            _part_of_number(num) or _range_end(num) == "at_least") else j
        start, end = doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1])
        rows.append({"fact_id": f"{article_id}:{start}", "article_id": article_id,
                     "kind": kind, "value": value, "qualifier": qualifier,
                     "object": _QUOTES.sub("", doc[slice(*obj_range)].text) if obj_range
                     else None,
                     "attribution": _attribution(doc, num),
                     "text": body[start:end], "start": start, "end": end})
    return rows
