"""What every rule choosing a quote's speaker sees: one QuoteContext per quote."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from spacy.tokens import Doc, Token

from tasks.extract.quotes.marks import _Part

Found = tuple[str | None, Token | None]  # (cue, the speaker's head token)


@dataclass
class QuoteContext:
    """One quote (`part`) of an article, the words around it and what the quotes before it in
    the article were given."""

    doc: Doc
    body: str
    starts: list[int]                    # token -> character offset
    lines: list[tuple[int, int]]         # paragraphs, as (start, end) offsets
    parts: list[_Part]                   # every quote of the article, in order
    open_marks: list[int]                # each part's open_at
    quoted: set[int]                     # tokens inside any quote of the article
    part: _Part
    post: list[Token]                    # tokens after the closing mark, in its sentence
    pre: list[Token]                     # tokens before the opening mark, nearest first
    post_cue: Found | None               # a cue found in `post`
    pre_cue: Found | None                # a cue found in `pre`
    trailing: bool                       # '"...," he said': the attribution follows
    prior: dict | None                   # the row of an earlier quote in this paragraph
    rows: list[dict] = field(default_factory=list)  # the rows of the quotes before it
    last_in_paragraph: dict[int, dict] = field(default_factory=dict)

    @property
    def line(self) -> tuple[int, int]:
        return self.lines[self.part.paragraph]

    @cached_property
    def words(self) -> list[Token]:
        """The words after the quote, without punctuation."""
        return [t for t in self.post if not t.is_punct]

    @cached_property
    def opens_sentence(self) -> bool:
        return not any(t.is_alpha for t in self.pre)

    @cached_property
    def names_next(self) -> bool:
        return bool(self.words) and self.words[0].pos_ in ("PROPN", "PRON", "DET", "NOUN")

    @cached_property
    def verb_next(self) -> bool:
        return bool(self.words) and self.words[0].pos_ in ("VERB", "AUX")

    @property
    def opens_paragraph(self) -> bool:
        """The quote opens a paragraph after the first."""
        return self.part.open_at == self.line[0] and self.part.paragraph > 0
