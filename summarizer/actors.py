"""Key actors: the people, organisations, places and groups an article talks about.

Built from the entity mentions of any recogniser plus the spaCy parse of each paragraph:
- mentions are cleaned ("the Global Times's" -> "Global Times", "Among Ghani" -> "Ghani",
  "Christie a" -> "Christie") and junk is dropped (capitalised fragments of broken text,
  ordinals, numbers, "Defense" in "Defense Minister", diseases, events, laws and court cases,
  handles, works of art, names found only in credit lines);
- mentions are unified into entities, as the Gender Gap Tracker does: first by exact name,
  then by partial match (a surname, "Mr. X" or an unambiguous first name joins the full name
  it belongs to, whatever type the recogniser gave it); a short name shared by several people
  goes to the one named in full in the same paragraph, else to the one the story is about
  (most often named in full, then first introduced);
- an entity's type is voted over all its mentions and their contexts: a title before a name
  (Sen., Gov., Mr.) is strong evidence of a person, "state newspaper Rossiyskaya Gazeta" of
  an organisation, "in Harbin" (weakly) of a place; so one recogniser slip neither splits nor
  mistypes an entity;
- roles come from pre-modifiers, appositives and "the X of Y, Name".

`ActorIndex` also answers the quote analysis' questions (who is "he" here, who is "the
president") and records those references, so that mention counts include them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from summarizer import org_nominals, person_nominals
from summarizer.coref import PronounResolver
from summarizer.credits import HANDLE, credit_spans, inside
from summarizer.entity_words import (
    BODY_WORDS,
    BUSINESS_ASSETS,
    BUSINESS_NOUNS,
    DEMONYM_PREFIXES,
    DEMONYM_SECOND_WORDS,
    DEMONYMS,
    EXTRA_EVENT_WORDS,
    EXTRA_TITLES,
    INTERJECTIONS,
    KINSHIP_TITLES,
    MAKING_NOUNS,
    MAKING_VERBS,
    NAME_DESCRIPTIONS,
    OWNING_NOUNS,
    OWNING_VERBS,
    PERSON_FATE_VERBS,
    PERSON_NOUNS,
    PERSON_POSSESSIONS,
    PLATFORMS,
    PRIZE_EMBLEMS,
    PRIZE_METALS,
    PRIZE_WORDS,
    PRODUCT_NOUNS,
    ROLE_OR_ORG_NOUNS,
    WORK_NOUNS,
)
from summarizer.people_settings import DEFAULT_PEOPLE_SETTINGS, PeopleSettings
from summarizer.places import is_known_place
from summarizer.speech import (
    EVENT_WORDS,
    FEMALE_HONORIFICS,
    HONORIFICS,
    MALE_HONORIFICS,
    NON_ACTOR_NAMES,
    NOT_NAMES,
    ORG_CONTEXT,
    ORG_MODIFIERS,
    ORG_SUFFIXES,
    PERSON_HONORIFICS,
    PLACE_CONTEXT,
    SPEECH_VERBS,
    TITLE_WORDS,
)
from summarizer.types import Actor, ActorType, Article, Entity, Paragraph, Quote

# A possessive ending, with the wrong quote marks news text sometimes has ("Trump‘s").
_POSSESSIVE = re.compile(r"(?:['’‘`]s|['’‘`])$")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_HAS_LETTER = re.compile(r"[^\W\d_]")
# A role longer than this many words is a clause, not a title.
_MAX_ROLE_TOKENS = 12
# The title an honorific before a name gives ("Sen. Ted Cruz" is "the senator"; "Cardinal
# Cormac Murphy-O'Connor" is "the cardinal").
_TITLE_OF_HONORIFIC: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("sen", "sen.", "senator"), ("senator",)),
    **dict.fromkeys(("gov", "gov.", "governor"), ("governor",)),
    **dict.fromkeys(("rep", "rep."), ("representative", "congressman", "congresswoman")),
    **dict.fromkeys(("gen", "gen."), ("general",)),
    **dict.fromkeys(("col", "col."), ("colonel",)),
    **dict.fromkeys(("adm", "adm."), ("admiral",)),
    **dict.fromkeys(("prof", "prof."), ("professor",)),
    **{word: (word,) for word in (
        "president", "judge", "justice", "mayor", "minister", "premier", "chancellor", "king",
        "queen", "prince", "princess", "pope", "cardinal", "archbishop", "bishop", "rabbi",
        "imam", "pastor", "sheikh", "coach", "senator", "governor")},
}
_REFERRING_ADJECTIVES = frozenset({"same", "aforementioned", "latter", "very", "other"})
# The non-speech tags a one-word entity may not carry ("Meetings" tagged NNS is a capitalised
# common noun at the start of a broken sentence, not an organisation).
_NOT_NAME_TAGS = frozenset(
    ("NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS", "RB", "DT", "IN", "CC",
     "PRP", "CD")
)
# Tags of a capitalised word glued to the front of a name at a sentence start ("Among
# Ghani", "But Christie"): a word of these kinds is never the first word of a name.
_GLUED_TAGS = frozenset(("IN", "RB", "CC", "DT", "PRP", "PRP$", "WRB", "WP", "WDT", "MD", "UH",
                         "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "TO", "EX", "CD", "RP"))
# spaCy labels of things that are never actors; a name inside such a span is part of a title,
# a law, an event or a product ("Hat" in "The Cat in the Hat").
_NOT_ACTOR_LABELS = frozenset(("WORK_OF_ART", "LAW", "EVENT", "PRODUCT", "LANGUAGE"))
# Particles inside names that are written in lower case ("Ludwig van Beethoven").
_NAME_PARTICLES = frozenset(("van", "von", "de", "der", "den", "da", "di", "du", "la", "le",
                             "bin", "ibn", "al", "el", "del", "dos", "das", "y", "ben", "st."))
# How strongly one mention's context speaks for a type. A title before the name ("Sen.
# Doherty") or a classifying noun ("the newspaper X") says more than the recogniser's label.
_STRONG_VOTE = 10.0
# A name that speaks, which the recogniser called something else: organisations speak too.
_SPEAKER_VOTE = 0.5


@dataclass
class Mention:
    """One reference to an actor; offsets are into `Article.text`.

    `evidence` is what the mention's own context says of its type, and how strongly: the
    recogniser's label counts 1, a title before it or a classifying noun `_STRONG_VOTE`.
    """

    start: int
    end: int
    paragraph: int
    sentence: int
    text: str
    type: ActorType
    is_subject: bool
    key: str = ""
    evidence: float = 1.0
    honorific: str = ""
    thing: float = 0.0


@dataclass
class _Group:
    """What is known about one actor while the index is being built."""

    key: str
    type: ActorType
    names: Counter[str] = field(default_factory=Counter)
    roles: list[str] = field(default_factory=list)
    # Title words the person is written with ("Sen. Cruz" -> senator), for "the senator".
    titles: set[str] = field(default_factory=set)
    first_title: str | None = None
    gender: str | None = None
    references: set[int] = field(default_factory=set)
    paragraphs: set[int] = field(default_factory=set)
    first: int = 10**9
    # The type was decided by strong evidence (a title, a classifying noun, a name's own
    # suffix), not only by the recogniser's label.
    settled: bool = False


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
        settings: the tunable numbers of ranking and nominal resolution.
    """

    def __init__(self, article: Article, docs: Sequence[Doc], entities: Sequence[Entity],
                 settings: PeopleSettings = DEFAULT_PEOPLE_SETTINGS) -> None:
        self.article = article
        self.settings = settings
        self._ranked = False
        # Pronoun resolution reads the finished index; built on the first pronoun.
        self._pronouns: PronounResolver | None = None
        self.docs = docs
        self._doc_index: dict[int, int] = {id(doc): i for i, doc in enumerate(docs)}
        self._sentence_ids: list[dict[int, int]] = _number_sentences(docs)
        self.credits: list[list[tuple[int, int]]] = [credit_spans(p.text)
                                                     for p in article.paragraphs]
        # Names the recogniser labels a work, product, event or law somewhere (those
        # mentions never reach the actors): evidence about the other mentions of the name.
        self._labelled_things: Counter[str] = Counter(
            _name_key(ent.text) for doc in docs for ent in doc.ents
            if ent.label_ in _NOT_ACTOR_LABELS)
        # Every name the recogniser found, as a key: a maker's name before a model word
        # ("Mini Convertible" where "Mini" is named alone) makes the pair a product.
        self._entity_keys: frozenset[str] = frozenset(_name_key(e.text) for e in entities)
        # Words written capitalised inside a sentence somewhere: a sentence's first word
        # that the tagger reads as a common noun ("Budget airline Ryanair ...") is a name
        # only if the article also capitalises it where capitals mean something.
        self._capitalised_inside: frozenset[str] = frozenset(
            t.lower_ for doc in docs for t in doc
            if t.text[:1].isupper() and not t.is_sent_start and t.i > 0
            and not doc[t.i - 1].is_punct)
        # Common nouns the article writes in lower case ("the bill", "the budget").
        self._common_nouns: frozenset[str] = frozenset(
            t.lower_ for doc in docs for t in doc if t.is_lower and t.tag_ in ("NN", "NNS"))
        # Last words of the names the recogniser calls people: "The Australian Ochichi",
        # typed an organisation, is the person "Ochichi" with her nationality before it.
        self._person_surnames: frozenset[str] = frozenset(
            _name_key(e.text).split()[-1] for e in entities
            if e.type == "person" and _name_key(e.text))
        mentions = [m for m in (self._clean(e) for e in entities) if m is not None]
        mentions.extend(self._missing_organisations(mentions))
        mentions.extend(self._missing_people(mentions))
        if article.paragraphs and _is_title_case(article.paragraphs[0], mentions):
            mentions = _supported_headline_names(mentions, article.text)
        mentions = _drop_things(mentions, self._labelled_things,
                                settings.entities.thing_share)
        mentions.sort(key=lambda m: m.start)
        self.groups: dict[str, _Group] = {}
        self._by_name: dict[str, _Group] | None = None
        self._holders: dict[tuple[str, str], list[_Group]] = {}
        self._headline_words: frozenset[str] | None = None
        self._group(mentions)
        self.mentions: list[Mention] = mentions
        self._starts: list[int] = [m.start for m in mentions]
        self._organisations: dict[str, org_nominals.Profile] = self._learn_organisations()
        self._ages: dict[str, set[int]] = defaultdict(set)
        self._words_before: dict[str, dict[int, str]] = defaultdict(dict)
        self._learn_people_details()
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
        index = self._doc_index.get(id(doc))
        if index is None:
            raise ValueError("token from a doc that is not part of this article")
        return index

    def in_credit_line(self, paragraph: int, start: int, end: int) -> bool:
        """True when article offsets [start, end) of paragraph `paragraph` lie in a credit
        line ("Reporting by ...")."""
        base = self.article.paragraphs[paragraph - 1].start
        return inside(self.credits[paragraph - 1], start - base, end - base)

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
        if self.in_credit_line(entity.paragraph, entity.start, entity.end):
            return None
        tokens = list(span)
        while tokens and (tokens[0].lower_ in ("the", "a", "an") or tokens[0].is_punct):
            tokens.pop(0)
        # A name never opens with a possessive ending: "’s Job" is a headline's fragment.
        if tokens and tokens[0].tag_ == "POS":
            return None
        if entity.type == "person" and len(tokens) == 1 and _is_demonym(tokens[0].lower_):
            # "American voters", "no American would": a people, whatever the label.
            entity = replace(entity, type="group")
        # A group (nationality, religion) that modifies a noun describes it: "Chinese
        # officials", "ex-Russian spies" are not the group acting.
        if entity.type == "group" and all(t.dep_ in ("amod", "punct") for t in tokens):
            return None
        # Nor is a first name the recogniser took for a nationality ("Reese Witherspoon"):
        # the person's mention takes it in.
        # A nationality before a full name describes the person ("beating German Wolfram
        # Mulle") and is dropped the same way.
        if entity.type == "group" and len(tokens) == 1 and tokens[0].dep_ == "compound" and (
                tokens[0].head.ent_type_ == "PERSON" and tokens[0].head.i > tokens[0].i):
            return None
        # One member of a group ("a Muslim", "another Muslim"), or a nation's adjective used
        # as a noun ("an agent for the British"): a common noun, not an actor the reader
        # follows (plural names, "the Republicans", still are).
        if entity.type == "group" and len(tokens) == 1 and tokens[0].i > 0 and (
                tokens[0].doc[tokens[0].i - 1].lower_ in _MEMBER_DETERMINERS
                or (tokens[0].doc[tokens[0].i - 1].lower_ == "the"
                    and not tokens[0].lower_.endswith("s"))):
            return None
        # "the Briton", "the Kenyan": a person the text named, referred to by nationality
        # (`resolve_person_nominal`), not a place or a people.
        if (len(tokens) == 1 and tokens[0].lower_ in DEMONYMS and tokens[0].i > 0
                and tokens[0].doc[tokens[0].i - 1].lower_ == "the"):
            return None
        tokens = _with_cut_prefix(tokens, entity.type)
        kind_given: ActorType = entity.type
        if entity.type == "group" and _is_first_name_of(tokens):
            # ... or a first name before a surname the recogniser left unlabelled ("played by
            # [Reese] Witherspoon"): the two words are the person.
            tokens = [tokens[0], tokens[0].head]
            kind_given = "person"
        # A person's name holds no possessive: "Trump's Indiana" is Trump, and what is his.
        if entity.type == "person":
            cut = next((k for k, t in enumerate(tokens) if t.tag_ == "POS" and k > 0), None)
            if cut is not None and cut < len(tokens) - 1:
                tokens = tokens[:cut]
        tokens = _without_opening_role(_after_description(tokens))
        tokens = _before_headline_verb(tokens)
        # "Shanghai Automotive Industry Corporation (SAIC": the bracket opens the short form,
        # which is a mention of its own.
        bracket = next((k for k, t in enumerate(tokens) if t.text == "(" and k > 0), None)
        if bracket is not None:
            tokens = tokens[:bracket]
        # A capitalised word glued to the front of a name at a sentence start ("Among Ghani").
        while len(tokens) > 1 and tokens[0].tag_ in _GLUED_TAGS and not _is_initial(tokens[0]):
            tokens.pop(0)
        # The small model sometimes runs a name into the next word ("Obama Says", "Christie a").
        while tokens and (tokens[-1].tag_ in ("POS", "VBZ", "VBD", "VBP") or tokens[-1].is_punct
                          or (len(tokens) > 1 and tokens[-1].text[:1].islower())):
            tokens.pop()
        honorific = ""
        while len(tokens) > 1 and tokens[0].lower_ in HONORIFICS:
            if entity.type != "person" and tokens[0].lower_ not in PERSON_HONORIFICS:
                break
            honorific = tokens.pop(0).lower_
        without = _without_demonym(tokens)
        if without is not tokens and (entity.type == "person" or (
                len(without) == 1 and without[0].lower_ in self._person_surnames)):
            tokens = without
            kind_given = "person"
        # "Uncle Ossie", "Cardinal Cormac": the title or kinship word is not the name.
        kin = False
        while len(tokens) > 1 and tokens[0].lower_ in KINSHIP_TITLES | EXTRA_TITLES:
            tokens.pop(0)
            kin = True
        if not tokens or _is_title_or_interjection(tokens) or _title_of_next_name(tokens):
            return None
        if (len(tokens) == 1 and tokens[0].is_sent_start and tokens[0].tag_ in _COMMON_TAGS
                and tokens[0].lower_ not in self._capitalised_inside):
            return None  # "Budget airline Ryanair", "View from the top": a common word
        if (len(tokens) == 1 and tokens[0].lower_ in self._common_nouns and tokens[0].i > 0
                and tokens[0].doc[tokens[0].i - 1].lower_ == "the"
                and entity.type == "organization"):
            # "the Budget", "the Government" where the article also writes "the budget":
            # the capital is the house style for a common noun, not an organisation's name
            # (a "person" after "the" is taken for a place below: the Moon beside "a moon"
            # is still the place the article talks about).
            return None
        doc = span.doc
        tokens = _with_first_name(tokens)
        trimmed = doc[tokens[0].i: tokens[-1].i + 1]
        text = _POSSESSIVE.sub("", trimmed.text).strip()
        if _is_junk(trimmed, text, entity.type):
            return None
        if _is_not_an_actor(trimmed, text):
            return None
        if not honorific and trimmed.start > 0:
            honorific = doc[trimmed.start - 1].lower_
        paragraph = self.article.paragraphs[entity.paragraph - 1]
        kind, evidence = _type_evidence(trimmed, kind_given)
        if (honorific in PERSON_HONORIFICS or kin or _after_title(trimmed)) and (
                evidence < _STRONG_VOTE):
            kind, evidence = "person", _STRONG_VOTE
        return Mention(
            start=paragraph.start + trimmed.start_char,
            end=paragraph.start + trimmed.start_char + len(text),
            paragraph=entity.paragraph,
            sentence=self.sentence_of(trimmed[0]),
            text=text,
            type=kind,
            is_subject=any(t.dep_ in ("nsubj", "nsubjpass") for t in trimmed),
            evidence=evidence,
            honorific=honorific if honorific in HONORIFICS else "",
            thing=max(_thing_evidence(trimmed), _model_evidence(trimmed, self._entity_keys)),
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
                    evidence=_STRONG_VOTE,  # its own words or neighbours said so
                ))
        return extra

    def _missing_people(self, found: Sequence[Mention]) -> list[Mention]:
        """Later uses of a person's name the recogniser missed ("Doherty, who represents
        ..."): a capitalised proper noun run equal to a person mention's name or surname,
        on words the recogniser left unlabelled."""
        forms: dict[tuple[str, ...], str] = {}
        for mention in found:
            if mention.type != "person" or _is_demonym(mention.text.lower()):
                continue
            words = tuple(mention.text.split())
            forms[words] = mention.text
            if len(words) > 1 and words[-1][:1].isupper() and words[-1].lower() not in NOT_NAMES:
                forms.setdefault(words[-1:], words[-1])
        if not forms:
            return []
        longest = max(len(words) for words in forms)
        covered = {offset for m in found for offset in range(m.start, m.end)}
        extra = []
        for paragraph, doc in zip(self.article.paragraphs, self.docs, strict=True):
            texts = [t.text for t in doc]
            i = 0
            while i < len(doc):
                match = next((n for n in range(min(longest, len(doc) - i), 0, -1)
                              if tuple(texts[i: i + n]) in forms), 0)
                span = doc[i: i + match] if match else None
                if span is None or not all(_may_be_name_word(t, span) for t in span):
                    i += 1
                    continue
                start = paragraph.start + span.start_char
                if start not in covered and not self.in_credit_line(
                        paragraph.number, start, start + len(span.text)):
                    extra.append(Mention(
                        start=start, end=start + len(span.text), paragraph=paragraph.number,
                        sentence=self.sentence_of(span[0]), text=span.text, type="person",
                        is_subject=any(t.dep_ in ("nsubj", "nsubjpass") for t in span),
                    ))
                i += match
        return extra

    def mention_covering(self, offset: int) -> Mention | None:
        """The mention whose text covers article offset `offset`, if any."""
        index = bisect.bisect_right(self._starts, offset) - 1
        # Mentions barely overlap, so the few starting just before the offset are enough.
        for candidate in range(index, max(index - 8, -1), -1):
            mention = self.mentions[candidate]
            if mention.start <= offset < mention.end:
                return mention
        return None

    def _group(self, mentions: list[Mention]) -> None:
        """Unify mentions into entities and assign each mention its entity's key.

        Exact names first (case, articles and punctuation ignored); then each short name
        joins the full person name it is part of ("Doherty", "Mr. Doherty" -> "Michael
        Doherty"), whatever type the recogniser gave it, unless its own context strongly
        says it is something else ("the Doherty Foundation"). The type of the whole entity
        is then voted over all its mentions.
        """
        by_key: dict[str, list[Mention]] = defaultdict(list)
        for mention in mentions:
            by_key[_name_key(mention.text)].append(mention)
        variants = _spelling_variants(by_key, self.article.text,
                                       self.settings.entities.min_variant_length)
        for variant, key in variants.items():
            by_key[key].extend(by_key.pop(variant))
        votes = {key: _votes(group) for key, group in by_key.items()}
        # A name whose own context strongly says organisation or place in at least half
        # its mentions stands for itself. One misparse ("Biden ... trashes Trump", with
        # "trashes" read as a plural noun before the name) must not split a person.
        strong_other = {key for key, group in by_key.items()
                        if 2 * sum(m.type != "person" and m.evidence >= _STRONG_VOTE
                                   for m in group) >= len(group)}
        fuller = _fuller_names(list(by_key), votes, strong_other)
        # A full name also takes the votes of the short names that can only mean it: their
        # person votes, not the recogniser's slips (a surname tagged as an organisation) nor
        # a stray strong vote against (names mostly strongly other stand for themselves,
        # above), and being used by surname is itself a mark of a person.
        for key, owners in fuller.items():
            top = [o for o in owners if not fuller.get(o)]
            if len(top) == 1:
                kept = [m for m in by_key[key] if m.type == "person"]
                for kind, weight in _votes(kept).items():
                    votes[top[0]][kind] += weight
                if top[0] not in strong_other and _winner(votes[key]) == "person":
                    # ("Andersen said" of "auditors Arthur Andersen" is the firm's name, and
                    # "Coal" of "UK Coal", labelled a firm, reads as no one's surname.)
                    votes[top[0]]["person"] += _STRONG_VOTE
        acronyms = {key for key, group in by_key.items()
                    if " " not in key and len(key) >= 2
                    and all(m.text.isupper() for m in group)}
        fuller.update(_short_organisation_names(list(by_key), votes, fuller, acronyms))
        for key, named in by_key.items():
            if self._bare_name_of_a_business(key, named, votes[key], fuller):
                votes[key]["organization"] += _STRONG_VOTE
        types = {key: _winner(vote) for key, vote in votes.items()}
        for key, named in by_key.items():
            if types[key] == "place" or fuller.get(key):
                continue
            tied = votes[key]["place"] >= votes[key][types[key]] and is_known_place(key)
            if tied or self._is_located(key, named):
                # (A tie between "place" and another type goes to a well-known place.)
                types[key] = "place"
        prominence = _prominence(by_key, fuller)
        last_seen: dict[str, tuple[int, int]] = {}
        for mention in mentions:
            key = _name_key(mention.text)
            key = variants.get(key, key)
            candidates = [c for c in fuller.get(key, []) if not fuller.get(c)]
            if len(candidates) == 1:
                key = candidates[0]
            elif candidates:
                key = _shared_name_owner(candidates, mention.paragraph, last_seen, prominence)
            mention.key = key
            mention.type = types[key]
            last_seen[key] = (mention.paragraph, mention.start)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group(
                    key=key, type=types[key], settled=votes[key][types[key]] >= _STRONG_VOTE)
            group.names[mention.text] += 1
            self._reference(group, mention.start, mention.paragraph)
            if group.type == "person":
                self._learn_person(group, mention)

    def _is_located(self, key: str, named: Sequence[Mention]) -> bool:
        """A well-known place's name that the article uses where places go ("a man from
        Leicester", "the conference in Manchester"), and nothing says otherwise: the
        recogniser's "person" or "organisation" for its other mentions is a slip. Never a
        name with a title, a classifying noun or an honorific ("Mr Jackson"), nor a team
        or firm named by its city that owns something ("in Barcelona's win")."""
        if not is_known_place(key) or any(m.honorific for m in named):
            return False
        if any(m.evidence >= _STRONG_VOTE and m.type != "place" for m in named):
            return False
        text = self.article.text

        def where_places_go(mention: Mention) -> bool:
            before = max(0, mention.start - 24)
            return bool(_LOCATIVE_BEFORE.search(text, before, mention.start) or (
                mention.type == "person" and _FROM_BEFORE.search(text, before, mention.start)))

        return any((where_places_go(m) and not possessive_follows(text, m.end))
                   or self._opens_a_dateline(m) for m in named)

    def _opens_a_dateline(self, mention: Mention) -> bool:
        """ "LONDON (Reuters) -": the mention is a wire story's place (`is_dateline`)."""
        token = self.token_at(mention.paragraph, mention.start)
        return token is not None and is_dateline(token)

    def _bare_name_of_a_business(self, key: str, group: Sequence[Mention], votes: Votes,
                                 fuller: dict[str, list[str]]) -> bool:
        """A one-word "person" the article never gives a first name or a title, used the
        way a business is: "Konami's Pro Evolution Soccer 4", "Sega's games", "Sony,
        Microsoft and Nintendo". News copy introduces people by their full name, so a bare
        word with a business's context is the recogniser's slip."""
        if " " in key or fuller.get(key) or _winner(votes) != "person":
            return False
        if any(m.honorific or m.evidence >= _STRONG_VOTE for m in group):
            return False
        for mention in group:
            token = self.token_at(mention.paragraph, mention.start)
            if token is None:
                continue
            if possessive_follows(self.article.text, mention.end):
                owned = next((t for t in token.doc[token.i + 1: token.i + 4]
                              if t.tag_ not in ("POS", "JJ", "HYPH")), None)
                if owned is not None and (owned.tag_ in ("NNP", "NNPS")
                                          or owned.lower_ in BUSINESS_ASSETS):
                    return True
            siblings = _coordinated(token.doc[token.i: token.i + 1])
            if siblings and all(t.ent_type_ == "ORG" for t in siblings):
                return True
        return False

    def _learn_person(self, group: _Group, mention: Mention) -> None:
        token = self.token_at(mention.paragraph, mention.start)
        if token is None:
            return
        name = token.doc[token.i: token.i + len(mention.text.split())]
        role = _role_of(name)
        if role:
            group.roles.append(role)
        before = token.doc[token.i - 1] if token.i > 0 else None
        # Written as a title: capitalised ("Judge Curiel"; not "the judge Trump attacked").
        if before is not None and before.text[:1].isupper():
            titles = _TITLE_OF_HONORIFIC.get(before.lower_, ())
            group.titles.update(titles)
            group.first_title = group.first_title or (titles[0] if titles else None)
        previous = mention.honorific
        if previous in FEMALE_HONORIFICS or (role and _mentions_any(role, ("spokeswoman",))):
            group.gender = group.gender or "female"
        elif previous in MALE_HONORIFICS or (role and _mentions_any(role, ("spokesman",))):
            group.gender = group.gender or "male"

    def _reference(self, group: _Group, start: int, paragraph: int) -> None:
        group.references.add(start)
        group.paragraphs.add(paragraph)
        group.first = min(group.first, start)

    def _learn_organisations(self) -> dict[str, org_nominals.Profile]:
        """What kind of organisation each one is ("German airline Lufthansa", "Labor
        Department"); the first description the text gives becomes its role."""
        descriptions: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for mention in self.mentions:
            group = self.groups[mention.key]
            if group.type != "organization":
                continue
            token = self.token_at(mention.paragraph, mention.start)
            if token is None:
                continue
            if token.i > 0 and token.doc[token.i - 1].tag_ == "POS":
                # "Macrovision's RipGuard": a product or a unit of another, which "the
                # company" does not mean.
                descriptions[mention.key].append((org_nominals.OWNED, ""))
            name = token.doc[token.i: token.i + len(mention.text.split())]
            described = org_nominals.description_of(name)
            if described is not None:
                descriptions[mention.key].append(described)
                if not group.roles:
                    group.roles.append(described[1])
        return {key: org_nominals.profile_of(descriptions.get(key, ()), group.names)
                for key, group in self.groups.items() if group.type == "organization"}

    def _learn_people_details(self) -> None:
        """Each person's stated ages ("McIlroy, 28,", "the 28-year-old McIlroy") and the
        word before each mention ("Briton Paula Radcliffe"), for `resolve_person_nominal`."""
        for mention in self.mentions:
            if self.groups[mention.key].type != "person":
                continue
            token = self.token_at(mention.paragraph, mention.start)
            if token is None:
                continue
            doc = token.doc
            end = token.i + len(mention.text.split())
            age = person_nominals.age_after(doc[end: end + 3])
            if token.i > 0:
                age = age or person_nominals.age_of_phrase(doc[token.i - 1])
                self._words_before[mention.key][mention.start] = doc[token.i - 1].text
            if age is not None:
                self._ages[mention.key].add(age)

    def _add_nominal_references(self) -> None:
        """Count "the president", "the company" and "the 28-year-old" wherever they name
        one actor unambiguously."""
        for doc in self.docs:
            for token in doc:
                if _is_definite_title(token) or org_nominals.is_organisation_nominal(token):
                    self.resolve_nominal(token, record=True)
                elif person_nominals.nominal_of(token) is not None:
                    self.resolve_person_nominal(token, record=True)

    def resolve_person_nominal(self, head: Token, *, record: bool = True) -> str | None:
        """The person "the 28-year-old" or "the Briton" (headed by `head`) names, or None
        (see `summarizer.person_nominals`)."""
        nominal = person_nominals.nominal_of(head)
        if nominal is None:
            return None
        position = self.offset(head)
        sentences = self._sentences_before(
            position, lambda key: self.groups[key].type == "person")
        key = person_nominals.choose(nominal, self.sentence_of(head), (
            person_nominals.Person(
                key, frozenset(self._ages.get(key, ())),
                person_nominals.descriptions_of(self.groups[key].roles,
                                                self._words_before.get(key, {})),
                tuple(found))
            for key, found in sentences.items()), self.settings.nominals)
        if key is None:
            return None
        if record:
            self.record(key, head, position)
        return self.name_of(key)

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
        """The actor a third-person pronoun refers to, or None when unsure (see
        `summarizer.coref`); a resolved reference is recorded."""
        if self._pronouns is None:
            self._pronouns = PronounResolver(self)
        key = self._pronouns.resolve(pronoun)
        if key is None:
            return None
        self.record(key, pronoun, self.offset(pronoun))
        return self.name_of(key)

    def resolve_nominal(self, head: Token, *, record: bool = True) -> str | None:
        """The person a definite nominal ("the president", "the head of Roscosmos") names,
        when its title matches one known person's role, or the latest named of several; or
        the organisation "the company" names (see `summarizer.org_nominals`)."""
        if org_nominals.is_organisation_nominal(head):
            return self._resolve_organisation(head, record=record)
        if head.lower_ not in TITLE_WORDS or not (head.tag_ == "NN" or (
                # "the Cardinal will ask": a title some house styles capitalise (not one
                # written before a name, "the GOP Chairman Chuck Williams").
                head.tag_ == "NNP" and any(c.lower_ == "the" for c in head.lefts)
                and not org_nominals.precedes_a_name(head))):
            return None
        of_object = next((c for c in head.rights if c.lower_ == "of"), None)
        detail = _LEADING_ARTICLE.sub("", _phrase(of_object)).lower() if of_object else ""
        # "the home secretary" is not the foreign secretary: the title's own modifiers must
        # be in the role too.
        # Words that point back ("the same official") describe no role.
        modifiers = tuple(c.lower_ for c in head.lefts if c.dep_ in ("compound", "amod")
                          and c.lower_ not in _REFERRING_ADJECTIVES)
        wanted = (head.lower_, *modifiers)
        candidates = self._holders.get((" ".join(wanted), detail))
        if candidates is None:
            candidates = self._holders[(" ".join(wanted), detail)] = [
                group for group in self.groups.values()
                if group.type == "person" and (any(
                    all(_mentions_any(role, (word,)) for word in wanted)
                    and detail in role.lower()
                    for role in group.roles
                ) or (wanted == (head.lower_,) and not detail and head.lower_ in group.titles))
            ]
        if not candidates:
            return None
        position = self.offset(head)
        earlier = [g for g in candidates if g.first < position]
        if not earlier:
            return None
        chosen = self._latest_before(earlier, position)
        if record:
            self.record(chosen.key, head, position)
        return self.name_of(chosen.key)

    def _resolve_organisation(self, head: Token, *, record: bool) -> str | None:
        position = self.offset(head)
        sentences = self._sentences_before(position, self._organisations.__contains__)
        key = org_nominals.choose(head, self.sentence_of(head), (
            org_nominals.Candidate(key, self._organisations[key], tuple(found))
            for key, found in sentences.items()), self.settings.nominals)
        if key is None:
            return None
        if record:
            self.record(key, head, position)
            group = self.groups[key]
            if not group.roles:
                # What the text calls it ("the drug company") describes it as well as an
                # appositive would.
                group.roles.append(org_nominals.phrase_of(head))
        return self.name_of(key)

    def _mentions_before(self, index: int) -> list[Mention]:
        """The mentions a nominal at mention position `index` looks back over."""
        return self.mentions[max(0, index - self.settings.nominals.lookback_mentions): index]

    def _sentences_before(self, position: int,
                          wanted: Callable[[str], bool]) -> dict[str, list[int]]:
        """For each wanted actor mentioned before article offset `position` (within the
        nominal lookback), the sentence numbers of those mentions."""
        sentences: dict[str, list[int]] = defaultdict(list)
        for mention in self._mentions_before(bisect.bisect_left(self._starts, position)):
            if wanted(mention.key):
                sentences[mention.key].append(mention.sentence)
        return sentences

    def _latest_before(self, groups: Sequence[_Group], position: int) -> _Group:
        """Of `groups`, the one referred to last before `position`: a walk back over the
        nearest mentions, not a scan of every reference."""
        keys = {group.key: group for group in groups}
        index = bisect.bisect_left(self._starts, position)
        for mention in reversed(self._mentions_before(index)):
            if mention.key in keys:
                return keys[mention.key]
        return max(groups, key=lambda g: g.first)

    def record(self, key: str, token: Token, position: int) -> None:
        """Count a reference resolved by the quote analysis (pronoun or nominal).

        Raises:
            RuntimeError: the actors have been ranked; a reference found now would change
                a ranking already given out.
        """
        if self._ranked:
            raise RuntimeError("references are recorded before the actors are ranked")
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

    def group_named(self, name: str) -> _Group | None:
        """The actor whose canonical name is `name` (names are fixed once the index is built,
        so the lookup table is made once)."""
        if self._by_name is None:
            self._by_name = {}
            for group in self.groups.values():
                self._by_name.setdefault(self.name_of(group.key), group)
        return self._by_name.get(name)

    def name_of(self, key: str) -> str:
        """The canonical name: the fullest proper form the article uses."""
        names = self.groups[key].names
        return max(names, key=lambda n: (_proper_length(n), names[n], -len(n)))

    # --- result -------------------------------------------------------------------------

    def actors(self, quotes: Sequence[Quote]) -> tuple[Actor, ...]:
        """All actors, most salient first, given the article's quotes (being quoted raises
        an actor's salience). The ranking is the last step: the index takes no reference
        after it (`record` refuses), so the order of the calls cannot change a result."""
        self._ranked = True
        quoted = Counter(q.speaker for q in quotes if q.speaker)
        total = max(len(self.article.text), 1)
        result = []
        for group in self.groups.values():
            name = self.name_of(group.key)
            aliases = tuple(sorted(n for n in group.names if n != name))
            role = _best_role(group.roles) or _title_role(group)
            result.append((Actor(
                name=name, type=group.type, aliases=aliases, role=role,
                mentions=len(group.references), paragraphs=tuple(sorted(group.paragraphs)),
                minor=_is_minor(group, role, quoted[name]),
            ), self._salience(group, total, quoted[name])))
        result.sort(key=lambda pair: (pair[0].minor, -pair[1]))
        return tuple(actor for actor, _ in result)

    def _salience(self, group: _Group, total: int, quotes: int) -> float:
        # Earlier is more central in news writing: a small bonus, up to one mention's worth.
        # Mentions count with diminishing returns: the country a story is set in is named
        # in every paragraph, yet the people who act and speak in it are what a reader wants.
        position = 1.0 - group.first / total
        ranking = self.settings.ranking
        weight = ranking.type_weight[group.type]
        return (weight * (1.0 + math.log(len(group.references)))
                + ranking.quote_weight * math.log1p(quotes) + position
                + ranking.headline_weight * weight * self._in_headline(group))

    def _in_headline(self, group: _Group) -> bool:
        """The headline names the actor (by any of its names): the story is about it."""
        if self._headline_words is None:
            title = self.article.title or ""
            self._headline_words = frozenset(_name_key(title).split())
        return any(set(_name_key(name).split()) <= self._headline_words
                   for name in group.names) if self._headline_words else False


