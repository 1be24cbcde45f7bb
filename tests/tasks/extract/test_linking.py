"""People linked across articles: lone surnames and two spellings of one name."""

from __future__ import annotations

import pytest

from tasks.extract.entities import entity_id
from tasks.extract.linking import (
    apply_links,
    dominant,
    follow_chains,
    person_links,
    same_person,
)


def person(article: str, eid: str, name: str, mentions: int = 1) -> dict:
    return {"article_id": article, "entity_id": eid, "name": name, "label": "PERSON",
            "aliases": [name], "roles": [], "mention_count": mentions}


@pytest.mark.parametrize("a,b,same", [
    ("Sami Abu Zuhri", "Samir Abu Zohri", True),  # transliteration and a typo
    ("Mohammed Khattab", "Muhammad Khattab", True),
    ("Jon Smith", "John Smith", True),
    ("Volodymyr Zelensky", "Volodymyr Zelenskyy", True),
    ("Mark Kelly", "Mary Kelly", False),
    ("Joe Biden", "Jill Biden", False),
    ("Dan Smith", "Daniel Smith", False),  # a three-letter prefix is too little to go on
    ("Sami Abu Zuhri", "Abu Zuhri", False),  # a different number of words
    ("Kamala Harris", "Kamala Harrison", False),
    ("Nancy Pelosi", "Nancy Pelsoi", True),  # a transposition
    ("Matt Continetti", "Matthew Continetti", True),
    # Pairs from a real run that sound alike by metaphone but are other people:
    ("Andrew Young", "Andrew Yang", False),
    ("John Kelly", "Jon Kyl", False),
    ("Tom Price", "Tom Perez", False),
    ("John Smith", "Jean Smith", False),
    ("David Boaz", "David Bossie", False),
    ("Juan Guaido", "Joan Kato", False),
    ("John D.", "John Doe", False),
    ("Chris Stevens", "Christopher Stevens", True),
    ("John Kennedy", "Joan Kennedy", False),  # a man's and a woman's given name
    ("Chris Evert", "Christine Evert", False),
    ("Hillary Rodham Clinton", "Hillary Clinton", True),  # a middle name left out
    ("Loretta E. Lynch", "Loretta Lynch", True),
    ("Eric H. Holder Jr.", "Eric Holder Jr.", True),
    ("George W. Bush", "George H.W. Bush", False),  # two middles that differ
    ("George H. W. Bush", "George H.W. Bush", True),  # initials however spaced
    ("George H.W. Bush", "George Herbert Walker Bush", True),  # initials of the middle names
    ("J.D. Vance", "JD Vance", True), ("George HW Bush", "George W. Bush", False),
    ("Robert F. Kennedy Jr.", "Robert F. Kennedy", False),  # father and son
])
def test_same_person(a: str, b: str, same: bool) -> None:
    assert same_person(a, b) is same and same_person(b, a) is same


@pytest.mark.parametrize("name,expected", [
    ("SamirAbu Zohri", "Samir Abu Zohri"),  # a lost space
    ("Joe BidenBiden", "Joe Biden"),  # a list of names run together: the rest is cut
    ("Hillary Diane Rodham ClintonTwitter", "Hillary Diane Rodham Clinton"),
    ("Ronald McDonald", "Ronald McDonald"), ("Douglas MacArthur", "Douglas MacArthur"),
    ("LeBron James", "LeBron James"), ("JOE BIDEN", "JOE BIDEN"),
])
def test_names_run_together(name: str, expected: str) -> None:
    from tasks.extract.entities import unjoin

    assert unjoin(name) == expected


def test_lone_surname_links_to_the_one_full_name_of_the_run() -> None:
    rows = [person("b", "person/biden", "Biden"), person("a", "person/joe-biden", "Joe Biden")]
    assert person_links(rows, {}) == {"person/biden": ("person/joe-biden", "Joe Biden")}
    rows.append(person("c", "person/jill-biden", "Jill Biden"))
    assert person_links(rows, {}) == {}  # two Bidens: the bare one names neither


