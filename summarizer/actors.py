"""Key actors: the people, organisations, places and groups an article talks about.

Built from the entity mentions of any recogniser plus the spaCy parse of each paragraph:
- mentions are cleaned ("the Global Times's" -> "Global Times") and junk is dropped
  (capitalised fragments of broken text, ordinals, numbers, "Defense" in "Defense Minister");
- mentions of one real-world actor are merged ("Putin" -> "Vladimir Putin", "Xi" ->
  "Xi Jinping"); a short name shared by several people goes to the one named most recently;
- the small NER model's type mistakes are corrected where the text gives evidence
  ("state newspaper Rossiyskaya Gazeta" is an organisation, "in Harbin" a place);
- roles come from pre-modifiers, appositives and "the X of Y, Name".

`ActorIndex` also answers the quote analysis' questions (who is "he" here, who is "the
president") and records those references, so that mention counts include them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from summarizer.speech import (
    FEMALE_HONORIFICS,
    HONORIFICS,
    MALE_HONORIFICS,
    NOT_NAMES,
    ORG_CONTEXT,
    ORG_MODIFIERS,
    ORG_SUFFIXES,
    PLACE_CONTEXT,
    PRONOUNS,
    TITLE_WORDS,
)
from summarizer.types import Actor, ActorType, Article, Entity

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_HAS_LETTER = re.compile(r"[^\W\d_]")
# How much one mention of each type counts towards salience: a place or a nationality is
# named far more often than it acts, so a person quoted three times outranks "Russia".
_TYPE_WEIGHT: dict[ActorType, float] = {
    "person": 1.0, "organization": 1.0, "place": 0.4, "group": 0.25,
}
_QUOTE_WEIGHT = 2.0
_MAX_ROLE_TOKENS = 12
# The non-speech tags a one-word entity may not carry ("Meetings" tagged NNS is a capitalised
# common noun at the start of a broken sentence, not an organisation).
_NOT_NAME_TAGS = frozenset(
    ("NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS", "RB", "DT", "IN", "CC",
     "PRP", "CD")
)


@dataclass
class Mention:
    """One reference to an actor; offsets are into `Article.text`."""

    start: int
    end: int
    paragraph: int
    sentence: int
    text: str
    type: ActorType
    is_subject: bool
    key: str = ""


@dataclass
class _Group:
    """What is known about one actor while the index is being built."""

    key: str
    type: ActorType
    names: Counter[str] = field(default_factory=Counter)
    roles: list[str] = field(default_factory=list)
    gender: str | None = None
    references: set[int] = field(default_factory=set)
    paragraphs: set[int] = field(default_factory=set)
    first: int = 10**9
    quotes: int = 0


@dataclass(frozen=True)
class _TokenInfo:
    """A token's place in the article: its paragraph, sentence number and char offset."""

    paragraph: int
    sentence: int
    offset: int


