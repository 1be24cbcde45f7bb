"""Verbs of saying (cues) and of framing someone's words, and whether a verb reports speech
where it stands."""

from __future__ import annotations

from spacy.tokens import Token

from tasks.extract import lexicon
from tasks.extract.syntax import children

CUES = lexicon.words("speech_verbs", "cue")
# Verbs that put words in someone's mouth without being speech verbs proper ("called it ...").
_FRAMES = lexicon.words("speech_verbs", "cue", "frame")
# Verbs that give a name ("called Rubio "Little Marco"").
_NAMING = lexicon.words("speech_verbs", "naming")
# Verbs of going on ("continued to insist", "went on to say"): an infinitive after them is
# said, after others it is wanted or expected.
_ASPECT = {"go", "continue", "begin", "start", "proceed", "turn", "take", "hasten", "rush",
           "be", "have", "pause", "stop", "keep", "seem", "appear"}
_GOING_ON = CUES | _ASPECT
# Phrasal verbs of saying: (lemma, particle or object "it").
_PHRASAL = {tuple(verb.split()) for verb in lexicon.words("speech_verbs", "phrasal")}


def _says(verb: Token) -> bool:
    """A verb of saying, also a phrasal one ("fired back", "pointed out", "as X put it")."""
    return verb.lemma_.lower() in CUES or (verb.lemma_.lower(), _particle(verb)) in _PHRASAL


def _particle(verb: Token) -> str:
    # ("back" is often parsed as an adverb: "fired back")
    return next((c.lower_ for c in children(verb) if c.dep_ in ("prt", "advmod") and c.lower_ in
                 ("back", "out", "in", "up", "on") or c.dep_ == "dobj" and c.lower_ == "it"), "")


def _verb(verb: Token) -> str:
    """The cue as reported: the lemma, with its particle for a phrasal verb ("fire back")."""
    lemma = verb.lemma_.lower()
    return lemma if lemma in CUES else f"{lemma} {_particle(verb)}"


def _reported_in(verb: Token) -> Token | None:
    """The speech verb whose content holds `verb`'s clause ('said [the areas suggested ...]')."""
    content = False
    for _ in range(4):
        content = content or verb.dep_ == "ccomp"
        if verb.head.i == verb.i:
            return None
        verb = verb.head
        if content and _says(verb) and _speech(verb):
            return verb
    return None


def _speech(verb: Token) -> bool:
    """Whether a speech verb reports speech here: not as an adjective ("repeated accusations"),
    not "continue to be", not an act wanted or expected ("wanted to admit 250,000 Syrians",
    "expects Obama to announce"); "went on to say" and "was quick to add" do report."""
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ == "amod" and verb.tag_ in ("VBN", "VBG"):
        return False
    if verb.lemma_.lower() == "continue" and any(c.dep_ == "xcomp" for c in children(verb)):
        return False
    head = verb.head
    infinitive = verb.dep_ in ("xcomp", "ccomp") and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in children(verb))
    return not (infinitive and head.i != verb.i and head.pos_ in ("VERB", "AUX")
                and head.lemma_.lower() not in _GOING_ON)
