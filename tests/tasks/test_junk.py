"""Page furniture (tasks/junk.py): whole junk paragraphs and link cards inside a paragraph."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.clean import clean_record
from tasks.junk import cut_link_cards, is_junk, junk_lines

# Cards as scrapers keep them: the linked name, the person's full name again run into three
# headlines of their other stories, "MORE". Made up in that shape, not copied.
CARDS = [
    ("Senate Leader Anna Kowal Anna Maria KowalBudget deal stalls | Kowal sets vote on 12 "
     "bills | 'We will not wait,' Kowal says MORE (D-Ore.) said on Tuesday.",
     "Senate Leader Anna Kowal (D-Ore.) said on Tuesday."),
    ("A letter from President Baird Thomas Edward BairdJudge halts Baird order Five takeaways "
     "from the hearing 2020 hopefuls court veterans MORE, read aloud, drew applause.",
     "A letter from President Baird, read aloud, drew applause."),
    ("Rep. Ed Marsh Edward (Ed) Lee MarshHouse passes bill to fund 3 bases MORE (R-Ky.) voted no.",
     "Rep. Ed Marsh (R-Ky.) voted no."),
    ("Mayor Lou de Vries Louis de VriesCity sues over 40 layoffs MORE’s office declined.",
     "Mayor Lou de Vries’s office declined."),
    ("He was surprised by Jane OkaforJane OkaforOkafor named to panel MORE, the lawyer said.",
     "He was surprised by Jane Okafor, the lawyer said."),
    # a space before the first headline: cut when the card repeats the whole linked name
    ("Speaker Tom Reyes Tom Alan Reyes Retirees say no to plan Reyes: 3 bills pass MORE (R-Wis.) "
     "agreed.", "Speaker Tom Reyes (R-Wis.) agreed."),
]


@pytest.mark.parametrize("line,junk", [
    ("© 2024 Reuters", True), ("Copyright 2024 The Associated Press.", True),
    ("Thomson Reuters. All rights reserved.", True), ("0 95", True), ('" "', True),
    ("Leave a Reply", True), ("Share on Facebook", True), ("Related Articles:", True),
    ("Copyright law was rewritten by Congress in 2019, officials said.", False),
    ("Readiness to end the conflict", False), ("Related talks resume in Cairo", False),
    # advertising slots, picture and player furniture, follow buttons
    ("Advertisement Continue reading the main story", True), ("Story Continued Below", True),
    ("AD", True), ("Image copyright Getty Images", True), ("Slideshow (5 Images)", True),
    ("Enlarge this image toggle caption Jo Ortiz/AP Jo Ortiz/AP", True), ("Photo", True),
    ("toggle caption Sam Lee/NPR", True), ("Follow @desk Follow @reporter", True),
    ("This article is more than 2 years old", True),
    ("SHARE THIS ARTICLE Share Tweet Post Email", True),
    ("The advertisement ran for six weeks in Ohio before the vote.", False),
    # prompts to sign up, subscribe or get an app
    ("Sign up for Daily Newsletters Manage Newsletters", True),
    ("CLICK HERE TO GET THE NEWS APP", True), ("Click here for live coverage of the summit", True),
    ("The Desk is a nonprofit newsroom. Sign up for our newsletter to get its stories.", True),
    ("Want our morning briefing in your inbox? Sign up here.", True),
    ('Visitors were told: "Sign up to receive an email when enrollment opens."', False),
    ("Sign up for health insurance before Dec. 15, officials urged residents.", False),
    ("Seven states voted on Tuesday, including Iowa and Montana. Click here for results.", False),
    ("Millions signed up for coverage, and many read the newsletter the agency e-mailed.", False),
])
def test_junk_lines(line: str, junk: bool) -> None:
    assert is_junk(line) is junk


def test_the_junk_word_list_is_a_data_file_of_lower_case_lines() -> None:
    assert "related articles" in junk_lines() and "#" not in "".join(junk_lines())
    assert all(line == line.lower().strip() for line in junk_lines())


@pytest.mark.parametrize("text,cut", CARDS)
def test_a_link_card_is_cut_and_the_linked_name_kept(text: str, cut: str) -> None:
    assert cut_link_cards(text) == (cut, 1)


@pytest.mark.parametrize("text", [
    "ONE MORE vote was needed, said Kowal, and Kowal Kowal MORE won.",  # no full name run on
    "Anna Kowal met Anna Kowal's rivals. ONE MORE TIME, she said.",  # no headline run into
    "President Baird Thomas Edward BairdJudge halts Baird order",  # no MORE: left alone
    "Paul Smith and Paul SmithJones MORE. Two Smiths MORE than one.",  # another surname
    "Speaker Tom Reyes Alan Reyes Retirees say no MORE (R-Wis.)",  # spaced, first name not repeated
])
def test_text_that_is_no_card_is_kept(text: str) -> None:
    assert cut_link_cards(text) == (text, 0)


def test_cards_are_cut_from_the_article_and_counted_in_its_note() -> None:
    text = "Kowal sets vote\n\n" + "\n\n".join(card for card, _ in CARDS[:2])
    article = clean_record({"text": text, "source_uri": "file:///in/a.txt", "format": "text"},
                           dt.datetime(2024, 8, 20, tzinfo=dt.UTC))
    assert article["body"] == "\n\n".join(cut for _, cut in CARDS[:2])
    assert article["note"] == "2 link cards cut"
    assert "Budget deal" not in article["body"] and "MORE" not in article["body"]