def _is_minor(group: _Group, role: str | None, quotes: int) -> bool:
    """Named once, in passing: no quote, no role, no context that settles the type, and not
    a person named in full nor an organisation whose name says it is one. Most junk the
    small recogniser leaves is of this kind ("Century", "Hotel", "Producers", a film's title
    typed as a firm), and so are the passing names a reader need not follow ("Cicero",
    "Churchill", a place named once); a full personal name is the recogniser's most
    reliable label, and kept."""
    if len(group.references) > 1 or quotes or role or group.settled:
        return False
    if group.type == "person":
        return not any(_proper_length(n) > 1 for n in group.names)
    if group.type == "organization":
        return not any(_names_a_body(n) for n in group.names)
    return True


def _names_a_body(name: str) -> bool:
    """An acronym ("FBI", "E.U.") or a name holding a word that says what kind of body it is
    ("Bank of America", "Catholic Church"): an organisation a reader knows for one, where a
    single capitalised word ("Century", "Festen") or a title ("Lovely Bones") may be
    anything."""
    words = re.findall(r"[\w'’.]+", name)
    if {w.lower().strip(".") for w in words} & (ORG_SUFFIXES | BODY_WORDS):
        return True
    # A version or model number after the letters is a product's ("IE 7", "CDP-101").
    return any(_is_acronym(w) for w in words) and not re.search(r"[\s-]\d+\w*$", name)


