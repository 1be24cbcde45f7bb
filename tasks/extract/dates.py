"""Temporal expressions, resolved against the article's publication date when relative."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta, weekday
from spacy.tokens import Doc, Span, Token

from tasks.extract import lexicon
from tasks.extract.extractor import Extractor, ParsedArticle
from tasks.extract.syntax import children

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# "7 October", "October 7", "October 7, 2023", "July 2024", "October"
_ABSOLUTE = re.compile(rf"(?:{_DAY} (?:of )?{_MONTH}|{_MONTH}(?: {_DAY})?)(?:,? (\d{{4}}))?")
_NUMERIC = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}")
_RELATIVE = re.compile(r"(last|this|next|past|coming|previous) (week|month|year)")
_AGO = re.compile(r"(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten) "
                  r"(day|week|month|year)s? ago")
_WEEKDAY = re.compile(rf"(?:(last|this|next|coming|past) )?({'|'.join(_WEEKDAYS)})"
                      r"(?: (?:morning|afternoon|evening|night))?")
_SHIFT = {"yesterday": -1, "last night": -1, "today": 0, "tonight": 0, "this morning": 0,
          "this afternoon": 0, "this evening": 0, "tomorrow": 1}
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10}
_FUTURE_AUX = {"will", "would", "'ll", "shall", "wo"}
_FUTURE_VERBS = {"schedule", "expect", "plan", "set", "due", "intend", "go", "slate"}
# Words around a date that do not change which date it is ("the end of June", "as early as
# Thursday", "September 20 or so"); the expression resolves as the date itself.
_PREFIX = re.compile(r"^(?:(?:the|on|in|by|since|until|before|after|just|as early as|as late as"
                     r"|(?:the )?(?:end|beginning|start|middle|first half|second half) of"
                     r"|earlier|later|early|late|mid)[- ])+")
_SUFFIX = re.compile(r"(?:,? or so|'s)$")
_LAST_MONTH = re.compile(rf"(last|this|next|past|coming) {_MONTH}")
# A decade: "the 1990s", "the early 1990's", "the '90s", "the mid-80s" (the modifiers are gone
# by the time it is matched: _PREFIX).
_DECADE = re.compile(r"(?:(\d\d)|['‘’]?)(\d)0['‘’]?s")
# A span of years: "2001-2005", "2010–11", "from 2001 to 2005", "between 2010 and 2015".
_SPAN = re.compile(r"(?:from |between )?(\d{4}) ?(?:-|–|—|to|through|and) ?(\d{4}|\d\d)")
# Beyond these a bare four-digit number is a year only with a preposition of time before it
# ("in 1776", "by 2050"); far beyond, never ("Curve 8900").
_OLDEST, _AHEAD, _NEVER_AHEAD = 1800, 10, 100
_UNDATED_NOW = 2030  # the article's year, for one without a publication date
_TIME_PREPOSITIONS = lexicon.words("date_words", "time_preposition")
_NOT_YEAR_BEFORE = lexicon.words("date_words", "before_no_year")
_NOT_YEAR_AFTER = lexicon.words("date_words", "after_no_year")
_COUNTED = lexicon.words("people_nouns", "count")  # "1500 people"


def _past(verb: Token) -> bool:
    return verb.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD"
                                     for c in children(verb))


def _is_future(span: Span) -> bool:
    """Whether the clause governing the expression speaks of the future ("will meet on Monday")."""
    tok = span.root
    if tok.dep_ == "poss":  # "Friday's shooting": an event that happened
        return False
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX"):
            auxes = [c for c in children(tok) if c.dep_ in ("aux", "auxpass")]
            if any(c.lower_ in _FUTURE_AUX for c in auxes):
                return True
            if tok.lemma_.lower() in _FUTURE_VERBS:
                # "was scheduled for March 31" is past; so is "the runoff, scheduled for
                # March 31, was delayed", while "a vote slated for Wednesday" is to come
                main = tok
                if not auxes and tok.tag_ == "VBN":
                    main = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), tok)
                return not _past(main)
            if tok.dep_ not in ("xcomp", "ccomp"):
                return False
        if tok.head is tok:
            break
        tok = tok.head
    return False


def _weekday(pub: date, day: int, modifier: str | None, future: bool) -> date:
    if modifier in ("next", "coming") or (modifier is None and future and day != pub.weekday()):
        return pub + relativedelta(days=1, weekday=weekday(day))
    if modifier in ("last", "past"):
        return pub + relativedelta(days=-1, weekday=weekday(day)(-1))
    # A bare weekday in past/present tense: the most recent one, the publication day included.
    return pub + relativedelta(weekday=weekday(day)(-1))


def _absolute(match: re.Match, pub: date | None,
              future: bool = False) -> tuple[date | None, str]:
    day = match.group(1) or match.group(4)
    month = _MONTHS[(match.group(2) or match.group(3)).lower()]
    year = match.group(5)
    granularity = "day" if day else "month"
    if year is None and pub is None:
        return None, granularity
    try:
        resolved = date(int(year or pub.year), month, int(day or 1))
    except ValueError:
        return None, "unknown"
    if year is None and future and resolved < pub.replace(day=1):
        resolved = resolved.replace(year=resolved.year + 1)  # "will meet in January"
    elif year is None and not future and resolved > pub:
        resolved = resolved.replace(year=resolved.year - 1)  # "7 October": the latest so far
    return resolved, granularity


def _named_month(pub: date, month: int, modifier: str) -> date:
    """ "last December": the latest December before this month; "next June" the first after."""
    year = pub.year
    if modifier in ("last", "past") and month >= pub.month:
        year -= 1
    elif modifier in ("next", "coming") and month <= pub.month:
        year += 1
    return date(year, month, 1)


def resolve(text: str, pub: date | None, future: bool = False) -> tuple[date | None, str]:
    """(resolved_date, granularity) for one expression; relative ones need `pub`. One that
    names no calendar date ("Feb. 29" of a common year, "6000 years ago") stays unresolved."""
    try:
        return _resolve(text, pub, future)
    except (ValueError, OverflowError):
        return None, "unknown"


def _resolve(text: str, pub: date | None, future: bool) -> tuple[date | None, str]:
    t = _PREFIX.sub("", " ".join(text.lower().split()))
    if (m := _DECADE.fullmatch(t)) and (m[1] or re.match(r"the |['‘’]", text.lower())):
        # a two-digit decade is "the '90s", "the 60s": "his early 30s" is an age
        return date(_decade(m, pub), 1, 1), "decade"  # before _SUFFIX: "1990's" is no 1990
    t = _SUFFIX.sub("", t)
    if (m := _SPAN.fullmatch(t)) and (first := _span_start(m)) is not None:
        return date(first, 1, 1), "span"
    if t in ("week", "month", "year"):  # "by the end of the year"
        t = "this " + t
    if m := _ABSOLUTE.fullmatch(t):
        return _absolute(m, pub, future)
    if (m := _ABSOLUTE.search(t)) and m.end() == len(t) and m.start() and (m[1] or m[4]):
        return _absolute(m, pub, future)  # "the months preceding Sept. 11"
    if (m := _LAST_MONTH.fullmatch(t)) and pub is not None:
        return _named_month(pub, _MONTHS[m.group(2)], m.group(1)), "month"
    if _NUMERIC.fullmatch(t):
        return dateutil_parser.parse(t).date(), "day"
    if re.fullmatch(r"\d{4}", t):
        return date(int(t), 1, 1), "year"
    granularity = "unknown"
    if t in _SHIFT or _WEEKDAY.fullmatch(t):
        granularity = "day"
    elif m := _RELATIVE.fullmatch(t) or _AGO.fullmatch(t):
        granularity = m.group(2)
    if pub is None or granularity == "unknown":
        return None, granularity
    if t in _SHIFT:
        return pub + timedelta(days=_SHIFT[t]), "day"
    if m := _WEEKDAY.fullmatch(t):
        return _weekday(pub, _WEEKDAYS[m.group(2)], m.group(1), future), "day"
    if m := _AGO.fullmatch(t):
        back = int(m.group(1)) if m.group(1).isdigit() else _SMALL[m.group(1)]
        resolved = pub - relativedelta(**{granularity + "s": back})
    else:  # "last week", "this month", "next year"
        modifier = _RELATIVE.fullmatch(t).group(1)
        step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(modifier, 0)
        resolved = pub + relativedelta(**{granularity + "s": step})
    if granularity == "week":
        return resolved - timedelta(days=resolved.weekday()), "week"
    if granularity == "month":
        return resolved.replace(day=1), "month"
    return resolved.replace(month=1, day=1) if granularity == "year" else resolved, granularity


def _decade(m: re.Match, pub: date | None) -> int:
    """The decade's first year; a two-digit decade ("the '90s") is the latest not after the
    publication year."""
    if m.group(1):
        return int(m.group(1) + m.group(2) + "0")
    now = pub.year if pub else _UNDATED_NOW
    year = now // 100 * 100 + int(m.group(2)) * 10
    return year - 100 if year > now else year


def _span_start(m: re.Match) -> int | None:
    """The first year of "2001-2005" or "2010-11", when the second follows the first."""
    first, last = int(m.group(1)), m.group(2)
    end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return first if first < end <= first + 100 else None


def _decade_s(span: Span) -> bool:
    """ "the (early) 1990's": the "'s" of a decade, no possessive ("2010's budget")."""
    number = span[-2] if len(span) > 1 else None
    return (number is not None and span[-1].lower_ == "'s" and not number.whitespace_
            and re.fullmatch(r"\d{3}0", number.text) is not None and span[0].lower_ == "the")


def is_not_a_year(span: Span, published: date | None) -> bool:
    """A lone four-digit number that is a model number, a price, a count or a year far from
    the article's time without a preposition of time before it ("Curve 8900", "$1500",
    "1500 people", "2050 homes"; but "in 1776", "by 2050")."""
    core = [t for t in span if t.lower_ not in ("the", "year", "early", "late", "mid", "-")]
    if len(core) != 1 or not re.fullmatch(r"\d{4}", core[0].text):
        return False
    tok, doc = core[0], span.doc
    before = doc[tok.i - 1] if tok.i > 0 else None
    after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if before is not None and (before.lower_ in _NOT_YEAR_BEFORE or (
            before.pos_ == "PROPN" and before.lower_ not in _MONTHS and before.is_title
            and before.whitespace_ != "" and before.ent_type_ not in ("DATE", "EVENT"))):
        return True  # "Curve 8900", "$ 1500" (a name right before: a model or a label)
    if after is not None and after.lower_ in _NOT_YEAR_AFTER:
        return True
    if tok.dep_ == "nummod" and tok.head.tag_ in ("NNS", "NNPS") and tok.head.i > tok.i and (
            tok.head.lemma_.lower() in _COUNTED):
        return True  # "1500 people"
    year, now = int(tok.text), published.year if published else _UNDATED_NOW
    evidence = before is not None and before.lower_ in _TIME_PREPOSITIONS
    return year > now + _NEVER_AHEAD or (
        (year < _OLDEST or year > now + _AHEAD) and not evidence)


def _split(span: Span) -> list[Span]:
    """spaCy glues lists into one DATE ("Sunday, days"); split at commas not before a year/day."""
    pieces, begin = [], span.start
    for tok in span:
        if tok.text == "," and tok.i + 1 < span.end and not span.doc[tok.i + 1].like_num:
            pieces.append(span.doc[begin:tok.i])
            begin = tok.i + 1
    return [p for p in [*pieces, span.doc[begin:span.end]] if len(p)]


# spaCy DATE/TIME spans that never name a date: ages, bare counts, rates, clock durations.
_NOT_A_DATE = re.compile(r".*\d+-year-old|\d{1,3}|.*-era|(?:hourly|daily|weekly|monthly|yearly"
                         r"|annual|annually)|.*\b(?:\d+|a few|several) (?:minutes|hours|seconds)",
                         re.IGNORECASE)


def extract_dates(doc: Doc, article_id: str, published: date | None) -> list[dict]:
    spans = [p for e in doc.ents if e.label_ in ("DATE", "TIME") for p in _split(e)
             if not _NOT_A_DATE.fullmatch(p.text)]
    # Weekday names spaCy did not tag ("Blinken arrived Sunday" is often missed).
    spans += [doc[t.i:t.i + 1] for t in doc if t.lower_ in _WEEKDAYS and not t.ent_type_]
    rows = []
    for span in sorted(spans, key=lambda s: s.start):
        while len(span) > 1 and (span[-1].is_punct or span[-1].tag_ == "POS") and not (
                _decade_s(span)):
            span = span[:-1]
        if is_not_a_year(span, published):
            continue
        resolved, granularity = resolve(span.text, published, _is_future(span))
        rows.append({"article_id": article_id, "text": span.text, "start": span.start_char,
                     "end": span.end_char, "resolved_date": resolved,
                     "granularity": granularity})
    return rows


def _date_rows(article: ParsedArticle) -> list[dict]:
    return extract_dates(article.doc, article.article_id, article.published_date)


EXTRACTORS = (Extractor("dates", _date_rows),)
