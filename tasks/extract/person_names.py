"""Forms of one person's name: the words that make a name comparable, the variants one
article writes ("Donald J. Trump", "Donald Trump"), a given name alone ("Paul" for the
article's Paul Ryan), a name behind a nickname ("Crooked Hillary Clinton"), and spans the
model ran over several names."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

import jellyfish
from spacy.tokens import Span

from tasks.extract import lexicon

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}  # generational: "Robert F. Kennedy Jr." is a Kennedy
GENDER = {"m": lexicon.given_names("m"), "f": lexicon.given_names("f")}
GIVEN = GENDER["m"] | GENDER["f"]
# Short forms of given names -> their formal ones (lexicons/nicknames.tsv); FORMAL keeps
# those of one formal name ("bernie" -> "bernard"), SEVERAL those of more ("steve").
_FORMALS: dict[str, frozenset[str]] = {
    short: frozenset(f for s, f in lexicon.rows("nicknames") if s == short)
    for short, _ in lexicon.rows("nicknames")}
FORMAL = {short: next(iter(formals)) for short, formals in _FORMALS.items() if len(formals) == 1}
SEVERAL = {short: formals for short, formals in _FORMALS.items() if len(formals) > 1}
# A courtesy title right before a name says the person's gender ("Mrs. Clinton").
_COURTESY = re.compile(r"\b(?:(Mr)|Mrs|Ms|Miss)\.?\s+$")
# A name that is a courtesy title and a surname only ("Mr. Trump"), kept while unresolved.
_TITLED = re.compile(r"(?:(Mr)|Mrs|Ms|Miss)\.? (\S+)")
DOMINANCE = 3  # a bare surname means the person named at least 3 times as often as the next
MIN_DOMINANT = 3  # ... and at least this often: one mention against none is no evidence


def words(name: str) -> list[str]:
    """A name's words, ASCII lower case, without dots or commas; a hyphen splits. Initials are one
    word however they are spaced: "H. W.", "H.W." and "HW" are all "hw"."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out: list[str] = []
    for word in ascii_.lower().replace("-", " ").replace(",", " ").replace(".", ". ").split():
        if word.endswith(".") and len(word) == 2 and out and out[-1].endswith("."):
            out[-1] += word  # the next initial of a run: "h." "w." -> "h.w."
        else:
            out.append(word)
    return [bare for word in out if (bare := word.replace(".", ""))]


def core(name_words: list[str]) -> tuple[list[str], list[str]]:
    """The given name (its formal form: "Bernie" is "Bernard"), surname and suffix; and the
    middle names or initials between them (nothing of a name with no words)."""
    if not name_words:
        return [], []
    last = len(name_words) - 1
    while last > 1 and name_words[last] in SUFFIXES:
        last -= 1
    first = FORMAL.get(name_words[0], name_words[0])
    return [first, *name_words[last:]], name_words[1:last]


def is_suffix(word: str) -> bool:
    """A word as written is a generational suffix ("Jr.", "Jr.,", "III")."""
    return word.strip(".,").lower() in SUFFIXES


def suffix(name: str) -> str | None:
    """The generational suffix a name ends with ("jr" of "John G. Roberts Jr.")."""
    found = words(name)
    return found[-1] if len(found) > 1 and found[-1] in SUFFIXES else None


def suffixed_word(name: str) -> str | None:
    """The one word of a name that is a word and a suffix: a surname ("Trump Jr.") or a
    given name ("Don Jr."), each of a son the article or the lake names in full."""
    found = words(name)
    return found[0] if len(found) == 2 and found[1] in SUFFIXES else None


def formal_form(name: str) -> tuple[list[str], list[str]] | None:
    """core() of a full legal name, a middle initial and a suffix ("John G. Roberts Jr.",
    "Roger J. Stone Jr."), as courts and some outlets write the name others write plain."""
    kept, middles = core(words(name))
    if len(kept) == 3 and kept[2] in SUFFIXES and len(middles) == 1 and len(middles[0]) == 1:
        return kept, middles
    return None


