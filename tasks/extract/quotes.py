"""Quotations with speaker and reporting verb: direct ones in straight or curly double quotes,
and first-person speech reproduced without marks ("I will not run, Lopez said": unmarked)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from tasks.extract.entities import Entities, Mention
from tasks.extract.speakers import GROUPS, PERSON_NOUNS, PRONOUNS, Speakers
from tasks.extract.syntax import children, first_where, lefts, memo, sentence, subject

_MARK = re.compile(r'["“”]')
_INCHES = re.compile(r"\d[’']\d{0,2}$")
_MARK_TOKENS = {'"', "“", "”"}
_END_PUNCT = {".", "!", "?"}
CUES = {"say", "tell", "add", "stress", "note", "urge", "insist", "warn", "claim", "state",
        "declare", "write", "explain", "announce", "argue", "ask", "reply", "respond",
        "emphasize", "emphasise", "assert", "acknowledge", "admit", "confirm", "deny",
        "suggest", "recall", "conclude", "predict", "promise", "vow", "tweet", "post", "caution",
        "complain", "comment", "remark", "observe", "continue", "shout", "describe", "mention",
        "report", "testify", "whisper", "quip", "concede", "accuse", "demand", "plead", "pledge",
        # more verbs of communication (manner of speaking, assertion, reply, complaint)
        "yell", "scream", "exclaim", "interject", "retort", "counter", "contend", "maintain",
        "reiterate", "repeat", "joke", "muse", "wonder", "laugh", "sigh", "snap", "assure",
        "affirm", "proclaim", "boast", "lament", "charge", "allege", "opine", "beam", "gush",
        "marvel", "grumble", "mutter", "murmur", "scoff", "sneer", "exhort", "implore", "beg",
        "inquire", "query", "question", "recount", "reason", "advise", "inform",
        "disclose", "reveal", "swear", "threaten", "guarantee", "chant", "cry",
        "preach", "pray", "read", "text", "email", "retweet", "blog", "chime", "interrupt"}
# Verbs that put words in someone's mouth without being speech verbs proper ("called it ...").
_FRAMES = CUES | {"call", "describe", "accuse", "think", "believe", "refer", "label", "dub",
                  "brand", "mock", "slam", "blast", "attack", "praise", "criticize", "chant",
                  "quote", "cite", "see", "view", "consider", "promise", "mention", "dismiss",
                  "boast", "agree", "allege", "rally", "vow", "joke", "lament", "recount",
                  "blame", "portray", "cast", "defend", "characterize", "term", "decry"}
_NAMING = {"call", "refer", "dub", "label", "brand", "nickname", "name", "term"}
# Abstract nouns ("the rejection", "the move", "the platform"), less bodies that speak.
_THING = re.compile(r"\w{3}(tion|sion|ment|ness|ity|ance|ence|ing)$|^(move|platform|promise|tone|"
                    r"stance|plan|bill|idea|issue|policy|law|rule|deal|change|record)$")
_BODIES = GROUPS | {"administration", "commission", "association", "foundation", "department",
                    "committee", "agency", "institution", "union", "campaign"}
# Verbs of going on ("continued to insist", "went on to say"): an infinitive after them is
# said, after others it is wanted or expected.
_ASPECT = {"go", "continue", "begin", "start", "proceed", "turn", "take", "hasten", "rush",
           "be", "have", "pause", "stop", "keep", "seem", "appear"}
_GOING_ON = CUES | _ASPECT
# Phrasal verbs of saying: (lemma, particle or object "it").
_PHRASAL = {("fire", "back"), ("shoot", "back"), ("hit", "back"), ("point", "out"),
            ("cut", "in"), ("weigh", "in"), ("jump", "in"), ("put", "it"), ("sum", "up"),
            ("spell", "out"), ("lash", "out"), ("speak", "out"), ("speak", "up"),
            ("go", "on"), ("pipe", "up"), ("break", "in"), ("push", "back")}
# Nouns of people who speak ("the senator said", "officials say").
_PEOPLE = PERSON_NOUNS | _BODIES | {
    "official", "spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor",
    "source", "analyst", "expert", "strategist", "lawyer", "attorney", "member", "leader",
    "president", "minister", "secretary", "director", "chairman", "chairwoman", "chair",
    "manager", "chief", "executive", "officer", "supporter", "critic", "voter", "resident",
    "people", "man", "woman", "person", "reporter", "writer", "author", "professor", "judge",
    "prosecutor", "activist", "pollster", "economist", "scientist", "researcher", "doctor",
    "friend", "father", "mother", "wife", "husband", "son", "daughter", "sister", "brother",
    "delegate", "organizer", "protester", "worker", "student", "teacher", "owner", "founder",
    "partner", "colleague", "team", "staff", "staffer", "ambassador", "envoy",
    "diplomat", "general", "commander", "police", "priest", "pastor", "rabbi", "bishop",
    "crowd", "audience", "fan", "heckler", "demonstrator", "attendee", "participant", "guy"}
# What a paragraph ending in a colon can announce as the source of the quotes below it.
_DOCUMENT = re.compile(r"^(transcript|statement|excerpt|text|letter|memo|release|remarks|"
                       r"email|post|tweet|message|speech|testimony|exchange)s?$")
_DASHES = {"-", "–", "—", "--", "...", "…"}
_TITLE_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by"}
_FIRST_PERSON = {"i", "me", "we", "us"}
_MIN_WORDS = 4  # shorter quotes need a cue nearby or in their sentence ("green light" alone)
_WINDOW = 30    # tokens searched for a cue on either side of a quote


@dataclass
class _Part:
    start: int          # first character of the quoted words
    end: int
    open_at: int        # offset of the opening mark
    close_at: int       # offset after the closing mark (paragraph end when it is missing)
    paragraph: int
    chain: int          # parts of one multi-paragraph quotation share a chain number


def _parts(body: str) -> list[_Part]:
    """Pair quote marks within each paragraph (line); an unclosed quote runs to the line end."""
    parts: list[_Part] = []
    pending_chain: int | None = None  # an unclosed quote whose next paragraph reopens it
    for p, line in enumerate(re.finditer(r"[^\n]+", body)):
        open_at: int | None = None
        first, chain, inner = True, len(parts), ""
        for mark in _MARK.finditer(body, line.start(), line.end()):
            pos, ch = mark.start(), mark.group()
            if ch != "“" and _INCHES.search(body, max(0, pos - 6), pos):
                continue  # 6’2”: a height, not a closing mark
            if (state := _inner(body, open_at, pos, ch, inner)) is not None:
                # '"... isn’t about “Equal Justice” anymore.' and '"... says, "I'd like 10,000
                # rounds," you know ...': a quote within the quote, not its end
                inner = state
                continue
            inner = ""
            # “abhorrent“: a left mark after an open quote and before no word closes it
            opening = (ch == "“" and (open_at is None or body[pos + 1:pos + 2].isalnum())) or (
                ch == '"' and open_at is None) or (
                ch == "”" and open_at is None and body[pos + 1:pos + 2].isalnum())
            if opening:
                chain = pending_chain if first and pending_chain is not None and \
                    not body[line.start():pos].strip() else len(parts)
                open_at, first = pos, False
                continue
            if open_at is not None:
                parts.append(_Part(open_at + 1, pos, open_at, pos + 1, p, chain))
                open_at = None
        pending_chain = None
        if open_at is not None:
            parts.append(_Part(open_at + 1, line.end(), open_at, line.end(), p, chain))
            pending_chain = chain
    for part in parts:  # quoted words only: no edge spaces, no comma moved inside the marks
        text = body[part.start:part.end]
        stripped = text.rstrip().rstrip(",").rstrip()
        part.end = part.start + len(stripped)
        part.start += len(stripped) - len(stripped.lstrip())
    return [part for part in parts if part.end > part.start]


def _inner(body: str, open_at: int | None, pos: int, ch: str, inner: str) -> str | None:
    """The mark opening the quote within an open quote after this mark ("" once it closes),
    or None when the mark is no part of an inner quote: a curly pair inside a straight quote,
    or a straight mark opening before a word ('says, "I'd') and the one closing it."""
    if open_at is None or pos == open_at + 1:
        return None  # ('"“You don’t win ...,”': a stray straight mark before the quote)
    after = body[pos + 1:pos + 2].isalnum()
    if inner:
        closes = ch == "”" if inner == "“" else ch == '"' and not body[pos - 1].isspace()
        return "" if closes else None
    if ch == "“" and body[open_at] == '"' and after:
        return "“"
    return '"' if ch == '"' and after and body[pos - 1] in " ([" else None


_Found = tuple[str, Token | None] | None  # (cue, speaker head) when a cue is found


def _cue(tokens: list[Token], quoted: set[int]) -> _Found:
    """The first speech verb, else "according to": 'X said that, according to its analysis,'
    quotes X. Speech reported within speech is the reporter's when its own subject is no
    person: 'a source said the areas that were hacked suggested "..."' quotes the source."""
    cues = [tok for tok in tokens if _says(tok) and _speech(tok)]
    inner = _clause_subject(cues[0], quoted) if cues else None
    # ('The longtime senator said he rarely asks ..., "..."': the one reporting, named, is
    # the source, and the "he" of the reported clause is most often the same person)
    if cues and (not _personal(inner) or inner is not None and inner.lower_ in PRONOUNS):
        outer = _reported_in(cues[0])
        if outer is not None and _speaks(who := _clause_subject(outer, quoted)) and \
                who.i not in quoted and (not _personal(inner) or who.pos_ != "PRON"):
            return _verb(outer), who
    first: _Found = None
    for tok in cues:
        found = _verb(tok), _clause_subject(tok, quoted)
        # 'X said that the platform should reiterate "..."': a thing does not speak, the one
        # who reports it does
        if _speaks(found[1]):
            return found
        first = first or found
    if first is not None:
        return first
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            objects = [c for c in children(tok.nbor()) if c.dep_ == "pobj"]
            return "according to", (_by(objects[0]) or objects[0]) if objects else None
    return None


def _owner(head: Token) -> Token | None:
    """The person whose words a thing is: 'Rubio's catch phrase was that ...', 'Clinton's
    attacks called him "..."'."""
    if _personal(head) or head.pos_ != "NOUN":
        return None
    return next((c for c in children(head) if c.dep_ == "poss" and c.pos_ == "PROPN"
                 and c.ent_type_ in ("PERSON", "ORG", "")), None)


def _owner_of_subject(verb: Token) -> Token | None:
    subj = next((c for c in children(verb) if c.dep_ == "nsubj"), None)
    return _owner(subj) if subj is not None else None


def _by(head: Token) -> Token | None:
    """Who a passive or a thing is by: 'has been called "..." by Joshua Hendrick', 'according
    to calculations by Amy Glasmeier', 'a statement released by Fox News'."""
    if _personal(head):
        return None
    passive = head.pos_ == "VERB" and any(c.dep_ in ("auxpass", "nsubjpass")
                                          for c in children(head))
    if head.pos_ == "VERB" and not passive:
        return None
    near = [c for c in children(head) if c.i > head.i]
    near += [g for c in near if c.dep_ in ("acl", "oprd", "dobj", "attr") for g in children(c)]
    return next((obj for c in near if c.lower_ == "by" and c.dep_ in ("agent", "prep")
                 for obj in children(c) if obj.dep_ == "pobj" and _personal(obj)), None)


def _windows(doc: Doc, body: str, starts: list[int], part: _Part, line: tuple[int, int]
             ) -> tuple[list[Token], list[Token]]:
    """Tokens after the closing mark (same sentence) and before the opening mark (nearest first)."""
    post: list[Token] = []
    pre: list[Token] = []
    after = bisect_left(starts, part.close_at)
    # "...peace." He added: the sentence ended inside the quote unless a lowercase word follows;
    # '"...?" Sanders asked' goes on after a question or an exclamation.
    if body[part.end - 1] not in _END_PUNCT or body[part.end - 1] in "?!" or (
            after < len(doc) and doc[after].is_lower):
        for tok in doc[after:min(after + _WINDOW, len(doc))]:
            if tok.idx >= line[1] or tok.text in _MARK_TOKENS or tok.text in _END_PUNCT:
                break
            post.append(tok)
    before = bisect_left(starts, part.open_at) - 1
    for i in range(before, max(before - _WINDOW, -1), -1):
        if doc[i].idx < line[0] or doc[i].text in _MARK_TOKENS or doc[i].text in _END_PUNCT:
            break
        pre.append(doc[i])
    return post, pre


def extract_quotes(doc: Doc, body: str, article_id: str, ents: Entities) -> list[dict]:
    """Quote rows (without run_id); `body` is doc.text."""
    parts = _parts(body)
    starts = doc.to_array("IDX").tolist()  # token -> character offset
    lines = [m.span() for m in re.finditer(r"[^\n]+", body)]
    ctx = Speakers(doc, ents, _outside_quotes(ents.mentions, parts))
    quoted = {i for p in parts
              for i in range(bisect_left(starts, p.open_at), bisect_left(starts, p.close_at))}
    open_marks = [p.open_at for p in parts]
    rows: list[dict] = []
    chains: dict[int, list[dict]] = {}
    last_in_paragraph: dict[int, dict] = {}
    for part in parts:
        post, pre = _windows(doc, body, starts, part, lines[part.paragraph])
        post_cue, pre_cue = _cue(post, quoted), _cue(pre, quoted)
        # '"...," he said' and '"...?" Trump went on': the attribution follows
        trailing = "," in body[part.end:part.close_at + 1] or bool(post and post[0].text == ",") \
            or body[part.end - 1] in "?!"
        # A cue set off by a comma or colon makes even a short quote a real one.
        attached = (post_cue is not None and trailing) or (
            post_cue is None and pre_cue is not None and pre[0].text in {",", ":"})
        if len(body[part.start:part.end].split()) < _MIN_WORDS and not attached and \
                not _framed(doc, starts, part, body):
            continue
        row = {"quote_id": f"{article_id}:{part.start}", "article_id": article_id,
               "text": body[part.start:part.end], "start": part.start, "end": part.end,
               "speaker": None, "speaker_entity_id": None, "cue": None, "kind": "direct"}
        line = lines[part.paragraph]
        cue, who = _attribution(doc, starts, part, line, post, pre, post_cue, pre_cue, trailing,
                                quoted)
        if who is not None and _quoted(who.idx, parts, open_marks):
            cue, who = None, None  # a misparse made a word of the quote ("It's time") the subject
        if who is not None and (outer := _reported_by(post + pre, quoted, who)) is not None:
            cue, who = outer
        who = who if who is None else _owner(who) or _by(who) or who
        prior = last_in_paragraph.get(part.paragraph)
        if who is None and prior is None:
            cue, who = _previous_sentence(doc, starts, part, line)
        if who is None and prior is None and part.open_at == line[0] and part.paragraph and \
                body[:line[0]].rstrip().endswith(":"):
            cue, who = _introduced(doc, starts, lines[part.paragraph - 1], quoted)
        if who is None and prior is None:
            cue, who = _next_sentence(doc, starts, part, line, quoted)
        if who is None and prior is None and part.open_at == line[0] and part.paragraph:
            cue, who = _reported_before(doc, body, starts, lines[part.paragraph - 1], quoted)
        if who is not None and prior is not None and prior["speaker"] is not None and \
                who.text in PRONOUNS and prior["end"] <= who.idx < part.open_at and \
                not body[prior["end"]:who.idx].strip(' ,.?!"“”'):
            # 'Fallon fired back: "...," he wrote, "..."': the "he" right after the first half
            # of a quote, lower-case (no new sentence), is the speaker found for that half
            _copy_speaker(prior, row)
        elif who is not None:
            row["cue"] = cue
            row["speaker"], row["speaker_entity_id"] = ctx.speaker(who, part.open_at)
        elif prior is not None:  # later part of a split quote, or more words of the same speaker
            _copy_speaker(prior, row)
        elif rows and rows[-1]["speaker"] is not None and part.open_at == line[0] and any(
                last_in_paragraph.get(part.paragraph - k) is rows[-1] for k in (1, 2, 3)):
            # a paragraph of speech soon after an attributed one goes on in the same voice
            _copy_speaker(rows[-1], row)
        elif (who := _sentence_person(doc, starts, part, quoted)
              or _said_before(doc, starts, part, line)) is not None:
            row["speaker"], row["speaker_entity_id"] = ctx.speaker(who, part.open_at)
        chains.setdefault(part.chain, []).append(row)
        last_in_paragraph[part.paragraph] = row
        rows.append(row)
    # A quotation running over several paragraphs has one speaker, wherever the cue stands.
    for chain in chains.values():
        source = next((row for row in chain if row["speaker"] is not None), None)
        for row in chain:
            if source is not None and row["speaker"] is None:
                _copy_speaker(source, row)
    unmarked = _unmarked(doc, body, article_id, ctx, quoted)
    return sorted(rows + unmarked, key=lambda row: row["start"]) if unmarked else rows


def _unmarked(doc: Doc, body: str, article_id: str, ctx: Speakers, quoted: set[int]
              ) -> list[dict]:
    """'I will not run again, Lopez said.': first-person words without quote marks before a
    trailing cue whose subject is a name, or he/she standing for a known person."""
    rows = []
    for sent in doc.sents:
        root = sent.root
        if root.lemma_.lower() not in CUES or root.pos_ != "VERB" or any(
                t.i in quoted or t.text in _MARK_TOKENS for t in sent):
            continue
        said = next((c for c in children(root) if c.dep_ == "ccomp" and c.i < root.i), None)
        subj = subject(root)
        comma = root.i - 1 if subj is None else subj.left_edge.i - 1
        if said is None or subj is None or subj.i < said.i or comma <= sent.start or \
                doc[comma].text != "," or said.left_edge.i != sent.start or not any(
                    t.lower_ in _FIRST_PERSON and t.tag_ == "PRP" for t in doc[sent.start:comma]):
            continue
        speaker, entity = ctx.speaker(subj, sent.start_char)
        if entity is None and subj.ent_type_ != "PERSON":
            continue  # the speaker is not clear ("he" with no one to stand for, "a source")
        start, end = sent.start_char, doc[comma].idx
        rows.append({"quote_id": f"{article_id}:{start}", "article_id": article_id,
                     "text": body[start:end], "start": start, "end": end, "speaker": speaker,
                     "speaker_entity_id": entity, "cue": root.lemma_.lower(),
                     "kind": "unmarked"})
    return rows


def _attribution(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int],
                 post: list[Token], pre: list[Token], post_cue: _Found, pre_cue: _Found,
                 trailing: bool, quoted: set[int]) -> tuple[str | None, Token | None]:
    """(cue, the speaker's head token) by the first pattern that applies."""
    words = [t for t in post if not t.is_punct]
    opens_sentence = not any(t.is_alpha for t in pre)
    # a cue after the quote frames it when set off by a comma and naming someone; else it
    # may start a clause of its own ('said ... "kept us safe" on Friday before claiming') or
    # go on from the one before ('X said that Y represents "...," stating during the debate')
    names_next = bool(words) and words[0].pos_ in ("PROPN", "PRON", "DET", "NOUN")
    verb_next = bool(words) and words[0].pos_ in ("VERB", "AUX")
    if post_cue is not None and not trailing and (
            found := _frame_before(doc, starts, part, line, quoted)) is not None:
        return found  # 'Trump called them "rapists" (...) and promised': the verb before
    if post_cue is not None and (pre_cue is None or trailing and (
            post_cue[1] is not None or names_next or verb_next) and (
            pre_cue[1] is None or opens_sentence or names_next)):
        cue, subj = post_cue
        # a mangled parse of '"...," Gene Sperling, an adviser, said' leaves "said" subjectless
        # or takes a word of the quote for its subject
        if subj is None or subj.i in quoted:
            subj = _trailing_speaker(words)
        # 'Fallon fired back: "...," he wrote': "he" is the one named before the colon
        named = _introducer(pre, quoted) if subj is not None and subj.lower_ in PRONOUNS \
            else None
        if named is not None:
            return cue, named
        if subj is not None:
            return cue, subj
    if trailing and opens_sentence and words and (words[0].pos_ in ("PROPN", "PRON", "DET") or
                                                  words[0].tag_ in ("VBZ", "VBD") or (
            words[0].pos_ == "NOUN" and len(words) > 1 and words[1].tag_ in ("VBZ", "VBD"))):
        # '"...," mused the host', '"...," Trump from his desk' or '"...?" Hannity pressed'
        # (a name tagged as a noun): any verb, or none
        verb = next((t for t in words[:8] if t.pos_ == "VERB"), None)
        return (verb.lemma_.lower() if verb is not None else None), _trailing_speaker(words)
    if (named := _name_before_colon(pre)) is not None:
        return None, named
    # 'When Trump suggested that ..., Rubio fired back: "..."': the clause ending in the colon
    # brings in the quote, not a speech verb under it
    colon = pre[0].head if pre and pre[0].text == ":" else None
    if colon is not None and colon.pos_ == "VERB" and not _says(colon) and \
            colon.i < pre[0].i and colon.head.i not in {t.i for t in pre[1:] if t.i != colon.i} \
            and _personal(who := _clause_subject(colon, quoted)) and who.i not in quoted:
        return colon.lemma_.lower(), who
    # a cue with no subject found ("repeated accusations that ..., calling him") leaves it to
    # the patterns below
    if pre_cue is not None and pre_cue[1] is not None:
        return pre_cue
    if pre and pre[0].text == ":":  # 'Republican pollster Daron Shaw: "..."'
        # the top verb before the colon ('Clinton apologized for what happened:'), not the
        # nearest
        inside = {t.i for t in pre}
        verb = next((t for t in pre if t.pos_ == "VERB" and (
            t.dep_ == "ROOT" or t.head.i not in inside)), None)
        subj = _clause_subject(verb, quoted) if verb is not None else None
        people = [t for t in pre if t.ent_type_ == "PERSON"]
        return (verb.lemma_.lower() if verb is not None else None), (
            subj if subj is not None else (people[0] if people else None))
    if pre and pre[0].text in ("--", "—", "–") and post_cue is None:
        # 'Trump also embraced harsh methods -- "I think ..."': after a dash that is no aside,
        # the one whose clause it ends
        inside = {t.i for t in pre}
        verb = next((t for t in pre if t.pos_ == "VERB" and t.head.i not in inside), None)
        subj = _clause_subject(verb, quoted) if verb is not None else None
        if _personal(subj) and subj.i not in quoted:
            return verb.lemma_.lower(), subj
    # A quote inside a clause: 'Trump called her "crooked"' speaks for the clause's subject,
    # and so does one the clause otherwise brings in ('Trump issued a statement, "..."').
    first = bisect_left(starts, part.start)
    other: tuple[str | None, Token | None] = (None, None)
    framed: tuple[str | None, Token | None] | None = None
    if first < len(doc):
        for verb in doc[first].ancestors:
            if part.open_at <= verb.idx < part.close_at or verb.idx < line[0]:
                continue
            if verb.idx >= line[1]:
                break
            if verb.pos_ == "VERB" and verb.lemma_.lower() in _FRAMES:
                found = verb.lemma_.lower(), _clause_subject(verb, quoted)
                if _speaks(found[1]):
                    return found
                framed = framed or found
                continue
            if verb.pos_ == "VERB" and not _personal(other[1]):
                # ('Ryan worried that the safety net was becoming "..."': not the net)
                subj = _clause_subject(verb, quoted)
                if subj is not None and subj.i not in quoted and (
                        other[1] is None or _personal(subj)):
                    other = verb.lemma_.lower(), subj
            elif verb.pos_ == "AUX" and other[1] is None and (
                    owner := _owner_of_subject(verb)) is not None:
                other = None, owner  # "Rubio's catch phrase was that Crist "...""
    return framed or other


