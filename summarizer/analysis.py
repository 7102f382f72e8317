"""Runs the requested analyses of one article over a set of backends."""

from __future__ import annotations

from summarizer.backends import Backends
from summarizer.options import AnalysisOptions
from summarizer.taxonomy import DEFAULT_LABELS
from summarizer.topics import find_topics
from summarizer.types import Article, Briefing


def run_analyses(article: Article, options: AnalysisOptions, backends: Backends) -> Briefing:
    """The briefing of `article` with the sections `options.sections` asks for.

    Actors and quotes come from one pass (quotes resolve speakers to actors, and resolved
    pronouns count as actor mentions), so asking for either computes both.
    """
    sections = options.sections
    summary = topics = actors = quotes = None
    if "summary" in sections:
        summary = tuple(backends.summarizer.summarize(article.paragraphs, options.length))
    if "topics" in sections:
        labels = options.labels if options.labels is not None else DEFAULT_LABELS
        topics = find_topics(article, labels, backends.classifier, backends.summarizer,
                             options.topic_bullets)
    if "actors" in sections or "quotes" in sections:
        from summarizer.people import analyse_people

        people = analyse_people(article, backends.parser.parse(article),
                                backends.entities.recognize(article))
        actors = people.actors if "actors" in sections else None
        quotes = people.quotes if "quotes" in sections else None
    return Briefing(article=article, models=backends.model_info(), summary=summary,
                    topics=topics, actors=actors, quotes=quotes)
