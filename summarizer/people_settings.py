"""The tunable numbers of the actor and quote analyses, in one place.

Like `TopicSettings` and `ExtractiveSettings`, each is a frozen dataclass whose defaults are
the values measured with `benchmarks/eval_quotes.py` (PolNeAR train, confirmed on dev) and
`benchmarks/eval_real.py` (the hand-annotated development articles); `analyse_people` takes
a `PeopleSettings` so that an evaluation can vary one number without editing the code.
Fixed limits of the text itself (how long a role may be, how many words a speaker label
before a colon or a reported content has) stay named constants in their modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from summarizer.types import ActorType


@dataclass(frozen=True)
class RankingSettings:
    """How the key actors are ranked: mentions (log-damped, weighted by type), being
    quoted, being named in the headline, and how early the actor appears."""

    # A place or a people is named far more often than it acts, so a person quoted three
    # times outranks "Russia".
    type_weight: Mapping[ActorType, float] = field(default_factory=lambda: MappingProxyType({
        "person": 1.0, "organization": 1.0, "place": 0.4, "group": 0.25}))
    # Quotes count with diminishing returns: one quote from a wire service must not outrank
    # the head of state the story names three times.
    quote_weight: float = 1.5
    # The story's main subject comes first, before the outlet it cites.
    headline_weight: float = 1.5


@dataclass(frozen=True)
class CorefSettings:
    """Pronoun resolution (`summarizer.coref`): a salience model after Lappin and Leass."""

    # How many narrative sentences before the pronoun's own are searched.
    lookback_sentences: int = 3
    # Salience of one reference by its role; halved (`decay`) per sentence back.
    speaker_weight: float = 3.0
    subject_weight: float = 2.0
    other_weight: float = 1.0
    decay: float = 0.5
    # The subject of an adverbial or relative clause counts this share of a main subject.
    embedded_factor: float = 0.5
    # The runner-up's salience, as a share of the best's, from which the choice is a guess.
    ambiguous_share: float = 0.8
    # How far a pronoun speaker's own antecedent chain is followed.
    max_chain: int = 6


@dataclass(frozen=True)
class NominalSettings:
    """Nominals resolved to actors: "the president", "the company", "the 28-year-old"."""

    # How far back (in mentions) a nominal looks for the actor it names.
    lookback_mentions: int = 400
    # Salience of a mention halves with each sentence between it and the nominal.
    decay: float = 0.5
    # A runner-up at this share of the best makes the choice a guess: no one is named.
    # Stricter than for pronouns: "the company" says less than "she".
    ambiguous_share: float = 0.6
    # How many sentences back "the 28-year-old" looks when no one was given that age.
    age_lookback_sentences: int = 4

    def most_salient(self, candidates: Iterable[tuple[str, Sequence[int]]],
                     sentence: int) -> str | None:
        """Of (key, sentences of its mentions) pairs, the key the text has been talking
        about at sentence `sentence`: mentions weighted by recency, and no one when the
        runner-up comes within `ambiguous_share` of the best."""
        ranked = sorted(((sum(self.decay ** max(0, sentence - s) for s in sentences), key)
                         for key, sentences in candidates), reverse=True)
        if not ranked:
            return None
        if len(ranked) > 1 and ranked[1][0] >= self.ambiguous_share * ranked[0][0]:
            return None
        return ranked[0][1]


@dataclass(frozen=True)
class EntitySettings:
    """How mentions become entities."""

    # A name is a thing, not an actor, when at least this share of its mentions says so.
    thing_share: float = 1 / 3
    # First names shorter than this are never taken for spellings of each other.
    min_variant_length: int = 5


@dataclass(frozen=True)
class PeopleSettings:
    """Every tunable number of `summarizer.people.analyse_people`."""

    ranking: RankingSettings = field(default_factory=RankingSettings)
    coref: CorefSettings = field(default_factory=CorefSettings)
    nominals: NominalSettings = field(default_factory=NominalSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)


DEFAULT_PEOPLE_SETTINGS = PeopleSettings()
