"""Quotes: who said what, in direct speech ("...," he said) and reported speech ("X said
that ...", "According to X, ...").

Works on the spaCy parse of each paragraph, with three kinds of evidence:
- quotation marks (straight or curly), paired per paragraph; a quote left open at a paragraph
  end continues when the next paragraph opens with a quotation mark, as news style has it;
- a speech cue: a verb from `summarizer.speech.SPEECH_VERBS` (its content is its clausal
  complement, or the sentence around it for "..., X said." and "As X noted, ..."), "according
  to X", or a colon after a speaker;
- the speaker: the cue's subject, resolved through `ActorIndex` (a name, a pronoun, a
  nominal such as "the president"), or the source's own words when no actor is known.

Quoted words with no speech cue (scare quotes, titles: "phony polls") are not quotes.
Unbalanced quotation marks are skipped, never guessed at.

A quote's `start`/`end` cover its content in `Article.text`. Where the content is split around
its cue ("We won," he said, "and we will win again"), they cover both parts and the cue
between them, while `text` holds the content words alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from summarizer.actors import ActorIndex, dateline_dash, is_dateline, possessive_follows
from summarizer.coref import pair_quotation_marks
from summarizer.org_nominals import is_organisation_nominal
from summarizer.person_nominals import age_of_phrase, nominal_of
from summarizer.speech import (
    DESCRIBE_VERBS,
    EXPRESS_OBJECTS,
    OBJECT_CONTENT_VERBS,
    PHRASAL_SPEECH_VERBS,
    PRONOUNS,
    REPORTING_VERBS,
    SPEECH_VERBS,
    TITLE_WORDS,
)
from summarizer.types import Article, Quote, QuoteKind

_OPENING = "“«„"
_STRAIGHT = '"'
_MIN_CONTENT_TOKENS = 3
_SUBJECTS = ("nsubj", "nsubjpass")
_CONTENT_DEPS = ("ccomp", "parataxis")
# A speaker label before a colon: "Pat Caddell:", "WALLACE:", "Poll:".
_LABEL_MAX_TOKENS = 4
# The cue shown for a quote that a colon introduces when no verb does ("WALLACE: ..."): the
# cue is always a word, never punctuation.
_LABEL_CUE = "said"
# Entity labels of words that never speak: buildings, dates and times. (Numbers do: "one of
# the officials said", PolNeAR train.)
_NEVER_SPEAKERS = frozenset(("FAC", "DATE", "TIME"))


@dataclass(frozen=True)
class _Segment:
    """Quoted words in one paragraph: `start`/`end` exclude the quotation marks."""

    paragraph: int
    start: int
    end: int
    continues: bool  # left open at the paragraph end; the next paragraph carries on


@dataclass
class _Found:
    """A quote under construction, with the cue token it hangs on."""

    speaker: str | None
    cue: str
    parts: list[tuple[int, int]]
    kind: QuoteKind
    paragraph: int
    cue_offset: int


def extract_quotes(article: Article, docs: Sequence[Doc], index: ActorIndex) -> list[Quote]:
    """All quotes of `article`, in article order.

    Args:
        article: the article; `docs[i]` is the parse of `article.paragraphs[i]`.
        docs: one spaCy Doc per paragraph.
        index: the article's actors; speaker references found here are recorded in it.

    Returns:
        The quotes, direct and reported, ordered by where their content starts.
    """
    segments = list(_quoted_segments(article))
    # Every check below looks within one paragraph, so that the work stays linear in the
    # length of the article (a 14,000-paragraph text of "He said yes." included).
    segments_in: dict[int, list[_Segment]] = defaultdict(list)
    for segment in segments:
        segments_in[segment.paragraph].append(segment)
    found = _direct_quotes(article, docs, index, segments, segments_in)
    found_in: dict[int, list[_Found]] = defaultdict(list)
    for direct in found:
        found_in[direct.paragraph].append(direct)
    used_cues = {q.cue_offset for q in found}
    for paragraph, doc in zip(article.paragraphs, docs, strict=True):
        local_segments = segments_in.get(paragraph.number, [])
        local = found_in[paragraph.number]
        for reported in _reported_quotes(paragraph.start, paragraph.number, doc, index):
            if reported.cue_offset in used_cues or _inside_any(reported.cue_offset,
                                                               local_segments):
                continue
            if _overlaps_found(reported, local):
                continue
            used_cues.add(reported.cue_offset)
            found.append(reported)
            local.append(reported)
        labels = list(_label_quotes(paragraph.start, paragraph.number, doc, index, local))
        found.extend(labels)
        local.extend(labels)
    found = [f for f in found if not _in_credit_line(f, index)]
    for paragraph_found in found_in.values():
        _cut_tails_of_others(article.text, paragraph_found)
    quotes = [quote for quote in (_to_quote(article, f) for f in found) if quote.text]
    return sorted(quotes, key=lambda q: (q.start, q.end))


# --- direct quotes --------------------------------------------------------------------


def _quoted_segments(article: Article) -> Iterator[_Segment]:
    """Pair quotation marks paragraph by paragraph; stray marks are ignored."""
    paragraphs = article.paragraphs
    closed: list[list[_Segment]] = []
    left_open: list[int | None] = []  # where a quote left open at the paragraph end starts
    for paragraph in paragraphs:
        quoted = pair_quotation_marks(paragraph.text)
        closed.append([_Segment(paragraph.number, paragraph.start + a, paragraph.start + b,
                                continues=False) for a, b in quoted.closed])
        left_open.append(quoted.left_open)
    # A quote left open carries on only when the next paragraph reopens it and the run of
    # paragraphs is closed in the end (news style). A run that never closes is unbalanced:
    # skipped, not guessed at. (Checking the next paragraph's first character alone took the
    # empty text after the last paragraph for an opening mark: `"" in "..."` is True.)
    carries_on = [False] * len(paragraphs)
    for position in reversed(range(len(paragraphs) - 1)):
        following = paragraphs[position + 1]
        width = _opening_width(following.text)
        if left_open[position] is None or not width:
            continue
        reopened_closes = any(s.start == following.start + width
                              for s in closed[position + 1])
        reopened_runs_on = left_open[position + 1] == width and carries_on[position + 1]
        carries_on[position] = reopened_closes or reopened_runs_on
    for position, paragraph in enumerate(paragraphs):
        yield from closed[position]
        start = left_open[position]
        if start is not None and carries_on[position]:
            yield _Segment(paragraph.number, paragraph.start + start,
                           paragraph.start + len(paragraph.text), continues=True)


def _opening_width(text: str) -> int:
    """The width of the quotation mark that opens `text`, or 0 when none does."""
    if text.startswith(("``", "''")):
        return 2
    return 1 if text[:1] and text[:1] in _OPENING + _STRAIGHT else 0


def _direct_quotes(article: Article, docs: Sequence[Doc], index: ActorIndex,
                   segments: Sequence[_Segment],
                   segments_in: dict[int, list[_Segment]]) -> list[_Found]:
    found: list[_Found] = []
    previous: _Found | None = None
    previous_segment: _Segment | None = None
    for segment in segments:
        paragraph = article.paragraphs[segment.paragraph - 1]
        doc = docs[segment.paragraph - 1]
        cue = _cue_for_segment(doc, paragraph.start, segment, segments_in[segment.paragraph])
        content = (segment.start, segment.end)
        if cue is None and _opens_with_label(doc, paragraph.start, segment):
            # A transcript's quoted "WALLACE: ..." line: a new speaker, whom
            # `_label_quotes` names; neither the quote before nor a colon before carries on.
            previous, previous_segment = None, segment
            continue
        if cue is None:
            # An uncued quote right after a cued one (the same sentence run, or a quote that
            # continues over a paragraph break) carries on the same speaker.
            if previous is not None and previous_segment is not None and _carries_on(
                article, previous_segment, segment, previous.cue_offset
            ):
                if previous.paragraph == segment.paragraph:
                    previous.parts.append(content)
                else:
                    previous = _Found(previous.speaker, previous.cue, [content], "direct",
                                      segment.paragraph, previous.cue_offset)
                    found.append(previous)
                previous_segment = segment
                continue
            previous, previous_segment = None, segment
            if _introduced_by_colon(article, segment, docs, index, found):
                previous = found[-1]
                continue
            framed = _framed_by_speaker(doc, paragraph.start, segment, index)
            if framed is not None:
                previous = framed
                found.append(framed)
            continue
        token, cue_text = cue
        cue_offset = paragraph.start + token.idx
        if previous is not None and previous.cue_offset == cue_offset:
            if not any(a <= content[0] < b for a, b in previous.parts):
                previous.parts.append(content)  # a quote split around its cue
            previous_segment = segment
            continue
        inside, clause = _enclosing_content(token, paragraph.start, segment)
        if not inside and _word_count(article.text[segment.start:segment.end]) < 4:
            # A short quoted phrase beside a cue but outside what was said: a title or a
            # scare quote ("said on “Morning Joe”").
            previous, previous_segment = None, segment
            continue
        kind: QuoteKind = "direct"
        parts = [content]
        if clause is not None:
            # Quoted words inside a reported clause ("said that the ad “wrongfully” suggests
            # ..."): the clause is what was said.
            parts = clause
            quoted = segment.end - segment.start
            kind = "direct" if quoted >= 0.5 * sum(b - a for a, b in clause) else "reported"
        previous = _Found(_speaker_of_cue(token, index), cue_text, parts, kind,
                          segment.paragraph, cue_offset)
        found.append(previous)
        previous_segment = segment
    return found


def _framed_by_speaker(doc: Doc, base: int, segment: _Segment,
                       index: ActorIndex) -> _Found | None:
    """A quotation standing as a sentence of its own, with no cue, between sentences
    about one person: `Mr Negroponte ... conceded this was ambitious. "Nokia make ..."`
    The person is the speaker when the sentence before has them as the subject of a verb of
    saying, or the sentences before and after both have them as subject."""
    sentences = list(doc.sents)
    local = segment.start - base
    at = next((k for k, sent in enumerate(sentences)
               if sent.start_char <= local < sent.end_char), None)
    if at is None or at == 0:
        return None
    sentence = sentences[at]
    outside = [t for t in sentence if not (local - 1 <= t.idx < segment.end - base + 1)]
    if any(not t.is_punct for t in outside):
        return None  # words of its own around the quote: not a standalone quotation
    before = _main_subject(sentences[at - 1])
    if before is None:
        return None
    subject, verb = before
    speaker = _person_named(subject, index)
    if speaker is None:
        return None
    after = _main_subject(sentences[at + 1]) if at + 1 < len(sentences) else None
    # "... but conceded this was ambitious": the verb of saying joined to the main one.
    said = next((v for v in (verb, *(c for c in verb.children if c.dep_ == "conj"))
                 if v.lower_ in SPEECH_VERBS), None)
    again = after is not None and _person_named(after[0], index) == speaker
    if said is None and not again:
        return None
    cue = said if said is not None else verb
    # The verb keeps its own reported quote ("Herren says there are pros and cons."): this
    # quotation claims its own position, not the verb's, as its cue offset.
    return _Found(speaker, cue.text, [(segment.start, segment.end)], "direct",
                  segment.paragraph, segment.start)


def _main_subject(sentence: Span) -> tuple[Token, Token] | None:
    """The subject of the sentence's main verb, with the verb."""
    verb = sentence.root
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    return (subjects[0], verb) if subjects else None


