"""A lone surname in an article that names one person of that surname in full: whether it
is that person or someone else."""

from __future__ import annotations

from collections.abc import Callable

from tasks.extract.mention_spans import Mention, in_prose
from tasks.extract.person_names import courtesy_gender, dominant, same_person
from tasks.extract.roles import title_before

# How much more often the lake must name another namesake than the article's own before a
# surname written ahead of the article's full name is taken to be theirs (an order of
# magnitude: the article's own namesake is strong evidence).
OVERRIDE = 10


def titled_otherwise(body: str, m: Mention, full: str, named: list[Mention],
                     lake_people: Callable[[], dict[str, str]]) -> bool:
    """Whether a lone surname carries a title the article's one namesake (`full`, mentioned
    as `named`) never does ("President Trump" beside Melania Trump alone) while the lake
    knows another person of that surname (`lake_people`, asked only when needed): a title
    alone is weak evidence ("General Soleimani" beside Qassem Soleimani is him)."""
    title = title_before(body, m.start)
    return bool(title) and title not in {title_before(body, x.start) for x in named} \
        and any(not same_person(n, full) for n in lake_people().values())


def before_named(body: str, m: Mention, named: list[Mention]) -> bool:
    """Whether a lone surname comes before its article first names the one namesake in full,
    on a line of sentences (a headline names people by surname first: "Blinken Arrives In
    Middle East") and without a courtesy title of the namesake's gender ("Mr. Clinton"
    before "Bill Clinton" is him; one of the other gender never joins them anyway). Writers
    introduce a person by full name, so such a surname is someone readers know already."""
    return (in_prose(body, m.start) and courtesy_gender(body, m.start) is None
            and all(m.start < x.start for x in named if " " in x.name))


def likelier_namesake(word: str, full: str, known: dict[str, str],
                      people: dict[str, str]) -> tuple[str, str] | None:
    """The lake's person (id, name) of surname `word` it names OVERRIDE times as often as
    any other of that surname, the article's namesake `full` included ("Donald Trump", for
    a "Trump" before "Donald Trump Jr."); None when none is, when it is the article's own,
    or for a lake that keeps no counts."""
    if not hasattr(known, "counts") or not people:
        return None
    counts = known.counts(word)
    meant = dominant({eid: counts.get(eid, 0) for eid in people}, OVERRIDE)
    if meant is None or same_person(people[meant], full):
        return None
    return meant, people[meant]
