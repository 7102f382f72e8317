"""The small interfaces every model backend satisfies.

The analyses (summary, topics, actors, quotes) take these as arguments and never load a model
themselves: the embedded and the hub implementations are interchangeable, and tests can pass
fakes. Nothing outside a backend sees a tensor: inputs are strings and our own types, outputs
are numpy arrays, strings and our own types.

`Progress` is the one way a backend says what it is doing while it loads (a download, a
one-time conversion or export): the CLI prints it to standard error, the bot logs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from summarizer.types import Article, Bullet, Entity, Paragraph

if TYPE_CHECKING:  # numpy for the annotations only: a one-shot CLI forks before importing it
    import numpy as np
    from numpy.typing import NDArray


class Progress(Protocol):
    """Told one line at a time what a slow step is doing ("Loading the entity model ...")."""

    def __call__(self, message: str, /) -> None: ...


def no_progress(message: str, /) -> None:
    """The `Progress` of a caller who asked for none."""


class Embedder(Protocol):
    """Sentence embeddings: one L2-normalised float32 row per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


class TextSummarizer(Protocol):
    """Summarises paragraphs into at most `max_bullets` bullets, each with its paragraphs."""

    name: str

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]: ...


class ZeroShotClassifier(Protocol):
    """Scores texts against free-text labels.

    Returns an array of shape (len(texts), len(labels)) with values in [0, 1]; each label is
    scored on its own (multi-label), so a row need not sum to 1.
    """

    name: str

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> NDArray[np.float32]: ...


class EntityRecognizer(Protocol):
    """Finds people, organisations, places and groups; offsets are into `article.text`."""

    name: str

    def recognize(self, article: Article) -> list[Entity]: ...