def _person_named(subject: Token, index: ActorIndex) -> str | None:
    """The canonical name of the person `subject` refers to (a name or a pronoun), else
    None."""
    if subject.lower_ in PRONOUNS:
        name = index.resolve_pronoun(subject)
    else:
        covering = index.mention_covering(index.offset(subject))
        name = index.name_of(covering.key) if covering is not None else None
    group = index.group_named(name) if name else None
    return name if group is not None and group.type == "person" else None


def _opens_with_label(doc: Doc, base: int, segment: _Segment) -> bool:
    """True when the quoted words open with a speaker label ("WALLACE: Let's start ...")."""
    first = next((t for t in doc if t.idx >= segment.start - base), None)
    if first is None:
        return False
    label = _speaker_label(first.sent)
    return label is not None and label.start_char >= segment.start - base


def _enclosing_content(cue: Token, base: int,
                       segment: _Segment) -> tuple[bool, list[tuple[int, int]] | None]:
    """Whether the quoted words overlap what the cue reports, and the cue's reported clause
    when it holds the quoted words and more."""
    parts = [(base + a, base + b) for a, b in _content_parts(cue)]
    inside = any(min(end, segment.end) > max(start, segment.start) for start, end in parts)
    for start, end in parts:
        if start <= segment.start and segment.end <= end + 1:
            outside = (segment.start - start) + max(0, end - segment.end - 1)
            return True, (parts if outside > 15 else None)
    return inside, None


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _carries_on(article: Article, before: _Segment, after: _Segment, cue_offset: int) -> bool:
    """True when `after` continues the quote of `before`: across a paragraph break, or with
    nothing but punctuation or the first quote's own cue between them
    ("“...,” he said. “...”")."""
    if before.continues and after.paragraph == before.paragraph + 1:
        return True
    if after.paragraph == before.paragraph + 1:
        return _quote_paragraph_after_cue(article, before, after, cue_offset)
    if before.paragraph != after.paragraph:
        return False
    between = article.text[before.end: after.start]
    if not re.search(r"\w", between):
        return True
    return before.end <= cue_offset < after.start