def _frame_before(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int],
                  quoted: set[int]) -> tuple[str, Token] | None:
    """The verb before a quote whose object it is ('called them "..."'), with a subject that
    speaks."""
    first = bisect_left(starts, part.start)
    verb = next((v for v in doc[first].ancestors if v.pos_ == "VERB"), None) \
        if first < len(doc) else None
    if verb is None or not line[0] <= verb.idx < part.open_at or \
            verb.lemma_.lower() not in _FRAMES:
        return None
    who = _clause_subject(verb, quoted)
    return (verb.lemma_.lower(), who) if _speaks(who) and who.i not in quoted else None


def _name_before_colon(pre: list[Token]) -> Token | None:
    """'Pollsters agree - Carl Bialik: "..."', 'Continued Stone: "..."' and 'he tweeted about
    ... Donald Trump: "..."': a name standing alone before the colon, after a dash or an
    ellipsis, at the start of the paragraph or after a speech verb it is the subject of, is
    the quote's source (not 'told Fox News:' or 'later on CNN:')."""
    if not pre or pre[0].text != ":":
        return None
    names: list[Token] = []
    bracketed = False
    for tok in pre[1:]:
        if tok.text in _DASHES:
            break
        bracketed = tok.text != "(" and (bracketed or tok.text == ")")
        if tok.pos_ in ("VERB", "AUX"):
            # an inverted speech verb ("Continued Stone:") whose subject the name is
            if _says(tok) and names and tok.i + 1 == names[-1].i and tok.i == pre[-1].i:
                break
            return None
        if tok.is_punct and tok.text not in "().":
            return None
        # (a name may be tagged a noun: "Pew Research")
        if not bracketed and (tok.pos_ == "PROPN" or tok.pos_ == "NOUN" and tok.is_title) and \
                tok.ent_type_ not in ("DATE", "TIME"):
            names.append(tok)
    else:
        if pre[-1].i > 0 and pre[-1].doc[pre[-1].i - 1].text not in ("\n", "\n\n") and \
                "\n" not in pre[-1].doc[pre[-1].i - 1].text:
            return None  # the name is not where a sentence starts
    return names[0] if names else None


