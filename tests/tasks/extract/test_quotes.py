"""Quote extraction rules on hand-written sentences (real model) and the PolNeAR scorer."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.quotes import (
    DEFAULT_ROOT,
    PRONOUNS,
    Aligner,
    load_referents,
    matches,
    names_referent,
    read_ann,
    speaker_right,
)
from tasks.extract import extract_articles, load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def quotes(text: str, nlp) -> list[dict]:
    rows = extract_articles([{"article_id": "a", "body": text, "published_date": None}],
                            nlp)["quotes"]
    assert all(text[q["start"]:q["end"]] == q["text"] for q in rows)
    return rows


def test_short_quote_in_reported_speech_is_kept_but_a_title_is_not(nlp):
    rows = quotes("Donald Trump said the trade deal was a “total and complete disaster” for "
                  "workers.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [
        ("total and complete disaster", "Donald Trump")]
    assert quotes("She said so on “Meet the Press” on Sunday.", nlp) == []


def test_trailing_attribution_with_an_apposition(nlp):
    rows = quotes("“We are going to win this state in November,” Gene Sperling, a top adviser, "
                  "said at an event in Iowa.", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Gene Sperling", "say")]


def test_pronoun_prefers_the_last_subject_over_the_last_name(nlp):
    rows = quotes("Senator Mary Jones met Bob Smith in Boston on Monday. "
                  "“We agreed on nothing at all today,” she said.", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/mary-jones"]


def test_paragraph_of_speech_after_an_attributed_one(nlp):
    rows = quotes("Hillary Clinton spoke in Ohio on Monday.\n\n“We will win this state,” Clinton "
                  "said.\n\n“And we will keep fighting for every single vote here.”", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/hillary-clinton"] * 2


def test_read_ann_keeps_fragments_and_sources(tmp_path: Path):
    ann = tmp_path / "a_x.ann"
    ann.write_text("T1\tSource 0 5\tAlice\nT2\tCue 6 10\tsaid\n"
                   'T3\tContent 11 20;22 30\t"one two" "three"\nT4\tAttribution 6 10\tsaid\n'
                   "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n", encoding="utf-8")
    [gold] = read_ann(ann)
    assert gold["frags"] == [(11, 20), (22, 30)] and gold["source"] == [(0, 5)]
    assert gold["direct"]


def test_alignment_survives_dropped_headline_and_spaces():
    raw = "A Headline\n\nAlice  said \u201chello there\u201d today."
    body = "Alice said \u201chello there\u201d today."
    start = raw.index("\u201c")
    span, share = Aligner(raw, body).span(start, start + len("\u201chello there\u201d"))
    assert share == 1.0 and body[span[0]:span[1]] == "\u201chello there\u201d"


def test_match_needs_half_of_the_shorter_span():
    assert matches((0, 10), [(5, 30)])
    assert not matches((0, 10), [(6, 30)])


def test_attribution_after_a_question_and_a_height_is_no_quote_mark(nlp):
    rows = quotes("“Do I think that dealer should be sued?” Bernie Sanders asked. “He’s like "
                  "6’2”, and I am not,” Marco Rubio said.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [
        ("Do I think that dealer should be sued?", "Bernie Sanders"),
        ("He’s like 6’2”, and I am not", "Marco Rubio")]


def test_partial_quote_after_as_is_framed_but_a_gerund_under_of_is_not(nlp):
    rows = quotes("Donald Trump described the judge as “biased” on Friday.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [("biased", "Donald Trump")]
    assert quotes("Hamas accused Biden of giving Israel the “green light” to go on.", nlp) == []


def test_a_role_description_names_the_person_it_describes(nlp):
    rows = quotes("Blinken met Israeli Prime Minister Benjamin Netanyahu in Jerusalem. "
                  "Netanyahu’s cabinet made it clear there would be no concessions, with the "
                  "Israeli leader asserting, “We are negotiating and not giving in to anyone.”",
                  nlp)
    assert [(q["speaker"], q["speaker_entity_id"]) for q in rows] == [
        ("the Israeli leader", "person/benjamin-netanyahu")]


def test_a_group_speaks_for_its_organisation_and_stops_at_the_paragraph(nlp):
    text = ("Hamas calls plan an “illusion”\n\nThe Hamas terror group has stressed that the "
            "ceasefire is an “illusion” of the US government.")
    rows = quotes(text, nlp)
    assert [(q["speaker"], q["speaker_entity_id"]) for q in rows] == [
        ("Hamas", "org/hamas"), ("The Hamas terror group", "org/hamas")]


def test_paragraphs_are_sentence_breaks(nlp):
    doc = nlp("Blinken Arrives In Middle East\n\nThe talks resumed in Cairo on Monday.")
    assert [s.text.strip() for s in doc.sents] == ["Blinken Arrives In Middle East",
                                                   "The talks resumed in Cairo on Monday."]


def test_a_speech_verb_after_a_partial_quote_without_a_comma_has_no_say(nlp):
    rows = quotes("Maria Lopez said the ruling has “kept us all safe” on Friday before claiming "
                  "that the courts are “failing American families.”", nlp)
    assert [q["speaker"] for q in rows] == ["Maria Lopez"] * 2


def test_a_trailing_speaker_is_a_word_not_the_full_stop(nlp):
    rows = quotes("“Better get ready for a long night of counting in the county,” tweeted "
                  "another.", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("another", "tweet")]


def test_a_clause_that_brings_in_a_quote_speaks_for_its_subject(nlp):
    rows = quotes("Maria Lopez issued a statement on Monday, “We will keep fighting for the "
                  "workers of this city.”\n\nLopez shot back, “I suppose I could have stayed "
                  "home, but I chose to run.”", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Maria Lopez", "issue"),
                                                        ("Lopez", "shoot back")]


def test_a_speech_verb_under_a_noun_or_preposition_speaks_for_the_main_subject(nlp):
    rows = quotes("Senator Tom Baker rallied his supporters by warning that “the future of the "
                  "state is at stake” in the vote.\n\nThe union sent an email to members "
                  "stating, “The strike will go ahead as planned next week.”", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Tom Baker", "warn"),
                                                        ("The union", "state")]


def test_a_paragraph_ending_in_a_colon_introduces_the_quote_below(nlp):
    rows = quotes("Former state senator Kelli Ward called for an inquiry on Monday. Ward stated:"
                  "\n\n“The department is no longer about justice for all. It is about politics.”"
                  "\n\nLopez posted a long message on her page:\n\n“We have decided to leave the "
                  "coalition at the end of this month.”", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Ward", "state"), ("Lopez", "post")]


def test_a_partial_quote_under_a_speech_verb_that_follows_a_preposition(nlp):
    rows = quotes("Lopez answered the tweet by calling Baker “dopey” and moved on.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [("dopey", "Lopez")]


def test_a_left_quote_mark_can_close_a_quote(nlp):
    rows = quotes("Senator Tom Baker called the group “abhorrent“ in a tweet on Sunday.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [("abhorrent", "Tom Baker")]


def test_a_participle_after_a_quote_does_not_outrank_the_cue_before_it(nlp):
    rows = quotes("Cruz said last week that Lopez represents “big city values,” stating during "
                  "the debate that they are “far from the heartland.”", nlp)
    assert rows[0]["speaker"] == "Cruz"


def test_the_subject_of_the_sentence_before_or_of_the_clause_before_a_colon(nlp):
    rows = quotes("Iowa State University's Dianne Bystrom agreed. “Mainstream candidates are "
                  "running out of time to find an answer.”\n\nMaria Lopez has since apologized "
                  "for what happened: “I should have used a different account for my work.”",
                  nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Dianne Bystrom", "agree"),
                                                        ("Maria Lopez", "apologize")]


def test_first_person_speech_without_marks_is_an_unmarked_quote(nlp):
    rows = quotes("Maria Lopez spoke in Ohio on Monday. I will not run for the seat again, Ms. "
                  "Lopez said on Monday. We are going to win, she added. The plan is dead, she "
                  "said. I think it is over, a source said. I think it is over, he said.", nlp)
    assert [(q["text"], q["speaker_entity_id"], q["cue"], q["kind"]) for q in rows] == [
        ("I will not run for the seat again", "person/maria-lopez", "say", "unmarked"),
        ("We are going to win", "person/maria-lopez", "add", "unmarked")]


def test_a_description_of_a_person_names_the_person_in_the_story(nlp):
    rows = quotes("Donald Trump held a rally in Ohio on Monday. “We are going to win this state "
                  "big,” the Republican nominee said.", nlp)
    assert [(q["speaker"], q["speaker_entity_id"]) for q in rows] == [
        ("the Republican nominee", "person/donald-trump")]


def test_a_capitalised_name_someone_gives_is_a_quote_but_a_title_is_not(nlp):
    rows = quotes("Within minutes, Lopez called Baker “Little Tom” several times.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [("Little Tom", "Lopez")]
    assert quotes("His campaign ran a short film called “Tenemos Familias” on television.",
                  nlp) == []


def test_speech_goes_on_in_the_same_voice_after_two_paragraphs_of_narration(nlp):
    rows = quotes("“We will win this state in November,” Maria Lopez said.\n\nThe rally drew a "
                  "large crowd.\n\nMany came from far away.\n\n“And we will keep fighting for "
                  "every single vote here.”", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/maria-lopez"] * 2


def test_a_thing_that_says_something_yields_to_the_person_reporting_it(nlp):
    rows = quotes("Senator Paul Becker said on Monday that the new platform should reiterate the "
                  "party's support for its “oldest and closest allies,” in his view.", nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [
        ("oldest and closest allies", "Paul Becker")]


def test_a_gendered_title_tells_which_person_she_is(nlp):
    rows = quotes("Dana Kole met Chris Park, a spokesman for the mayor, in Reno on Friday. Chris "
                  "Park left early.\n\n“We have nothing more to add on this matter,” she said.",
                  nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/dana-kole"]


def test_a_nested_attribution_gives_the_outer_source(nlp):
    rows = quotes("“We will appeal this ruling as soon as we can,” said Tom Reyes, a lawyer for "
                  "the firm, reports the Daily Courier.", nlp)
    assert [q["speaker"] for q in rows] == ["Daily Courier"]
    rows = quotes("Tom Reyes said the ruling was “a complete waste of everyone's time,” "
                  "according to the Daily Courier.", nlp)
    assert [q["speaker"] for q in rows] == ["Daily Courier"]


def test_a_pronoun_next_to_a_name_is_no_evidence_of_its_gender(nlp):
    # "she" is the mayor, not Park: counting it as Park's gender would rule Park out for "he"
    rows = quotes("Sam Park said she was the best mayor the town ever had. Sam Park said she "
                  "would win again.\n\n“She will win this race in November,” he said.", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/sam-park"]


def test_which_subjects_can_speak(nlp):
    from tasks.extract.quotes.subjects import speaks

    doc = nlp("The king met the minister. The rejection of the plan hurt it.")
    assert speaks(doc[1]) and speaks(doc[4])  # king, minister
    assert not speaks(doc[7]) and not speaks(doc[12])  # rejection, it


ROOT = Path(__file__).resolve().parents[3]


def test_pronoun_referents_load_and_point_at_their_pronouns():
    refs = load_referents("dev")
    assert len(refs) >= 100 and not load_referents("train")
    assert all(r["referent"] and r["pronoun"].lower() in PRONOUNS for r in refs.values())
    text = ROOT / DEFAULT_ROOT / "dev" / "text"
    if not text.is_dir():
        pytest.skip("PolNeAR is not checked out next to the repo")
    for (article, start, end), r in refs.items():
        raw = (text / f"{article}.txt").read_text(encoding="utf-8")
        assert raw[start:end] == r["pronoun"], (article, start)


def test_a_speaker_names_a_referent_by_whole_words_or_surname():
    ref = {"referent": "Bill Clinton", "named": True}
    assert names_referent("Clinton", ref) and names_referent("Bill Clinton", ref)
    assert names_referent("Former President Bill Clinton", ref)
    assert names_referent("President Clinton", ref)
    assert not names_referent("Hillary Clinton", ref) and not names_referent("Bill", {
        "referent": "Bill Gates", "named": False})
    assert not names_referent("Clint", ref) and not names_referent("", ref)
    assert names_referent("Loretta Lynch", {"referent": "Loretta E. Lynch", "named": True})
    campaign = {"referent": "Trump campaign", "named": True}
    assert names_referent("Trump", campaign) and not names_referent("Clinton campaign", campaign)
    assert names_referent("the other 29", {"referent": "29 others", "named": False}) is False
    assert names_referent("others", {"referent": "29 others", "named": False})


def test_a_hand_annotated_referent_decides_a_pronoun_speaker():
    body = "Bill Clinton and Hillary Clinton came. “Yes,” he said."
    gold = {"source": [(body.index("he said"), body.index("he said") + 2)], "mentions": [],
            "pronoun": True, "referent": "person/hillary-clinton",
            "annotated": {"referent": "Bill Clinton", "named": True}}
    people = [(0, 12, "person/bill-clinton", "Bill Clinton"),
              (17, 32, "person/hillary-clinton", "Hillary Clinton")]
    quote = {"start": body.index("Yes"), "end": body.index("Yes") + 3}
    assert speaker_right({**quote, "speaker": "Bill Clinton",
                          "speaker_entity_id": "person/bill-clinton"}, gold, body, people)
    assert not speaker_right({**quote, "speaker": "Hillary Clinton",
                              "speaker_entity_id": "person/hillary-clinton"}, gold, body, people)
    assert speaker_right({**quote, "speaker": "he", "speaker_entity_id": None}, gold, body,
                         people)  # rule (b): the Source itself


def test_a_misparsed_second_subject_and_a_participle_far_from_its_verb(nlp):
    # "New Hampshire" is parsed as a second subject of "went"; "asserting" hangs three verbs
    # below "went"
    rows = quotes("Speaking at a town hall event in Salem, New Hampshire, Trump went after Bush, "
                  "calling him “a total stiff.”", nlp)
    assert [q["speaker"] for q in rows] == ["Trump"]
    rows = quotes("Tom Baker went after Lopez on Wednesday over his refusal thus far to release "
                  "his taxes, calling it “disqualifying” and asserting that the only explanation "
                  "must be “a bombshell of unusual size.”", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Baker"] * 2


def test_a_speech_verb_wanted_or_going_on_is_no_cue_and_a_subjectless_one_no_answer(nlp):
    # "continue to be" and "to counter" speak of no words; "said" with its subject lost to
    # the apposition leaves the speaker to the clause before the colon
    rows = quotes("Sam Reyes said he is certain Lopez will continue to be “a champion for "
                  "working families.”", nlp)
    assert [q["speaker"] for q in rows] == ["Sam Reyes"]
    rows = quotes("Senator Tom Baker says the voters want a leader to counter threats from "
                  "abroad, but instead Lopez is giving them “lectures and distractions.”", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Baker"]
    rows = quotes("In a statement to the Observer, her senior adviser, Jake Sullivan, said: “We "
                  "believe that cooperation is essential.”", nlp)
    assert [q["speaker"] for q in rows] == ["Jake Sullivan"]


def test_speech_reported_within_speech_is_the_reporters_unless_a_person_speaks(nlp):
    rows = quotes("A source familiar with the inquiry said the parts of the network that were "
                  "hacked suggested the intruders were seeking “economic intelligence.”", nlp)
    assert [q["speaker"] for q in rows] == ["A source"]
    # a participle of speech after the reported clause goes with the verb that reports it
    rows = quotes("Maria Lopez said the process could be “messy,” adding, “Democracy is "
                  "messy.”", nlp)
    assert [q["speaker"] for q in rows] == ["Maria Lopez"] * 2
    rows = quotes("Tom Baker argued that a database would keep people from coming in illegally, "
                  "saying it is “all about management.”", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Baker"]
    rows = quotes("Cruz said last week that Lopez represents “big city values,” stating during "
                  "the debate that they are “far from the heartland.”", nlp)
    assert [q["speaker"] for q in rows] == ["Cruz"] * 2


def test_a_subject_the_parse_hung_elsewhere_is_found(nlp):
    # a name tagged as a noun after a question; "Will" read as a modal before a past tense;
    # an apposition of the names before it taken for the subject of "stated"
    rows = quotes("“Would it be negotiable about the eleven million?” Hannity pressed. “Maybe let "
                  "some people stay if they register.”", nlp)
    assert [q["speaker"] for q in rows] == ["Hannity"] * 2
    rows = quotes("“This might, and should, hasten the eclipse of Carly Fiorina and Ben Carson,” "
                  "Will wrote.", nlp)
    assert [q["speaker"] for q in rows] == ["Will"]
    rows = quotes("In an interview with hosts Joe Scarborough and Mika Brzezinski, the Democratic "
                  "presidential candidate stated that Trump’s comments do not “fit with what I "
                  "thought I knew about him.”", nlp)
    assert [q["speaker"] for q in rows] == ["the Democratic presidential candidate"]


def test_the_clause_before_a_colon_and_the_paragraph_before_bring_in_a_quote(nlp):
    # the clause ending in the colon, not the speech verb under it ("suggested")
    rows = quotes("When Lopez suggested that the city would sue the state, Baker fired back "
                  "forcefully: “If they sue us in a court in Miami, they are going to lose.”", nlp)
    assert [q["speaker"] for q in rows] == ["Baker"]
    # "he" right after the first half is the one named before the colon, for both halves
    rows = quotes("“In breaking news,” Axelrod tweeted last January, “Clinton wins full-throated "
                  "endorsement from her press secretary,” after Clinton spokesman Brian Fallon "
                  "expressed his general support for his boss online.\n\nFallon fired back: “As "
                  "a guardian of the @POTUS legacy,” he wrote, “we know you are rooting for "
                  "@HillaryClinton, too. You just prefer to say it privately.”", nlp)
    assert [q["speaker"] for q in rows][2:] == ["Fallon"] * 2
    # a report of the email, not a nested source
    rows = quotes("“It became apparent to me during the talks,” Ash wrote in the email, which was "
                  "first reported by The Associated Press.", nlp)
    assert [q["speaker"] for q in rows] == ["Ash"]
    # speech right after a paragraph of reported speech is that speaker's
    rows = quotes("“We have concerns about the competition,” Malaysian Defence Minister "
                  "Hishammuddin Hussein said.\n\nCarter said that for decades some critics had "
                  "been predicting a withdrawal from the region, but this would not happen.\n\n"
                  "“That’s because this region is home to nearly half the world’s people.”", nlp)
    assert [q["speaker"] for q in rows] == ["Hishammuddin Hussein", "Carter"]


def test_a_subject_lost_to_a_relative_clause_or_a_participle_hung_in_a_quote(nlp):
    # the parse makes the speaker the subject of "sits" or an apposition, leaving "said" none
    rows = quotes("Sanders, meanwhile, who sits at zero such endorsements, said that fact speaks "
                  "volumes about which of the two Democratic presidential candidates is \"prepared "
                  "to take on the establishment.\"", nlp)
    assert [q["speaker"] for q in rows] == ["Sanders"]
    rows = quotes("Although there is no such overlap with Sanders's team, a White House official "
                  "who spoke anonymously to discuss internal strategy said Wednesday, \"Certainly "
                  "there are discussions between the White House and the campaign.\"", nlp)
    assert [q["speaker"] for q in rows] == ["a White House official"]
    # "telling" hung under a verb of the quote; "admitting" coordinated under a preposition
    rows = quotes("Clinton seemed to be ready to riff on the incident in Iowa, telling the crowd, "
                  "“Some people get a little carried away, have you noticed that?”", nlp)
    assert [q["speaker"] for q in rows] == ["Clinton"]
    rows = quotes("Sanders himself, who wasn’t present at the rally, has toned down his criticism "
                  "of Hillary Clinton, shifting his focus to defeating Donald Trump and admitting "
                  "that his “political revolution” will almost certainly end without him.", nlp)
    assert [q["speaker"] for q in rows] == ["Sanders"]


def test_phrasal_verbs_of_saying(nlp):
    rows = quotes("After Jerry Brown criticized her husband during a debate, Hillary shot back, “I "
                  "suppose I could have chosen to bake cookies and have teas.”", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Hillary", "shoot back")]
    rows = quotes("Clinton praised Garland. As The Post's Dana Milbank puts it, \"Senate "
                  "Republicans are unmoved, and liberal activists are unexcited.\"", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Dana Milbank", "put it")]
    rows = quotes("But as The Hill pointed out, “Still, Trump has so far declined to release any "
                  "tax returns.”", nlp)
    assert [q["cue"] for q in rows] == ["point out"]


def test_no_date_bracket_or_quoted_title_speaks_and_a_name_before_its_verb_does(nlp):
    # "Saturday" is parsed as the subject and the name as an apposition, "MA" nearer still
    rows = quotes("Saturday at the Massachusetts Democratic state’s party convention Sen. "
                  "Elizabeth Warren (D-MA) said presumptive Republican presidential nominee "
                  "Donald Trump was a “proven failure” in business.", nlp)
    assert [q["speaker"] for q in rows] == ["Elizabeth Warren"]
    # "Beck" is parsed as a compound of "joked", which hangs under "shouted"
    rows = quotes("When someone in the audience shouted, “Cruz,” Beck joked, again using an "
                  "exaggerated Southern accent, “Amen, brother! Come on up and get baptized!”",
                  nlp)
    assert rows[-1]["speaker"] == "Beck"


def test_a_given_name_tells_a_persons_gender(nlp):
    # "Bernie" is a man's name: "she" is the other person, whose name tells nothing
    rows = quotes("Bernie Sanders spoke in Iowa on Monday while Marty Walz watched from the front "
                  "row.\n\n“They are trying to defeat opportunity for kids,” she said.", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/marty-walz"]
    from tasks.extract.lexicon import given_names
    MALE, FEMALE = given_names("m"), given_names("f")
    assert not MALE & FEMALE and {"sam", "dana", "kelly", "lee"}.isdisjoint(MALE | FEMALE)


def test_a_first_and_last_name_tagged_as_an_organisation_is_a_person_for_she(nlp):
    # the tagger takes "Carly Fiorina" for an organisation; her given name makes her a woman
    rows = quotes("Carly Fiorina made a surprise appearance at the rally in Miami on Wednesday, "
                  "where Ted Cruz spoke.\n\n“Ted Cruz has stood up and fought for our right to "
                  "bear arms,” she said.", nlp)
    assert [q["speaker"] for q in rows] == ["Carly Fiorina"]


def test_a_name_the_tagger_missed_still_speaks(nlp):
    # "Hannity" is tagged a noun and looks like an abstract one (-ity); "remarking" hangs under
    # the clause of time, not under "said"; "Skelly" is tagged an adverb
    rows = quotes("\"Marco Rubio won tonight and I was very glad to see that. I think we need him "
                  "back in the Senate,\" Hannity said during a panel on his show after the "
                  "first-term senator easily won his Senate primary, remarking that while there "
                  "are \"still some conservatives angry over comprehensive immigration reform,\" "
                  "Rubio already \"paid a very heavy political price.\"", nlp)
    assert [q["speaker"] for q in rows] == ["Hannity"] * 3
    rows = quotes("“Having access to the RNC file and two people who understand it is valuable,” "
                  "said Skelly, explaining he worked more closely with Chrabaszcz.", nlp)
    assert [q["speaker"] for q in rows] == ["Skelly"]


def test_the_sentence_after_a_quote_can_give_its_speaker(nlp):
    rows = quotes("“The plan is a disaster for working families and we will fight it.” That was "
                  "how Senator Tom Baker put it on Monday.", nlp)
    assert [(q["speaker"], q["cue"]) for q in rows] == [("Tom Baker", "put it")]
    rows = quotes("“The plan is a disaster for working families and we will fight it.” So said "
                  "Senator Tom Baker on Monday.", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Baker"]


def test_a_transcript_or_a_name_alone_before_a_colon_is_the_source(nlp):
    rows = quotes("Kasich spoke in Cleveland on Tuesday night after winning the primary.\n\n"
                  "Transcript as follows:\n\n\"Tonight we arrived in Cleveland, and we went to a "
                  "rally.\n\n\"We're now up 400,000 plus jobs. We're running a surplus.\"", nlp)
    assert [q["speaker"] for q in rows] == ["Transcript"] * 2
    rows = quotes("There was a lot shifting on the ground in Iowa.\n\nPollsters agree - Carl "
                  "Bialik: “One of the biggest lessons was a simple one: keep polling until the "
                  "end.”", nlp)
    assert [q["speaker"] for q in rows] == ["Carl Bialik"]
    # not a name that is the object of the verb before the colon
    rows = quotes("Donald Trump told Fox News: “I will win this state by a lot.”", nlp)
    assert [q["speaker"] for q in rows] == ["Donald Trump"]


def test_the_named_reporter_of_a_clause_with_he_is_the_source(nlp):
    rows = quotes("“I wonder how the men and women serving in Texas enjoy that,” McCain said. The "
                  "longtime senator said he rarely asks surrogates to stump for him, “except for "
                  "people I’m very close to.”", nlp)
    assert [q["speaker"] for q in rows] == ["McCain", "The longtime senator"]
    assert rows[1]["speaker_entity_id"] == rows[0]["speaker_entity_id"]


def test_curly_marks_inside_a_straight_quote_are_a_quote_within_it(nlp):
    text = ("Governor Ann Lee stated:\n\n\"The agency is not about “fair play” anymore. It "
            "has become a machine for punishing the states.\n\n\"“We will win,” Lee said.")
    rows = quotes(text, nlp)
    assert [(q["text"][:20], q["speaker"]) for q in rows] == [
        ("The agency is not ab", "Ann Lee"), ("We will win", "Lee")]


def test_who_a_passive_or_a_document_is_by_speaks(nlp):
    rows = quotes("The new tax plan has been called “a recipe for disaster” by Senator Tom Reed.",
                  nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [("a recipe for disaster", "Tom Reed")]
    rows = quotes("“There is not enough evidence to charge anyone with a crime here,” according "
                  "to a court filing by prosecutor Dave Lamb.", nlp)
    assert [q["speaker"] for q in rows] == ["Dave Lamb"]


def test_a_quote_a_verb_before_it_frames_is_not_given_by_a_later_verb(nlp):
    rows = quotes("The debate turned when Mayor Tom Hale called the new tax “a disgrace” (though "
                  "he allowed some parts were fine) and Senator Ann Lee promised to fight it.",
                  nlp)
    assert [(q["text"], q["speaker"]) for q in rows] == [("a disgrace", "Tom Hale")]


def test_the_owner_of_words_that_speak_is_the_speaker(nlp):
    rows = quotes("Senator Ann Lee ran against Tom Hale in 2010. Lee’s slogan in that race was "
                  "that Hale “would say anything to win an election.”", nlp)
    assert [q["speaker"] for q in rows] == ["Lee"]
    rows = quotes("Hale’s attacks called the new budget “a betrayal of every working family.”",
                  nlp)
    assert [q["speaker"] for q in rows] == ["Hale"]


def test_the_former_pollster_is_the_person_the_story_is_about(nlp):
    rows = quotes("Doug Schoen spoke on Fox News on Monday. “A win in California would change "
                  "everything for the party,” the former pollster said.", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/doug-schoen"]


def test_a_quote_after_a_dash_belongs_to_the_clause_before_it(nlp):
    rows = quotes("Senator Ann Lee also defended the new border fence -- “I think it works better "
                  "than anything we tried before.”", nlp)
    assert [q["speaker"] for q in rows] == ["Ann Lee"]


def test_a_surname_tagged_as_an_organisation_stands_for_the_person(nlp):
    from tasks.extract.entities import Entities, Mention
    from tasks.extract.speakers import Speakers

    rows = [{"entity_id": "person/donald-trump", "name": "Donald Trump", "label": "PERSON",
             "mention_count": 3},
            {"entity_id": "person/ivanka-trump", "name": "Ivanka Trump", "label": "PERSON",
             "mention_count": 1},
            {"entity_id": "person/trump-v-trump", "name": "Trump v. Trump", "label": "PERSON",
             "mention_count": 5},
            {"entity_id": "org/trump", "name": "Trump", "label": "ORG", "mention_count": 9}]
    ents = Entities([], {}, {r["entity_id"]: r["label"] for r in rows}, rows)
    ctx = Speakers(nlp("Trump spoke."), ents, [])
    ctx.genders = {"person/donald-trump": "m", "person/ivanka-trump": "f"}
    trump = Mention(0, 5, "Trump", "ORG", 0, range(0, 1), "org/trump")
    assert ctx.as_person(trump, "m").entity_id == "person/donald-trump"
    assert ctx.as_person(trump, "f").entity_id == "org/trump"  # "she" is not Donald Trump
    white_house = Mention(0, 11, "White House", "ORG", 0, range(0, 2), "org/white-house")
    assert ctx.as_person(white_house, "m") is white_house


def test_a_title_with_a_name_in_apposition_is_that_person(nlp):
    rows = quotes("The campaign’s senior policy adviser, Maria Lopez, said the plan was “a "
                  "serious step toward universal child care.”", nlp)
    assert [(q["speaker"], q["speaker_entity_id"]) for q in rows] == [
        ("Maria Lopez", "person/maria-lopez")]


def test_a_person_up_the_clause_speaks_rather_than_a_thing(nlp):
    rows = quotes("In the depths of the recession, Senator Tom Reed worried that the welfare "
                  "program was becoming “a hammock that lulls people into dependency.”", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Reed"]


def test_more_given_names_tell_gender(nlp):
    rows = quotes("Barack Obama met Kamala Harris in New York on Monday. “We were never "
                  "told about any of the new rules at all,” she said.", nlp)
    assert [q["speaker_entity_id"] for q in rows] == ["person/kamala-harris"]


def test_a_straight_quote_within_a_straight_quote(nlp):
    rows = quotes('"We checked every store in town," Mayor Tom Hale said. "So if somebody walks '
                  'in and says, "I want ten thousand rounds," you know, you might ask why."', nlp)
    assert [q["text"][:12] for q in rows] == ["We checked e", "So if somebo"]
    assert [q["speaker"] for q in rows] == ["Tom Hale", "Tom Hale"]


def test_with_no_verb_for_a_quote_the_person_its_sentence_is_about_speaks(nlp):
    rows = quotes("Senator Tom Reed of Ohio, at the hearing, “I have not heard anyone other than "
                  "you ever cite that figure in public.”", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Reed"]


def test_a_person_noun_subject_of_the_sentence_before_gives_a_quote(nlp):
    rows = quotes("The Christian leader later related that the idea came to him at night. “I "
                  "sensed that I had to read the old book again before deciding.”", nlp)
    assert [q["speaker"] for q in rows] == ["The Christian leader"]


def test_with_no_verb_for_a_quote_he_or_she_its_sentence_is_about_speaks(nlp):
    rows = quotes("Senator Ann Lee spoke in Ohio. She has proposed appointing a “chief trade "
                  "prosecutor” who reports directly to the president, and called for tripling "
                  "“the number of trade enforcement officers and build new systems.”", nlp)
    assert [(q["text"][:14], q["speaker"]) for q in rows] == [("the number of ", "Ann Lee")]


def test_a_quote_with_no_verb_after_a_sentence_of_reported_speech(nlp):
    rows = quotes("Like many voters, Maria Lopez said she was angry about the early call. Doing so "
                  "“appeared to be an attempt at poisoning the election.”", nlp)
    assert [q["speaker"] for q in rows] == ["Maria Lopez"]


def test_a_thing_sent_out_by_someone_speaks_for_them(nlp):
    rows = quotes("A fundraising email sent out by Senator Tom Reed on Tuesday warned of the fight "
                  "ahead: “There are fourteen primaries over the next three weeks.”", nlp)
    assert [q["speaker"] for q in rows] == ["Tom Reed"]


def test_score_polnear_end_to_end_on_a_tiny_split(tmp_path: Path):
    from evaluation.quotes import score_polnear

    text = "Alice Smith spoke in Ohio.\n\nAlice Smith said, “We will win this race in the fall.”\n"
    (tmp_path / "train" / "text").mkdir(parents=True)
    (tmp_path / "train" / "attributions").mkdir()
    (tmp_path / "train" / "text" / "a.txt").write_text(text, encoding="utf-8")
    src, content = text.index("Alice Smith said"), text.index("“")
    cue = text.index("said")
    ann = (f"T1\tSource {src} {src + 11}\tAlice Smith\nT2\tCue {cue} {cue + 4}\tsaid\n"
           f"T3\tContent {content} {len(text) - 1}\t{text[content:-1]}\n"
           f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
           "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n")
    (tmp_path / "train" / "attributions" / "a_x.ann").write_text(ann, encoding="utf-8")
    result = score_polnear(str(tmp_path), "train")
    assert result["quotes"]["f1"] == 1.0 and result["speaker_accuracy"] == 1.0
    assert result["seconds"]["quotes"] > 0  # each registered extractor is timed