def _quote_paragraph_after_cue(article: Article, before: _Segment, after: _Segment,
                               cue_offset: int) -> bool:
    """ `"... sufficient to secure the agreement of the House of Lords," he said.` and then a
    paragraph that opens with an uncued quotation: news style gives it to the same speaker.
    The first paragraph must end on that quote's own short cue clause."""
    opening = article.paragraphs[after.paragraph - 1]
    if re.search(r"\w", article.text[opening.start: after.start]):
        return False
    closing = article.paragraphs[before.paragraph - 1]
    tail = article.text[before.end: closing.end]
    return (before.end <= cue_offset < closing.end and '"' not in tail[1:] and "“" not in tail
            and _word_count(tail) <= _CLOSING_CUE_WORDS)


# Words after a quote that are still its cue clause: ", he said.", ", said Charles Clarke,
# the home secretary."
_CLOSING_CUE_WORDS = 8


def _cue_for_segment(doc: Doc, base: int, segment: _Segment,
                     segments: Sequence[_Segment]) -> tuple[Token, str] | None:
    """The speech cue of a quote: the nearest speech verb in its sentence(s) outside quotes,
    or a colon right before it whose clause has a subject."""
    local_start, local_end = segment.start - base, segment.end - base
    sentences = {t.sent for t in doc if local_start <= t.idx < local_end}
    if not sentences:
        return None
    quoted = [(s.start - base, s.end - base) for s in segments]
    best: tuple[int, Token, str] | None = None
    for sentence in sentences:
        for token in sentence:
            if any(a - 1 <= token.idx < b + 1 for a, b in quoted):
                continue
            cue_text = _cue_words(token)
            if cue_text is None and token.text == ":" and _colon_before(doc, token, local_start):
                cue_text = _colon_word(token)
            if cue_text is None:
                continue
            distance = (local_start - token.idx if token.idx < local_start
                        else token.idx - local_end)
            if best is None or distance < best[0]:
                best = (distance, token, cue_text)
    if best is None:
        return None
    outer = _reporting_cue(best[1], quoted)
    return (outer, _cue_words(outer) or best[2]) if outer is not best[1] else (best[1], best[2])


def _reporting_cue(cue: Token, quoted: Sequence[tuple[int, int]]) -> Token:
    """The outermost speech verb that reports `cue`'s clause: in "Mr Howard said Mr Blunkett
    had complained he had inherited a "giant mess"", Howard speaks; the complaint is his
    account of Blunkett's words."""
    while cue.dep_ == "ccomp" and cue.head.i != cue.i:
        head = cue.head
        if _cue_words(head) is None or any(a - 1 <= head.idx < b + 1 for a, b in quoted):
            break
        cue = head
    return cue


