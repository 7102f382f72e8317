"""Who "he", "she", "they" and "it" are: pronoun resolution for the quote analysis.

A salience model in the manner of Lappin and Leass (1994), kept small:
- candidates are the actors named (or already resolved as speakers) in the pronoun's sentence
  before it and in the few sentences before that; names inside quotation marks are someone's
  words, never antecedents;
- each reference adds to its actor's salience, weighted by its role (the subject of a speech
  verb, "Davies stressed ...", outweighs a subject, which outweighs any other mention) and
  halved per sentence of distance, so that the speaker the story follows keeps the floor
  over a name dropped in passing;
- agreement: "he"/"she" only persons, and never one whose gender the article gives otherwise
  (a title, a gendered role noun, or the text's own evidence: a subject or possessive pronoun
  in a sentence that names only that person before it, "Nair said that she ..."); "they"/"it" only
  organisations and groups;
- a pronoun speaker resolved once counts as a speaking reference for the pronouns after it
  ("“...,” she said. ... “...,” she said.": the chain of one speaker's quotes);
- when the two best candidates are close, no one is named: a wrong name is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from summarizer.people_settings import CorefSettings
from summarizer.speech import FEMALE_NOUNS, MALE_NOUNS, PRONOUNS, SPEECH_VERBS, TITLE_WORDS

if TYPE_CHECKING:
    from summarizer.actors import ActorIndex

_SUBJECTS = ("nsubj", "nsubjpass")
_GENDERED_PRONOUNS = {"he": "male", "him": "male", "his": "male", "himself": "male",
                      "she": "female", "her": "female", "hers": "female", "herself": "female"}
# Keys of unnamed subjects start with this; no actor key does.
_NOMINAL = "#nominal:"


@dataclass(frozen=True)
class _Reference:
    """One reference to an actor in a sentence: where, to whom, and how salient its role."""

    offset: int
    key: str
    weight: float


# Quotation marks by family. Some outlets write double quotes as two typewriter marks,
# `` ... '' or '' ... ''. A mark of another family inside an open quote is a quote within the
# quote (a title, someone else's words), never the end of the outer one.
_CURLY_OPENING = "“«„"
_CURLY_CLOSING = "”»"
_SENTENCE_END = ".?!…"


@dataclass(frozen=True)
class QuotedText:
    """The quoted parts of one paragraph: `closed` are (start, end) of the words between a
    pair of marks; `left_open` is where a quote not closed by the paragraph end starts."""

    closed: tuple[tuple[int, int], ...]
    left_open: int | None


def _mark_at(text: str, i: int) -> tuple[str, str, int] | None:
    """The quotation mark at `text[i]`: (family, "open"/"close"/"either", width)."""
    ch = text[i]
    if text.startswith("``", i):
        return "typewriter", "open", 2
    if text.startswith("''", i):
        return "typewriter", "either", 2
    if ch in _CURLY_OPENING:
        return "curly", "open", 1
    if ch in _CURLY_CLOSING:
        return "curly", "close", 1
    if ch == '"':
        return "straight", "either", 1
    return None


def opens_quote(text: str, i: int, width: int = 1) -> bool:
    """A symmetric quotation mark opens when it starts a word: after a space or bracket,
    before a non-space."""
    before = text[i - 1] if i else " "
    after = text[i + width] if i + width < len(text) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def pair_quotation_marks(text: str) -> QuotedText:
    """Pair the quotation marks of one paragraph; stray closing marks are ignored.

    Besides nesting, one case splits a quote: a mark that opens a new sentence while a quote
    of its family is open ('... again. "As I got older ...'). That is a quote carried over a
    paragraph break in a text whose paragraphs were run together (BBC style): the first part
    was left open, and a new one opens here.
    """
    closed: list[tuple[int, int]] = []
    outer: tuple[str, int] | None = None  # family and content start of the open quote
    inner: str | None = None  # family of a quote open inside it
    i = 0
    while i < len(text):
        mark = _mark_at(text, i)
        if mark is None:
            i += 1
            continue
        family, role, width = mark
        if role == "either":
            role = "open" if opens_quote(text, i, width) else "close"
        if outer is None:
            if role == "open":
                outer, inner = (family, i + width), None
        elif inner is not None:
            if family == inner and role == "close":
                inner = None
            elif role == "close" and family == outer[0]:
                # The inner quote never closed: the outer one ends here all the same.
                closed.append((outer[1], i))
                outer, inner = None, None
        elif role == "open" and family != outer[0]:
            inner = family
        elif role == "open":
            if text[outer[1]: i].rstrip()[-1:] in _SENTENCE_END:
                end = len(text[:i].rstrip())
                if end > outer[1]:
                    closed.append((outer[1], end))
                outer = (family, i + width)
            # Otherwise a stray opening mark inside the quote: skipped.
        else:
            # A closing mark of any family closes: mixed typography ("“...\"") is common.
            if i > outer[1]:
                closed.append((outer[1], i))
            outer = None
        i += width
    left_open = outer[1] if outer is not None and outer[1] < len(text) else None
    return QuotedText(tuple(closed), left_open)


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """The char ranges of `text` (one paragraph) inside quotation marks (see
    `pair_quotation_marks`). A quote left open runs to the end (a quote that continues into
    the next paragraph)."""
    quoted = pair_quotation_marks(text)
    ranges = list(quoted.closed)
    if quoted.left_open is not None:
        ranges.append((quoted.left_open, len(text)))
    return ranges


class PronounResolver:
    """The per-article state of pronoun resolution; the `ActorIndex` owns one, built on
    first use."""

    def __init__(self, index: ActorIndex) -> None:
        self.index = index
        self.settings: CorefSettings = index.settings.coref
        self.doc_number: dict[int, int] = {id(doc): i for i, doc in enumerate(index.docs)}
        self.sentences: dict[int, Span] = {
            index.sentence_of(sentence[0]): sentence
            for doc in index.docs for sentence in doc.sents if len(sentence)
        }
        self.quoted: list[list[tuple[int, int]]] = [quoted_ranges(p.text)
                                                    for p in index.article.paragraphs]
        self.references: dict[int, list[_Reference]] = defaultdict(list)
        self.gender: dict[str, str] = {}
        self.memo: dict[int, str | None] = {}
        self._collect_names()
        self._collect_surnames()
        self._collect_nominals()
        self._learn_genders()

    # --- building ---------------------------------------------------------------------

    def in_quotes(self, token: Token) -> bool:
        paragraph = self._paragraph(token.doc)
        return any(a <= token.idx < b for a, b in self.quoted[paragraph])

    def _paragraph(self, doc: Doc) -> int:
        return self.doc_number[id(doc)]

    def _collect_names(self) -> None:
        for mention in self.index.mentions:
            token = self.index.token_at(mention.paragraph, mention.start)
            if token is None or self.in_quotes(token):
                continue
            head = _head_of_mention(token, mention.end - mention.start, self.settings)
            # A name the recogniser ran over a sentence break ("... Malcolm X. Attallah
            # Shabazz recalled ...") counts in the sentence where its head has its role.
            self.references[self.index.sentence_of(head)].append(
                _Reference(mention.start, mention.key, _role_weight(head, self.settings)))

    def _collect_nominals(self) -> None:
        """Unnamed subjects ("the woman said", "The report also provided") and names the
        recogniser missed ("Theresa May ... told"): they take the floor like a name does,
        but a pronoun that refers to one names no one. A definite title the index resolves
        ("the president") counts as its holder."""
        for doc in self.index.docs:
            for token in doc:
                if (token.dep_ not in _SUBJECTS or token.tag_ not in ("NN", "NNS", "NNP")
                        or self.in_quotes(token)):
                    continue
                offset = self.index.offset(token)
                if self.index.mention_covering(offset) is not None:
                    continue
                sentence = self.index.sentence_of(token)
                holder = self.index.resolve_nominal(token, record=False)
                if token.tag_ == "NNP" and holder is None and (token.lower_ in TITLE_WORDS or any(
                        r.offset == offset for r in self.references.get(sentence, ()))
                        or any(c.dep_ == "appos" and self.index.mention_covering(
                            self.index.offset(c)) is not None for c in token.children)):
                    # A surname of a known person (`_collect_surnames`), or a capitalised
                    # title with the name beside it ("Director, David Caldwell, said").
                    continue
                group = self.index.group_named(holder) if holder else None
                key = group.key if group is not None else None
                self.references[sentence].append(_Reference(
                    offset, key or _nominal_key(token), _role_weight(token, self.settings)))

    def _collect_surnames(self) -> None:
        """A person's name the recogniser missed ("Ebeling reminisced ..."): a proper noun that
        is a word of a person's name already mentioned, taken as the person last mentioned
        by a name holding that word."""
        last_key: dict[str, str] = {}
        covered = {m.start for m in self.index.mentions}
        mentions = iter(self.index.mentions)
        upcoming = next(mentions, None)
        for doc in self.index.docs:
            paragraph = self._paragraph(doc)
            base = self.index.article.paragraphs[paragraph].start
            for token in doc:
                offset = base + token.idx
                while upcoming is not None and upcoming.start <= offset:
                    if self.index.groups[upcoming.key].type == "person":
                        for word in upcoming.text.split():
                            last_key[word] = upcoming.key
                    upcoming = next(mentions, None)
                if (token.tag_ != "NNP" or token.text not in last_key or offset in covered
                        or token.ent_type_ or self.in_quotes(token)):
                    continue
                if self.index.mention_covering(offset) is not None:
                    continue
                sentence = self.index.sentence_of(token)
                self.references[sentence].append(
                    _Reference(offset, last_key[token.text], _role_weight(token, self.settings)))

    def _learn_genders(self) -> None:
        """Each person's gender: a title first; else gendered role nouns and pronouns that
        can only refer to them, by majority."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for key, group in self.index.groups.items():
            if group.type != "person":
                continue
            if group.gender:
                self.gender[key] = group.gender
            for role in group.roles:
                words = set(re.findall(r"[a-z]+", role.lower()))
                votes[key]["female"] += len(words & FEMALE_NOUNS)
                votes[key]["male"] += len(words & MALE_NOUNS)
        for doc in self.index.docs:
            paragraph = self._paragraph(doc)
            base = self.index.article.paragraphs[paragraph].start
            for sentence in doc.sents:
                sentence_id = self.index.sentence_of(sentence[0])
                # An unnamed person ("the woman") is a candidate too: it blocks the vote.
                people = [r for r in self.references.get(sentence_id, ())
                          if (_nominal_agrees(r.key, "female") if r.key.startswith(_NOMINAL)
                              else self.index.groups[r.key].type == "person")]
                if not people:
                    continue
                for token in sentence:
                    gender = _GENDERED_PRONOUNS.get(token.lower_)
                    # Subjects and possessives only: an object pronoun rarely means its own
                    # clause's subject ("Tom Hale met her" is not Tom Hale).
                    if (gender is None or token.dep_ not in (*_SUBJECTS, "poss")
                            or self.in_quotes(token)):
                        continue
                    before = {r.key for r in people if r.offset < base + token.idx}
                    if len(before) == 1 and not (key := before.pop()).startswith(_NOMINAL):
                        votes[key][gender] += 1
        for key, vote in votes.items():
            if key in self.gender:
                continue
            female, male = vote["female"], vote["male"]
            if female > 2 * male:
                self.gender[key] = "female"
            elif male > 2 * female:
                self.gender[key] = "male"

    # --- resolving ----------------------------------------------------------------------

    def resolve(self, pronoun: Token, depth: int = 0) -> str | None:
        """The key of the actor `pronoun` refers to, or None."""
        position = self.index.offset(pronoun)
        if position in self.memo:
            return self.memo[position]
        kind = PRONOUNS.get(pronoun.lower_)
        if kind not in ("male", "female", "plural", "neuter") or depth > self.settings.max_chain:
            return None
        self.memo[position] = None  # a chain that comes back here finds nothing
        number = self.index.sentence_of(pronoun)
        salience: dict[str, float] = defaultdict(float)
        back = 0
        # Distance counts narrative sentences only: a run of quoted sentences is one
        # speaker's words and does not push that speaker out of reach.
        while back <= self.settings.lookback_sentences and number >= 0 and number in self.sentences:
            for reference in self._references_in(number, depth):
                if reference.offset >= position:
                    continue
                if self._agrees(reference.key, kind):
                    salience[reference.key] += reference.weight * self.settings.decay ** back
            if self._narrative(number):
                back += 1
            number -= 1
        ranked = sorted(salience.items(), key=lambda item: -item[1])[:2]
        chosen: str | None = None
        share = self.settings.ambiguous_share
        if ranked and (len(ranked) == 1 or ranked[1][1] < share * ranked[0][1]):
            chosen = ranked[0][0]
        if chosen is not None and chosen.startswith(_NOMINAL):
            chosen = None  # "the woman ... she said": someone the article does not name
        self.memo[position] = chosen
        return chosen

    def _references_in(self, sentence: int, depth: int) -> list[_Reference]:
        """The named references of a sentence, plus its pronoun speakers once resolved."""
        references = list(self.references.get(sentence, ()))
        for token in self._pronoun_speakers(sentence):
            key = self.resolve(token, depth + 1)
            if key is not None:
                references.append(_Reference(self.index.offset(token), key,
                                             self.settings.speaker_weight))
        return references

    def _narrative(self, sentence: int) -> bool:
        """True when the sentence has words of its own outside quotation marks."""
        return any(t.is_alpha and not self.in_quotes(t) for t in self.sentences[sentence])

    def _pronoun_speakers(self, sentence: int) -> list[Token]:
        span = self.sentences.get(sentence)
        if span is None:
            return []
        return [t for t in span if t.lower_ in PRONOUNS and t.dep_ in _SUBJECTS
                and t.head.lower_ in SPEECH_VERBS and not self.in_quotes(t)]

    def _agrees(self, key: str, kind: str) -> bool:
        if key.startswith(_NOMINAL):
            return _nominal_agrees(key, kind)
        group = self.index.groups[key]
        if kind in ("male", "female"):
            return group.type == "person" and self.gender.get(key, kind) == kind
        return group.type in ("organization", "group")


