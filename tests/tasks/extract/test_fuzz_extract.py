"""Fuzzing the extractors: generated text that stresses them, through the real model.

Each extractor is called directly (extract_entities, extract_quotes, extract_facts,
extract_dates, then the run-wide person_links/apply_links), beneath the stage driver's
per-article isolation, which must not hide a crash. Properties, on every document:
- no exception;
- bounded time: the extractors' own CPU time (the parse excluded) within a budget that grows
  linearly with the body (a quadratic walk blows through it on the long documents);
- provenance: every row with offsets has body[start:end] == text, and the rows conform to
  the published schema (an int64 count, int32 offsets, no null where none is allowed).

CI size: ~1,200 documents (an example is a batch of up to 8, parsed in one nlp.pipe call)
plus a 1 MB paragraph, in ~35 s on one free core; examples are derandomized, so CI is
reproducible. Nightly size: WIREDESK_FUZZ_EXAMPLES=500 (examples per generated-text test;
the long-document tests take a share of it): random examples, ~12,000 documents in ~5 min,
and the megabyte parsed for real (2.5 min of it) instead of pieced together from one
parse. Run with -s to see the counts and the CPU spent parsing and extracting.
"""

from __future__ import annotations

import gc
import os
import random
import time
import weakref
from collections import Counter, OrderedDict
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from tasks.extract import load_nlp
from tasks.extract.dates import extract_dates
from tasks.extract.entities import extract_entities
from tasks.extract.facts import extract_facts
from tasks.extract.linking import apply_links, person_links
from tasks.extract.quotes import extract_quotes
from tasks.schemas import OFFSET_TABLES, conform

NIGHTLY = int(os.environ.get("WIREDESK_FUZZ_EXAMPLES", "0") or 0)


def fuzz(ci_examples: int, nightly_share: float = 1.0) -> settings:
    """This module's settings (no global profile is loaded, so other tests are untouched):
    no deadline (a first parse loads the model), time is asserted explicitly instead."""
    return settings(max_examples=max(ci_examples, round(NIGHTLY * nightly_share)) if NIGHTLY
                    else ci_examples,
                    deadline=None, derandomize=not NIGHTLY, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])


# --- the model, a parse cache, and the properties -------------------------------------------

@lru_cache(maxsize=1)
def nlp():
    return load_nlp()


_PARSED: OrderedDict[str, Doc] = OrderedDict()  # a bounded parse cache
STATS = Counter()  # documents checked, CPU seconds parsing and extracting (printed at the end)


def parse_all(texts: Sequence[str]) -> list[Doc]:
    """Parses in one nlp.pipe batch (a third cheaper than one call a text), each text once:
    hypothesis replays texts while it shrinks."""
    started = time.process_time()
    new = [t for t in dict.fromkeys(texts) if t not in _PARSED]
    for text, doc in zip(new, nlp().pipe(new), strict=True):
        _PARSED[text] = doc
    docs = [_PARSED[t] for t in texts]
    while len(_PARSED) > 2048:
        _PARSED.popitem(last=False)
    STATS["parse CPU s"] += time.process_time() - started
    return docs


def parse(text: str) -> Doc:
    return parse_all([text])[0]


def budget(body: str) -> float:
    """CPU seconds the extractors may take on a body: a second, plus 10 s a megabyte (on a
    megabyte of figures, quotes and names back to back they take ~5 s)."""
    return 1.0 + len(body) / 100_000


def _extract(doc: Doc, published: date | None) -> tuple[dict[str, list[dict]], float]:
    """Every extractor on one parsed doc, as the stage runs them, and their CPU seconds."""
    body = doc.text
    started = time.process_time()
    ents, mentions = extract_entities(doc, body, "a", {}, {})
    out = {"entities": ents.rows, "mentions": mentions,
           "quotes": extract_quotes(doc, body, "a", ents),
           "facts": extract_facts(doc, body, "a"),
           "dates": extract_dates(doc, "a", published)}
    apply_links(out, person_links(out["entities"], {}))
    return out, time.process_time() - started


def extract_all(doc: Doc, published: date | None = date(2024, 8, 19),
                limit: float | None = None) -> dict[str, list[dict]]:
    """_extract with the properties asserted. The time is held against `limit` CPU seconds
    when given, else against the budget; over it, the extraction is timed once more on a
    fresh copy of the doc (none of the first run's tables), and the faster run counts: a
    slow shape is slow twice, a collection or a page fault once."""
    body = doc.text
    out, spent = _extract(doc, published)
    if spent > (limit or budget(body)):
        spent = min(spent, _extract(doc.copy(), published)[1])
    STATS["documents"] += 1
    STATS["extract CPU s"] += spent
    STATS["characters"] += len(body)
    assert spent <= (limit or budget(body)), f"took {spent:.2f} s CPU on {len(body)} chars"
    for table in OFFSET_TABLES:
        for row in out[table]:
            assert body[row["start"]:row["end"]] == row["text"], (table, row)
    for table, rows in out.items():
        conform(table, rows, run_id="fuzz")  # raises on a value the schema cannot hold
    return out