def _colon_before(doc: Doc, colon: Token, quote_start: int) -> bool:
    gap = doc.text[colon.idx + 1: quote_start]
    return len(gap.strip()) <= 1 and any(
        t.dep_ in _SUBJECTS or t.ent_type_ for t in doc[colon.sent.start: colon.i]
    )


def _introduced_by_colon(article: Article, segment: _Segment, docs: Sequence[Doc],
                         index: ActorIndex, found: list[_Found]) -> bool:
    """A quote opening a paragraph after one that ends "X said:" belongs to X."""
    if segment.paragraph < 2:
        return False
    before = article.paragraphs[segment.paragraph - 2]
    current = article.paragraphs[segment.paragraph - 1]
    if (not before.text.rstrip().endswith(":")
            or segment.start - current.start > max(1, _opening_width(current.text))):
        return False
    doc = docs[segment.paragraph - 2]
    sentence = list(doc.sents)[-1]
    cue = next((t for t in sentence if _cue_words(t)), None)
    subject_of = cue if cue is not None else sentence.root
    speaker = _speaker_of_cue(subject_of, index)
    found.append(_Found(speaker, (_cue_words(cue) if cue else None) or _colon_word(sentence[-1]),
                        [(segment.start, segment.end)], "direct", segment.paragraph,
                        before.start + subject_of.idx))
    return True


# --- reported speech ------------------------------------------------------------------


def _reported_quotes(base: int, number: int, doc: Doc, index: ActorIndex) -> Iterator[_Found]:
    for token in doc:
        if token.lower_ == "according":
            quote = _according_to(base, number, token, index)
        elif token.lower_ not in REPORTING_VERBS:
            continue
        else:
            cue_text = _cue_words(token)
            quote = _reported(base, number, token, cue_text, index) if cue_text else None
        if quote is not None:
            yield quote


def _reported(base: int, number: int, cue: Token, cue_text: str,
              index: ActorIndex) -> _Found | None:
    """ "X said (that) ...", "..., X said.", "As X noted, ...", "X accused Y of ..."."""
    parts = _content_parts(cue)
    if not parts:
        return None
    return _Found(_speaker_of_cue(cue, index), cue_text,
                  [(base + a, base + b) for a, b in parts], "reported", number, base + cue.idx)


def _content_parts(cue: Token) -> list[tuple[int, int]]:
    """Char spans (in the paragraph) of what the cue reports."""
    complements = [c for c in cue.children if c.dep_ in _CONTENT_DEPS]
    if complements:
        tokens = [t for c in complements for t in c.subtree]
        return _spans_of(_without_trailing_participles(tokens))
    if cue.lower_ in OBJECT_CONTENT_VERBS:
        return _object_content(cue)
    clause = _misparsed_that_clause(cue)
    if clause:
        return _spans_of(_without_trailing_participles(clause))
    # Inverted or parenthetical cues: "..., Putin declared, is that ...", "As X noted, ...",
    # "The EXPO, say the pages, concentrates on ...": the content is the clause around them.
    if cue.dep_ in ("parataxis", "advcl", "ccomp", "conj") and cue.head.i != cue.i:
        comma = _closing_attribution(cue)
        if comma is not None:
            return _spans_of(_without_trailing_participles(list(cue.doc[cue.sent.start: comma.i])))
        if cue.dep_ == "advcl" and not any(c.lower_ == "as" for c in cue.children):
            return []
        if cue.dep_ in ("conj", "ccomp") and cue.head.i < cue.i:
            return []
        kept = [s for s in cue.children if s.dep_ in _SUBJECTS and s not in _subjects(cue)]
        outside = {t.i for t in cue.subtree} - {t.i for s in kept for t in s.subtree}
        clause = [t for t in cue.head.subtree if t.i not in outside]
        return _spans_of(_without_trailing_participles(clause))
    return []


def _closing_attribution(cue: Token) -> Token | None:
    """The comma of "..., which could be used if orders were defied, Lord Falconer said.",
    "..., he told reporters.": a cue right after its own subject, closing the sentence
    after a comma (its own objects may follow it), that the parser hung on the clause before
    it as an adverbial or a conjoined clause (with part of that clause under it)."""
    if cue.dep_ not in ("advcl", "conj") or cue.head.i > cue.i:
        return None
    subject = next((c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i), None)
    if subject is None:
        return None
    if cue.lower_ not in _TELLING and any(_says_what(c) for c in cue.rights):
        return None  # "..., their smiles said a lot": what was said is the object
    start = subject.left_edge.i
    own = {t.i for c in cue.rights for t in c.subtree if c.dep_ not in _CONTENT_DEPS}
    rest = cue.doc[cue.i + 1: cue.sent.end]
    if (start <= cue.sent.start or any(not t.is_punct and t.i not in own for t in rest)
            or subject.right_edge.i != cue.i - 1):
        return None
    comma = cue.doc[start - 1]
    return comma if comma.text == "," else None


def _says_what(child: Token) -> bool:
    """An object after a verb of saying, which is then what was said ("said a lot", "said
    nothing"); not a time ("said Monday")."""
    if child.dep_ == "npadvmod":
        return child.ent_type_ not in ("DATE", "TIME")
    return child.dep_ in ("dobj", "attr", "oprd")