def test_spellings_merge_under_the_more_mentioned_then_the_lake_id() -> None:
    rows = [person("a", "person/samir-abu-zohri", "Samir Abu Zohri"),
            person("b", "person/sami-abu-zuhri", "Sami Abu Zuhri", mentions=3),
            person("c", "person/zohri", "Zohri")]
    target = ("person/sami-abu-zuhri", "Sami Abu Zuhri")
    assert person_links(rows, {}) == {"person/samir-abu-zohri": target,
                                      "person/zohri": target}  # through the other spelling
    lake = {"Samir Abu Zohri": "person/samir-abu-zohri"}  # published first: its id stays
    lake_target = ("person/samir-abu-zohri", "Samir Abu Zohri")
    assert person_links(rows[1:], lake) == {"person/sami-abu-zuhri": lake_target,
                                            "person/zohri": lake_target}


def test_a_surname_of_two_words_and_the_full_name_are_one_id_in_any_order() -> None:
    # "Le Pen" links to "Marine Le Pen" (a surname of two words) and she to "Le Pen" ("Marine"
    # read as a nickname): a circle, which ends at the id with more mentions, whatever the order
    rows = [person(f"a{i}", "person/le-pen", "Le Pen", mentions=3) for i in range(4)]
    rows += [person(f"b{i}", "person/marine-le-pen", "Marine Le Pen") for i in range(2)]
    expected = {"person/marine-le-pen": ("person/le-pen", "Le Pen")}
    assert person_links(rows, {}) == person_links(rows[::-1], {}) == expected


@pytest.mark.parametrize("order", [("a", "b", "c"), ("c", "b", "a"), ("b", "c", "a")])
def test_links_that_go_round_end_at_one_id_whatever_their_order(order) -> None:
    links = {"a": "b", "b": "c", "c": "a", "d": "a"}
    remap = {eid: links[eid] for eid in (*order, "d")}
    assert follow_chains(remap, lambda circle: max(circle)) == dict.fromkeys("abcd", "c")
    assert follow_chains(remap, lambda circle: None) == dict.fromkeys("abcd", "a")
    assert follow_chains({"x": "y", "y": "z"}, max) == {"x": "z", "y": "z"}


def test_spellings_in_one_article_are_two_people() -> None:
    rows = [person("a", "person/jon-smith", "Jon Smith"),
            person("a", "person/john-smith", "John Smith")]
    assert person_links(rows, {}) == {}


def test_a_spelling_that_fits_two_people_links_to_neither() -> None:
    rows = [person("a", "person/jon-smith", "Jon Smith"),
            person("b", "person/john-smith", "John Smith"),
            person("c", "person/jonn-smith", "Jonn Smith")]
    assert person_links(rows, {}) == {}


def test_three_spellings_of_one_name_are_one_person() -> None:
    # transliterations, none a given name of its own: the commonest spelling
    rows = [person("a", "person/qassem-soleimani", "Qassem Soleimani", mentions=9),
            person("b", "person/qassim-suleimani", "Qassim Suleimani", mentions=4),
            person("c", "person/qasem-soleimani", "Qasem Soleimani", mentions=2)]
    target = ("person/qassem-soleimani", "Qassem Soleimani")
    assert person_links(rows, {}) == {"person/qassim-suleimani": target,
                                      "person/qasem-soleimani": target}


def test_a_surname_or_given_name_with_a_suffix_is_the_son() -> None:
    rows = [person("a", "person/donald-trump", "Donald Trump", mentions=40),
            person("b", "person/donald-trump-jr", "Donald Trump Jr.", mentions=5),
            person("c", "person/don-jr", "Don Jr.", mentions=2),
            person("d", "person/trump-jr", "Trump Jr.")]
    son = ("person/donald-trump-jr", "Donald Trump Jr.")
    assert person_links(rows, {}) == {"person/don-jr": son, "person/trump-jr": son}


def test_the_lake_son_written_with_a_comma_is_found_by_his_surname() -> None:
    lake = {"Donald Trump, Jr.": "person/donald-trump-jr",
            "Donald Trump Jr.": "person/donald-trump-jr"}
    rows = [person("a", "person/trump-jr", "Trump Jr.")]
    # the canonical name is never the form with a comma
    assert person_links(rows, lake) == {
        "person/trump-jr": ("person/donald-trump-jr", "Donald Trump Jr.")}


def test_a_full_legal_name_joins_the_plain_name_others_write() -> None:
    rows = [person("a", "person/john-roberts", "John Roberts", mentions=12),
            person("b", "person/john-g-roberts-jr", "John G. Roberts Jr.")]
    assert person_links(rows, {}) == {
        "person/john-g-roberts-jr": ("person/john-roberts", "John Roberts")}
    # named about as often as the plain form: maybe a son
    assert person_links([rows[0], {**rows[1], "mention_count": 5}], {}) == {}
    # the father's own formal name beside it: the suffix tells them apart
    father = person("c", "person/robert-f-kennedy", "Robert F. Kennedy", mentions=3)
    rows = [person("a", "person/robert-kennedy", "Robert Kennedy", mentions=12), father,
            person("b", "person/robert-f-kennedy-jr", "Robert F. Kennedy Jr.")]
    assert "person/robert-f-kennedy-jr" not in person_links(rows, {})


