"""Direct-quote extraction scored on PolNeAR (Newell et al. 2018) through the real pipeline path.

Run: python -m evaluation.quotes [root] [split] [docbin-cache]. Protocol:

- Each `<split>/text/<name>.txt` is cleaned by `tasks.clean.clean_record` (format "text") and
  extracted by `tasks.extract.extract_articles`. Gold offsets index the raw file, so raw and
  body are aligned word by word (difflib on whitespace-separated words; cleaning only drops
  whitespace and whole paragraphs) and each gold span is mapped through that alignment. A gold
  quote with less than half of its words in the body is "lost by cleaning" and left out of P/R.
- One annotator per article: the first `.ann` file by name.
- Gold direct quote: a `Content` span (all its fragments) holding a double quote mark
  (" “ ” „ « »); single quotes are left out, they cannot be told from apostrophes.
- A prediction (kind "direct") and a gold quote match when they overlap by at least half of the
  shorter one. Precision: matched predictions / predictions; recall: matched gold / gold (a gold
  quote split by "he said" into two predictions counts once for recall, both count as right).
- Speaker, on predictions matched to a gold quote that has a `Source` (the most-overlapping
  gold quote): right when (a) speaker_entity_id is the entity of a mention inside the gold
  Source, or (b) the speaker text, at its occurrence nearest the quote, overlaps the Source, or
  (c) the Source is a pronoun (he, she, I, we, they ...) and the speaker names what it refers
  to. PolNeAR has no coreference, so for `dev` the referent is hand-annotated
  (`evaluation/gold/polnear_referents.jsonl`, keyed by article and the Source's raw offsets): the
  speaker text, or the longest PERSON mention of speaker_entity_id, names it when one holds
  the other as whole words ("Clinton" for "Hillary Clinton"), or when both end in the same
  capitalised surname and the speaker's other words are in the referent, initials or titles
  ("Sen. Warren"; not "Hillary Clinton" for "Bill Clinton"); an unnamed referent ("29
  others") needs its head noun in the speaker. Pronoun Sources without an annotation (train)
  fall back to the entity of the nearest earlier named gold Source, else of the nearest PERSON
  mention before the pronoun (the pipeline's own NER; this shares the extractor's recency
  heuristic). Pronoun cases are reported apart.
- Baselines: every double-quoted span in a paragraph (regex), and for speakers the PERSON
  mention nearest to each of our predicted quotes, outside it (either side).

The package: `gold` (PolNeAR's files read), `align` (raw offsets onto the body), `articles`
(articles cleaned, gold mapped, extraction regrouped by article), `matching` (quote overlap,
the speaker's test), `baselines`, `parsing` (spaCy, cached and timed), `score`
(score_polnear), `report`; `python -m evaluation.quotes` runs `__main__`.
"""

from __future__ import annotations

from evaluation.quotes.align import Aligner
from evaluation.quotes.articles import by_article, direct_gold, people_of, prepare
from evaluation.quotes.baselines import nearest_person, regex_quotes
from evaluation.quotes.gold import (
    DEFAULT_ROOT,
    MARK,
    REFERENTS,
    Person,
    Span,
    load_referents,
    load_split,
    read_ann,
)
from evaluation.quotes.matching import (
    PRONOUNS,
    RELATIVE,
    TITLES,
    length,
    locate,
    matches,
    names_referent,
    overlap,
    referent,
    speaker_right,
)
from evaluation.quotes.parsing import parse_bodies
from evaluation.quotes.report import report
from evaluation.quotes.score import score_polnear

__all__ = ["Aligner", "DEFAULT_ROOT", "MARK", "PRONOUNS", "Person", "REFERENTS", "RELATIVE",
           "Span", "TITLES", "by_article", "direct_gold", "length", "load_referents",
           "load_split", "locate", "matches", "names_referent", "nearest_person", "overlap",
           "parse_bodies", "people_of", "prepare", "read_ann", "referent", "regex_quotes",
           "report", "score_polnear", "speaker_right"]
