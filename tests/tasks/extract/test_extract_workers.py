"""Extraction's failure domain is the article: errors, time-outs, crashed and hung workers.

Real forked processes, real signals and the real model; the faults are injected by a spaCy
component or an extractor that misbehaves on marked articles, as a bug would.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import time

import pytest
from spacy.language import Language

import tasks.extract.facts as facts
from tasks.extract import SEGMENT_CHARS, extract_batch, load_nlp, segments
from tasks.extract.workers import ArticleTimeout, run_chunks, time_limit


def _work(chunk: list[str]) -> list[str]:
    """Echoes a chunk; "die" kills its worker, "hang" hangs where no alarm reaches."""
    for item in chunk:
        if item == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        if item == "hang":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)
    return [item.upper() for item in chunk]


def _init() -> None:
    pass


def test_dead_and_hung_workers_lose_only_their_own_item(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tasks.extract.workers.GRACE_SECONDS", 2)
    chunks = [["a", "b"], ["c", "die", "d"], ["e"], ["f", "hang", "g"], ["h"]]
    started = time.monotonic()
    results = run_chunks(_work, chunks, 2, _init, (), lambda chunk: 1.0,
                         lambda item, why: f"lost {item}: {why}")
    flat = [x for r in results for x in (r if isinstance(r, list) else [r])]
    assert [r for r in flat if not r.startswith("lost")] == list("ABCDEFGH")
    lost = [r for r in flat if r.startswith("lost")]
    assert lost == ["lost die: worker process died (crashed, killed or out of memory)",
                    "lost hang: timeout: the worker stopped answering after 3 s"]
    assert time.monotonic() - started < 30


def test_time_limit_interrupts_and_is_not_swallowed() -> None:
    # An extractor's broad `except Exception` must not hide the alarm.
    with pytest.raises(ArticleTimeout), time_limit(0.2), contextlib.suppress(Exception):
        time.sleep(5)
    with time_limit(None):
        time.sleep(0.01)


@Language.component("misbehave")
def misbehave(doc):
    """A component with a bug: raises on one text, crashes the process on another."""
    if "EXPLODE" in doc.text:
        raise ValueError("the parser met something odd")
    if "SEGFAULT" in doc.text:
        faulthandler.disable()  # pytest's traceback dump would only be noise here
        os.kill(os.getpid(), signal.SIGSEGV)
    if "SLOW" in doc.text:
        time.sleep(30)
    return doc


@pytest.fixture(scope="module")
def faulty_nlp():
    nlp = load_nlp()
    nlp.add_pipe("misbehave", last=True)
    return nlp


def _articles(*marks: str) -> list[dict]:
    return [{"article_id": f"a{i}-{mark}", "language": "en", "published_date": None,
             "body": f"{mark} Police said {i + 2} people were killed, John Smith said."}
            for i, mark in enumerate(marks)]


def test_one_bad_article_fails_alone(faulty_nlp) -> None:
    marks = ["ok"] * 5 + ["EXPLODE"] + ["ok"] * 3 + ["SEGFAULT", "SLOW"] + ["ok"] * 4
    out = extract_batch(_articles(*marks), faulty_nlp, processes=2, chunk_size=4, seconds=2)
    assert out.failed == {
        "a5-EXPLODE": "extract: ValueError: the parser met something odd",
        "a9-SEGFAULT": "extract: worker process died (crashed, killed or out of memory)",
        "a10-SLOW": "extract: parse timeout after 2 s"}
    good = {f"a{i}-ok" for i, m in enumerate(marks) if m == "ok"}
    assert {r["article_id"] for r in out.rows["facts"]} == good
    assert {r["article_id"] for r in out.rows["entities"]} == good


def test_an_extractor_bug_fails_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    real = facts.extract_facts

    def buggy(doc, body, article_id):
        if "ratio" in body:
            raise RecursionError("maximum recursion depth exceeded")
        return real(doc, body, article_id)
    monkeypatch.setattr(facts, "extract_facts", buggy)  # inherited by the forked workers
    articles = _articles("ok", "a ratio of 15 to 1:", "ok")
    out = extract_batch(articles, load_nlp(), processes=1, seconds=30)
    assert out.failed == {"a1-a ratio of 15 to 1:":
                          "extract: RecursionError: maximum recursion depth exceeded"}
    assert {r["article_id"] for r in out.rows["facts"]} == {"a0-ok", "a2-ok"}


def test_other_languages_are_not_extracted() -> None:
    articles = _articles("ok", "ok")
    articles[1] |= {"language": "fr", "body": "La police a dit que deux personnes sont mortes."}
    out = extract_batch(articles, load_nlp(), processes=1)
    assert out.other_language == 1 and not out.failed
    assert {r["article_id"] for r in out.rows["facts"]} == {"a0-ok"}


def test_long_bodies_are_parsed_in_pieces_with_exact_offsets() -> None:
    body = "\n\n".join(f"John Smith said {n} people were killed in Gaza." * 200
                       for n in range(2, 14))
    assert len(body) > SEGMENT_CHARS
    pieces = segments(body)
    assert "".join(pieces) == body and max(map(len, pieces)) <= SEGMENT_CHARS
    out = extract_batch([{"article_id": "long", "body": body, "published_date": None}],
                        load_nlp(), processes=1)
    assert not out.failed and out.rows["facts"]
    for table in ("mentions", "facts"):
        assert all(body[r["start"]:r["end"]] == r["text"] for r in out.rows[table])


def test_segments_cut_at_paragraphs_then_spaces_then_anywhere() -> None:
    assert segments("a b\n\nc d", size=5) == ["a b\n\n", "c d"]
    assert segments("aaa bbb ccc", size=5) == ["aaa ", "bbb ", "ccc"]
    assert segments("x" * 12, size=5) == ["xxxxx", "xxxxx", "xx"]


def test_a_body_over_spacys_length_limit_parses_in_pieces() -> None:
    # spaCy refuses texts over nlp.max_length (E088); a blank pipeline shows the pieces
    # join into one Doc of the whole body without paying for a full parse of 1.2 MB.
    import spacy

    from tasks.extract import parse_long

    nlp = spacy.blank("en")
    body = "\n\n".join(f"Paragraph {i} says that {i} people were counted." * 40
                       for i in range(700))
    assert len(body) > nlp.max_length
    doc = parse_long(nlp, body)
    assert doc.text == body and len(doc) > 200_000