def _misparsed_that_clause(cue: Token) -> list[Token]:
    """The "that" clause of a cue the parser did not give it as a complement: hung on a
    noun as a relative clause ("said on Friday during a news conference that he may wait
    ...": a relative "that" is a subject or object, never a `mark`), or with "that" read as
    a preposition ("noting that at one point he had trailed ...")."""
    doc = cue.doc
    following = doc[cue.i + 1] if cue.i + 1 < len(doc) else None
    if (following is not None and following.lower_ == "that"
            and following.dep_ not in ("det", "nsubj", "nsubjpass", "dobj", "mark")
            and following.head.i == cue.i):
        tokens = [t for t in following.subtree if t.i > following.i and not t.is_space]
        if tokens and any(t.dep_ in _SUBJECTS for t in tokens):
            return tokens
    for token in cue.subtree:
        if token.i <= cue.i or token.dep_ != "relcl":
            continue
        mark = next((c for c in token.children
                     if c.dep_ == "mark" and c.lower_ == "that" and c.i < token.i), None)
        if mark is not None:
            return [t for t in token.subtree if t.i > mark.i]
        if _told_listener(cue, token):
            return [t for t in token.subtree if not t.is_space]
    return []


# The forms of "tell", and verbs that, like it, take the listener as their object.
_TELL = frozenset(("tell", "tells", "told", "telling"))
_TELLING = _TELL | frozenset(("assured", "warned", "reminded"))


def _told_listener(cue: Token, clause: Token) -> bool:
    """ "told BBC Radio 4's Today programme he hoped ...": the parser hung the reported
    clause, opened by a personal pronoun and no relative word, on the listener."""
    if cue.lower_ not in _TELLING or clause.head.dep_ != "dobj" or clause.head.head.i != cue.i:
        return False
    first = clause.left_edge
    return first.tag_ == "PRP" and first.dep_ in ("nsubj", "nsubjpass") and first.head == clause


def _without_trailing_participles(tokens: Sequence[Token]) -> list[Token]:
    """`tokens` less a participial clause set off by a comma after them ("he cannot support
    Trump, throwing a wrench in ...", "..., echoing a memo"): the writer's comment on what
    was said, which PolNeAR leaves out of the content."""
    kept = {t.i for t in tokens}
    for token in tokens:
        left = token.left_edge
        if (token.dep_ == "advcl" and token.tag_ == "VBG" and left.i == token.i
                and left.i > 0 and token.doc[left.i - 1].text == ","
                and token.head.i in kept and token.head.i < token.i):
            kept -= {t.i for t in token.subtree}
    return [t for t in tokens if t.i in kept]


def _object_content(cue: Token) -> list[tuple[int, int]]:
    """ "accused X of Y" -> "X of Y"; "expressed hope for Y" -> "hope for Y". Nothing for
    "X was accused of Y" without an accuser: the one accused said nothing."""
    if _is_passive(cue) and not any(c.dep_ == "agent" for c in cue.rights):
        return []
    objects = [c for c in cue.rights if c.dep_ in ("dobj", "prep", "xcomp", "ccomp")]
    if cue.lower_.startswith("express") and not any(
        o.lower_ in EXPRESS_OBJECTS for o in objects
    ):
        return []
    if not objects:
        return []
    tokens = [t for o in objects for t in o.subtree]
    return _spans_of(tokens)


def _according_to(base: int, number: int, according: Token,
                  index: ActorIndex) -> _Found | None:
    """ "According to X, ..." and "..., according to X."."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if source is None:
        return None
    if _cue_words(according.head):
        return None  # "According to an interview, X said ...": the verb is the cue
    outside = set(t.i for t in according.subtree)
    sentence = according.sent
    clause = [t for t in sentence if t.i not in outside]
    parts = _spans_of(clause)
    if not parts:
        return None
    return _Found(_speaker_of_source(source, index), "according to",
                  [(base + a, base + b) for a, b in parts], "reported", number,
                  base + according.idx)


def _spans_of(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Contiguous char spans of `tokens`, trimmed of edge punctuation and "that"; empty when
    the content is too short to be a statement."""
    ordered = sorted(tokens, key=lambda t: t.i)
    words = [t for t in ordered if not t.is_punct]
    if len(words) < _MIN_CONTENT_TOKENS:
        return []
    runs: list[list[Token]] = []
    for token in ordered:
        if runs and token.i == runs[-1][-1].i + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    spans = []
    for run in runs:
        while run and (run[0].is_punct or (run[0].dep_ == "mark" and run[0].lower_ == "that")):
            run.pop(0)
        # A trailing "and" is left when a clause after it was cut off.
        while run and ((run[-1].is_punct and run[-1].text not in ("”", '"', ")", "?", "!"))
                       or run[-1].dep_ == "cc"):
            run.pop()
        if run:
            spans.append((run[0].idx, run[-1].idx + len(run[-1].text)))
    return spans


# --- speaker labels ("WALLACE: ...") ----------------------------------------------------


def _label_quotes(base: int, number: int, doc: Doc, index: ActorIndex,
                  found: Sequence[_Found]) -> Iterator[_Found]:
    """ "Pat Caddell: Democrats are worried", a transcript's "WALLACE: ..." line."""
    for sentence in doc.sents:
        label = _speaker_label(sentence)
        if label is None:
            continue
        colon = label[-1].i + 1
        content = doc[colon + 1: sentence.end]
        if len([t for t in content if not t.is_punct]) < _MIN_CONTENT_TOKENS:
            continue
        start = base + content[0].idx
        if any(a <= start < b for q in found for a, b in q.parts):
            continue
        end = base + content.end_char
        name = index.actor_for_span(base + label.start_char, base + label.end_char)
        text = label.text.strip("\"“ ")
        if name is None and not (text.isupper() and len(text) > 2):
            # "Correction:", "Name:" label no one's words; a transcript's "WALLACE:" does.
            continue
        yield _Found(name or text, _LABEL_CUE, [(start, end)], "direct", number,
                     base + doc[colon].idx)