class ActorIndex:
    """The actors of one article and the references to them, in text order.

    Args:
        article: the article the docs and entities belong to.
        docs: one spaCy Doc per paragraph.
        entities: entity mentions with offsets into `article.text`.
    """

    def __init__(self, article: Article, docs: Sequence[Doc], entities: Sequence[Entity]) -> None:
        self.article = article
        self.docs = docs
        self._sentence_ids: list[dict[int, int]] = _number_sentences(docs)
        mentions = [m for m in (self._clean(e) for e in entities) if m is not None]
        mentions.extend(self._missing_organisations(mentions))
        mentions.sort(key=lambda m: m.start)
        self.groups: dict[str, _Group] = {}
        self._group(mentions)
        self.mentions: list[Mention] = mentions
        self._starts: list[int] = [m.start for m in mentions]
        self._add_nominal_references()

    # --- building ---------------------------------------------------------------------

    def token_at(self, paragraph: int, offset: int) -> Token | None:
        """The token of paragraph `paragraph` (1-based) starting at article offset `offset`."""
        doc = self.docs[paragraph - 1]
        local = offset - self.article.paragraphs[paragraph - 1].start
        span = doc.char_span(local, local + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def sentence_of(self, token: Token) -> int:
        """A number for the sentence holding `token`, increasing through the article."""
        return self._sentence_ids[self._paragraph_index(token.doc)][token.sent.start]

    def _paragraph_index(self, doc: Doc) -> int:
        for index, candidate in enumerate(self.docs):
            if candidate is doc:
                return index
        raise ValueError("token from a doc that is not part of this article")

    def offset(self, token: Token) -> int:
        """The article offset of `token`."""
        return self.article.paragraphs[self._paragraph_index(token.doc)].start + token.idx

    def _span_of(self, entity: Entity) -> Span | None:
        paragraph = self.article.paragraphs[entity.paragraph - 1]
        doc = self.docs[entity.paragraph - 1]
        return doc.char_span(entity.start - paragraph.start, entity.end - paragraph.start,
                             alignment_mode="expand")

    def _clean(self, entity: Entity) -> Mention | None:
        """Trim articles, possessives and honorifics off a mention; None if it is junk."""
        span = self._span_of(entity)
        if span is None or not len(span):
            return None
        tokens = list(span)
        while tokens and (tokens[0].lower_ in ("the", "a", "an") or tokens[0].is_punct):
            tokens.pop(0)
        # The small model sometimes runs a name into the next word ("Obama Says").
        while tokens and (tokens[-1].tag_ in ("POS", "VBZ", "VBD", "VBP") or tokens[-1].is_punct):
            tokens.pop()
        if entity.type == "person":
            while len(tokens) > 1 and tokens[0].lower_ in HONORIFICS:
                tokens.pop(0)
        if not tokens:
            return None
        doc = span.doc
        trimmed = doc[tokens[0].i: tokens[-1].i + 1]
        text = _POSSESSIVE.sub("", trimmed.text).strip()
        if _is_junk(trimmed, text, entity.type):
            return None
        paragraph = self.article.paragraphs[entity.paragraph - 1]
        return Mention(
            start=paragraph.start + trimmed.start_char,
            end=paragraph.start + trimmed.start_char + len(text),
            paragraph=entity.paragraph,
            sentence=self.sentence_of(trimmed[0]),
            text=text,
            type=_corrected_type(trimmed, entity.type),
            is_subject=any(t.dep_ in ("nsubj", "nsubjpass") for t in trimmed),
        )

    def _missing_organisations(self, found: Sequence[Mention]) -> list[Mention]:
        """Names the recogniser missed whose own words or neighbours say "organisation":
        "China National Offshore Oil Corporation", "the space agency Roscosmos"."""
        covered = {(m.paragraph, offset) for m in found for offset in range(m.start, m.end)}
        extra = []
        for paragraph, doc in zip(self.article.paragraphs, self.docs, strict=True):
            for chunk in _capitalised_chunks(doc):
                start = paragraph.start + chunk.start_char
                if any((paragraph.number, start + k) in covered for k in range(len(chunk.text))):
                    continue
                if not _says_organisation(chunk):
                    continue
                extra.append(Mention(
                    start=start, end=start + len(chunk.text), paragraph=paragraph.number,
                    sentence=self.sentence_of(chunk[0]), text=chunk.text,
                    type="organization",
                    is_subject=any(t.dep_ in ("nsubj", "nsubjpass") for t in chunk),
                ))
        return extra

    def _group(self, mentions: list[Mention]) -> None:
        """Assign every mention the key of its actor, and collect what each actor is."""
        by_key: dict[str, list[Mention]] = defaultdict(list)
        for mention in mentions:
            by_key[_name_key(mention.text)].append(mention)
        types = {key: _vote_type(group) for key, group in by_key.items()}
        people = [key for key, kind in types.items() if kind == "person"]
        # Short person names ("Putin") belong to a fuller name containing all their words.
        fuller: dict[str, list[str]] = {
            key: [other for other in people
                  if other != key and set(key.split()) < set(other.split())]
            for key in people
        }
        last_seen: dict[str, int] = {}
        for mention in mentions:
            key = _name_key(mention.text)
            candidates = [c for c in fuller.get(key, []) if not fuller.get(c)]
            if candidates:
                # A surname shared by two people ("Clinton") means the one named last.
                key = max(candidates, key=lambda c: (last_seen.get(c, -1), -len(c)))
            mention.key = key
            mention.type = types[key]
            last_seen[key] = mention.start
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group(key=key, type=types[key])
            group.names[mention.text] += 1
            self._reference(group, mention.start, mention.paragraph)
            if group.type == "person":
                self._learn_person(group, mention)

    def _learn_person(self, group: _Group, mention: Mention) -> None:
        token = self.token_at(mention.paragraph, mention.start)
        if token is None:
            return
        name = token.doc[token.i: token.i + len(mention.text.split())]
        role = _role_of(name)
        if role:
            group.roles.append(role)
        previous = token.doc[token.i - 1].lower_ if token.i > 0 else ""
        if previous in FEMALE_HONORIFICS or (role and _mentions_any(role, ("spokeswoman",))):
            group.gender = group.gender or "female"
        elif previous in MALE_HONORIFICS or (role and _mentions_any(role, ("spokesman",))):
            group.gender = group.gender or "male"

    def _reference(self, group: _Group, start: int, paragraph: int) -> None:
        group.references.add(start)
        group.paragraphs.add(paragraph)
        group.first = min(group.first, start)

    def _add_nominal_references(self) -> None:
        """Count "the president" wherever it names one actor unambiguously."""
        for doc in self.docs:
            for token in doc:
                if _is_definite_title(token):
                    self.resolve_nominal(token, record=True)

    # --- questions from the quote analysis ----------------------------------------------

    def actor_for_span(self, start: int, end: int) -> str | None:
        """The canonical name of the actor mentioned within [start, end), if any."""
        index = bisect.bisect_left(self._starts, start)
        for mention in self.mentions[index:]:
            if mention.start >= end:
                break
            return self.name_of(mention.key)
        return None

    def mention_in(self, start: int, end: int) -> Mention | None:
        """The first mention inside [start, end)."""
        index = bisect.bisect_left(self._starts, start)
        if index < len(self.mentions) and self.mentions[index].start < end:
            return self.mentions[index]
        return None

    def resolve_pronoun(self, pronoun: Token) -> str | None:
        """The actor a subject pronoun refers to: the subject (else the first) person named in
        the nearest earlier sentence that names one, skipping people of the other gender."""
        kind = PRONOUNS.get(pronoun.lower_)
        if kind not in ("male", "female", "plural", "neuter"):
            return None
        wanted: tuple[ActorType, ...] = (
            ("person",) if kind in ("male", "female") else ("organization", "group")
        )
        position = self.offset(pronoun)
        sentence = self.sentence_of(pronoun)
        index = bisect.bisect_left(self._starts, position)
        candidates: list[Mention] = []
        for mention in reversed(self.mentions[:index]):
            if sentence - mention.sentence > 3:
                break
            group = self.groups[mention.key]
            if group.type not in wanted:
                continue
            if kind in ("male", "female") and group.gender not in (None, kind):
                continue
            if candidates and mention.sentence != candidates[0].sentence:
                break
            candidates.append(mention)
        if not candidates:
            return None
        same_sentence = candidates[0].sentence == sentence
        subjects = [m for m in candidates if m.is_subject]
        # In the pronoun's own sentence the nearest name wins ("Putin said he ..."); in an
        # earlier one the subject does, as readers expect ("Putin met Xi. He said ...").
        chosen = candidates[0] if same_sentence else (subjects or candidates)[-1]
        group = self.groups[chosen.key]
        if kind in ("male", "female"):
            group.gender = kind
        self.record(chosen.key, pronoun, position)
        return self.name_of(chosen.key)

    def resolve_nominal(self, head: Token, *, record: bool = True) -> str | None:
        """The person a definite nominal ("the president", "the head of Roscosmos") names,
        when its title matches one known person's role, or the latest named of several."""
        if head.tag_ != "NN" or head.lower_ not in TITLE_WORDS:
            return None
        of_object = next((c for c in head.rights if c.lower_ == "of"), None)
        detail = _LEADING_ARTICLE.sub("", _phrase(of_object)).lower() if of_object else ""
        candidates = [
            group for group in self.groups.values()
            if group.type == "person" and any(
                _mentions_any(role, (head.lower_,)) and detail in role.lower()
                for role in group.roles
            )
        ]
        if not candidates:
            return None
        position = self.offset(head)
        earlier = [g for g in candidates if g.first < position]
        if not earlier:
            return None
        chosen = max(earlier, key=lambda g: max(r for r in g.references if r < position))
        if record:
            self.record(chosen.key, head, position)
        return self.name_of(chosen.key)

    def record(self, key: str, token: Token, position: int) -> None:
        """Count a reference resolved by the quote analysis (pronoun or nominal)."""
        group = self.groups[key]
        paragraph = self._paragraph_index(token.doc) + 1
        if position in group.references:
            return
        self._reference(group, position, paragraph)
        mention = Mention(
            start=position, end=position + len(token.text), paragraph=paragraph,
            sentence=self.sentence_of(token), text=token.text, type=group.type,
            is_subject=token.dep_ in ("nsubj", "nsubjpass"), key=key,
        )
        index = bisect.bisect_left(self._starts, position)
        self.mentions.insert(index, mention)
        self._starts.insert(index, position)

    def quoted(self, name: str) -> None:
        """Note that the actor called `name` was quoted (it raises their salience)."""
        for group in self.groups.values():
            if self.name_of(group.key) == name:
                group.quotes += 1
                return

    def name_of(self, key: str) -> str:
        """The canonical name: the fullest proper form the article uses."""
        names = self.groups[key].names
        return max(names, key=lambda n: (_proper_length(n), names[n], -len(n)))

    # --- result -------------------------------------------------------------------------

    def actors(self) -> tuple[Actor, ...]:
        """All actors, most salient first."""
        total = max(len(self.article.text), 1)
        ranked = sorted(self.groups.values(), key=lambda g: -self._salience(g, total))
        result = []
        for group in ranked:
            name = self.name_of(group.key)
            aliases = tuple(sorted(n for n in group.names if n != name))
            result.append(Actor(
                name=name, type=group.type, role=_best_role(group.roles), aliases=aliases,
                mentions=len(group.references), paragraphs=tuple(sorted(group.paragraphs)),
            ))
        return tuple(result)

    def _salience(self, group: _Group, total: int) -> float:
        # Earlier is more central in news writing: a small bonus, up to one mention's worth.
        # Mentions count with diminishing returns: the country a story is set in is named
        # in every paragraph, yet the people who act and speak in it are what a reader wants.
        position = 1.0 - group.first / total
        return (_TYPE_WEIGHT[group.type] * (1.0 + math.log(len(group.references)))
                + _QUOTE_WEIGHT * group.quotes + position)


def _number_sentences(docs: Sequence[Doc]) -> list[dict[int, int]]:
    numbers: list[dict[int, int]] = []
    counter = 0
    for doc in docs:
        starts: dict[int, int] = {}
        for sentence in doc.sents:
            starts[sentence.start] = counter
            counter += 1
        numbers.append(starts)
    return numbers


def _is_junk(span: Span, text: str, kind: ActorType) -> bool:
    """True for fragments that are not a name: "THE", a lone "Defense" in "Defense Minister",
    ordinals, dates, numbers, capitalised common nouns."""
    if not _HAS_LETTER.search(text) or not any(ch.isupper() for ch in text):
        return True
    words = [w.lower().strip(".,") for w in text.split()]
    if all(w in NOT_NAMES or not _HAS_LETTER.search(w) for w in words):
        return True
    if len(span) == 1:
        token = span[0]
        if token.tag_ in _NOT_NAME_TAGS and not (kind == "group" and token.tag_ == "JJ"):
            return True
        # A part of a title, not an actor: "Defense" in "Defense Minister".
        if token.dep_ == "compound" and token.head.lower_ in TITLE_WORDS:
            return True
        if token.is_upper and len(token.text) > 3 and token.is_stop:
            return True
    # Hyphenated nationality pairs ("Russian-Chinese") describe a relation, not one actor.
    return kind == "group" and "-" in text and all(p[:1].isupper() for p in text.split("-"))


def _corrected_type(span: Span, kind: ActorType) -> ActorType:
    """The recogniser's type, overruled where the words around the name say otherwise."""
    last = span[-1].lower_
    if last in ORG_SUFFIXES and kind != "organization":
        return "organization"
    context = _context_nouns(span)
    if context & ORG_CONTEXT:
        return "organization"
    if context & PLACE_CONTEXT:
        return "place"
    if _has_org_modifier(span):
        return "organization"
    if kind == "person":
        before = span.doc[span.start - 1] if span.start > 0 else None
        # People are not "in" or "on" things, and do not take "the" before their name.
        if before is not None and before.lower_ in ("in", "at", "near"):
            return "place"
        if before is not None and before.lower_ == "the":
            return "place"
    if kind == "place":
        siblings = _coordinated(span)
        if siblings and all(t.ent_type_ == "ORG" or t.lower_ in ORG_SUFFIXES for t in siblings):
            return "organization"
    return kind


def _context_nouns(span: Span) -> set[str]:
    """Common nouns that classify the name: compounds before it ("newspaper Gazeta"),
    an appositive ("Harbin, a city"), or the noun it modifies ("the Gazeta newspaper")."""
    nouns = {t.lower_ for t in _left_modifiers(span) if t.tag_ in ("NN", "NNS")}
    root = span.root
    for child in root.rights:
        if child.dep_ == "appos" and child.tag_ in ("NN", "NNS"):
            nouns.add(child.lower_)
    if root.dep_ == "compound" and root.head.tag_ in ("NN", "NNS") and root.head.i > root.i:
        nouns.add(root.head.lower_)
    return nouns


def _left_modifiers(span: Span) -> list[Token]:
    """Tokens left of the name that modify it (directly or through a compound chain)."""
    result: list[Token] = []
    for token in span:
        for child in token.lefts:
            if child.i < span.start:
                result.extend(t for t in child.subtree if t.i < span.start)
    return result


def _coordinated(span: Span) -> list[Token]:
    """The heads of the names this one is listed with ("Rosatom, CNOOC and the Fund")."""
    root = span.root
    siblings = [c for c in root.children if c.dep_ == "conj"]
    if root.dep_ == "conj":
        siblings.append(root.head)
        siblings.extend(c for c in root.head.children if c.dep_ == "conj" and c is not root)
    return siblings


def _capitalised_chunks(doc: Doc) -> Iterable[Span]:
    """Runs of capitalised, noun-tagged tokens ("China National Offshore Oil Corporation")."""
    start: int | None = None
    for token in doc:
        is_name_part = (token.text[:1].isupper() and token.tag_ in ("NNP", "NNPS", "NN")
                        and not token.is_sent_start)
        if is_name_part and start is None:
            start = token.i
        elif not is_name_part and start is not None:
            yield doc[start: token.i]
            start = None
    if start is not None:
        yield doc[start: len(doc)]


def _says_organisation(chunk: Span) -> bool:
    if chunk[-1].lower_ in ORG_SUFFIXES and len(chunk) > 1:
        return True
    context = _context_nouns(chunk)
    if context & ORG_CONTEXT:
        return True
    return _has_org_modifier(chunk)


def _has_org_modifier(span: Span) -> bool:
    """ "state-owned AvtoVAZ": the tokenizer splits the hyphen, so compare the words joined."""
    words = "".join(t.text_with_ws for t in _left_modifiers(span)).lower().replace(" - ", "-")
    return any(modifier in words for modifier in ORG_MODIFIERS)


def _vote_type(mentions: Sequence[Mention]) -> ActorType:
    votes = Counter(m.type for m in mentions)
    return votes.most_common(1)[0][0]


def _name_key(text: str) -> str:
    """Mentions with the same key are the same actor: case, articles, punctuation ignored."""
    text = _LEADING_ARTICLE.sub("", text.strip())
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def _proper_length(name: str) -> int:
    """How many capitalised words a name has (its "fullness")."""
    return sum(1 for word in name.split() if word[:1].isupper())


def _role_of(name: Span) -> str | None:
    """The title the article gives the person named by `name`, if any.

    Looks, in order, at pre-modifiers ("former Russian Defense Minister Sergei Shoigu"),
    "the head of Roscosmos, Yuri Borisov", and an appositive ("Borisov, the head of ...").
    """
    doc = name.doc
    modifiers = sorted(_left_modifiers(name), key=lambda t: t.i)
    if modifiers:
        role = _role_text(doc[modifiers[0].i: name.start])
        if role:
            return role
    if name.start >= 2 and doc[name.start - 1].text == ",":
        head = doc[name.start - 2]
        while head.dep_ in ("pobj", "prep", "compound", "amod") and head.head.i < head.i:
            head = head.head
        if head.lower_ in TITLE_WORDS and head.tag_ in ("NN", "NNP"):
            role = _role_text(doc[head.left_edge.i: name.start - 1])
            if role:
                return role
    for child in name.root.rights:
        if child.dep_ == "appos" and child.tag_ in ("NN", "NNS"):
            subtree = [t for t in child.subtree if t.dep_ != "relcl"]
            role = _role_text(doc[subtree[0].i: subtree[-1].i + 1])
            if role:
                return role
    return None


def _role_text(span: Span) -> str | None:
    """A role from candidate tokens: trimmed of articles and punctuation; None unless it names a
    position (a title word or a common noun) and stays short."""
    tokens = list(span)
    while tokens and (tokens[0].tag_ in ("DT", "PRP$", "POS", "WDT") or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].tag_ in ("POS", "CC")):
        tokens.pop()
    if not tokens or len(tokens) > _MAX_ROLE_TOKENS:
        return None
    if not any(t.lower_ in TITLE_WORDS for t in tokens):
        return None
    if any(t.ent_type_ == "PERSON" for t in tokens):
        return None
    return span.doc[tokens[0].i: tokens[-1].i + 1].text


def _best_role(roles: Sequence[str]) -> str | None:
    """The first role the article gives (usually the fullest introduction)."""
    return roles[0] if roles else None


def _mentions_any(text: str, words: Iterable[str]) -> bool:
    lowered = set(re.findall(r"[\w-]+", text.lower()))
    return any(word in lowered for word in words)


def _phrase(token: Token | None) -> str:
    """The words governed by a preposition: "of Roscosmos" -> "Roscosmos"."""
    if token is None:
        return ""
    objects = [c for c in token.children if c.dep_ in ("pobj", "pcomp")]
    if not objects:
        return ""
    subtree = list(objects[0].subtree)
    return objects[0].doc[subtree[0].i: subtree[-1].i + 1].text


def _is_definite_title(token: Token) -> bool:
    return (token.tag_ == "NN" and token.lower_ in TITLE_WORDS
            and any(c.lower_ == "the" and c.dep_ == "det" for c in token.lefts)
            and token.dep_ != "compound")