def _introducer(pre: list[Token], quoted: set[int]) -> Token | None:
    """The named person whose clause ends in the colon before a quote ('Fallon fired back:')."""
    if not pre or pre[0].text != ":" or pre[0].head.pos_ != "VERB":
        return None
    who = _clause_subject(pre[0].head, quoted)
    named = who is not None and (who.ent_type_ == "PERSON" or who.pos_ == "PROPN")
    return who if named and who.i not in quoted else None


def _says(verb: Token) -> bool:
    """A verb of saying, also a phrasal one ("fired back", "pointed out", "as X put it")."""
    return verb.lemma_.lower() in CUES or (verb.lemma_.lower(), _particle(verb)) in _PHRASAL


def _particle(verb: Token) -> str:
    # ("back" is often parsed as an adverb: "fired back")
    return next((c.lower_ for c in children(verb) if c.dep_ in ("prt", "advmod") and c.lower_ in
                 ("back", "out", "in", "up", "on") or c.dep_ == "dobj" and c.lower_ == "it"), "")


def _verb(verb: Token) -> str:
    """The cue as reported: the lemma, with its particle for a phrasal verb ("fire back")."""
    lemma = verb.lemma_.lower()
    return lemma if lemma in CUES else f"{lemma} {_particle(verb)}"