def _speaker_label(sentence: Span) -> Span | None:
    """The short all-name prefix before a colon that starts a sentence, if any."""
    doc = sentence.doc
    for token in sentence[: _LABEL_MAX_TOKENS + 2]:
        if token.text == ":":
            label = [t for t in doc[sentence.start: token.i] if t.text not in ('"', "“")]
            if label and len(label) <= _LABEL_MAX_TOKENS and all(
                t.text[:1].isupper() for t in label
            ):
                return doc[label[0].i: label[-1].i + 1]
            return None
    return None


# --- cues and speakers ----------------------------------------------------------------


def _cue_words(token: Token) -> str | None:
    """The cue's words ("said", "has insisted", "points out") if `token` is a speech verb."""
    word = token.lower_
    if not token.tag_.startswith("VB"):
        return None
    if word in PHRASAL_SPEECH_VERBS:
        particle = next((c for c in token.children if c.lower_ == PHRASAL_SPEECH_VERBS[word]),
                        None)
        if particle is None:
            return None
        return f"{token.text} {particle.text}"
    if word not in SPEECH_VERBS and not (
        word in OBJECT_CONTENT_VERBS
        and any(c.lower_ in EXPRESS_OBJECTS for c in token.rights)
    ) and not (word in DESCRIBE_VERBS and any(c.lower_ == "as" for c in token.rights)):
        return None
    if word in _TELL and not any(
        c.dep_ in ("ccomp", "dobj", "dative") for c in token.children
    ):
        return None
    if any(c.dep_ == "neg" for c in token.children):
        return None  # "did not tell them he was ...": what was not said is not a quote
    if _withheld(token):
        return None  # "was unable to say when ...", "declined to say whether ..."
    if token.text[:1].isupper() and any(c.lower_ == "by" for c in token.rights):
        return None  # a credit line: "Writing by Dean Yates"
    if word.startswith("express"):
        noun = next(c for c in token.rights if c.lower_ in EXPRESS_OBJECTS)
        return f"{token.text} {noun.text}"
    return token.text


# Words whose infinitive is not done: "unable to say", "declined to comment".
_WITHHOLDING = frozenset(("unable", "declined", "declines", "decline", "declining", "refused",
                          "refuses", "refuse", "refusing", "reluctant", "unwilling", "failed",
                          "fails", "fail"))


def _withheld(cue: Token) -> bool:
    """A verb of saying that was not done: "was unable to say", "declined to say",
    "would not want to say", "was not able to say"."""
    if cue.dep_ != "xcomp":
        return False
    head = cue.head
    return head.lower_ in _WITHHOLDING or any(c.dep_ == "neg" for c in head.children)


def _speaker_of_cue(cue: Token, index: ActorIndex) -> str | None:
    """The speaker of a cue verb: its subject, or the subject of the verb it hangs on
    ("..., saying that ...", "... and added that ...")."""
    verb: Token | None = _clause_before(cue) if cue.is_punct else cue
    if verb is not None and _is_passive(verb):
        # "X was told that ...", "X was accused of ...": the subject heard, or is accused;
        # the speaker, if any, is the agent ("by Y").
        return _agent_of(verb, index)
    for _ in range(4):
        if verb is None:
            break
        if any(c.dep_ == "agent" for c in verb.rights):
            # "As reported by Western Journalism, Seattle became ...": the agent spoke, not
            # the subject of the clause the cue hangs on.
            return _agent_of(verb, index)
        # "LONDON (Reuters) - Donald Trump said": the parser may give the verb both the
        # dateline and the name as subjects; the dateline never speaks.
        subjects = [s for s in _subjects(verb) if not is_dateline(s)] or _subjects(verb)
        if (subjects and _is_expletive(subjects[0]) and verb.dep_ == "ccomp"
                and verb.head.i != verb.i):
            # "Gore insisted it was premature to back ... while adding ...": the "it" of
            # an extraposed clause says nothing; the clause's speaker is the one above.
            verb = verb.head
            continue
        if subjects:
            named = [s for s in subjects if _named(s, index)]
            return _speaker_of_source((named or subjects)[0], index)
        if verb.dep_ == "acl" and verb.head.i != verb.i and (
            verb.tag_ in ("VBD", "VBZ", "VBP") or verb.head.dep_ == "ROOT"
        ):
            # "Donald Trump, who is vying ..., tweeted on Friday to say ...": a finite verb
            # the parser hung on the name as a modifier (in a sentence left with no verb as
            # its root) is that name's predicate.
            return _speaker_of_source(verb.head, index)
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i != verb.i:
            # "Cruz pivoted to arguing that ...", "After saying ..., he left": the gerund's
            # subject is the clause's.
            verb = verb.head.head
        elif verb.dep_ in ("advcl", "conj", "xcomp", "acl") and verb.head.i != verb.i:
            verb = verb.head
        else:
            break
    # "..., said the Russian presidential pages.": an agent or object after the verb.
    return _agent_of(cue, index)