def _is_acronym(word: str) -> bool:
    """ "FBI", "E.U.", "BBC2", "ITV1": two capitals or more, perhaps dotted, perhaps a
    number after them; not a Roman numeral ("Edward III")."""
    letters = word.replace(".", "").rstrip("0123456789")
    return (len(letters) >= 2 and letters.isalpha() and letters.isupper()
            and not _ROMAN_NUMERAL.fullmatch(letters))


# A regnal number, I to XXXIX ("Edward III", "Benedict XVI"); "ICC" and "CLI" stay acronyms.
_ROMAN_NUMERAL = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")


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
    ordinals, dates, numbers, capitalised common nouns, stances ("pro-Israel")."""
    if not _HAS_LETTER.search(text) or not any(ch.isupper() for ch in text):
        return True
    if _STANCE.match(text):
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


def _type_evidence(span: Span, kind: ActorType) -> tuple[ActorType, float]:
    """The recogniser's type, overruled where the words around the name say otherwise, and
    how strong the evidence is: a name's own suffix or a classifying noun beside it is
    strong; a preposition before it or the names it is listed with are weak."""
    last = span[-1].lower_
    if last in ORG_SUFFIXES and (kind != "organization" or len(span) > 1):
        return "organization", _STRONG_VOTE
    if len(span) == 1 and last in PLATFORMS:
        return "organization", _STRONG_VOTE
    before = span.doc[span.start - 1] if span.start > 0 else None
    if (kind != "place" and before is not None and before.tag_ in ("NN", "NNP")
            and before.lower_ in TITLE_WORDS | NAME_DESCRIPTIONS and before.lower_ != "member"
            and before.dep_ == "compound" and before.head in span
            and _looks_like_person_name(span) and len(span) > 1):
        # A title right before a full name is the person's ("Committee chairman Edward
        # Leigh", "heptathlon champion Carolina Kluft"): the nouns before the title describe
        # the title, not the name.
        return "person", _STRONG_VOTE
    context = _context_nouns(span)
    if kind == "place" and _modifies_its_noun(span):
        # "The South Yorkshire company": a place before the noun says where the company
        # is; the noun is not the place's kind.
        context.discard(span.root.head.lower_)
    org_context = context & (ORG_CONTEXT | BUSINESS_NOUNS)
    # "Tom Goldstein, publisher of SCOTUSblog": a noun that a person or a firm can be
    # does not make a full personal name a firm.
    if org_context and not (kind == "person" and len(span) > 1 and org_context <= ROLE_OR_ORG_NOUNS
                            and _looks_like_person_name(span)):
        return "organization", _STRONG_VOTE
    plural = _plural_apposition(span)
    if plural is not None and _is_person_noun(plural) and _is_full_name(span):
        # "actresses Cate Blanchett and Helena Bonham-Carter": a noun only people are.
        return "person", _STRONG_VOTE
    if plural is not None:
        # "its auditors Arthur Andersen", "champions Chelsea": one name that a plural
        # noun describes is a body of people ("Britons Kathy Butler and Hayley Yelling"
        # lists several names, each a person).
        return "organization", _STRONG_VOTE
    if context & PLACE_CONTEXT:
        return "place", _STRONG_VOTE
    if _has_org_modifier(span):
        return "organization", _STRONG_VOTE
    if kind != "person" and _is_full_name(span) and _described_by(span) & TITLE_WORDS:
        # "Nicola Sturgeon, the party's Holyrood leader": a full name holding a title.
        return "person", _STRONG_VOTE
    if kind != "person" and _looks_like_person_name(span) and (
            _appositive_nouns(span) & PERSON_NOUNS
            or (kind == "place" and _has_who_clause(span) and not is_known_place(span.text))):
        # "Rakeem Jones, 26, a protester", "Agnes Samaria, who came second": only people
        # (organisations take "who" too in British usage: "Focus Features, who had ...",
        # and so do countries: "Russia and Pakistan, who cannot ...").
        return "person", _STRONG_VOTE
    if kind == "place" and _is_owned(span):
        # Places are not bought or sold: "to help buy Yugansk" names a company.
        return "organization", _STRONG_VOTE
    if kind == "person" and _has_code_word(span):
        # A digit or an acronym is never part of a person's name: "MI6", "Xerox PARC".
        return "organization", 1.0
    if kind == "person":
        before = span.doc[span.start - 1] if span.start > 0 else None
        # People are not "in" or "on" things, and do not take "the" before their name: a
        # plural after "the" is a party, a band or a family ("the Lib Dems"), else a place.
        if before is not None and before.lower_ in ("in", "at", "near"):
            return "place", 1.0
        if before is not None and before.lower_ == "the":
            is_plural = span[-1].text.endswith("s") and len(span[-1].text) > 3
            return ("organization" if is_plural else "place"), 1.0
        if _describes_a_named_person(span):
            return "organization", 1.0
    # The names this one is listed with ("A, B and C"): a weak vote for their kind.
    siblings = _coordinated(span)
    if kind == "place" and span.root.dep_ != "conj" and siblings and all(
            t.ent_type_ == "ORG" or t.lower_ in ORG_SUFFIXES for t in siblings):
        # "Rosatom, CNOOC and the Fund": a name heading a list of organisations. Not one
        # further down ("the EU and the US", "the West Bank and Gaza"): the small model
        # often labels the place before it an organisation.
        return "organization", 1.0
    if (kind in ("organization", "person") and span[-1].lower_ not in _INSTITUTION_WORDS
            and siblings and all(t.ent_type_ in ("GPE", "LOC") for t in siblings)):
        # "Sub-Saharan Africa, Latin America and the Caribbean", "England and Wales",
        # "Leicestershire, Yorkshire, the West Midlands": a name listed only among places.
        return "place", 1.0
    if kind != "person" and _is_full_name(span) and siblings and all(
            t.ent_type_ == "PERSON" for t in siblings):
        # "Will Smith, Kevin Spacey and Keanu Reeves": a name listed among people only.
        # Weak, as for a speaker below: it tips a tie.
        return "person", 1.0
    if kind != "person" and _is_regnal_name(span):
        # "King Edward III", "Henry VIII": a monarch's or a pope's name and number.
        return "person", 1.0
    if kind != "person" and _looks_like_person_name(span) and (
            _lives_a_life(span) or _after_person_noun(span)):
        # "Fortuyn's murder", "killing Fortuyn", "the politician Pim Fortuyn": what only a
        # person is or undergoes; weak, as the recogniser's label is.
        return "person", 1.0
    if (kind != "person" and _speaks(span) and _looks_like_person_name(span)
            and not _says_it(span) and not _is_demonym(span.text.lower())):
        # "Doherty said" with a name tagged as an organisation: a weak vote for a person;
        # organisations speak too ("Facebook said"), so it never outvotes the recogniser
        # alone, but it tips a tie and joins a surname to its full name. Half a vote:
        # a firm that the recogniser labels rightly where it acts and that speaks as often
        # ("Microsoft is investigating ... Microsoft said") stays a firm.
        return "person", _SPEAKER_VOTE
    return kind, 1.0


def _speaks(span: Span) -> bool:
    root = span.root
    return root.dep_ == "nsubj" and root.head.lower_ in SPEECH_VERBS


def _describes_a_named_person(span: Span) -> bool:
    """ "[Lib Dem] leader Charles Kennedy": a name in the title phrase before a person's
    name is the body the title belongs to (a person there, "Obama adviser David Axelrod",
    is named elsewhere in the article, and this one weak vote does not move him)."""
    head = span.root
    title = False
    while head.dep_ == "compound" and head.head.i > head.i:
        head = head.head
        title = title or head.lower_ in TITLE_WORDS
        if title and head.ent_type_ == "PERSON" and head.i >= span.end:
            return True
    return False


def _is_regnal_name(span: Span) -> bool:
    """A first name and a Roman numeral: "Edward III", "John Paul II" (an event or a law with
    a number, "World War II", is dropped before typing)."""
    words = [t.text for t in span]
    return (len(words) >= 2 and _ROMAN_NUMERAL.fullmatch(words[-1]) is not None
            and all(w[:1].isupper() and w[1:].islower() for w in words[:-1]))


def _lives_a_life(span: Span) -> bool:
    """ "Fortuyn's murder", "Brown's wife", "killing Fortuyn": what only a person has or
    undergoes."""
    root = span.root
    if root.dep_ == "poss" and root.head.lower_ in PERSON_POSSESSIONS:
        return True
    return root.dep_ in ("dobj", "nsubjpass") and root.head.lower_ in PERSON_FATE_VERBS


def _after_person_noun(span: Span) -> bool:
    """ "the politician Pim Fortuyn", "novelist Andrea Levy": a full name after a common
    noun of a person's occupation ("-ian", "-ist"; not "-er", which firms are too:
    "software developer Connectotel")."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    return (before is not None and _is_full_name(span) and before.tag_ == "NN"
            and before.is_lower and before.lower_.endswith(("ian", "ist"))
            and len(before.text) > 5 and before.lower_ not in ORG_CONTEXT)