def _reported_in(verb: Token) -> Token | None:
    """The speech verb whose content holds `verb`'s clause ('said [the areas suggested ...]')."""
    content = False
    for _ in range(4):
        content = content or verb.dep_ == "ccomp"
        if verb.head.i == verb.i:
            return None
        verb = verb.head
        if content and _says(verb) and _speech(verb):
            return verb
    return None


def _speech(verb: Token) -> bool:
    """Whether a speech verb reports speech here: not as an adjective ("repeated accusations"),
    not "continue to be", not an act wanted or expected ("wanted to admit 250,000 Syrians",
    "expects Obama to announce"); "went on to say" and "was quick to add" do report."""
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ == "amod" and verb.tag_ in ("VBN", "VBG"):
        return False
    if verb.lemma_.lower() == "continue" and any(c.dep_ == "xcomp" for c in children(verb)):
        return False
    head = verb.head
    infinitive = verb.dep_ in ("xcomp", "ccomp") and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in children(verb))
    return not (infinitive and head.i != verb.i and head.pos_ in ("VERB", "AUX")
                and head.lemma_.lower() not in _GOING_ON)


def _personal(head: Token | None) -> bool:
    """A person or a body of people (a name, he or she, "the senator", "officials"), not a
    thing that can be said to say something ("the report", "the process", "the areas")."""
    if head is None:
        return False
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or head.pos_ == "PROPN":
        return True
    if head.pos_ == "PRON":
        return head.lower_ in ("he", "she", "i", "we", "they", "you")
    return head.lemma_.lower() in _PEOPLE or _name_as_noun(head)


