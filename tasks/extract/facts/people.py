"""Whether a counted noun is people or events: a count of them is a fact even without a kind
word ("12 civilians", "150 airstrikes")."""

from __future__ import annotations

from spacy.tokens import Token

from tasks.extract import lexicon

PEOPLE = lexicon.words("people_nouns", "count")
# Heads of compounds written as one word: "schoolgirls", "policemen", "co-workers".
PEOPLE_HEADS = ("man", "men", "woman", "women", "girl", "boy", "child", "children", "worker",
                "fighter", "member", "officer", "leader", "-grader")
EVENTS = lexicon.words("event_nouns")


def is_people(tok: Token) -> bool:
    """A noun counting people or events ("Palestinians", "airstrikes", "schoolgirls")."""
    lemma = tok.lemma_.lower()
    return (lemma in PEOPLE or lemma in EVENTS or tok.lower_ in PEOPLE
            or tok.tag_ == "NNPS" and tok.lower_[:-1] in PEOPLE  # "Muslims" tagged a name
            or tok.ent_type_ == "NORP" or (tok.pos_ == "NOUN" and lemma.endswith(PEOPLE_HEADS)))