def _says_it(span: Span) -> bool:
    """ "Microsoft said it would buy ...": the speaker goes on as "it", as a firm does (a
    person's "said it was" is as often about something else, so this only keeps the
    recogniser's label; it is no vote of its own)."""
    return any(clause.dep_ == "ccomp" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "it" for c in clause.children)
        for clause in span.root.head.children)


def _is_full_name(span: Span) -> bool:
    """A first name and a surname at least ("Cate Blanchett", not "Gartner" or
    "Rolls-Royce")."""
    return len(span.text.split()) > 1 and _looks_like_person_name(span)


def _looks_like_person_name(span: Span) -> bool:
    """Capitalised proper nouns ("Murphy-O'Connor" too), no digit or acronym, and no "the"
    before: "the Kremlin said" is an institution speaking."""
    words = [t for t in span if t.tag_ != "HYPH"]
    if span.start > 0 and span.doc[span.start - 1].lower_ == "the":
        return False
    return (all(t.tag_ == "NNP" and t.text[:1].isupper() for t in words) and len(words) <= 3
            and not _has_code_word(span))


def _has_code_word(span: Span) -> bool:
    """A word with a digit ("MI6") or an acronym of three letters or more ("PARC"); initials
    ("J.P.") are not acronyms."""
    return any(any(ch.isdigit() for ch in t.text)
               or (t.is_alpha and len(t.text) >= 3 and _is_acronym(t.text)) for t in span)


