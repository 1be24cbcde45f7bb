"""The word lists the extractors read: one data file per notion in tasks/extract/lexicons/
(speech verbs, people nouns, event nouns, given names, titles, fact kinds), shipped in the
package and read here once. A file is tab-separated, a word and its columns a line; `#` starts a
comment. Where one notion serves rules that were fitted apart (people nouns for counting and
for speaking), the file keeps one row per word and a `uses` column says which rules use it."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["fact_kinds", "given_names", "rows", "words"]


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of lexicons/<name>.tsv, comments and blank lines left out."""
    text = files("tasks.extract").joinpath("lexicons", f"{name}.tsv").read_text("utf-8")
    return tuple(tuple(line.split("\t")) for raw in text.splitlines()
                 if (line := raw.split("#", 1)[0].rstrip()))


@cache
def words(name: str, *uses: str) -> frozenset[str]:
    """The words of a lexicon; with `uses`, those having any of them in their uses column."""
    return frozenset(row[0] for row in rows(name)
                     if not uses or set(row[1].split()) & set(uses))


@cache
def given_names(gender: str) -> frozenset[str]:
    """Given names nearly always given to one gender ("m" or "f"), lower case."""
    return frozenset(name for name, of in rows("given_names") if of == gender)


@cache
def fact_kinds(part: str) -> dict[str, str]:
    """Word -> fact kind for one part of speech ("verb", "noun" or "of")."""
    return {word: kind for word, of, kind in rows("fact_kinds") if of == part}
