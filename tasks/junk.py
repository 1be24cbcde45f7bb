"""Page furniture inside a record's text: what cleaning removes because it is provably not
the article.

- Whole paragraphs: share counters, comment prompts, copyright footers, "Related" headers
  (the word list is `junk_lines.txt`).
- Link cards inside a paragraph. Some sites render a linked name with a card of the person's
  other stories, and scrapers keep the card's text in the sentence: "Speaker Nancy Pelosi
  Nancy PelosiOn The Money: Trump signs ... | Senate to vote ... MORE (D-Calif.) tapped".
  A card is the linked name's last word, the person's full name again (middle names and a
  "(nickname)" allowed) ending in that same word, run into headlines, closed by "MORE". Left
  in, its headlines become sentences of the article: people it never named, figures and
  quotes from other stories, and words shared by unrelated articles of the same week.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

JUNK_LINES_FILE = Path(__file__).with_name("junk_lines.txt")
_JUNK_PATTERNS = [
    re.compile(r"[\W_]*", re.UNICODE),                    # only quote marks, dashes, dots
    re.compile(r"[\d\s.,:kKmM]+"),                        # share counters: "0 95", "1.2K"
    # copyright footers: "© 2024 Reuters", "Copyright 2024 ...", "... All rights reserved."
    re.compile(r"(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}\b)?.{0,100}|copyright\s+\d{4}\b.{0,100}"
               r"|.{0,100}\ball rights reserved\W*", re.I),
    # social buttons and follow prompts: "Share on Facebook", "Follow @politico"
    re.compile(r"(?:share|follow us) on (?:facebook|twitter|x|whatsapp|linkedin|email)\W*"
               r"(?:(?:and|or|,)?\s*(?:facebook|twitter|x|whatsapp|linkedin|email)\W*)*"
               r"|(?:follow @\w+\s*)+|follow us on (?:twitter|facebook|instagram)\b.{0,60}"
               r"|(?:share this (?:article|story)\s*)?share\W+tweet\W+(?:post\W+)?email\W*", re.I),
    re.compile(r"(?:click|tap) (?:here )?to (?:share|print|email|subscribe)\b.{0,80}", re.I),
    # advertising slots: "Advertisement Continue reading the main story", "Story Continued Below"
    re.compile(r"(?:advertisement\s*)+(?:continue reading(?: the main story| below)?"
               r"|thanks for watching!? visit website)?|story continue[sd] below"
               r"|continue reading (?:the main story|below)", re.I),
    # picture and player furniture: a credit, a caption toggle, a gallery's count, a fallback
    re.compile(r"image copyright .{1,60}|(?:enlarge this image\b|toggle caption\b).{0,120}"
               r"|slideshow \(\d+ images?\)|your browser does ?n[o']t support html5 .{0,100}"
               r"|(?:can'?t|don'?t) see the (?:video|graphic|photos?)(?: above)?\? click here\W*"
               r"|this article is more than \d+ (?:year|month)s? old", re.I),
]
# A short paragraph that asks the reader to sign up, subscribe or get an app, and says what
# for ("Sign up for Daily Newsletters", "Want FOX News First in your inbox? Sign up here."); or
# that opens with a link's prompt ("Click here for live coverage"). A quotation is never one:
# '"Sign up to receive an email notification," visitors were told' is the article's.
_PROMPT = re.compile(r"(?:^|[.!?:]\s+)\W*(?:want\b[^.?!]{0,80}\?\s*)?(?:newsletter )?"
                     r"(?P<verb>sign[ -]?up|subscribe|click here|click to|download (?:the|our)"
                     r"|get (?:the|our)\b)", re.I)
_PROMPT_FOR = re.compile(r"newsletter|inbox|e-?mail|podcast|\bapp\b|channel|privacy policy"
                         r"|sign[ -]?up (?:here|today|now)", re.I)
_QUOTATION = re.compile(r"[\"“”]")
OPENING_PROMPT_MAX_CHARS = 150
PROMPT_MAX_CHARS = 300

# A word of a full name: capitalised, a "(nickname)", or a lower-case particle ("de Blasio").
_NAME_WORD = (r"(?:[A-Z][\w.'’-]*|\([A-Z][^()\n]{0,30}\)"
              r"|de|del|della|der|van|von|la|le|da|di|du|bin|al)")
_HEADLINES = r"[^\n]{0,900}? MORE(?=[\s,.;:)\]'’\"”-]|$)"  # cards seen run to ~600 characters
LINK_CARDS = (
    # the linked name's last word (kept), the full name ending in it run into the headline:
    # "President Trump Donald John TrumpJudge halts ... MORE"
    re.compile(rf"\b(?P<name>[A-Z][\w'’-]*[a-z]) ?(?:{_NAME_WORD} ){{0,5}}(?P=name)"
               rf"(?=[A-Z0-9'‘\"“$]){_HEADLINES}"),
    # with a space before the headline the card's start is ambiguous ("Paul Ryan Paul Davis
    # Ryan Retirees should ..."): only a card repeating the linked name's first word is cut
    re.compile(rf"\b(?P<name>(?P<first>[A-Z][\w'’-]*) (?P<last>[A-Z][\w'’-]*[a-z]))"
               rf" (?P=first) (?:{_NAME_WORD} ){{0,3}}(?P=last) (?=[A-Z0-9'‘\"“$]){_HEADLINES}"),
)


@functools.cache
def junk_lines() -> frozenset[str]:
    text = JUNK_LINES_FILE.read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_junk(paragraph: str) -> bool:
    """A whole paragraph of page furniture."""
    bare = paragraph.strip().rstrip(".:!|»›>").strip().lower()
    return (bare in junk_lines() or any(p.fullmatch(paragraph) for p in _JUNK_PATTERNS)
            or _is_prompt(paragraph))


def _is_prompt(paragraph: str) -> bool:
    if len(paragraph) > PROMPT_MAX_CHARS or _QUOTATION.search(paragraph):
        return False
    prompt = _PROMPT.search(paragraph)
    return prompt is not None and (_PROMPT_FOR.search(paragraph) is not None or (
        prompt.start() == 0 and len(paragraph) <= OPENING_PROMPT_MAX_CHARS
        and prompt["verb"].lower().startswith("click")))


def cut_link_cards(paragraph: str) -> tuple[str, int]:
    """The paragraph without its link cards, and how many were cut."""
    if " MORE" not in paragraph:  # the common case costs one substring test
        return paragraph, 0
    cut = 0
    for card in LINK_CARDS:
        paragraph, n = card.subn(lambda found: found["name"], paragraph)
        cut += n
    return paragraph, cut
