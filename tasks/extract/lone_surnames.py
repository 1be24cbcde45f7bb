"""A lone surname in an article that names one person of that surname in full: whether it
is that person or someone else.

A surname written before the article first names its namesake in full is no such sign:
tried, it moved eponyms ("the Steele dossier", "the Clinton administration") to the lake's
commoner namesake (README, Quality: the round of names cut in two, tried and dropped)."""

from __future__ import annotations

from collections.abc import Callable

from tasks.extract.mention_spans import Mention
from tasks.extract.person_names import same_person
from tasks.extract.roles import title_before


def titled_otherwise(body: str, m: Mention, full: str, named: list[Mention],
                     lake_people: Callable[[], dict[str, str]]) -> bool:
    """Whether a lone surname carries a title the article's one namesake (`full`, mentioned
    as `named`) never does ("President Trump" beside Melania Trump alone) while the lake
    knows another person of that surname (`lake_people`, asked only when needed): a title
    alone is weak evidence ("General Soleimani" beside Qassem Soleimani is him)."""
    title = title_before(body, m.start)
    return bool(title) and title not in {title_before(body, x.start) for x in named} \
        and any(not same_person(n, full) for n in lake_people().values())