def _is_expletive(subject: Token) -> bool:
    """"it" that stands for a clause later in the sentence ("it was premature to back
    ...", "it is clear that ..."): the verb also takes an adjective or noun and a clause."""
    verb = subject.head
    return subject.lower_ == "it" and any(
        c.dep_ in ("acomp", "attr") for c in verb.children
    ) and any(c.dep_ in ("xcomp", "ccomp") for c in verb.children)


def _agent_of(verb: Token, index: ActorIndex) -> str | None:
    for agent in (c for c in verb.rights if c.dep_ == "agent"):
        objects = [c for c in agent.children if c.dep_ == "pobj"]
        if objects:
            return _speaker_of_source(objects[0], index)
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _colon_word(colon: Token) -> str:
    """The word to show as the cue of a quote a colon introduces: the verb of the clause
    before it ("Maria Lopez put it simply:" -> "put"), else `_LABEL_CUE`."""
    head = _clause_before(colon) if colon.text == ":" else None
    if head is None or not head.tag_.startswith("VB"):
        return _LABEL_CUE
    # "Cruz was also critical of Obama's stance, telling Breitbart London:": the verb of
    # saying nearest the colon, not the copula of the main clause.
    speaking = [t for t in colon.doc[head.i: colon.i]
                if t.tag_.startswith("VB") and t.lower_ in SPEECH_VERBS]
    return speaking[-1].text if speaking else head.text


def _clause_before(colon: Token) -> Token | None:
    """The head of the clause that a colon ends ("Maria Lopez put it simply:")."""
    doc = colon.doc
    start = colon.sent.start
    for token in doc[start: colon.i]:
        if not (start <= token.head.i < colon.i) or token.head.i == token.i:
            return token
    return None


def _subjects(verb: Token) -> list[Token]:
    """The verb's subjects; in a parenthetical cue ("The EXPO, say the pages, ...") the parser
    may take the content's subject for the cue's too, so one after the verb wins."""
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    if not subjects:
        # "The 31-year-old insisted ...": the parser may leave the age phrase a modifier of
        # the verb, with no subject at all.
        subjects = [c for c in verb.lefts if age_of_phrase(c) is not None]
    after = [s for s in subjects if s.i > verb.i]
    if after and len(after) < len(subjects):
        return after
    return subjects


def _named(token: Token, index: ActorIndex) -> bool:
    subtree = list(token.subtree)
    start = index.offset(subtree[0])
    end = index.offset(subtree[-1]) + len(subtree[-1].text)
    return index.mention_in(start, end) is not None


def _speaker_of_source(source: Token, index: ActorIndex) -> str | None:
    """Name the source noun phrase headed by `source`: an actor's canonical name (a name, a
    pronoun, a nominal), else the phrase itself ("a Chinese expert"), else None."""
    if source.lower_ in ("who", "that", "which") and source.head.dep_ == "relcl":
        source = source.head.head  # "Clinton, who said ...": the relative clause's noun
    if source.lower_ in PRONOUNS:
        return index.resolve_pronoun(source)
    if nominal_of(source) is not None:
        # "said the 28-year-old", "the Briton said": the person the text described so.
        return index.resolve_person_nominal(source) or _phrase_text(source)
    if is_dateline(source):
        # "LONDON (Reuters) - Donald Trump said": the parser may take the dateline for the
        # subject; the name after it is the speaker, if any.
        return _name_after_dateline(source, index)
    if source.ent_type_ in _NEVER_SPEAKERS:
        # An airport or a date ("the year added") says nothing.
        return None
    base = index.offset(source) - source.idx
    # The name inside the phrase: "Putin", "the head of Roscosmos, Yuri Borisov".
    head_start = base + source.left_edge.idx
    own = [t for t in source.subtree if t.dep_ not in ("relcl", "acl")]
    own_end = base + own[-1].idx + len(own[-1].text)
    # The name the head word belongs to: "CNN meteorologist Jane Doe" is Jane Doe, not CNN.
    covering = index.mention_covering(base + source.idx)
    if covering is not None:
        return index.name_of(covering.key)
    head_name = index.actor_for_span(base + source.idx, base + source.idx + len(source.text))
    if head_name:
        return head_name
    if source.tag_ in ("NNP", "NNPS") or source.lower_ not in TITLE_WORDS:
        name = index.actor_for_span(head_start, own_end)
        if name and _names_the_phrase(source):
            return name
    if source.lower_ in TITLE_WORDS:
        named_inside = _appositive_name(source, index) or _person_in_phrase(
            index, head_start, own_end)
        if named_inside:
            return named_inside
        resolved = index.resolve_nominal(source)
        if resolved:
            return resolved
    if is_organisation_nominal(source):
        # "The company said": the organisation the text has been talking about.
        resolved = index.resolve_nominal(source)
        if resolved:
            return resolved
    return _phrase_text(source)


def _person_in_phrase(index: ActorIndex, start: int, end: int) -> str | None:
    """The one person named inside a title phrase the parser headed by the title ("BBC
    Scotland's political correspondent Glenn Campbell"); None if none or several."""
    people = set()
    mention = index.mention_in(start, end)
    while mention is not None and mention.start < end:
        # "Cameron's spokesman": the possessor is not the one who holds the title.
        possessor = possessive_follows(index.article.text, mention.end)
        if index.groups[mention.key].type == "person" and not possessor:
            people.add(mention.key)
        mention = index.mention_in(mention.end, end)
    return index.name_of(people.pop()) if len(people) == 1 else None