def _nominal_key(noun: Token) -> str:
    """A key for an unnamed subject: its head noun, its number and gender. A proper name
    the recogniser missed ("Theresa May, shadow secretary, told ...") may be anyone."""
    word = noun.lower_
    if noun.tag_ == "NNP":
        return f"{_NOMINAL}unknown:singular:{noun.i}:{word}"
    person = word in TITLE_WORDS or word in FEMALE_NOUNS or word in MALE_NOUNS or (
        word.endswith("s") and word[:-1] in TITLE_WORDS)
    gender = ("female" if word in FEMALE_NOUNS else "male" if word in MALE_NOUNS
              else "person" if person else "thing")
    number = "plural" if noun.tag_ == "NNS" else "singular"
    return f"{_NOMINAL}{gender}:{number}:{noun.i}:{word}"


def _nominal_agrees(key: str, kind: str) -> bool:
    gender, number = key[len(_NOMINAL):].split(":")[:2]
    if gender == "unknown":
        return number == "singular" and kind != "plural"
    if kind in ("male", "female"):
        return number == "singular" and gender in (kind, "person")
    if kind == "plural":
        return number == "plural"
    return number == "singular" and gender == "thing"


def _head_of_mention(token: Token, length: int, settings: CorefSettings) -> Token:
    """The syntactic head of the mention starting at `token` and `length` chars long."""
    doc = token.doc
    end = token.idx + length
    tokens = [t for t in doc[token.i:] if t.idx < end]
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    # Several heads when the span is not one phrase: the one with the most salient role.
    return max(heads, key=lambda t: _role_weight(t, settings)) if heads else token


