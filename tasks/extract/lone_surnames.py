"""A lone surname in an article that names one person of that surname in full: whether it
is that person or someone else (the lake's or the run's other namesake, chosen by linking)."""

from __future__ import annotations

from collections.abc import Callable

from tasks.extract.mention_spans import Mention
from tasks.extract.person_names import courtesy_gender, same_person
from tasks.extract.roles import title_before


def someone_else(body: str, m: Mention, full: str, named: list[Mention],
                 lake_people: Callable[[], dict[str, str]]) -> bool:
    """Whether a lone surname reads as another person than the article's one namesake
    (`full`, mentioned as `named`; `lake_people`: the lake's people of that surname, asked
    only when needed).

    It comes before the namesake is first named in full: a writer introduces a person by
    full name, so a surname before that is someone the reader knows already ("Trump" before
    "Donald Trump Jr."); a headline names people by surname before the story does ("Blinken
    Arrives In Middle East"), and a courtesy title of the namesake's gender is the namesake
    ("Mr. Clinton" before "Bill Clinton"; one of the other gender is never linked to them
    anyway). Or it carries a title the namesake never does ("President
    Trump" beside Melania Trump) while the lake knows another person of that surname: a
    title alone is weak evidence ("General Lee" after "Robert E. Lee", "General Soleimani"
    beside Qassem Soleimani are them)."""
    if (in_prose(body, m.start) and courtesy_gender(body, m.start) is None
            and all(m.start < x.start for x in named if " " in x.name)):
        return True
    title = title_before(body, m.start)
    return bool(title) and title not in {title_before(body, x.start) for x in named} \
        and any(not same_person(n, full) for n in lake_people().values())


def in_prose(body: str, at: int) -> bool:
    """Whether body[at] is on a line of sentences, not a headline's or a caption's (a line
    that does not end as a sentence does)."""
    end = body.find("\n", at)
    return body[at:end if end >= 0 else len(body)].rstrip().endswith(_SENTENCE_ENDS)


_SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", "'", ")")