def _described_by(span: Span) -> set[str]:
    """The common nouns in apposition with the name, after it ("Sturgeon, the leader") or
    before it ("the party's leader, Nicola Sturgeon")."""
    nouns = _appositive_nouns(span)
    root = span.root
    if root.dep_ == "appos" and root.head.i < root.i and root.head.tag_ == "NN":
        nouns.add(root.head.lower_)
    return nouns


def _appositive_nouns(span: Span) -> set[str]:
    return {child.lower_ for child in span.root.rights
            if child.dep_ == "appos" and child.tag_ in ("NN", "NNS")}


def _has_who_clause(span: Span) -> bool:
    """ "Samaria, who came second": a relative clause opened by "who" follows the name."""
    return any(child.dep_ == "relcl" and any(
        t.lower_ in ("who", "whom") and t.dep_ in ("nsubj", "nsubjpass", "dobj")
        for t in child.children) for child in span.root.children)


def _is_owned(span: Span) -> bool:
    """Bought, sold or owned: "buy Yugansk", "the purchase of Yugansk", "Yugansk's owner"."""
    root = span.root
    head = root.head
    if root.dep_ in ("dobj", "nsubjpass") and head.lower_ in OWNING_VERBS:
        return True
    if root.dep_ == "poss" and head.lower_ in OWNING_NOUNS:
        return True
    return root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in OWNING_NOUNS


def _thing_evidence(span: Span) -> float:
    """How strongly the name's context says it is a product or a work, not an actor: a
    classifying noun beside it ("the novel Vanity Fair", "its Lisa computer", "the
    bestselling Being Digital") is strong; being made or released ("created the Macintosh",
    "the release of the Mac") is weak."""
    doc = span.doc
    root = span.root
    head = root.head
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.tag_ in ("NN", "NNS", "JJ", "VBG", "VBN") and (
            before.lower_ in WORK_NOUNS or before.lower_ == "used"):
        return _STRONG_VOTE
    if root.dep_ in ("compound", "appos") and head.i > root.i and head.tag_ == "NN" and (
            head.lower_ in PRODUCT_NOUNS or head.lower_ in WORK_NOUNS):
        return _STRONG_VOTE
    if root.dep_ == "appos" and head.lower_ in WORK_NOUNS:
        return _STRONG_VOTE
    if (root.dep_ == "pobj" and head.lower_ in ("including", "like")
            and head.head.lower_ in WORK_NOUNS):
        return _STRONG_VOTE
    if any(c.dep_ == "acl" and c.lower_ in ("starring", "featuring") for c in root.children):
        # "Mississippi Masala, starring Denzel Washington": a film or a show.
        return _STRONG_VOTE
    if root.dep_ in ("dobj", "nsubjpass") and head.lower_ in MAKING_VERBS:
        return 1.0
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in MAKING_NOUNS:
        return 1.0
    return 0.0


# What a product's name does: "the new VW Beetle", "the Mini Convertible, which was
# launched last spring, costs up to ...".
_PRODUCT_ADJECTIVES = frozenset(("new", "latest", "used", "old", "original"))
_MODEL_CODE = re.compile(r"[A-Z]{1,3}\d+[A-Za-z]*")
_PRICE_VERBS = frozenset(("cost", "costs", "costing", "retail", "retails", "sells", "sell"))


def _model_evidence(span: Span, names: frozenset[str]) -> float:
    """A maker's name and a model word, said as a product: "the new VW Beetle", "the Mini
    Convertible, which was launched last spring, costs ...". The first word must be a maker
    (an acronym, or a name the article also uses alone) and the last no organisation word
    ("Sony Pictures", "BMW Group" stay companies); then a product's context is strong
    evidence: "the new" before it, a relative clause that launches it, a price it costs."""
    if len(span) >= 2 and _MODEL_CODE.fullmatch(span[-1].text) and span[0].is_alpha:
        # A model code after a maker's name: "Mercedes Benz C180", "Airbus A380" ("Channel
        # 4" and "Boeing 737" have digits only, and stay).
        return _STRONG_VOTE
    if len(span) != 2 or not all(t.text[:1].isupper() and t.is_alpha for t in span):
        return 0.0
    maker, model = span[0], span[1]
    is_maker = (maker.is_upper and len(maker.text) <= 4) or _name_key(maker.text) in names
    if not is_maker or model.lower_ in ORG_SUFFIXES | ORG_CONTEXT | TITLE_WORDS:
        return 0.0
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    root = span.root
    launched = any(c.dep_ == "relcl" and c.lower_ in MAKING_VERBS for c in root.children)
    priced = root.dep_ == "nsubj" and root.head.lower_ in _PRICE_VERBS
    if (before is not None and before.lower_ in _PRODUCT_ADJECTIVES) or launched or priced:
        return _STRONG_VOTE
    return 0.0


