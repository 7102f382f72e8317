"""Key actors and quotes: one entry point over `summarizer.actors` and `summarizer.quotes`.

Both analyses share one parse (one spaCy Doc per paragraph) and one set of entity mentions,
from any `EntityRecognizer`; nothing here runs a model. The steps are fixed: mentions become
entities (`ActorIndex`), the quote analysis resolves pronouns and nominals to them (those
references count as mentions), and the ranking comes last and takes the quotes as its input;
after it the index accepts no further reference, so no order of calls can change a result.
No state outlives one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from summarizer.actors import ActorIndex
from summarizer.people_settings import DEFAULT_PEOPLE_SETTINGS, PeopleSettings
from summarizer.quotes import extract_quotes
from summarizer.types import Actor, Article, Entity, Quote


@dataclass(frozen=True)
class People:
    """Who the article is about and what they said.

    `actors` are ranked by salience (mentions, position, being quoted); `quotes` are in
    article order, with `start`/`end` the char offsets of the content in `Article.text`.
    """

    actors: tuple[Actor, ...]
    quotes: tuple[Quote, ...]


def analyse_people(article: Article, docs: Sequence[Doc], entities: Sequence[Entity],
                   settings: PeopleSettings = DEFAULT_PEOPLE_SETTINGS) -> People:
    """Find the key actors and the quotes of an article.

    Args:
        article: the article.
        docs: `docs[i]` is the spaCy parse of `article.paragraphs[i]` (offsets relative to the
            paragraph start), as `SpacyPipeline.parse` returns.
        entities: the article's entity mentions, offsets into `article.text`.
        settings: the tunable numbers of ranking and of pronoun and nominal resolution.

    Returns:
        The actors, most salient first, and the quotes, in article order.

    Raises:
        ValueError: `docs` does not have one Doc per paragraph.
    """
    if len(docs) != len(article.paragraphs):
        raise ValueError(
            f"Expected one parsed Doc per paragraph ({len(article.paragraphs)}), "
            f"got {len(docs)}."
        )
    # mentions -> entities (the index), then the references the quotes resolve, then the
    # ranking, which takes the quotes and closes the index to further references.
    index = ActorIndex(article, docs, entities, settings)
    quotes = tuple(extract_quotes(article, docs, index))
    return People(actors=index.actors(quotes), quotes=quotes)