def check(texts: str | Sequence[str], published: date | None = date(2024, 8, 19)) -> None:
    for doc in parse_all([texts] if isinstance(texts, str) else texts):
        extract_all(doc, published)


@pytest.fixture(scope="module", autouse=True)
def _report():
    """The size of the run, for the record (shown with -s)."""
    yield
    print(f"\nfuzz_extract: {STATS['documents']} documents, {STATS['characters']:,} characters;"
          f" CPU: parse {STATS['parse CPU s']:.1f} s, extractors {STATS['extract CPU s']:.1f} s")


# --- what the documents are made of ---------------------------------------------------------

VOCABULARY = (  # words the extractors look for, and glue
    "the a of and or to from between among including whom which who were was is are have "
    "been people police officers children hostages protesters soldiers civilians victims "
    "dead wounded injured missing displaced killed wounded kidnapped arrested released "
    "freed died shot fatally toll rose reached stands number total at least more than "
    "nearly about over up some estimated dozen dozens hundreds thousand million half "
    "percent % per every day year years old aged no. said told says according added "
    "Monday Tuesday yesterday today last next week month ago January March 7 2023 "
    "Biden Joe Mr. Smith Sen. Warren Jr. Hamas Reuters Kabul Gaza U.S. he she they it "
    "in on at by with out plus - , . : ; ? ! ( )")
WORDS = VOCABULARY.split()
_WORDS = st.sampled_from(WORDS)
_NAMES = st.sampled_from(["Joe Biden", "Biden", "Antony Blinken", "Sami Abu Zuhri",
                          "Samir Abu Zohri", "George W. Bush", "Mr. Smith", "John Smith Jr.",
                          "Джонни Депп", "محمد علي", "李明", "O'Neill", "Jean-Luc Picard"])


_N = st.integers(0, 10**6)
_SMALL = st.integers(0, 60)


def _shape(template: str, *parts: st.SearchStrategy) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map(lambda values: template.format(*values))


def _digits(text: str, digits: str) -> str:
    return text.translate(str.maketrans("0123456789", digits))


# Numbers in every shape the facts extractor meets, and some it should not; each shape
# draws only what it needs (generation, not the parse, was the larger cost of a document).
numbers = st.one_of(
    _shape("{} to {}", _N, _SMALL), _shape("{}-{}-{}", _SMALL, _SMALL, _SMALL),
    _shape("{} of {} of {}", _SMALL, _SMALL, _N), _shape("between {} and {}", _N, _N),
    _shape("from {} to {}", _N, _N), _shape("{} or {}", _SMALL, _SMALL),
    _shape("{}/{}", _SMALL, _SMALL), _shape("{} 1/2", _SMALL), _shape("{}½", _SMALL),
    _shape("¾ of {}", _N), _shape("{:,}", _N), _shape("{}.{} million", _SMALL, _SMALL),
    _shape("{} billion", _SMALL), _shape("{} to {} to {}", _SMALL, _SMALL, _SMALL),
    _shape("{}, {} and {}", _N, _N, _N), _shape("{} and {} of {}", _SMALL, _SMALL, _N),
    _shape("{} out of {}", _SMALL, _N), _shape("{} more", _N), _shape("{} or more", _N),
    _shape("{} dozen", _SMALL), _shape("a {}", _N), _shape("one in {}", _SMALL),
    _shape("{}-plus", _N), _shape("{} plus", _N), _shape("{}%", _SMALL),
    _shape("$ {}", _N), _shape("{} per {}", _N, _SMALL), _shape("{} in {}", _SMALL, _SMALL),
    _shape("{}-year-old", _SMALL), _shape("No. {}", _SMALL), _shape("{}:{}", _SMALL, _SMALL),
    _shape("{}.{}.{}", _N, _SMALL, _SMALL), _shape("-{}", _N), _shape("+{}", _N),
    _shape("{}e{}", _SMALL, _SMALL), _shape("0{}", _N), _shape("{}st", _N),
    _shape("{}th", _N), _shape("{:,}{:03d}", _N, _SMALL),
    _shape("{}{}", _N, st.sampled_from(["people", "G", "D", "killed", "k", "m", "x"])),
    _shape("{}{}", st.sampled_from(["killed", "x", "No", "$"]), _N),
    st.sampled_from(["two", "twenty-one", "ninety-three", "three hundred", "a hundred",
                     "two hundred and fifty", "forty thousand", "one", "zero", "eleven",
                     "two and a half", "a dozen and a half", "half a million", "a half-dozen",
                     "1,000,000", "2.5 million", "1.2K", "Ⅻ", "①", "x²", "3⁄4"]),
    st.integers(19, 400).map(lambda k: "9" * k),  # past int64, past a float
    st.tuples(st.lists(_N, min_size=3, max_size=60),
              st.sampled_from([", ", "-", " to ", " of ", " ", "/", "; "])).map(
        lambda t: t[1].join(map(str, t[0]))),  # long lists of figures
    _N.map(lambda a: _digits(str(a), "٠١٢٣٤٥٦٧٨٩")),
    _N.map(lambda a: _digits(str(a), "０１２３４５６７８９")),
)