def test_a_name_the_lake_linked_before_goes_the_same_way() -> None:
    lake = {"Qassem Soleimani": "person/qassem-soleimani",
            "Ghassem Soleimani": "person/qassem-soleimani"}
    rows = [person("a", "person/ghassem-soleimani", "Ghassem Soleimani")]
    assert person_links(rows, lake) == {
        "person/ghassem-soleimani": ("person/qassem-soleimani", "Qassem Soleimani")}


def test_apply_links_rewrites_ids_and_merges_rows_of_one_article() -> None:
    out = {"entities": [person("b", "person/biden", "Biden"),
                        person("b", "person/joe-biden", "Joe Biden", mentions=2)],
           "mentions": [{"article_id": "b", "entity_id": "person/biden"}],
           "quotes": [{"article_id": "b", "speaker_entity_id": "person/biden"},
                      {"article_id": "b", "speaker_entity_id": None}]}
    apply_links(out, {"person/biden": ("person/joe-biden", "Joe Biden")})
    assert out["entities"] == [{**person("b", "person/joe-biden", "Joe Biden", mentions=3),
                                "aliases": ["Biden", "Joe Biden"]}]
    assert out["mentions"][0]["entity_id"] == out["quotes"][0]["speaker_entity_id"] == \
        "person/joe-biden"
    assert out["quotes"][1]["speaker_entity_id"] is None


def test_a_middle_name_left_out_is_one_person_across_articles() -> None:
    rows = [person("a", "person/hillary-clinton", "Hillary Clinton", mentions=4),
            person("b", "person/hillary-rodham-clinton", "Hillary Rodham Clinton")]
    target = ("person/hillary-clinton", "Hillary Clinton")
    assert person_links(rows, {}) == {"person/hillary-rodham-clinton": target}
    # "R." is Rodham's initial: all three agree, one person
    three = [*rows, person("c", "person/hillary-r-clinton", "Hillary R. Clinton")]
    assert person_links(three, {}) == {"person/hillary-rodham-clinton": target,
                                       "person/hillary-r-clinton": target}
    rows.append(person("c", "person/hillary-m-clinton", "Hillary M. Clinton"))
    rows[0]["mention_count"] = 2
    assert person_links(rows, {}) == {}  # "Hillary Clinton" could be either of the others
    rows[0]["mention_count"] = 4  # ... unless named far more often than both: a variant of it
    assert person_links(rows, {}) == {"person/hillary-rodham-clinton": target,
                                      "person/hillary-m-clinton": target}
    bush = [person("a", "person/george-w-bush", "George W. Bush", mentions=12),
            person("b", "person/george-h-w-bush", "George H. W. Bush", mentions=3),
            person("c", "person/george-bush", "George Bush")]
    assert person_links(bush, {}) == {  # never one middle initial into another
        "person/george-bush": ("person/george-w-bush", "George W. Bush")}


def test_names_with_no_latin_words_are_not_compared_by_sound() -> None:
    """A web page in another script gives PERSON names with no word left once folded to
    ASCII ("Джонни Депп"): they have no spelling key (it took their first letter) and are
    no spellings of anyone, but a lone surname as written still finds its full name, in the
    run or in the lake."""
    depp, lone = entity_id("PERSON", "Джонни Депп"), entity_id("PERSON", "Депп")
    rows = [person("a", depp, "Джонни Депп"), person("a", "person/x", "- -"),
            person("b", lone, "Депп"), person("c", entity_id("PERSON", "доктор Аткинс"),
                                                "доктор Аткинс"),
            person("c", "person/joe-biden", "Joe Biden")]
    assert person_links(rows, {}) == {lone: (depp, "Джонни Депп")}
    assert not same_person("Джонни Депп", "Джонни Депп") and not same_person("- -", "Joe Biden")
    assert person_links(rows[1:], {"Джонни Депп": depp}) == {lone: (depp, "Джонни Депп")}