def _name_as_noun(head: Token) -> bool:
    """A capitalised noun inside a sentence is a name the tagger missed ("Hannity said")."""
    return head.pos_ == "NOUN" and head.is_title and not head.is_sent_start and \
        head.doc[head.i - 1].tag_ != "``"


def _speaks(head: Token | None) -> bool:
    """Whether a subject can be a speaker: a name, a personal pronoun or a noun not known as
    a thing (no "the platform", "it", "the move")."""
    if head is None:
        return False
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or head.pos_ == "PROPN":
        return True
    if head.pos_ == "PRON":
        return head.lower_ not in ("it", "that", "this", "what", "which")
    lemma = head.lemma_.lower()
    return head.pos_ == "NOUN" and (lemma in _BODIES or not _THING.search(lemma)
                                    or _name_as_noun(head))


def _reported_by(tokens: list[Token], quoted: set[int], who: Token
                 ) -> tuple[str, Token] | None:
    """'"...," said Day, reports USA Today' and 'Day said, according to CNN': the outer source
    of a nested attribution is the one the quote is given on."""
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            outer = next((c for c in children(tok.nbor()) if c.dep_ == "pobj"), None)
            outer = outer if outer is None else _by(outer) or outer
            cue = "according to"
        elif tok.lemma_.lower() == "report" and tok.pos_ == "VERB" and tok.i > who.i and \
                tok.dep_ != "relcl" and not any(c.dep_ == "auxpass" for c in children(tok)):
            # (a report before the speaker sets the scene: 'X reported, his wife whispered';
            # 'X wrote in the email, which was first reported by the AP' tells of the email)
            outer = subject(tok)
            if outer is None or outer.i == who.i:  # inverted, '..., reports USA Today'
                outer = next((c for c in children(tok) if c.dep_ in (
                    "dobj", "attr", "npadvmod") and c.pos_ == "PROPN"
                    and c.ent_type_ not in ("DATE", "TIME")), None)
            cue = "report"
        else:
            continue
        # "according to its analysis": the speaker's own source, not another
        if outer is not None and outer.i not in quoted and outer.i != who.i and not any(
                c.dep_ == "poss" and c.pos_ == "PRON" for c in children(outer)):
            return cue, outer
    return None


