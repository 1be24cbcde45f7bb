"""The roles of a person in an article: the title right before a name ("Secretary of State
Antony Blinken", "Hamas leader X") and the appositive right after it ("Mustafa Barghouti, a
spokesman for the Palestinian National Initiative,")."""

from __future__ import annotations

import re

from tasks.extract.mention_spans import Mention

# A title directly before a name ("US Secretary of State Antony Blinken", "Hamas leader X");
# a lower-case title may carry one qualifier ("Politburo chief"), dropped when it is an entity.
_ROLE = re.compile(
    r"(?:\b(?:Vice|Deputy|Prime|Foreign|Defen[cs]e|Finance|Interior|Health|Chief|Supreme|Crown)"
    r"\s+)?\b(?:President|Minister|Secretary(?: of State| of Defen[cs]e| General)?|Senator|Sen\."
    r"|Representative|Rep\.|Governor|Gov\.|Chancellor|King|Queen|Prince|Pope|General|Gen\."
    r"|Ambassador|Speaker|Mayor|Judge|Justice|Premier|Sheikh|Ayatollah|Leader"
    r"|(?:[A-Z][\w-]+\s+)?(?:leader|official|spokesman|spokeswoman|spokesperson|commander|chief"
    r"|envoy|negotiator|CEO|[Cc]hairman|[Dd]irector))\s+$")
# An appositive after a name: "Mustafa Barghouti, a spokesman for the Palestinian National
# Initiative," -> "spokesman for the Palestinian National Initiative".
_APPOSITIVE = re.compile(
    r",\s+(?:a|an|the)\s+(?:(?:senior|top|former|chief|leading|[A-Z][\w’'-]+)\s+){0,2}"
    r"((?:(?:prime|foreign|defen[cs]e|finance|interior|deputy|vice)\s+)?"
    r"(?:spokes(?:man|woman|person)|member|official|leader|head|chief|minister|president"
    r"|secretary|ambassador|envoy|negotiator|advis[eo]r|commander|director|chairman|chairwoman"
    r"|founder|co-founder|representative|mayor|governor|senator)"
    r"(?:\s+(?:of|for|at|to|in|with)\s+[^,.;:()\"“”\n]{2,60}?)?)\s*[,.;]")


# Abbreviated titles written out, so that "Sen." and "Senator" are one title.
_TITLE_WORDS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general"}


def _role_before(body: str, start: int) -> str | None:
    """The title right before body[start:], as written."""
    hit = _ROLE.search(body, max(0, start - 60), start)
    return None if hit is None else hit.group(0)


def title_before(body: str, start: int) -> str | None:
    """The title right before body[start:], by its last word, abbreviations written out
    ("Sen." and "Senator" are "senator")."""
    if (role := _role_before(body, start)) is None:
        return None
    word = role.split()[-1].rstrip(".").lower()
    return _TITLE_WORDS.get(word, word)


def roles(body: str, mentions: list[Mention], qualifiers: set[str]) -> list[str]:
    """Titles right before a person's name and appositives right after it."""
    found_roles: dict[str, str] = {}
    for m in mentions:
        if m.label != "PERSON":
            continue
        found = [role for role in [_role_before(body, m.start)] if role]
        found += [hit.group(1) for hit in [_APPOSITIVE.match(body, m.end)] if hit]
        for role in found:
            words = role.split()
            if len(words) > 1 and words[0] in qualifiers:  # "Hamas leader" -> "leader"
                words = words[1:]
            found_roles.setdefault(" ".join(words).lower(), " ".join(words))
    return list(found_roles.values())