def _role_weight(head: Token, settings: CorefSettings) -> float:
    """How salient a reference is by its role in the sentence."""
    if head.dep_ in _SUBJECTS:
        verb = head.head
        # "Mr Wallace agreed and said ...": the subject of a verb joined to one of saying.
        speaks = verb.lower_ in SPEECH_VERBS or any(
            c.dep_ == "conj" and c.lower_ in SPEECH_VERBS for c in verb.children)
        weight = settings.speaker_weight if speaks else settings.subject_weight
        # The subject of an embedded clause ("Clarke said he backed the plans when Blunkett
        # argued for them") is less salient than the sentence's own subject.
        return weight * settings.embedded_factor if _is_embedded(head.head) else weight
    if head.dep_ == "pobj" and head.head.lower_ == "to" and head.head.head.lower_ == "according":
        return settings.speaker_weight
    if head.dep_ == "appos" and head.head.dep_ in _SUBJECTS:
        return _role_weight(head.head, settings)
    return settings.other_weight


def _is_embedded(verb: Token) -> bool:
    """True when `verb` heads a subordinate clause (a "when" clause, a relative clause), not
    the sentence's main clause or one joined to it by "and". A reported clause is not
    counted: the parser often hangs an inverted cue ("..., said the woman") as one."""
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ in ("advcl", "relcl", "acl")
