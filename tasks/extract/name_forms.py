"""Forms of one full name that the run's linking (linking.py) joins: a full legal name and
its plain form, a given name's short form and its formal one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from tasks.extract.person_names import DOMINANCE, SEVERAL, core, middles_agree, words

_SHORT_OR_FORMAL = set(SEVERAL).union(*SEVERAL.values())


def plain_form(eid: str, formal: tuple[list[str], list[str]], full: dict[str, str],
               mentions: Counter, means: Callable[[set[str]], str | None]) -> str | None:
    """The plain name a full legal name is written for ("John Roberts" for "John G. Roberts
    Jr."): named far more often, while no other form keeps the suffix or the middle initial
    without it ("Robert F. Kennedy" beside "Robert F. Kennedy Jr." is his father)."""
    (given, last, _), middles = formal
    forms = {e: core(words(n)) for e, n in full.items() if e != eid}
    forms = {e: form for e, form in forms.items() if form[0][:2] == [given, last]}
    if any(len(kept) > 2 or middle == middles for kept, middle in forms.values()):
        return None
    plain = {e for e, (kept, middle) in forms.items() if middles_agree(middle, middles)}
    target = means(plain) if plain else None
    return target if target and mentions[target] >= DOMINANCE * mentions[eid] else None


def short_form_group(eid: str, full: dict[str, str], namesakes: set[str]) -> set[str]:
    """eid with the names of one person whose given name is a short form of several formal
    ones ("Steve Bannon") or one of those ("Stephen Bannon"): the same other words, middle
    names that agree, all of them pairwise; empty unless the group writes one formal name
    ("Steve", "Stephen" and "Steven King" may be two men). Both forms in one article are one
    man too, as with any short form ("Stephen Bannon" and later "Steve Bannon"; in the 2016,
    2018 and 2020 lakes that was the one article naming both). `namesakes`: the ids whose
    full names end in eid's surname."""
    if not set(core(words(full[eid]))[0][:1]) & _SHORT_OR_FORMAL:
        return set()
    cores = {e: core(words(full[e])) for e in namesakes | {eid}}
    if not all(kept for kept, _ in cores.values()):
        return set()  # a name with no words in Latin letters ("Джонни Депп")

    def kin(one: str) -> set[str]:
        (given, *rest), middle = cores[one]
        out = set()
        for other in namesakes - {one}:
            (name, *others), middles = cores[other]
            if (others == rest and middles_agree(middles, middle)
                    and (given in SEVERAL.get(name, ()) or name in SEVERAL.get(given, ()))):
                out.add(other)
        return out

    group = {eid}.union(*map(kin, kin(eid) | {eid}))
    formals = {cores[e][0][0] for e in group} - SEVERAL.keys()
    agree = all(middles_agree(cores[a][1], cores[b][1]) for a in group for b in group - {a})
    return group if len(group) > 1 and len(formals) == 1 and agree else set()
