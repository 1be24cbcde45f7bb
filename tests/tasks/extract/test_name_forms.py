"""Forms of one full name the run's linking joins: short given names and formal ones."""

from __future__ import annotations

from tasks.extract.linking import person_links
from tasks.extract.name_forms import short_form_group


def person(article: str, name: str, mentions: int = 1) -> dict:
    eid = "person/" + name.lower().replace(" ", "-")
    return {"article_id": article, "entity_id": eid, "name": name, "label": "PERSON",
            "mention_count": mentions}


def _group(*names: str) -> set[str]:
    full = {"person/" + n.lower().replace(" ", "-"): n for n in names}
    eid = next(iter(full))
    return {full[e] for e in short_form_group(eid, full, set(full))}


def test_a_short_form_of_several_names_is_the_one_written_with_its_surname() -> None:
    assert _group("Steve Bannon", "Stephen Bannon") == {"Steve Bannon", "Stephen Bannon"}
    assert _group("Stephen Bannon", "Steve Bannon") == {"Steve Bannon", "Stephen Bannon"}
    assert _group("Ted Kennedy", "Edward Kennedy") == {"Ted Kennedy", "Edward Kennedy"}
    assert _group("Steve King", "Stephen King", "Steven King") == set()  # maybe two men
    assert _group("Stephen King", "Steve King", "Steven King") == set()
    assert _group("Chris Matthews", "Christine Matthews") == set()  # Chris: the men's names
    assert _group("Steve Bannon", "Stephen K. Bannon") == {"Steve Bannon", "Stephen K. Bannon"}
    assert _group("Steve A. Bannon", "Stephen K. Bannon") == set()  # middles disagree
    assert _group("Steve Bannon", "Stephen Bannon Jr.") == set()  # the son
    assert _group("Steve Bannon", "Stephen K. Bannon", "Stephen J. Bannon") == set()
    assert _group("Eddie Kennedy", "Ted Kennedy") == {"Eddie Kennedy", "Ted Kennedy"}


def test_linking_joins_them_under_the_more_mentioned() -> None:
    rows = [person("a", "Steve Bannon", mentions=7), person("b", "Stephen Bannon", mentions=2),
            person("c", "Bannon")]
    target = ("person/steve-bannon", "Steve Bannon")
    assert person_links(rows, {}) == {"person/stephen-bannon": target, "person/bannon": target}
    rows.append(person("d", "Steven Bannon"))  # a third form: two formal names, no join
    assert "person/stephen-bannon" not in person_links(rows, {})


def test_both_forms_in_one_article_are_one_man() -> None:
    rows = [person("a", "Stephen Bannon"), person("a", "Steve Bannon", mentions=3)]
    assert person_links(rows, {}) == {
        "person/stephen-bannon": ("person/steve-bannon", "Steve Bannon")}
