"""A bare surname in an article that names several people by it ("Bush" beside Jeb and
Barbara Bush; "Mr. Koch" beside Charles and David Koch).

Writers name the people they mean in full, so the bare surname is one of the article's
namesakes, never another the lake knows: it is the one the lake and the run's other
articles name far more often (`dominant`), else it keeps its own id in that article.
Of 141 such mentions read in the 2016 validation lake (evaluation/gold/README.md), the
lake's choice over all namesakes was right for 92, wrong for 15 and left 34 unlinked;
with this rule the rebuilt lake has 102 right, 12 wrong and 27 unlinked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from tasks.extract.entities import surname
from tasks.extract.person_names import dominant, of_gender, titled_surname


def _bare(name: str) -> tuple[str, str | None] | None:
    """(surname, gender of its courtesy title) of a bare surname ("Bush", "Mr. Koch")."""
    if " " not in name:
        return name, None
    titled = titled_surname(name)
    return None if titled is None else (titled[1], titled[0])


def namesake_links(rows: Iterable[dict], full: dict[str, str], mentions: Counter,
                   final: Callable[[str], str]) -> dict[tuple[str, str], str]:
    """(article_id, bare id) -> the id it means in that article, or the bare id itself
    (it stays), for the bare surnames of articles that name two or more people by it.

    `full`: person id -> full name; `mentions`: id -> mentions in the lake and the run;
    `final`: an id -> the id the run's links make it."""
    rows = list(rows)
    named: dict[tuple[str, str], set[str]] = defaultdict(set)  # (article, surname) -> ids
    own: Counter = Counter()  # (article, final id) -> its mentions there
    for row in rows:
        if (name := full.get(row["entity_id"])) is not None and _bare(name) is None:
            named[row["article_id"], surname(name)].add(row["entity_id"])
        own[row["article_id"], final(row["entity_id"])] += row["mention_count"]
    total: Counter = Counter()
    for eid, count in mentions.items():
        total[final(eid)] += count
    out: dict[tuple[str, str], str] = {}
    for row in rows:
        article, eid = row["article_id"], row["entity_id"]
        if (bare := _bare(row["name"])) is None:
            continue
        word, gender = bare
        people = named.get((article, word), set())
        if gender is not None:
            people = {e for e in people if of_gender([full[e]], gender)}
        meant = {final(e) for e in people}
        if len(meant) < 2:
            continue  # one namesake: the article's own linking already chose it
        # what the lake and the other articles say, not this article's own mentions
        out[article, eid] = dominant({e: total[e] - own[article, e] for e in meant}) or eid
    return out