def middles_agree(a: list[str], b: list[str]) -> bool:
    """Middle names that may be one person's: one left out ("Paul Ryan"), or each an initial
    of the other or the same ("Paul D. Ryan", "Paul Davis Ryan"); "W." and "H. W." differ,
    but of whole middle names one may be left out ("Hillary Diane Rodham Clinton", "Hillary
    Rodham Clinton")."""
    if not a or not b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) == 1 < len(long_) == len(short[0]) and all(
            letter == word[0] for letter, word in zip(short[0], long_, strict=True)):
        return True  # "H. W." for "Herbert Walker"
    if min(map(len, a + b)) > 1 and _within(short, long_):
        return True
    return len(a) == len(b) and all(x == y or (min(len(x), len(y)) == 1 and x[0] == y[0])
                                    for x, y in zip(a, b, strict=True))


def _within(short: list[str], long_: list[str]) -> bool:
    """`short` is `long_` with some words left out, in order."""
    rest = iter(long_)
    return all(word in rest for word in short)


def _key(words: list[str]) -> tuple[str, ...]:
    """Where to look for other spellings: the first letter, then each later word's sound."""
    return (words[0][0], *(jellyfish.metaphone(w) for w in words[1:]))


def name_key(name: str) -> tuple[str, ...] | None:
    """None for a name that has no words in Latin letters ("Джонни Депп", "- -"): its
    spellings cannot be compared by sound, only its surname as written."""
    kept = core(words(name))[0]
    return _key(kept) if kept else None


