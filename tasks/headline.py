"""Headlines: what reads as one, and a story's headline chosen from its articles.

A headline is a short line of words: not a time stamp ("20:09 IST", "Oct. 12, 2016 8:09 PM
ET"), not the outlet's name ("Reuters", "breitbart.com"), not empty. Cleaning uses this to
decide whether an article's first line is its headline; clustering uses it to title a story
with the best headline of its articles, or else with a lead sentence cut at a word boundary.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter

from tasks.sourcing import dateline, is_outlet_name

HEADLINE_MAX_WORDS = 25
HEADLINE_MAX_CHARS = 200
LEAD_MAX_CHARS = 150  # a lead sentence used as a story title is cut at a word boundary here


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Time zones, matched as written (upper case), so that an acronym headline ("ISIS 2016") is
# not taken for a time stamp.
_ZONES = _words("""
UTC GMT Z IST BST CET CEST EET EEST WET WEST MSK EST EDT CST CDT MST MDT PST PDT AKST AKDT
HST ET CT MT PT AEST AEDT ACST AWST NZST NZDT JST KST HKT SGT PHT WIB PKT SAST WAT EAT
""")
_MONTHS = _words("""
jan january feb february mar march apr april may jun june jul july aug august sep sept
september oct october nov november dec december
""")
_CLOCK_OR_DATE = re.compile(r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"  # 20:09, 8.09
                            r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:T.*)?")  # 2016-10-12, 12/10/16
# Words a time stamp is made of besides numbers: months, weekdays, am/pm, and the labels
# scrapers put before them. Matched lower-cased, without a final dot.
_STAMP_WORDS = _MONTHS | _words("""
mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun
sunday am pm a.m p.m st nd rd th updated published posted last modified on at
""")
_TOKEN = re.compile(r"[A-Za-z]+(?:\.[A-Za-z])*\.?|\d+(?:[:./T-]\d+)*|\S")  # 2016-10-12T08:09
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9]|\s*$)")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
# Words whose dot is an abbreviation's, not a sentence's end.
_ABBREVIATIONS = _words("""
mr mrs ms dr sen rep gov gen lt col sgt capt cmdr adm st jr sr prof rev inc corp co ltd no vs
jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd dept est
""")


def is_timestamp(text: str) -> bool:
    """Only a date and/or a time of day: numbers, month and weekday names, am/pm, time zones
    and labels such as "Updated", with a clock time ("20:09"), a numeric date ("2016-10-12",
    "12/10/2016") or a month named beside a number. A bare number is not enough: "Saturday,
    1500 GMT" above a sports preview is its kick-off, not the page's time stamp."""
    has_number = has_month = has_clock = False
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            has_number = True
            has_clock = has_clock or bool(_CLOCK_OR_DATE.fullmatch(token))
        elif token[0].isalpha():
            word = token.lower().rstrip(".")
            if word not in _STAMP_WORDS and token not in _ZONES:
                return False
            has_month = has_month or word in _MONTHS
        elif token.isalnum():  # a letter or digit of another script: words, not a stamp
            return False
    return has_clock or (has_month and has_number)


def is_headline_text(text: str | None, outlet: str | None = None) -> bool:
    """Reads as a headline: two to HEADLINE_MAX_WORDS words with letters in them, not a time
    stamp, not an outlet's name or a bare domain (`outlet`: the article's own outlet)."""
    if not text:
        return False
    words = text.split()
    if not (2 <= len(words) <= HEADLINE_MAX_WORDS and len(text) <= HEADLINE_MAX_CHARS):
        return False
    if sum(c.isalpha() for c in text) < 4 or is_timestamp(text):
        return False
    return not (is_outlet_name(text) or (outlet is not None and _key(text) == _key(outlet)))


def lead_sentence(body: str | None, max_chars: int = LEAD_MAX_CHARS) -> str | None:
    """The first sentence of the first paragraph that has words (a leading dateline and time
    stamps skipped), cut at the last word boundary before `max_chars` with an ellipsis."""
    for paragraph in (body or "").split("\n\n"):
        paragraph = " ".join(paragraph.split())
        if (written := dateline(paragraph)) is not None:
            paragraph = paragraph[written.end:].strip()
        if is_timestamp(paragraph) or sum(c.isalpha() for c in paragraph) < 4:
            continue
        sentence = _first_sentence(paragraph)
        if len(sentence) > max_chars:
            cut = sentence[:max_chars + 1].rsplit(None, 1)[0] if " " in sentence[:max_chars] \
                else sentence[:max_chars]
            sentence = cut.rstrip(" ,;:-–—") + "…"
        return sentence
    return None


def _first_sentence(paragraph: str) -> str:
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[:match.start()].rsplit(None, 1)
        word = before[-1].lstrip("\"“‘'([") if before else ""
        if match.group()[0] == "." and (word.lower() in _ABBREVIATIONS
                                        or _INITIALS.fullmatch(word)):
            continue  # "U.S." or "Mr.": the sentence goes on
        return paragraph[:match.end()]
    return paragraph


def story_headline(members: list[dict]) -> str | None:
    """A story's title: of its articles' titles that read as headlines, the one most of them
    carry (copies and syndicated versions vote), then the earliest published, then the
    smallest article id; with none, the lead sentence of the earliest article."""
    far = dt.date.max
    order = sorted(members, key=lambda a: (a.get("published_date") or far, a["article_id"]))
    titled = [(a, title) for a in order
              if is_headline_text(title := " ".join((a.get("title") or "").split()),
                                  a.get("source_name"))]
    if titled:
        votes = Counter(_key(title) for _, title in titled)
        return max(titled, key=lambda at: votes[_key(at[1])])[1]  # max keeps the first best
    for article in order:
        if lead := lead_sentence(article.get("body")):
            return lead
    return None


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w.]+", " ", folded).split())
