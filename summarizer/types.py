"""The plain data the analysis core passes around.

Every value here is a frozen dataclass: analyses return new values, never mutate old ones,
so results can be cached, shared between threads and compared in tests. Every result that
comes from the text carries the (1-based) paragraph numbers it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

ActorType = Literal["person", "organization", "place", "group"]
QuoteKind = Literal["direct", "reported"]


@dataclass(frozen=True)
class Sentence:
    """One sentence; `start`/`end` are character offsets into `Article.text`."""

    text: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Paragraph:
    """One paragraph, numbered from 1; offsets are into `Article.text`."""

    number: int
    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Article:
    """A cleaned article: `text` is the body, paragraphs joined by a blank line."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    source: str
    title: str | None = None
    date: str | None = None
    # Credit lines found at load time ("By ...", "(Reporting by ...; Editing by ...)", photo
    # credits): metadata, kept out of `text` and so out of every analysis.
    credits: tuple[str, ...] = ()

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @cached_property
    def digest(self) -> str:
        """Content hash: what the cache keys on (never the URL or file name)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def paragraph(self, number: int) -> Paragraph:
        return self.paragraphs[number - 1]


@dataclass(frozen=True)
class Bullet:
    """One summary line and the paragraphs it summarises."""

    text: str
    paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class Topic:
    label: str
    score: float
    paragraphs: tuple[int, ...]
    summary: tuple[Bullet, ...] = ()


@dataclass(frozen=True)
class Entity:
    """One entity mention found by a recogniser; offsets are into `Article.text`."""

    text: str
    type: ActorType
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Actor:
    """One entity of the article. `minor` marks an actor named once in passing, with nothing
    else said of it (no role, no quote, no context settling its type): it is listed only
    when every actor is asked for, after the others."""

    name: str
    type: ActorType
    role: str | None
    aliases: tuple[str, ...]
    mentions: int
    paragraphs: tuple[int, ...]
    minor: bool = False


@dataclass(frozen=True)
class Quote:
    """Who said what. `start`/`end` locate `text` (the content) in `Article.text`."""

    speaker: str | None
    cue: str
    text: str
    kind: QuoteKind
    paragraph: int
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class ModelInfo:
    """Names of the models that actually ran, per task."""

    summary: str
    topics: str
    entities: str


@dataclass(frozen=True)
class Classification:
    """One text's zero-shot result: the best label and every label's score."""

    label: str
    scores: dict[str, float] = field(hash=False)


@dataclass(frozen=True)
class Briefing:
    """The full analysis of one article; a section is None when it was not asked for."""

    article: Article
    models: ModelInfo
    summary: tuple[Bullet, ...] | None = None
    topics: tuple[Topic, ...] | None = None
    actors: tuple[Actor, ...] | None = None
    quotes: tuple[Quote, ...] | None = None