def _name_after_dateline(dateline: Token, index: ActorIndex) -> str | None:
    """The actor named between a dateline's dash and the end of its phrase, if any."""
    dash = dateline_dash(dateline)
    if dash is None:
        return None
    base = index.offset(dateline) - dateline.idx
    following = [t for t in dateline.subtree if t.i > dash.i]
    if not following:
        return None
    return index.actor_for_span(base + following[0].idx,
                                base + following[-1].idx + len(following[-1].text))


def _names_the_phrase(source: Token) -> bool:
    """True when the actor inside the phrase is the phrase itself ("the Global Times"), not
    a part of it ("a Chinese expert")."""
    return source.tag_ in ("NNP", "NNPS")


def _appositive_name(source: Token, index: ActorIndex) -> str | None:
    """ "the head of Roscosmos, Yuri Borisov": the person named beside the title."""
    base = index.offset(source) - source.idx
    for token in source.subtree:
        if token.dep_ in ("appos", "conj") and token.i > source.i and token.tag_ == "NNP":
            previous = token.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
            if previous is None or previous.text != ",":
                continue
            name = index.actor_for_span(base + token.left_edge.idx,
                                        base + token.idx + len(token.text))
            if name:
                group = index.group_named(name)
                if group is not None and group.type == "person":
                    return name
    return None


def _phrase_text(source: Token) -> str:
    """The source phrase as written, without a relative clause or trailing punctuation."""
    clauses = {t.i for child in source.subtree if child.dep_ == "relcl" for t in child.subtree}
    tokens = [t for t in source.subtree if t.i not in clauses] or [source]
    # A label never carries a clause: "Doherty, who represents a district" -> "Doherty".
    comma = next((t.i for t in tokens if t.text == "," and t.i > source.i), None)
    if comma is not None:
        tokens = [t for t in tokens if t.i < comma] or [source]
    return source.doc[tokens[0].i: tokens[-1].i + 1].text.strip(" ,;:")


# --- helpers --------------------------------------------------------------------------


def _in_credit_line(found: _Found, index: ActorIndex) -> bool:
    """ "(Reporting by ...; Editing by ...)" holds no statement."""
    return index.in_credit_line(found.paragraph, found.cue_offset, found.cue_offset + 1) or any(
        index.in_credit_line(found.paragraph, a, b) for a, b in found.parts)


def _inside_any(offset: int, segments: Sequence[_Segment]) -> bool:
    return any(s.start <= offset < s.end for s in segments)


def _cut_tails_of_others(text: str, found: Sequence[_Found]) -> None:
    """One quote's content ends where another cue's quote begins: in "Gore insisted it was
    'premature' ... while adding, 'I don't have any doubt ...'", the parser hands the second
    quotation to the first cue too; it belongs to "adding"."""
    for quote in found:
        for other in found:
            if other is quote or other.cue_offset == quote.cue_offset or not other.parts:
                continue
            start, end = other.parts[0][0], other.parts[-1][1]
            if quote.cue_offset > start:
                continue
            kept = [(a, b) for a, b in quote.parts if not (start <= a and b <= end + 2)]
            if kept and len(kept) < len(quote.parts):
                quote.parts[:] = kept
            for k, (a, b) in enumerate(quote.parts):
                if a < start < b and end >= b - 2:
                    cut = start
                    while cut > a and (text[cut - 1].isspace() or text[cut - 1] in _TAIL_MARKS):
                        cut -= 1
                    quote.parts[k] = (a, cut)


_TAIL_MARKS = frozenset(",;:“”\"'‘’—–-")


def _overlaps_found(quote: _Found, found: Sequence[_Found]) -> bool:
    """A reported quote whose content is mostly already taken by a direct one."""
    for other in found:
        for a, b in quote.parts:
            for c, d in other.parts:
                overlap = min(b, d) - max(a, c)
                if overlap > 0 and overlap >= 0.5 * min(b - a, d - c):
                    return True
    return False


def _to_quote(article: Article, found: _Found) -> Quote:
    parts = _merged(found.parts)
    text = " ".join(article.text[a:b].strip() for a, b in parts)
    return Quote(
        speaker=found.speaker, cue=found.cue, text=_balanced_marks(" ".join(text.split())),
        kind=found.kind,
        paragraph=found.paragraph, start=parts[0][0], end=parts[-1][1],
    )


def _balanced_marks(text: str) -> str:
    """The content without a quotation mark whose partner lies outside it: 'it is more
    likely than not" that the ban ...' starts inside a quotation, so its closing mark is
    dropped (the words stay)."""
    straight = [i for i, c in enumerate(text) if c == '"']
    drop: set[int] = set()
    if len(straight) % 2:
        first = straight[0]
        closing = first > 0 and not text[first - 1].isspace()
        drop.add(first if closing else straight[-1])
    depth = 0
    for i, c in enumerate(text):
        if c == "“":
            depth += 1
        elif c == "”":
            if depth:
                depth -= 1
            else:
                drop.add(i)
    if depth:
        opened = [i for i, c in enumerate(text) if c == "“"]
        drop.update(opened[-depth:])
    if not drop:
        return text
    return " ".join("".join(c for i, c in enumerate(text) if i not in drop).split())


def _merged(parts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts in text order, overlapping or touching ones joined, so that no word of the
    article appears twice in a quote's text."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(parts):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