def _clause_subject(verb: Token, quoted: set[int]) -> Token | None:
    """subject(), also through "by warning that", "a statement describing" and the like; a
    verb of a quotation is not the writer's clause ('said it "kept us safe" before claiming')."""
    verb = _reporting(verb, quoted)
    if verb.tag_ == "VBG" and verb.i not in quoted and (
            verb.head.i in quoted or (subject(verb) is not None and subject(verb).i in quoted)):
        # 'Clinton seemed ready, telling the crowd, "Some people get ..."' and 'trashed Comey
        # on "Morning Joe," calling it': a participle the parse hung in a quote goes with the
        # verb before it
        before = next((t for t in reversed(verb.doc[max(0, verb.i - 30):verb.i])
                       if t.tag_ in ("VBD", "VBZ", "VBP") and t.i not in quoted), None)
        if before is not None and "\n" not in verb.doc[before.i:verb.i].text:
            verb = before
    for _ in range(3):
        subj = subject(verb, depth=5)
        if subj is not None and subj.ent_type_ in ("DATE", "TIME"):
            subj = None  # 'Saturday at the convention Sen. Warren said': a date says nothing
        if (subj := _named_before(verb) or _by(verb) or subj or _lost_subject(verb, quoted)
                ) is not None:
            return subj
        while verb.dep_ in ("pcomp", "pobj", "prep", "dative", "acl", "dobj", "conj") and \
                verb.head is not verb:
            verb = verb.head
            if verb.pos_ in ("VERB", "AUX") and verb.i not in quoted:
                break
        else:
            return None
    return None


def _named_before(verb: Token) -> Token | None:
    """'"Cruz," Beck joked': a name right before a verb, parsed as a compound of it, is its
    subject."""
    return next((c for c in lefts(verb) if c.dep_ == "compound" and c.i == verb.i - 1
                 and c.ent_type_ == "PERSON"), None)