def _drop_things(mentions: list[Mention], labelled: Counter[str],
                 share_needed: float) -> list[Mention]:
    """Mentions of names that the article treats as products or works: enough of their
    mentions say so (`share_needed` of them), and more strongly than any mention says
    person or organisation.
    `labelled` counts, per name key, the mentions already dropped because the recogniser
    labelled them a work, product, event or law: each is strong evidence for the others."""
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_key[_name_key(mention.text)].append(mention)
    things = set()
    for key, group in by_key.items():
        extra = labelled.get(key, 0)
        thing = sum(m.thing for m in group) + _STRONG_VOTE * extra
        actor = sum(m.evidence for m in group if m.evidence >= _STRONG_VOTE and not m.thing)
        share = (sum(1 for m in group if m.thing) + extra) / (len(group) + extra)
        if thing and share >= share_needed and thing > actor:
            things.add(key)
    return [m for m in mentions if _name_key(m.text) not in things]


def _after_description(tokens: list[Token]) -> list[Token]:
    """The name after a description the recogniser ran into it: "Balco boss Victor Conte"
    -> "Victor Conte", "winner of Best First Feature at Cannes - Nair" -> "Nair". A spaced
    dash or a lower-case common noun never sits inside a name ("Murphy-O'Connor" has no
    spaces)."""
    for j in range(len(tokens) - 2, 0, -1):
        token = tokens[j]
        spaced_dash = token.text in ("-", "–", "—") and bool(token.doc[token.i - 1].whitespace_)
        common = token.is_lower and token.tag_ in ("NN", "NNS") and token.lower_ not in (
            _NAME_PARTICLES)
        if spaced_dash or common:
            return tokens[j + 1:]
    return tokens


def _without_opening_role(tokens: list[Token]) -> list[Token]:
    """ "Producer Mel Gibson said ...", "Novelist Andrea Levy has won ...": a role noun,
    capitalised only because it opens the sentence, that the recogniser ran into the full
    name after it (nouns in "-ist" count: "-ian" and "-er" words are first names too,
    "Julian", "Christopher")."""
    first = tokens[0] if tokens else None
    if first is None or len(tokens) < 3 or not first.is_sent_start:
        return tokens
    word = first.lower_
    role = (word in TITLE_WORDS | PERSON_NOUNS | NAME_DESCRIPTIONS | ROLE_OR_ORG_NOUNS
            or (word.endswith("ist") and len(word) > 5))
    if role and all(t.tag_ == "NNP" and t.text[:1].isupper() for t in tokens[1:]):
        return tokens[1:]
    return tokens


# Tags of a capitalised word that ends a name inside a title-case headline ("Trump Says He",
# "FDIC Accused Of Covering Up ..."): names hold no verbs, pronouns or prepositions.
_HEADLINE_TAGS = frozenset(("VBZ", "VBD", "VBP", "MD", "PRP", "TO", "RP", "IN"))


def _before_headline_verb(tokens: list[Token]) -> list[Token]:
    for i in range(1, len(tokens)):
        token = tokens[i]
        if not token.text[:1].isupper():
            continue
        if token.tag_ in _HEADLINE_TAGS or (
                token.tag_ in ("VBN", "VBG") and token.dep_ not in ("compound", "amod")):
            return tokens[:i]
    return tokens


def _is_title_or_interjection(tokens: list[Token]) -> bool:
    """ "the Cardinal", "O.K.": an interjection, or a title after "the", names no one (a
    surname that is also a word, "Expert said", is still a name)."""
    if len(tokens) != 1:
        return False
    token = tokens[0]
    word = token.lower_
    if word in INTERJECTIONS:
        return True
    the = token.i > 0 and token.doc[token.i - 1].lower_ == "the"
    return the and (word in TITLE_WORDS or word in HONORIFICS or word in EXTRA_TITLES)


def _title_of_next_name(tokens: list[Token]) -> bool:
    """ "[former Tory Treasurer Lord] Ashcroft": the recogniser ended a span on the title
    of the name after it; the name is a mention of its own, and takes the title."""
    last = tokens[-1]
    after = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    return (last.lower_ in HONORIFICS and after is not None and after.tag_ == "NNP"
            and after.text[:1].isupper())


def _with_first_name(tokens: list[Token]) -> list[Token]:
    """A first name the recogniser left out between a title and the name: "Cardinal
    [Cormac] Murphy-O'Connor"."""
    doc = tokens[0].doc
    i = tokens[0].i
    if i < 2:
        return tokens
    previous, title = doc[i - 1], doc[i - 2]
    if (previous.tag_ == "NNP" and previous.text[:1].isupper() and not previous.ent_type_
            and previous.lower_ not in TITLE_WORDS | HONORIFICS | EXTRA_TITLES
            and title.lower_ in HONORIFICS | EXTRA_TITLES | KINSHIP_TITLES):
        return [previous, *tokens]
    # A first name the recogniser took for a nationality: "[Reese] Witherspoon" (before a
    # full name, "German Wolfram Mulle", it is the nationality).
    if (previous.ent_type_ == "NORP" and previous.tag_ == "NNP" and previous.dep_ == "compound"
            and previous.head in tokens and tokens[-1].ent_type_ == "PERSON"
            and len(tokens) == 1):
        return [previous, *tokens]
    return tokens


_MEMBER_DETERMINERS = frozenset(("a", "an", "another", "every", "each", "any", "one"))
# Last words of the name of a rule, an agreement or a vote, which binds actors and is not
# one (the "Rules Committee" and the "Election Commission" end otherwise).
_RULE_WORDS = frozenset(("rules", "regulations", "bill", "agreement", "pact", "accord",
                         "election", "elections", "budget"))
# Tags of a common word: at a sentence's start it is capitalised without being a name.
_COMMON_TAGS = frozenset(("NN", "NNS", "JJ", "JJR", "JJS"))


def _is_plural_acronym(word: str) -> bool:
    """ "MPs", "MEPs", "GPs": an acronym with a plural "s" ("UPS" and "AIDS" end in a
    capital, and are names)."""
    return len(word) >= 3 and word.endswith("s") and _is_acronym(word[:-1])


def _is_demonym(word: str) -> bool:
    """A word for a nation's people, singular or plural ("Kenyan", "Britons")."""
    return word in DEMONYMS or (word.endswith("s") and word[:-1] in DEMONYMS)


def _without_demonym(tokens: list[Token]) -> list[Token]:
    """A person's name without the nationality written before it: "Australian Johnson" ->
    "Johnson", "South African Caster Semenya" -> "Caster Semenya". The rest must still be
    a capitalised name."""
    cut = 0
    if (len(tokens) > 2 and tokens[0].lower_ in DEMONYM_PREFIXES
            and tokens[1].lower_.rstrip("s") in DEMONYM_SECOND_WORDS):
        cut = 2
    elif len(tokens) > 1 and _is_demonym(tokens[0].lower_):
        cut = 1
    if cut and tokens[cut].text[:1].isupper() and tokens[cut].is_alpha:
        return tokens[cut:]
    return tokens


def _with_cut_prefix(tokens: list[Token], kind: ActorType) -> list[Token]:
    """The first word of an organisation's, place's or party's name that the recogniser cut
    off: "Go [Digital]", "the Liberal [Democrats]"; "Track and [Field]" is not this (no
    compound). The word before is a
    capitalised proper noun inside the sentence, no title, compounded to the name."""
    if kind not in ("organization", "place", "group") or not tokens:
        return tokens
    doc = tokens[0].doc
    i = tokens[0].i
    if i == 0:
        return tokens
    previous = doc[i - 1]
    # A capitalised adjective inside a sentence is part of a name too ("the Liberal
    # Democrats", tagged an adjective), unless it is a nationality.
    if (previous.tag_ in ("NNP", "JJ") and previous.is_title and not previous.ent_type_
            and not previous.is_sent_start and previous.dep_ in ("compound", "amod")
            and not _is_demonym(previous.lower_)
            and previous.head in tokens
            and previous.lower_ not in TITLE_WORDS | HONORIFICS | EXTRA_TITLES | NOT_NAMES):
        return [previous, *tokens]
    return tokens


def _may_be_name_word(token: Token, span: Span) -> bool:
    """Whether `token`, inside `span` (the exact form of a known person's name), can be that
    name: a proper noun outside any recognised entity, or a capitalised word inside the
    sentence whose recognised entity is exactly the span ("Ebeling reminisced", tagged a verb
    and an organisation, and dropped as junk when cleaned alone)."""
    exact = token.ent_type_ and token.ent_iob_ in ("B", "I") and _entity_is(span)
    if token.ent_type_ and not exact:
        return False
    if token.tag_ in ("NNP", "NNPS"):
        return True
    return token.text[:1].isupper() and not token.is_sent_start and bool(exact)


def _entity_is(span: Span) -> bool:
    """The recogniser's entity at the span's start covers exactly the span."""
    return any(ent.start == span.start and ent.end == span.end for ent in span.doc.ents)


def _is_first_name_of(tokens: Sequence[Token]) -> bool:
    """A one-word "nationality" that is the first name of an unlabelled surname right after
    it: a singular proper noun (nationalities are adjectives or plurals) compounded to a
    capitalised proper noun that ends the name and is no organisation word."""
    if len(tokens) != 1:
        return False
    first = tokens[0]
    head = first.head
    doc = first.doc
    after = doc[head.i + 1] if head.i + 1 < len(doc) else None
    return (first.tag_ == "NNP" and first.dep_ == "compound" and head.i == first.i + 1
            and head.tag_ == "NNP" and head.is_title and not head.ent_type_
            and head.lower_ not in ORG_SUFFIXES | ORG_CONTEXT | PLACE_CONTEXT
            and not (after is not None and after.tag_ in ("NNP", "NNPS")))


def _after_title(span: Span) -> bool:
    """A title of our own lists right before the name: "Cardinal Cormac Murphy-O'Connor"."""
    if span.end < len(span.doc) and span.doc[span.end].tag_ == "POS":
        return False  # "defending champion Ireland's Paul Brizzel": the title is his
    return span.start > 0 and span.doc[span.start - 1].lower_ in EXTRA_TITLES | KINSHIP_TITLES


def _is_initial(token: Token) -> bool:
    """ "J." or "J.P.": an initial, which taggers sometimes take for something else."""
    return bool(re.fullmatch(r"(?:[A-Z]\.)+", token.text))