def test_dominant_person_needs_three_times_the_next_and_three_mentions() -> None:
    assert dominant({"person/barack-obama": 30, "person/michelle-obama": 4}) == (
        "person/barack-obama")
    assert dominant({"person/hillary-clinton": 8, "person/bill-clinton": 5}) is None
    assert dominant({"person/a-b": 2, "person/c-b": 0}) is None  # too little to go on
    assert dominant({"person/a-b": 1}) == "person/a-b"  # the only one


def test_a_bare_surname_means_the_dominant_person_or_nobody() -> None:
    rows = [person("a", "person/barack-obama", "Barack Obama", mentions=9),
            person("b", "person/michelle-obama", "Michelle Obama", mentions=2),
            person("c", "person/obama", "Obama")]
    assert person_links(rows, {}) == {"person/obama": ("person/barack-obama", "Barack Obama")}
    rows[1]["mention_count"] = 4  # 9 against 4: neither dominates
    assert person_links(rows, {}) == {}


def test_bare_surname_of_variants_of_one_name_and_variants_across_articles() -> None:
    rows = [person("a", "person/paul-ryan", "Paul Ryan", mentions=3),
            person("b", "person/paul-d-ryan", "Paul D. Ryan"),
            person("c", "person/paul-davis-ryan", "Paul Davis Ryan"),
            person("d", "person/ryan", "Ryan")]
    target = ("person/paul-ryan", "Paul Ryan")
    assert person_links(rows, {}) == {"person/paul-d-ryan": target,
                                      "person/paul-davis-ryan": target, "person/ryan": target}
    bush = [person("a", "person/george-w-bush", "George W. Bush", mentions=5),
            person("b", "person/george-h-w-bush", "George H. W. Bush", mentions=5),
            person("c", "person/george-bush", "George Bush")]
    assert person_links(bush, {}) == {}  # two Presidents: "George Bush" is neither


def test_a_name_the_model_labels_org_is_a_person_by_the_vote() -> None:
    org = {"article_id": "c", "entity_id": "org/romney", "name": "Romney", "label": "ORG",
           "aliases": ["Romney"], "roles": [], "mention_count": 1}
    rows = [person("a", "person/mitt-romney", "Mitt Romney", mentions=2), org]
    assert person_links(rows, {}) == {"org/romney": ("person/mitt-romney", "Mitt Romney")}
    out = {"entities": [dict(org)], "mentions": [], "quotes": []}
    apply_links(out, person_links(rows, {}))
    assert out["entities"][0]["label"] == "PERSON"
    company = [person("a", "person/henry-ford", "Henry Ford"),
               {**org, "entity_id": "org/ford", "name": "Ford", "mention_count": 4}]
    assert person_links(company, {}) == {}  # mostly a company here: stays one


def test_a_thing_the_model_labels_person_is_the_thing_by_the_vote() -> None:
    def org(article: str, name: str, mentions: int) -> dict:
        return {**person(article, "org/" + name.lower(), name, mentions), "label": "ORG"}

    rows = [person("a", "person/covid-19", "COVID-19", mentions=2), org("b", "COVID-19", 3),
            org("c", "COVID-19", 2)]
    assert person_links(rows, {}) == {"person/covid-19": ("org/covid-19", "COVID-19")}
    out = {"entities": [dict(rows[0])], "quotes": [],
           "mentions": [{"article_id": "a", "entity_id": "person/covid-19"}]}
    apply_links(out, person_links(rows, {}))
    assert out["entities"][0]["label"] == "ORG"
    assert out["mentions"][0]["entity_id"] == "org/covid-19"
    # a surname of people named in full votes for the person: "Fox" stays Vicente Fox's
    fox = [person("a", "person/fox", "Fox"), org("b", "Fox", 4),
           person("c", "person/vicente-fox", "Vicente Fox", mentions=5)]
    assert person_links(fox, {})["person/fox"] == ("person/vicente-fox", "Vicente Fox")