def _lost_subject(verb: Token, quoted: set[int]) -> Token | None:
    """A subject the parse hung elsewhere: a name read as a modal before a past tense ('Will
    wrote'); else, for a finite verb, the nearest subject or apposition before it in its
    sentence ('Sanders, meanwhile, who sits at zero, said' and 'a White House official who
    spoke anonymously said', parsed as the subject of "sits" and an apposition)."""
    if verb.i == 0:
        return None
    prev = verb.doc[verb.i - 1]
    # (a modal before a past form, tagged either way, is no modal)
    if prev.tag_ == "MD" and prev.is_title and verb.tag_ in ("VBD", "VBN") and \
            prev.head.i == verb.i:
        return prev
    # a past participle with an object and no auxiliary is a past tense ('one lawmaker called
    # Trump "..."', 'Two analysts, Megahan and Harman, found that')
    deps = {c.dep_ for c in children(verb)}
    if verb.tag_ not in ("VBD", "VBZ", "VBP") and not (
            verb.tag_ == "VBN" and not deps & {"aux", "auxpass"} and
            deps & {"dobj", "oprd", "ccomp"}):
        return None
    bracketed = False  # ("Sen. Elizabeth Warren (D-MA) said": not the state)
    for tok in reversed(verb.doc[verb.sent.start:verb.i]):
        if tok.i in quoted or tok.text in _MARK_TOKENS:
            return None
        bracketed = tok.text != "(" and (bracketed or tok.text == ")")
        # (not the subject of a clause brought in by "that", "when" or "although")
        if not bracketed and tok.dep_ in ("nsubj", "nsubjpass", "appos", "ROOT") and \
                tok.pos_ in ("NOUN", "PROPN") and _speaks(tok) and \
                tok.ent_type_ not in ("DATE", "TIME") and not any(
                c.dep_ == "mark" and c.i < tok.i for c in children(tok.head)):
            return tok
    return None


def _reporting(verb: Token, quoted: set[int]) -> Token:
    """'Sanders said the process could be "messy," adding, "..."': a participle after a reported
    clause goes with the verb that reports it when it is one of speech (adding, saying,
    explaining) or when the reported clause is about a thing ('Romney said the plan was a
    failure, calling it "..."'); after a person's clause it may be theirs."""
    head = verb.head
    speech = verb.lemma_.lower() in CUES
    # ('Hannity said on his show after the senator won, remarking that': a participle of
    # speech after a clause of time or cause under a speech verb goes with that verb too)
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and (
            head.dep_ == "ccomp" or speech and head.dep_ == "advcl") and \
            head.lemma_.lower() not in CUES and head.head.lemma_.lower() in CUES and \
            head.head.pos_ == "VERB" and head.head.i not in quoted and (
            speech or not _personal(subject(head))):
        return head.head
    return verb


def _previous_sentence(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int]
                       ) -> tuple[str | None, Token | None]:
    """'Or maybe Bush, consultant Phil Musser says. "Several surveys ..."': the speech verb of
    the sentence just before a quote that opens a sentence, in the same paragraph."""
    i = bisect_left(starts, part.open_at)
    if i >= len(doc) or not doc[i].is_sent_start and doc[i - 1].text not in _END_PUNCT | {":"}:
        return None, None
    prev = doc[i - 1].sent if i > 0 else None
    if prev is None or prev.start_char < line[0] or _MARK.search(prev.text):
        return None, None
    for tok in prev:
        if tok.pos_ == "VERB" and _says(tok) and (subj := subject(tok)):
            return _verb(tok), subj
    # 'Iowa State's Dianne Bystrom agreed. "..."': a person who is the sentence's subject
    subj = subject(prev.root) if prev.root.pos_ == "VERB" else None
    if subj is not None and (subj.ent_type_ == "PERSON" or subj.lower_ in PRONOUNS or (
            subj.pos_ == "NOUN" and subj.lemma_.lower() in _PEOPLE - _BODIES)):
        return prev.root.lemma_.lower(), subj
    return None, None


def _introduced(doc: Doc, starts: list[int], line: tuple[int, int], quoted: set[int]
                ) -> tuple[str | None, Token | None]:
    """'Dr. Ward stated:' closing the paragraph before one that opens with a quote."""
    sent = doc[bisect_left(starts, line[1]) - 1].sent
    tokens = [t for t in reversed(sent) if t.idx >= line[0] and t.i not in quoted]
    if (found := _cue(tokens, quoted)) is not None and found[1] is not None:
        return found
    verb = next((t for t in tokens if t.pos_ == "VERB" and t.dep_ == "ROOT"), None)
    if verb is None or (subj := _clause_subject(verb, quoted)) is None:
        # 'Partial transcript as follows:' or 'Full statement:': the document is the source
        # of the quoted paragraphs below it
        words = [t for t in tokens if t.is_alpha]
        head = sent.root
        if len(words) <= 5 and head.pos_ in ("NOUN", "PROPN") and head.idx >= line[0] and \
                head.i not in quoted and _DOCUMENT.search(head.lower_):
            return None, head
        return None, None
    return verb.lemma_.lower(), subj


def _next_sentence(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int],
                   quoted: set[int]) -> tuple[str | None, Token | None]:
    """'"...." That was how Baker put it.' and '"...." So said Baker.': a quote with nothing
    before it to say whose it is, ending its sentence, is given by the speech verb of the
    sentence after it in the paragraph, when that verb has a person for its subject."""
    i = bisect_left(starts, part.close_at)
    if i >= len(doc) or doc.text[part.end - 1] not in _END_PUNCT and not doc[i].is_sent_start:
        return None, None
    tokens = []
    for tok in doc[i:i + _WINDOW]:
        if tok.idx >= line[1] or tok.text in _MARK_TOKENS:
            return None, None  # another quote: its own attribution
        if tok.text in _END_PUNCT:
            break
        tokens.append(tok)
    found = _cue(tokens, quoted)
    if found is None or not _personal(found[1]) or found[1].lower_ in PRONOUNS:
        return None, None
    return found