def _is_not_an_actor(span: Span, text: str) -> bool:
    """Names of things that are not actors: handles (@x), court cases ("Abbott v. Burke"),
    diseases, events and laws ("Great Recession", "Affordable Care Act"), storms, works of
    art and products (by spaCy's own label on the words, or a title such as "The Cat in
    the Hat" around the name)."""
    if HANDLE.search(text) or re.search(r"\sv(?:s)?\.?\s", f" {text} "):
        return True
    if _is_plural_acronym(text):
        # "MPs said", "the MEPs": members of a body, a description like "officials" (a
        # quote's speaker still shows it), not an actor the reader follows.
        return True
    words = [w.lower() for w in text.split()]
    if " ".join(words) in NON_ACTOR_NAMES or words[-1] in NON_ACTOR_NAMES:
        return True
    if any(word in EVENT_WORDS or word in EXTRA_EVENT_WORDS for word in words):
        return True
    if len(words) == 2 and words[0] in PRIZE_METALS and words[1] in PRIZE_EMBLEMS:
        return True
    if len(words) > 1 and words[-1] in PRIZE_WORDS:
        return True  # "Academy Award", "Nobel Prize": what actors win
    after = span.doc[span.end] if span.end < len(span.doc) else None
    if after is not None and (after.lower_ in _MEETING_WORDS or (
            after.text[:1].isupper()
            and (after.lower_ in EVENT_WORDS or after.lower_ in EXTRA_EVENT_WORDS))):
        # The recogniser stopped short of the event's last word: "[Norwich Union European]
        # Indoors", "[Commonwealth] Games", "next weekend's [Norwich Union European] trials".
        return True
    if len(words) > 1 and words[-1] in _RULE_WORDS:
        return True  # "the Obama Power Plant Rules", "the Paris Agreement": what binds
    if len(words) > 1 and (re.fullmatch(r"(?:19|20)\d\d", words[-1]) or ":" in text):
        # "NBA Live 2005", "Call of Duty: Finest Hour": a year or a subtitle ends a
        # product's or a work's name, never a person's or a company's.
        return True
    doc = span.doc
    if any(t.ent_type_ in _NOT_ACTOR_LABELS for t in span):
        return True
    # A name that is the whole of a quotation is a slogan or a title, not someone acting: a
    # shirt that read "Fascist Trump", the film "Monsoon Wedding".
    if len(span) > 1 and _fills_quotation(span):
        return True
    # A party to a court case: "Abbott v. Burke" names the case, not two actors.
    neighbours = [doc[i].lower_ for i in (span.start - 1, span.end) if 0 <= i < len(doc)]
    if any(word in ("v.", "v", "vs.", "vs") for word in neighbours):
        return True
    # "The Cat in the Hat": the name follows "<Capitalised> in/of the" inside one title.
    if span.start >= 3 and doc[span.start - 1].lower_ == "the" and doc[span.start - 1].is_lower:
        joiner, before = doc[span.start - 2], doc[span.start - 3]
        if joiner.lower_ in ("in", "of", "on") and before.tag_ == "NNP" and before.ent_type_ in (
            "", "WORK_OF_ART", "PRODUCT"
        ) and span.root.ent_type_ not in ("GPE", "LOC"):
            return True
    return False


def _fills_quotation(span: Span) -> bool:
    """The span is all a pair of quote marks holds ("Fascist Trump," with the comma inside)."""
    doc = span.doc
    if span.start == 0 or not doc[span.start - 1].is_quote:
        return False
    end = span.end
    while end < len(doc) and doc[end].is_punct and not doc[end].is_quote and end - span.end < 2:
        end += 1
    return end < len(doc) and doc[end].is_quote


def _plural_apposition(span: Span) -> Token | None:
    """The plural common noun that describes the name (in apposition or as a compound)
    when it is the only name there: "auditors Arthur Andersen", not "Britons Kathy Butler
    and Hayley Yelling"."""
    root = span.root
    if any(c.dep_ in ("conj", "cc") for c in root.children):
        return None
    head = root.head
    if (root.dep_ == "appos" and head.tag_ == "NNS" and head.i < root.i
            and not any(c.dep_ == "appos" and c.i != root.i for c in head.children)):
        return head
    # "external auditors Arthur Andersen approved ...": the plural noun right before the
    # name, whatever the parser hung it on (a compound, or a second subject).
    before = span.doc[span.start - 1] if span.start > 0 else None
    if (before is not None and before.tag_ == "NNS" and before.is_lower
            and before.dep_ in ("compound", "nsubj", "nsubjpass", "dobj")
            and not any(g.dep_ in ("conj", "cc") for g in before.children)):
        return before
    return None


def _is_person_noun(noun: Token) -> bool:
    """A plural noun only people are: "actresses", "ministers", "strikers"."""
    lemma = noun.lemma_.lower() if noun.lemma_ else noun.lower_
    words = PERSON_NOUNS | TITLE_WORDS | NAME_DESCRIPTIONS
    return lemma in words or noun.lower_.rstrip("s") in words


def _context_nouns(span: Span) -> set[str]:
    """Common nouns that classify the name: compounds before it ("newspaper Gazeta"),
    an appositive ("Harbin, a city"), or the noun it modifies ("the Gazeta newspaper")."""
    # Lower-case words only: a capitalised noun is part of another name ("starring Dennis
    # Quaid" in "In Good Company - starring Dennis Quaid").
    nouns = {t.lower_ for t in _left_modifiers(span)
             if t.tag_ in ("NN", "NNS") and _common(t) and not _in_phrase_before(t, span)}
    root = span.root
    clauses = [c.i for c in root.rights if c.dep_ in ("relcl", "acl")]
    for child in root.rights:
        # After a relative clause an appositive describes a noun inside the clause, however
        # the parser hung it ("Griffin, who was a member of the AfroSpear, a group ...").
        if child.dep_ == "appos" and child.tag_ in ("NN", "NNS") and _common(child) and not any(
                c < child.i for c in clauses):
            nouns.add(child.lower_)
    head = root.head
    if root.dep_ == "compound" and head.tag_ in ("NN", "NNS") and head.i > root.i and _common(head):
        nouns.add(head.lower_)
    # The name in apposition after the noun: "the car buying website Parker's".
    if root.dep_ == "appos" and head.tag_ in ("NN", "NNS") and head.i < root.i and _common(head):
        nouns.add(head.lower_)
    return nouns


# Last words that make a name an institution whatever it is listed with (the parser may
# join "the Catholic Church in England and Wales" into one list).
_INSTITUTION_WORDS = ORG_SUFFIXES | frozenset(("church", "party", "parliament", "assembly"))


# Nouns after a name that make it a sporting meeting even in lower case ("the Norwich Union
# European trials"); not "games" or "awards", which follow a maker's name as products.
_MEETING_WORDS = frozenset(("trials", "championships", "championship", "tournament", "indoors"))


# A stance, not a name: "pro-Israel", "anti-EU", "non-Muslim" (in lower case: "Ex-Im Bank"
# is a name).
_STANCE = re.compile(r"(?:pro|anti|non|ex|post|pre|neo)-")


# Prepositions that put a name where places go: "in Manchester" (not "at" or "to": "a move to
# Barcelona", "at Chelsea" are as often a club), and for a name taken for a person "from" too
# ("a man from Leicester"; a firm or a university is as often "from": "an M.F.A. from
# Columbia").
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|near|outside|across|around|throughout)\s+(?:the\s+)?\Z", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?\Z", re.IGNORECASE)


# A headline written in title case: most of its longer words are capitalised.
_TITLE_CASE_SHARE = 0.8
_TITLE_CASE_MAX_WORDS = 25
_TITLE_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_HEADLINE_CUE = re.compile(r"(?:['’]s)?\s*(:|[A-Za-z]+)")


def _is_title_case(paragraph: Paragraph, mentions: Sequence[Mention]) -> bool:
    """A headline in title case ("Obama Power Plant Rules Face Key Test In U.S. Court"),
    where capitals say nothing about names: its words outside the names found are
    capitalised too (in a lede full of names, "Tony Blair is to join Home Secretary David
    Blunkett in a visit ...", they are not)."""
    text = paragraph.text
    if len(_TITLE_WORD.findall(text)) > _TITLE_CASE_MAX_WORDS:
        return False
    names = [(m.start - paragraph.start, m.end - paragraph.start) for m in mentions
             if m.paragraph == paragraph.number]
    words = [w.group() for w in _TITLE_WORD.finditer(text) if len(w.group()) > 3
             and not any(a <= w.start() < b for a, b in names)]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= _TITLE_CASE_SHARE * len(words)


def _supported_headline_names(mentions: list[Mention], text: str) -> list[Mention]:
    """The mentions, without names found only in a title-case headline (the first
    paragraph): there every word is capitalised, so the recogniser runs names together
    ("Power Plant Rules Face Test", "Offensive Post"). A headline name the body also uses,
    in full or as part of a longer name ("Obama" of "Barack Obama"), stays, and so does one
    the headline quotes ("Ann Coulter: ...", "Trump Says ...")."""
    body_keys = {_name_key(m.text) for m in mentions if m.paragraph > 1}
    body_words = {word for key in body_keys for word in key.split()}
    return [m for m in mentions if m.paragraph > 1 or _name_key(m.text) in body_keys
            or set(_name_key(m.text).split()) <= body_words or _speaks_in(text, m.end)]


def _speaks_in(text: str, end: int) -> bool:
    """The name ending at `end` labels a quotation ("Name: ...") or says something."""
    after = _HEADLINE_CUE.match(text, end)
    return after is not None and (after.group(1) == ":" or after.group(1).lower() in SPEECH_VERBS)


def _modifies_its_noun(span: Span) -> bool:
    """The name is a compound before a common noun ("the South Yorkshire company")."""
    root = span.root
    return root.dep_ == "compound" and root.head.i > root.i and root.head.tag_ in ("NN", "NNS")


def _common(noun: Token) -> bool:
    """Written as a common noun: lower case, or capitalised only to open a sentence."""
    return noun.is_lower or bool(noun.is_sent_start and noun.text[1:].islower())


def _left_modifiers(span: Span) -> list[Token]:
    """Tokens left of the name that modify it (directly or through a compound chain)."""
    result: list[Token] = []
    for token in span:
        for child in token.lefts:
            if child.i < span.start:
                result.extend(t for t in child.subtree if t.i < span.start)
    return result


def _in_phrase_before(token: Token, span: Span) -> bool:
    """Inside a prepositional phrase of the words before the name: "state" in "secretary of
    state Hillary Clinton" is part of her title, not what she is."""
    while token.i < span.start and token.head.i != token.i:
        if token.dep_ in ("pobj", "prep"):
            return True
        token = token.head
    return False