def spelt_alike(a: str, b: str) -> bool:
    """One or two slips in a long word (Zohri/Zuhri, Pelsoi/Pelosi) that keep its sound;
    Young/Yang and Kyl/Kelly differ more than that."""
    return a == b or (jellyfish.metaphone(a) == jellyfish.metaphone(b) and
                      jellyfish.damerau_levenshtein_distance(a, b) <= max(1, len(a) // 4))


def same_person(a: str, b: str) -> bool:
    """Two full names that are spellings of one name: the same suffix, each other word spelt
    alike, the first one also when it is a short form of the other (Sami/Samir, Matt/Matthew),
    but never a man's and a woman's given name (John/Joan). A middle name or initial may be
    left out ("Hillary Rodham Clinton", "Loretta E. Lynch"), but two that differ are two
    people ("George W. Bush", "George H.W. Bush")."""
    (wa, middle_a), (wb, middle_b) = core(words(a)), core(words(b))
    if (len(wa) != len(wb) or len(wa) < 2 or min(map(len, wa + wb)) < 2 or _key(wa) != _key(wb)
            or not middles_agree(middle_a, middle_b)):
        return False
    (first_a, *rest_a), (first_b, *rest_b) = sorted((wa, wb), key=lambda w: len(w[0]))
    if {first_a, first_b} & GENDER["m"] and {first_a, first_b} & GENDER["f"]:
        return False
    return ((spelt_alike(first_a, first_b)
             or (len(first_a) >= 4 and first_b.startswith(first_a)))
            and all(map(spelt_alike, rest_a, rest_b)))


def one_person(names: Iterable[str]) -> bool:
    """Full names that are variants of one name: the same given name and surname (and
    suffix), and middle names that agree pairwise."""
    split = [words(n) for n in names]
    if not split or any(len(w) < 2 for w in split):
        return False
    parts = [core(w) for w in split]
    return (all(c == parts[0][0] for c, _ in parts)
            and all(middles_agree(m, n) for i, (_, m) in enumerate(parts)
                    for _, n in parts[i + 1:]))


def article_variants(full_names: Iterable[str]) -> dict[str, str]:
    """Within one article, each full name -> the form its variants share: the fullest one
    ("Donald J. Trump" for "Donald Trump" too), so that a middle initial that sets two
    people apart ("George W. Bush") is kept. A name whose variants disagree among themselves
    (both "George W. Bush" and "George H. W. Bush" beside "George Bush") stays as written."""
    names = sorted(set(full_names))
    out = {}
    for name in names:
        group = [n for n in names if one_person([name, n])]
        if one_person(group):
            out[name] = max(group, key=lambda n: (len(words(n)), len(n), n))
        else:
            out[name] = name
    return out


def article_spellings(counts: Counter[str]) -> dict[str, str]:
    """Within one article, each full name -> the spelling of it the article writes most
    ("Hilary Clinton" beside a commoner "Hillary Clinton"): an article does not name two
    people whose names differ by a slip (same_person)."""
    by_key: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name in sorted(counts):
        if (key := name_key(name)) is not None:
            by_key[key].append(name)
    return {name: max([name, *(n for n in names if n != name and same_person(name, n))],
                      key=lambda n: (counts[n], n))
            for names in by_key.values() for name in names}


def given_name_means(word: str, full_names: Iterable[str]) -> str | None:
    """The one full name of the article whose given name a lone word is ("Paul" -> "Paul
    Ryan"), unless the word is also someone's surname there ("Paul" beside "Rand Paul")."""
    fulls = set(full_names)
    if any(n.split()[-1] == word for n in fulls):
        return None
    meant = {n for n in fulls if n.split()[0] == word}
    return next(iter(meant)) if len(meant) == 1 else None


def behind_nickname(name: str, known: Collection[str]) -> str | None:
    """The one known full name a longer name ends with when what comes before it is no given
    name: a nickname or a headline's word ("Crooked Hillary Clinton" -> "Hillary Clinton",
    "Congressmsn Lindsey Graham" -> "Lindsey Graham"). A given name the lexicon lacks reads
    so too ("Marine Le Pen" -> "Le Pen"): one person still, as the surname "Le Pen" links
    back to her and linking ends such a circle at one id."""
    first, _, rest = name.partition(" ")
    if first.lower() in GIVEN or " " not in rest:
        return None
    return rest if rest in known else None


def courtesy_title(body: str, start: int) -> str | None:
    """The courtesy title right before body[start:], as written ("Mrs.")."""
    found = _COURTESY.search(body, max(0, start - 6), start)
    return None if found is None else found.group(0).strip()


def courtesy_gender(body: str, start: int) -> str | None:
    """"m" or "f" when a courtesy title stands right before body[start:]."""
    found = _COURTESY.search(body, max(0, start - 6), start)
    return None if found is None else "m" if found.group(1) else "f"


def titled_surname(name: str) -> tuple[str, str] | None:
    """(gender, surname) of a name that is a courtesy title and a surname ("Mr. Trump")."""
    found = _TITLED.fullmatch(name)
    return None if found is None else ("m" if found.group(1) else "f", found.group(2))


def dominant(weights: dict[str, int]) -> str | None:
    """Of the people a bare surname may mean, the one the lake and the run name far more
    often than any other ("Obama" is Barack, not Michelle); None when nobody dominates."""
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) == 1:
        return ranked[0][0]
    if not ranked or ranked[0][1] < max(MIN_DOMINANT, DOMINANCE * ranked[1][1]):
        return None
    return ranked[0][0]


def of_gender(names: Iterable[str], gender: str) -> list[str]:
    """The full names whose given name is nearly always given to that gender."""
    return [n for n in names if words(n)[0] in GENDER[gender]]


def person_pieces(span: Span) -> list[Span]:
    """A PERSON span split where the model ran names together: a given name starting over
    ("Paul Ryan Paul Davis Ryan Retirees", a web page's linked name and headline, is "Paul
    Ryan" and "Paul Davis Ryan", the rest cut after the repeated surname). Only a common
    given name counts: "al-Gama'a al-Islamiya" is one name."""
    doc, lo, hi = span.doc, span.start, span.end
    first = doc[lo].text
    if len(first) < 3 or first.lower() not in GIVEN:
        return [span]
    restart = next((i for i in range(lo + 2, hi) if doc[i].text == first), None)
    if restart is None:
        return [doc[lo:hi]]
    last = doc[restart - 1].text  # the first name's surname ends the repeat as well
    end = next((i + 1 for i in range(restart + 1, hi) if doc[i].text == last), hi)
    return [doc[lo:restart], *person_pieces(doc[restart:end])]
