"""A surname shared: by the namesakes of one article (a bare surname is one of them), and by
the two apostrophes outlets write it with."""

from __future__ import annotations

import pytest

from tasks.extract import extract_articles, load_nlp
from tasks.extract.linking import person_links


def person(article: str, eid: str, name: str, mentions: int = 1) -> dict:
    return {"article_id": article, "entity_id": eid, "name": name, "label": "PERSON",
            "aliases": [name], "roles": [], "mention_count": mentions}


JEB, BARBARA, GEORGE = (("person/jeb-bush", "Jeb Bush"), ("person/barbara-bush", "Barbara Bush"),
                        ("person/george-w-bush", "George W. Bush"))


def test_the_article_namesake_the_other_articles_name_far_more_often() -> None:
    rows = [person("a", *JEB, mentions=2), person("a", *BARBARA, mentions=2),
            person("a", "person/bush", "Bush", mentions=9),
            person("b", *JEB, mentions=12), person("c", *BARBARA)]
    links = person_links(rows, {})
    assert links[("a", "person/bush")] == JEB
    # Jeb and Barbara named about as often elsewhere: the article's "Bush" keeps its id
    rows[3]["mention_count"] = 2
    assert person_links(rows, {}).get(("a", "person/bush"), ("person/bush",))[0] == "person/bush"


def test_never_a_namesake_the_article_does_not_name() -> None:
    # The run's far commonest Bush is George W., but article "a" names Jeb and Barbara only
    rows = [person("a", *JEB), person("a", *BARBARA), person("a", "person/bush", "Bush", 5),
            person("b", *GEORGE, mentions=40), person("c", "person/bush", "Bush")]
    links = person_links(rows, {})
    assert links["person/bush"] == GEORGE  # article c names no Bush: the run's dominant one
    assert links[("a", "person/bush")] == ("person/bush", "Bush")  # a's stays its own


def test_this_article_counts_are_no_evidence_and_titles_say_gender() -> None:
    # Two people of one article only (an accused and his brother): nothing decides there,
    # whatever the article's own counts say
    local = [person("a", "person/peter-cantu", "Peter Cantu"),
             person("a", "person/joe-cantu", "Joe Cantu", mentions=6),
             person("a", "person/cantu", "Cantu", mentions=4)]
    assert person_links(local, {})[("a", "person/cantu")] == ("person/cantu", "Cantu")
    # "Mr. Koch" beside Charles, David and Julia Koch: of the two men, the far likelier
    kochs = [person("a", "person/charles-koch", "Charles Koch"),
             person("a", "person/david-koch", "David Koch"),
             person("a", "person/julia-koch", "Julia Koch"),
             person("a", "person/mr-koch", "Mr. Koch", mentions=3),
             person("b", "person/charles-koch", "Charles Koch", mentions=9),
             person("c", "person/julia-koch", "Julia Koch", mentions=90)]
    assert person_links(kochs, {})[("a", "person/mr-koch")] == ("person/charles-koch",
                                                                "Charles Koch")


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_the_lake_answer_for_a_surname_the_article_shares_is_not_taken(nlp) -> None:
    body = ("Charles Koch and David Koch met donors in Colorado on Sunday. "
            "Koch told them he would not back either candidate. Koch said the network "
            "would spend on Senate races instead.")
    article = {"article_id": "x", "body": body, "published_date": None, "title": None}
    # The lake knows one "Koch" (an earlier article linked it to David): in this article,
    # which names both brothers, the word alone is not the lake's answer
    known = {"Koch": "person/david-koch", "David Koch": "person/david-koch"}
    out = extract_articles([article], nlp, known)
    bare = [m["entity_id"] for m in out["mentions"] if m["text"] == "Koch"]
    assert bare == ["person/koch", "person/koch"]


def test_either_apostrophe_names_one_person(nlp) -> None:
    body = ("Beto O’Rourke spoke in El Paso on Monday night. Later O'Rourke told reporters "
            "that the wall was a prop, and O’Rourke's supporters cheered.")
    article = {"article_id": "x", "body": body, "published_date": None, "title": None}
    out = extract_articles([article], nlp, {})
    assert {m["entity_id"] for m in out["mentions"] if "Rourke" in m["text"]} == {
        "person/beto-orourke"}