def _reported_before(doc: Doc, body: str, starts: list[int], line: tuple[int, int],
                     quoted: set[int]) -> tuple[str | None, Token | None]:
    """'Carter said that the U.S. would not leave the region.' then a paragraph '"That's
    because ..."' with no attribution: speech right after a paragraph reporting what someone
    said, without quoting them, is theirs."""
    if _MARK.search(body, line[0], line[1]):
        return None, None
    root = doc[bisect_left(starts, line[1]) - 1].sent.root
    if root.pos_ != "VERB" or root.lemma_.lower() not in CUES or not any(
            c.dep_ == "ccomp" for c in children(root)):
        return None, None
    who = _clause_subject(root, quoted)
    return (root.lemma_.lower(), who) if _personal(who) else (None, None)


def _trailing_speaker(words: list[Token]) -> Token | None:
    """Head of the speaker in '"...," Name [, apposition,] said' or '"...," said Name'."""
    if not words:
        return None
    first = words[1] if words[0].pos_ in ("VERB", "AUX") and len(words) > 1 else words[0]
    # (a capitalised word after "said" is a name whatever its tag: '"...," said Skelly')
    if first.pos_ not in ("PROPN", "PRON", "NOUN", "DET", "ADJ") and not (
            first.is_title and first.is_alpha and first.i > words[0].i):
        return None
    head = first
    for tok in first.doc[first.i + 1:first.i + 6]:  # the end of a name: "Gene Sperling"
        if tok.pos_ not in ("PROPN", "NOUN") and tok.text != "-":
            break
        head = tok
    return head


def _framed(doc: Doc, starts: list[int], part: _Part, body: str) -> bool:
    """A short quote that is a partial quotation ("claimed the comments were "deceptive""),
    not a scare quote or a title: its words sit in the content of a verb of saying, reached
    without passing a clause under a preposition ("accused Biden of giving Israel the "green
    light"" is the writer's phrase; "described him as "volatile"" is not). When every word is
    capitalised it is a title ("Meet the Press") unless someone gives it as a name ("called
    Rubio "Little Marco"", not "a film called "Tenemos Familias"")."""
    words = body[part.start:part.end].split()
    titled = all(w[0].isupper() or not w[0].isalpha() or w in _TITLE_SMALL for w in words)
    first, last = bisect_left(starts, part.start), bisect_left(starts, part.end)
    for tok in doc[first:last]:
        above = _frame_or_stop(tok)  # the ancestors between say nothing: passed at once
        while above is not None and first <= above.i < last:
            above = _frame_or_stop(above)
        if above is not None and _is_frame(above):  # else a preposition's clause: stop
            # also the verb under a preposition itself: "by calling him "...""
            return not titled or above.lemma_.lower() in _NAMING and any(
                c.dep_ == "nsubj" for c in children(above))
    return not titled and first_where(doc, _is_according, *sentence(
        doc[min(first, len(doc) - 1)])) is not None


def _is_frame(tok: Token) -> bool:
    return tok.lemma_.lower() in _FRAMES and tok.pos_ in ("VERB", "AUX")


def _is_according(tok: Token) -> bool:
    return tok.lower_ == "according"


def _frame_or_stop(tok: Token) -> Token | None:
    """The nearest ancestor that is a verb framing words (_FRAMES) or a clause under a
    preposition ("pcomp", "agent"), where _framed's walk up stops. Every token on the way up
    shares the answer, kept with the doc: walking up from every word of every quote is
    quadratic in a deep parse."""
    known = memo(tok.doc, _frame_or_stop)  # token index -> the answer's index, -1 for none
    path, above, found = [], tok, -1
    while True:
        if above.i in known:
            found = known[above.i]
            break
        path.append(above.i)
        if above.head.i == above.i:
            break
        above = above.head
        if _is_frame(above) or above.dep_ in ("pcomp", "agent"):
            found = above.i
            break
    for i in path:
        known[i] = found
    return tok.doc[found] if found >= 0 else None


def _sentence_person(doc: Doc, starts: list[int], part: _Part, quoted: set[int]
                     ) -> Token | None:
    """'Trump defended eminent domain, calling it an "absolute necessity"' when the parse
    finds no verb for the quote: the person named as the subject of its sentence."""
    i = bisect_left(starts, part.open_at)
    if i >= len(doc):
        return None
    sent = doc[i].sent
    return next((t for t in sent if t.i < i and t.i not in quoted and t.dep_ in (
        "nsubj", "ROOT") and (t.ent_type_ == "PERSON" and t.pos_ in ("PROPN", "NOUN")
                              or t.lower_ in PRONOUNS)), None)


def _said_before(doc: Doc, starts: list[int], part: _Part, line: tuple[int, int]
                 ) -> Token | None:
    """'Jahangir said she was angered. Doing so "appeared to be an attempt ..."': the one who
    said something in the sentence before, in the same paragraph, when it quotes no one."""
    sent = doc[min(bisect_left(starts, part.open_at), len(doc) - 1)].sent
    if sent.start == 0 or (prev := doc[sent.start - 1].sent).start_char < line[0] or \
            _MARK.search(prev.text):
        return None
    return next((subj for tok in prev if tok.pos_ == "VERB" and _says(tok)
                 and _personal(subj := subject(tok))), None)


def _quoted(offset: int, parts: list[_Part], open_marks: list[int]) -> bool:
    i = bisect_left(open_marks, offset + 1) - 1  # open_marks: each part's open_at
    return i >= 0 and offset < parts[i].close_at


def _copy_speaker(source: dict, row: dict) -> None:
    for key in ("speaker", "speaker_entity_id", "cue"):
        row[key] = source[key]


def _outside_quotes(mentions: list[Mention], parts: list[_Part]) -> list[Mention]:
    """Mentions not inside a quotation: the only antecedents for "he said"."""
    open_marks = [p.open_at for p in parts]
    outside = []
    for m in mentions:
        i = bisect_left(open_marks, m.start) - 1
        if i < 0 or m.start >= parts[i].close_at:
            outside.append(m)
    return outside
