"""Language of an article: an ISO 639-1 code, or `und` when the text cannot tell.

py3langid scores byte n-grams. On news text it has two blind spots, and both reached the
`language` column: a short text, or a table of names and scores, carries little language and
much noise; and the model knows some 40 varieties with no ISO 639-1 code (`pcm` Nigerian
Pidgin, `bcl`, `zxx` "no language", ...) that soak up English evidence on such texts.

`detect_language` decides on evidence, not on the raw text:

1. Digits go (score tables, dates, prices), and so do tokens left without a letter. A line
   written in capitals (mostly all-capital words: a wire headline, a dateline) is folded to
   lower case, and so is a run of `SHOUTY_RUN` all-capital words inside a line (a headline
   run into the text of a one-line document).
2. Capitalised words in ordinary lines are mostly names and headings, and names are not
   evidence of the language an article is written in ("Amica Wronki 3 Hutnik Krakow 1" is
   English wire copy). The detector first reads the *plain* words (all but those) and
   decides on them if it can; if it cannot (a financial table's "Quarterly / Latest Prior /
   Amount", a two-line item of names), it reads *every* word, folded to lower case (the
   model's n-grams are mostly lower case: capitalised names look foreign to it).
   Reading stops after `EVIDENCE_CHARS` characters of plain evidence or `SCAN_CHARS`
   characters of text.
3. Deciding: fewer than `MIN_LETTERS` letters of evidence is too little (CJK characters,
   kana and hangul syllables count `WIDE_LETTER` letters each); otherwise the best language
   must have a normalised probability of at least `MIN_PROBABILITY` (py3langid >= 0.4
   tempers its softmax by the square root of the length, which keeps this calibrated across
   lengths). Else `und`.
4. Only answers the column can hold: the model is restricted to its languages that have an
   ISO 639-1 code, so a regional variety it knows gives its probability to its neighbours
   (Egyptian Arabic to `ar`, Cantonese to `zh`, Nigerian Pidgin to `en`), and `zxx` is no
   candidate (too little language is rule 3's `und`). Any code outside ISO 639-1 is `und`.

`served(language, model_lang)` says whether an article goes through the extraction model.
Measured in evaluation/language.py.
"""

from __future__ import annotations

import functools
import re

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Rule thresholds (see the module docstring; measured in evaluation/language.py).
MIN_LETTERS = 12  # ~2-3 words: below this even a confident guess is wrong too often
MIN_PROBABILITY = 0.5  # the best language is more likely than all others together
EVIDENCE_CHARS = 2000  # evidence read per article: plenty for one language, bounded cost
SCAN_CHARS = 20_000  # never look further into the text than this (bounds a 1 MB name list)
WIDE_LETTER = 3  # one CJK character / kana / hangul syllable counts as this many letters
SHOUTY = 0.8  # a line whose words are at least this share all-capital is folded
SHOUTY_RUN = 3  # ... and so is a run of this many all-capital words in another line

UNDETERMINED = "und"

# ISO 639-1 (the two-letter codes in force).
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
za zh zu"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
# Letters from U+2E80 on: CJK radicals and ideographs, kana, hangul syllables, Yi, ...
_WIDE_LETTER = re.compile(r"(?=[^\W\d_])[\u2e80-\U0010ffff]")
_OPENING = "\"'“‘„«‹([{¿¡-–—*•·/"


@functools.cache
def language_identifier() -> LanguageIdentifier:
    """py3langid's model with normalised probabilities, restricted to ISO 639-1 languages;
    loaded once per process (about 0.5 s)."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([code for code in identifier.labels if code in ISO_639_1])
    # set_languages keeps a column slice (Fortran order); the row gathers of each call are
    # about a third faster on a C-ordered copy.
    identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc)
    return identifier


def letters(words: str) -> int:
    """Letters in `words`, a CJK character / kana / hangul syllable counting `WIDE_LETTER`."""
    return len(_LETTER.findall(words)) + (WIDE_LETTER - 1) * len(_WIDE_LETTER.findall(words))


def evidence(text: str) -> tuple[str, str]:
    """The words the detector reads (rules 1 and 2 of the module doc): the plain words (capitalised
    words left out) and every word in lower case, each as one string, a line a line."""
    plain: list[str] = []
    every: list[str] = []
    plain_chars = every_chars = 0
    for line in text[:SCAN_CHARS].splitlines():
        if _DIGIT.search(line):
            line = _DIGIT.sub("", line)
        words = [word for word in line.split() if _LETTER.search(word)]
        if not words:
            continue
        shouting = _shouting(words)
        if every_chars < EVIDENCE_CHARS:
            every.append(" ".join(words))
            every_chars += len(every[-1]) + 1
        kept = [word.lower() if shouts else word
                for word, shouts in zip(words, shouting, strict=True)
                if shouts or not word.lstrip(_OPENING)[:1].isupper()]
        if kept:
            plain.append(" ".join(kept))
            plain_chars += len(plain[-1]) + 1
            if plain_chars >= EVIDENCE_CHARS:
                break
    return "\n".join(plain), "\n".join(every).lower()


def _shouting(words: list[str]) -> list[bool]:
    """Which words are written in capitals as a headline is: all of a line whose words are
    mostly (`SHOUTY`) all-capital, and in other lines runs of `SHOUTY_RUN` or more
    all-capital words (a headline run into the text when a document comes as one line)."""
    caps = list(map(str.isupper, words))
    count = caps.count(True)
    if count >= SHOUTY * len(words):
        return [True] * len(words)
    if count < SHOUTY_RUN:
        return [False] * len(words)
    shouting = [False] * len(words)
    start = 0
    for i in range(len(words) + 1):
        if i == len(words) or not caps[i]:
            if i - start >= SHOUTY_RUN:
                shouting[start:i] = [True] * (i - start)
            start = i + 1
    return shouting


def scores(text: str) -> list[tuple[str, float]]:
    """ISO 639-1 candidates for the evidence `detect_language` decided on (or the last it
    tried), most probable first: for inspection."""
    plain, every = evidence(text or "")
    words = plain if _decide(plain) != UNDETERMINED else every
    return language_identifier().rank(words)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language `text` is written in, or `und` when there is too little
    language in it or the detector is not confident (see the module docstring)."""
    plain, every = evidence(text or "")
    code = _decide(plain)
    if code == UNDETERMINED and every != plain:
        code = _decide(every)
    return code


def _decide(words: str) -> str:
    if letters(words) < MIN_LETTERS:
        return UNDETERMINED
    code, probability = language_identifier().classify(words)
    if probability < MIN_PROBABILITY or code not in ISO_639_1:
        return UNDETERMINED
    return code


def served(language: str, model_lang: str) -> bool:
    """Whether an article in `language` goes through an extraction model for `model_lang`
    (spaCy's `nlp.lang`, e.g. "en"): its own language, or `und`. An `und` article is short,
    tabular or mixed; when it is really English (a score table, a two-line wire item) its
    names and figures are worth extracting, and when it is not, the English model reads a few
    lines of it: cheap, and the rows it yields are names, which do not depend much on the
    language. A confidently identified other language is never run through the model."""
    return language in (model_lang, UNDETERMINED)