def _coordinated(span: Span) -> list[Token]:
    """The heads of the names this one is listed with ("Rosatom, CNOOC and the Fund")."""
    root = span.root
    siblings = [c for c in root.children if c.dep_ == "conj"]
    if root.dep_ == "conj":
        siblings.append(root.head)
        siblings.extend(c for c in root.head.children if c.dep_ == "conj" and c.i != root.i)
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


_TYPE_ORDER: tuple[ActorType, ...] = ("person", "organization", "place", "group")


Votes = defaultdict[ActorType, float]


def _votes(mentions: Iterable[Mention]) -> Votes:
    votes: Votes = defaultdict(float)
    for mention in mentions:
        votes[mention.type] += mention.evidence
    return votes


def _winner(votes: Votes) -> ActorType:
    """The type with most votes; ties go to the more specific type (a person first)."""
    return max(_TYPE_ORDER, key=lambda kind: (votes[kind], -_TYPE_ORDER.index(kind)))


def _fuller_names(keys: Sequence[str], votes: dict[str, Votes],
                  strong_other: set[str]) -> dict[str, list[str]]:
    """For each name key, the full person names it may stand for.

    A full person name is a key of 2-4 words, none of them a function word ("Bank of
    America" is not one), with at least one mention voted person. A shorter key stands for
    it when its words are a proper subset and it holds the surname ("Doherty", "Mr.
    Doherty") or is its first name, used by no other person as a surname ("Hillary"). Group
    names (nationalities) and names whose own context strongly says organisation or place
    (`strong_other`) stand only for themselves.
    """
    # A surname used alone of a person vouches for the full name it ends, even when the
    # recogniser typed that full name's one mention otherwise ("Kenya's Isabella Ochichi" as
    # an organisation, then "Ochichi won").
    person_words = {key for key in keys
                    if len(key.split()) == 1 and _winner(votes[key]) == "person"}
    full = [key for key in keys
            if 2 <= len(key.split()) <= 4
            and (votes[key]["person"] > 0
                 or (key.split()[-1] in person_words and key not in strong_other))
            and not set(key.split()) & _FUNCTION_WORDS]
    surnames = {key.split()[-1] for key in full}
    first_names = {key.split()[0] for key in full} - surnames
    result: dict[str, list[str]] = {}
    for key in keys:
        words = key.split()
        if key in strong_other or (_winner(votes[key]) == "group" and not (
                len(words) == 1 and words[0] in first_names)):
            # A nationality stands for itself; a first name the recogniser took for one
            # ("Reese had ...") joins the person it names in full.
            continue
        # A first name alone must read as a person's (or a nationality's, above): "UK", a
        # place, is not the first name of "UK Coal".
        first_name_ok = _winner(votes[key]) in ("person", "group")
        owners = [
            other for other in full if other != key and set(words) < set(other.split())
            and (words[-1] == other.split()[-1]
                 or (len(words) == 1 and words[0] == other.split()[0]
                     and words[0] not in surnames and first_name_ok))
        ]
        if owners:
            result[key] = owners
    return result


def _short_organisation_names(keys: Sequence[str], votes: dict[str, Votes],
                              fuller: dict[str, list[str]],
                              acronyms: set[str]) -> dict[str, list[str]]:
    """One-word names that stand for the one organisation whose name they open or end
    ("Andersen" for "Arthur Andersen", "Goldman" for "Goldman Sachs") or whose initials
    they are ("SAIC" for "Shanghai Automotive Industry Corporation"), when no person's full
    name claims them; and an organisation's name cut before its "of" ("U.S. Court" for
    "U.S. Court of Appeals ..."). Places and nationalities stand for themselves
    ("Washington" beside "the Washington Post")."""
    organisations = [key for key in keys if len(key.split()) >= 2
                     and _winner(votes[key]) == "organization"]
    result: dict[str, list[str]] = {}
    for key in keys:
        if " " in key and key not in fuller and _winner(votes[key]) == "organization":
            # "U.S. Court" (a headline's cut) of "U.S. Court of Appeals for the District of
            # Columbia Circuit": the longer name goes on with "of" or "for".
            longer = [o for o in organisations
                      if o.startswith(key + " ") and o.split()[len(key.split())] in ("of", "for")]
            if len(longer) == 1:
                result[key] = longer
            continue
        if " " in key or key in fuller or _winner(votes[key]) not in ("person", "organization"):
            continue
        owners = [o for o in organisations
                  if (len(o.split()) <= 4 and key in (o.split()[0], o.split()[-1]))
                  or (key in acronyms and key == _initials(o))]
        if len(owners) == 1:
            result[key] = owners
    return result


def _initials(key: str) -> str:
    """ "international monetary fund" -> "imf"; small joining words are skipped."""
    return "".join(word[0] for word in key.split() if word not in _FUNCTION_WORDS)


def _prominence(by_key: dict[str, list[Mention]],
                fuller: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    """How central each full name is to the story: how often it is written in full, then how
    early it is introduced (news writing introduces its main subject first). A first name on
    its own does not count: relatives in passing get one ("her husband, Tom")."""
    return {key: (len(group), -min(m.start for m in group))
            for key, group in by_key.items() if key not in fuller}


def _shared_name_owner(candidates: Sequence[str], paragraph: int,
                       last_seen: dict[str, tuple[int, int]],
                       prominence: dict[str, tuple[int, int]]) -> str:
    """Which of several people a shared short name ("Clinton" with Bill and Hillary) means:
    the one named in full in the same paragraph (the latest of them), else the one the story
    is about. Checked on PolNeAR train and dev: "the one named last anywhere before" sent
    a family's name to whichever relative the story had mentioned in passing."""
    local = [c for c in candidates if last_seen.get(c, (0, 0))[0] == paragraph]
    if local:
        return max(local, key=lambda c: last_seen[c][1])
    return max(candidates, key=lambda c: (prominence.get(c, (0, -10**9)), -len(c)))


_FUNCTION_WORDS = frozenset(("of", "the", "and", "for", "in", "on", "at", "to", "&"))


def _spelling_variants(by_key: dict[str, list[Mention]], text: str,
                       min_length: int) -> dict[str, str]:
    """Full names that are spellings of one person's ("Victor Makarov" -> "Viktor Makarov"):
    the same surname exactly, and first names of five letters or more, with the same first
    letter, one edit apart. Each maps to the spelling used most (else first). A surname
    alone may be a misspelt possessive of one full name's ("Mr Ebber's lawyers" beside
    Bernie Ebbers)."""
    full = [key for key in by_key if len(key.split()) == 2]
    result: dict[str, str] = {}
    surnames = {key.split()[-1] for key in full}
    for key, mentions in by_key.items():
        if " " in key or key in surnames or len(key) < min_length:
            continue
        if not any(possessive_follows(text, m.end) for m in mentions):
            continue
        owners = [other for other in full if other.split()[-1] == key + "s"]
        if len(owners) == 1 and all(m.type == "person" or m.honorific for m in mentions):
            result[key] = owners[0]
    for i, one in enumerate(full):
        for other in full[i + 1:]:
            first, surname = one.split()
            other_first, other_surname = other.split()
            if (surname != other_surname or first[0] != other_first[0]
                    or min(len(first), len(other_first)) < min_length
                    or not _one_edit_apart(first, other_first)):
                continue
            keep, drop = sorted((one, other), key=lambda k: (-len(by_key[k]),
                                                            by_key[k][0].start))
            result.setdefault(drop, keep)
    return {drop: result.get(keep, keep) for drop, keep in result.items()}


def dateline_dash(token: Token) -> Token | None:
    """The dash ending the dateline that `token` belongs to ("WASHINGTON —", "LONDON
    (Reuters) -"), if it is one: a place name in capitals opening a wire story."""
    doc = token.doc
    if token.i > 3 or not token.is_upper:
        return None
    dash = next((t for t in doc[token.i + 1: token.i + 8] if t.text in ("—", "–", "-", "--")),
                None)
    if dash is None:
        return None
    # The outlet in brackets may follow the place: "LONDON (Reuters) -".
    bracket = next((t.i for t in doc[: dash.i] if t.text == "("), dash.i)
    if all(t.is_upper or t.is_punct or t.is_space for t in doc[:bracket]):
        return dash
    return None


def is_dateline(token: Token) -> bool:
    """ "WASHINGTON — President Obama said ...": the place name opening a wire story."""
    return dateline_dash(token) is not None


def possessive_follows(text: str, end: int) -> bool:
    """Whether a name ending at `end` in `text` is followed by "'s" ("Cameron's spokesman",
    "Mr Ebber's lawyers")."""
    return text[end: end + 2] in ("'s", "’s")


def _one_edit_apart(a: str, b: str) -> bool:
    """One substitution, insertion or deletion turns `a` into `b`."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


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


# Honorifics that only address a person (kings and queens are roles of their own).
_FORMS_OF_ADDRESS = (FEMALE_HONORIFICS | MALE_HONORIFICS | {"dr", "dr."}) - {
    "king", "queen", "prince"}


def _role_text(span: Span) -> str | None:
    """A role from candidate tokens: trimmed of articles and punctuation; None unless it names a
    position (a title word or a common noun) and stays short."""
    tokens = list(span)
    while tokens and (tokens[0].tag_ in ("DT", "PRP$", "POS", "WDT") or tokens[0].is_punct):
        tokens.pop(0)
    # A form of address right before the name is not part of the role: "Police Commissioner
    # Sir Ian Blair" is a commissioner, "Health Secretary Dr Reid" a secretary.
    while tokens and (tokens[-1].is_punct or tokens[-1].tag_ in ("POS", "CC")
                      or tokens[-1].lower_ in _FORMS_OF_ADDRESS):
        tokens.pop()
    if not tokens or len(tokens) > _MAX_ROLE_TOKENS:
        return None
    if not any(t.lower_ in TITLE_WORDS for t in tokens):
        return None
    if any(t.ent_type_ == "PERSON" for t in tokens):
        return None
    return span.doc[tokens[0].i: tokens[-1].i + 1].text


def _title_role(group: _Group) -> str | None:
    """For a person the article describes only by an honorific ("Sen. Bernie Sanders"),
    that title as the role ("Senator")."""
    return group.first_title.capitalize() if group.first_title else None


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
    capitalised_title = token.tag_ == "NNP" and not org_nominals.precedes_a_name(token)
    return ((token.tag_ == "NN" or capitalised_title)
            and token.lower_ in TITLE_WORDS
            and any(c.lower_ == "the" and c.dep_ == "det" for c in token.lefts)
            and token.dep_ != "compound")