QUOTE_MARKS = ['"', "“", "”", "«", "»", "‹", "›", "'", "‘", "’", "„", "‟", "「", "」", "″"]
_MARKS = st.sampled_from(QUOTE_MARKS)
ODD = (["\x00", "\x01", "\x07", "\x08", "\t", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f",
        "\x85", "\u2028", "\u2029", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
        "\u200e", "\u200f", "\u202a", "\u202b", "\u202e", "\u2066", "\u2069", "\u0301",
        "\ufffd", "\U0001f600", "\u00a0", "\u3000", "\u2009"]
       + ["שלום", "מלחמה", "قتل ٣ أشخاص", "مرحبا", "Москва", "убиты 15", "北京", "死亡",
          "नमस्ते", "Ἀθῆναι", "ﬁve", "Ⅻ", "①", "x²"])
_ODD = st.sampled_from(ODD)


@st.composite
def sentences(draw, number_share: int = 30, mark_share: int = 10, odd_share: int = 0,
              max_words: int = 20) -> str:
    """Words, names, numbers, quote marks and odd characters, in shares (per cent)."""
    pieces = []
    for _ in range(draw(st.integers(1, max_words))):
        roll = draw(st.integers(0, 99))
        if roll < number_share:
            pieces.append(draw(numbers))
        elif roll < number_share + mark_share:
            pieces.append(draw(_MARKS))
        elif roll < number_share + mark_share + odd_share:
            pieces.append(draw(_ODD))
        elif roll < number_share + mark_share + odd_share + 8:
            pieces.append(draw(_NAMES))
        else:
            pieces.append(draw(_WORDS))
    glue = draw(st.sampled_from([" ", " ", " ", "", "  "]))
    end = draw(st.sampled_from([".", ".", "?", "!", "", ":", ",", '."', ".”", "…"]))
    return glue.join(pieces) + end


def documents(**share: int) -> st.SearchStrategy[str]:
    paragraph = st.lists(sentences(**share), min_size=1, max_size=3).map(" ".join)
    return st.tuples(st.lists(paragraph, min_size=1, max_size=3),
                     st.sampled_from(["\n\n", "\n", " ", "\n\n\n"])).map(
        lambda t: t[1].join(t[0]))


# --- the tests ------------------------------------------------------------------------------