def test_a_given_name_alone_is_no_surname() -> None:
    rows = [person("a", "person/rand-paul", "Rand Paul"),
            person("b", "person/paul-ryan", "Paul Ryan"),
            person("b", "person/paul-nehlen", "Paul Nehlen"), person("b", "person/paul", "Paul"),
            person("c", "person/paul", "Paul")]
    rand = ("person/rand-paul", "Rand Paul")
    # article b's "Paul" is one of its two Pauls and stays; c's is the lake's one Paul surname
    links = person_links(rows, {})
    assert links == {"person/paul": rand, ("b", "person/paul"): ("person/paul", "Paul")}
    assert person_links(rows[:1] + rows[-1:], {}) == {"person/paul": rand}
    assert person_links(rows[1:4], {}) == {}  # only the ambiguous article: nothing to link
    out = {"entities": [dict(row) for row in rows],
           "mentions": [{"article_id": a, "entity_id": "person/paul"} for a in "bc"],
           "quotes": [{"article_id": a, "speaker_entity_id": "person/paul"} for a in "bc"]}
    apply_links(out, links)
    assert [(r["article_id"], r["entity_id"], r["name"]) for r in out["entities"]] == [
        ("a", "person/rand-paul", "Rand Paul"), ("b", "person/paul-ryan", "Paul Ryan"),
        ("b", "person/paul-nehlen", "Paul Nehlen"), ("b", "person/paul", "Paul"),
        ("c", "person/rand-paul", "Rand Paul")]
    assert [r["entity_id"] for r in out["mentions"]] == \
        [r["speaker_entity_id"] for r in out["quotes"]] == ["person/paul", "person/rand-paul"]


def test_a_nickname_before_a_known_name_is_that_person() -> None:
    rows = [person("a", "person/hillary-clinton", "Hillary Clinton", mentions=3),
            person("b", "person/crooked-hillary-clinton", "Crooked Hillary Clinton")]
    assert person_links(rows, {}) == {
        "person/crooked-hillary-clinton": ("person/hillary-clinton", "Hillary Clinton")}
    assert person_links(rows[1:], {}) == {}  # nobody known behind it


def test_a_titled_surname_left_open_takes_the_run_person_of_its_gender() -> None:
    rows = [person("a", "person/donald-trump", "Donald Trump", mentions=30),
            person("b", "person/melania-trump", "Melania Trump", mentions=30),
            person("c", "person/eric-trump", "Eric Trump"),
            person("d", "person/mr-trump", "Mr. Trump")]
    assert person_links(rows, {}) == {"person/mr-trump": ("person/donald-trump", "Donald Trump")}
    rows[2]["mention_count"] = 20  # two men Trump named about as often: neither
    assert person_links(rows, {}) == {}


def test_a_lone_given_name_is_the_person_far_likeliest_to_have_it() -> None:
    rows = [person("a", "person/hillary-clinton", "Hillary Clinton", mentions=40),
            person("b", "person/crooked-hillary", "Crooked Hillary"),
            person("c", "person/hillary", "Hillary")]
    assert person_links(rows, {}) == {
        "person/hillary": ("person/hillary-clinton", "Hillary Clinton")}
    pauls = [person("a", "person/rand-paul", "Rand Paul", mentions=5),
             person("b", "person/paul-ryan", "Paul Ryan", mentions=9),
             person("c", "person/paul", "Paul")]
    assert person_links(pauls, {}) == {"person/paul": ("person/rand-paul", "Rand Paul")}


def test_a_surname_of_two_words_alone_is_its_one_holder() -> None:
    rows = [person("a", "person/debbie-wasserman-schultz", "Debbie Wasserman Schultz", 5),
            person("b", "person/wasserman-schultz", "Wasserman Schultz")]
    assert person_links(rows, {}) == {"person/wasserman-schultz": (
        "person/debbie-wasserman-schultz", "Debbie Wasserman Schultz")}
    rows[1]["name"] = "Anna Schultz"  # a given name: someone else
    assert person_links(rows, {}) == {}


def test_a_slip_of_the_pen_beside_several_forms_of_one_name() -> None:
    rows = [person("a", "person/hillary-clinton", "Hillary Clinton", mentions=40),
            person("b", "person/hillary-rodham-clinton", "Hillary Rodham Clinton", mentions=2),
            person("c", "person/hilary-clinton", "Hilary Clinton")]
    target = ("person/hillary-clinton", "Hillary Clinton")
    assert person_links(rows, {}) == {"person/hillary-rodham-clinton": target,
                                      "person/hilary-clinton": target}


def test_two_junk_spans_starting_with_a_surname_do_not_make_it_a_given_name() -> None:
    rows = [person("a", "person/donald-trump", "Donald Trump", mentions=9),
            person("b", "person/trump-twitter", "Trump Twitter"),
            person("b", "person/trump-be-trump", "Trump Be Trump"),
            person("b", "person/trump", "Trump")]
    assert person_links(rows, {})["person/trump"] == ("person/donald-trump", "Donald Trump")