def batches(documents: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Several documents an example, parsed in one batch."""
    return st.lists(documents, min_size=1, max_size=8)


@fuzz(60)
@given(batches(documents()), st.one_of(st.none(), st.dates()))
def test_generated_articles(texts: list[str], published: date | None) -> None:
    check(texts, published)


@fuzz(70)
@given(batches(documents(number_share=70, mark_share=0)))
def test_numbers_in_every_shape(texts: list[str]) -> None:
    check(texts)


@fuzz(60)
@given(batches(documents(number_share=10, mark_share=35)))
def test_quote_marks_unbalanced_and_nested(texts: list[str]) -> None:
    check(texts)


@st.composite
def nested_quotes(draw) -> str:
    """Quotes within quotes, opened and never closed, closed and never opened, at every
    depth, of every kind, with a cue before or after."""
    depth = draw(st.integers(1, 6))
    opens = [draw(_MARKS) for _ in range(depth)]
    closes = [draw(_MARKS) for _ in range(draw(st.integers(0, depth + 1)))]
    words = draw(st.lists(sentences(number_share=10, mark_share=0), min_size=depth,
                          max_size=depth))
    inner = "".join(f"{o}{w} " for o, w in zip(opens, words, strict=True)) + " ".join(closes)
    cue = draw(st.sampled_from(["", " he said.", ", Biden told reporters.", " — Smith",
                                "Warren said: ", "According to police, "]))
    return cue + inner if cue.endswith((": ", ", ")) else inner + cue


@fuzz(50)
@given(batches(st.lists(nested_quotes(), min_size=1, max_size=4).map("\n\n".join)))
def test_nested_quotes(texts: list[str]) -> None:
    check(texts)


@fuzz(50)
@given(batches(documents(number_share=20, mark_share=10, odd_share=30)))
def test_control_zero_width_right_to_left_and_mixed_scripts(texts: list[str]) -> None:
    check(texts)


@fuzz(40)
@given(batches(st.text(min_size=1, max_size=400)), st.one_of(st.none(), st.dates()))
def test_any_unicode(texts: list[str], published: date | None) -> None:
    check(texts, published)


@fuzz(20, nightly_share=0.05)
@given(st.one_of(_WORDS, numbers, _MARKS, _NAMES, _ODD, sentences()),
       st.integers(50, 2_000), st.sampled_from([" ", "", "\n", ", ", " and "]))
def test_repeated_tokens(token: str, times: int, glue: str) -> None:
    check(glue.join([token] * times)[:6_000 if not NIGHTLY else 60_000])


_PLAIN = [w for w in WORDS if w.isalnum()]


@fuzz(3, nightly_share=0.01)
@given(st.lists(st.one_of(numbers, _NAMES), min_size=1, max_size=20), st.integers(0, 2**32))
def test_a_sentence_of_5000_words_without_punctuation(figures: list[str], seed: int) -> None:
    """Words, names and figures (their punctuation taken out) in one run of 5,000 words,
    drawn by a seeded generator (5,000 draws from hypothesis would overrun its buffer)."""
    vocabulary = _PLAIN + [w for f in figures for w in f.split() if w.isalnum()]
    rng = random.Random(seed)
    check(" ".join(rng.choice(vocabulary) for _ in range(5_000)))


MEGABYTE = 1_000_000 - 10_000  # spaCy's limit is 1,000,000 characters (E088)


@fuzz(1, nightly_share=0.004)
@given(st.lists(sentences(number_share=30, mark_share=5, odd_share=2), min_size=10,
                max_size=30).map(" ".join))
def test_a_one_megabyte_paragraph(paragraph: str) -> None:
    """A paragraph of ~1 MB. In CI its parse is a generated paragraph's parse repeated
    (Doc.from_docs, one paragraph: the pieces are joined by a space), so the extractors see
    a real megabyte in seconds; the nightly run parses the megabyte for real."""
    copies = MEGABYTE // (len(paragraph) + 1)
    if NIGHTLY:
        doc = nlp()(" ".join([paragraph] * copies))
    else:
        doc = Doc.from_docs([parse(paragraph)] * copies, ensure_whitespace=True)
    assert "\n" not in doc.text and len(doc.text) <= 1_000_000
    extract_all(doc)


# --- one regression test per shape the corpora found ------------------------------------------

@pytest.mark.parametrize("text", [
    "15 to 1",  # a ratio alone, parsed as the root "1" with "15 to" as its quantifiers
    "The vote:\n\n15 to 1.",
    "9" * 400 + " people were killed.",  # past float: inf
    "Officials said 10,000,000,000,000,000,000,000 people were killed.",  # past int64
    "Joe Biden, ①, was killed.",  # an age's place holding a digit int() cannot read
    "Joe Biden, ², was killed.",
])
def test_shapes_found(text: str) -> None:
    check(text)


@pytest.mark.parametrize("unit,times", [
    ("including 5 people", 40),  # a walk per "including", each walking the rest: 2**n
    ("between 20 and 30", 500),  # one long DATE entity, one root with every figure under it
    ("1 more", 1000),  # one sentence: a scan of it for each number
    ("and 5", 1000),  # a chain of conjuncts climbed for each number in it
    ("killed 5", 1000),  # Token.conjuncts gathered for each number
    ('"a"', 4000),  # a walk up the parse from every word of every quote
    ('"It is"', 1500),  # the same, deeper
])
def test_slow_shapes_found(unit: str, times: int) -> None:
    """Runs of a figure or a quote with no full stop, parsed as one sentence of thousands of
    tokens, took seconds to hours (quadratic, or exponential for "including"); linear now:
    well under a quarter of a second each."""
    extract_all(parse(" ".join([unit] * times)), limit=0.25)


def test_what_the_extractors_keep_for_a_doc_goes_with_it() -> None:
    """The tables made once a doc (sentence bounds, answers by token) are kept by a weak
    reference to the doc and hold no token (a token holds its doc): a worker that extracts
    thousands of articles does not keep their parses."""
    doc = nlp()("Of the 30 passengers, 12 were hospitalized, according to police. \"It is "
                "sad,\" Joe Biden said, adding that 20 to 30 people including 5 children were "
                "killed and 3 of 4 of 5 hostages released on Monday.")
    rows = extract_all(doc)
    assert len(rows["facts"]) >= 5 and rows["quotes"]
    gone = weakref.ref(doc)
    del doc
    gc.collect()
    assert gone() is None
