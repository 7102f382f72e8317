"""Runs the requested analyses of one article over a set of backends."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from summarizer.backends import Backends
from summarizer.options import AnalysisOptions
from summarizer.taxonomy import DEFAULT_LABELS
from summarizer.topics import find_topics
from summarizer.types import Article, Briefing

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from summarizer.types import Actor, Quote


class PendingPeople(Protocol):
    """Actors and quotes being found elsewhere (`summarizer.people_process.PeopleProcess`)."""

    def result(self) -> tuple[tuple[Actor, ...], tuple[Quote, ...]]: ...


def run_analyses(article: Article, options: AnalysisOptions, backends: Backends,
                 *, overlap: bool = True, people: PendingPeople | None = None) -> Briefing:
    """The briefing of `article` with the sections `options.sections` asks for.

    Actors and quotes come from one pass (quotes resolve speakers to actors, and resolved
    pronouns count as actor mentions), so asking for either computes both. When `people`
    is given, they come from it instead of the parser and entity backends.

    With `overlap` (the default), the spaCy parse (and, on a cold start, spaCy's loading)
    runs in a second thread while the summary and topics embed sentences in this one. The
    two hardly compete: spaCy's models run on one core in its own compiled code (the
    parser and NER release the GIL for their inner loops), and the embedder is ONNX
    Runtime, which releases the GIL for the whole forward. On 2 cores this hides most of
    the shorter of the two. The briefing is the same either way (the test suite checks it).
    """
    sections = options.sections
    summary = topics = actors = quotes = None
    wants_people = "actors" in sections or "quotes" in sections
    pool: ThreadPoolExecutor | None = None
    parsing: Future[tuple[Doc, ...]] | None = None
    if wants_people and people is None and overlap and (
            "summary" in sections or "topics" in sections):
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacy-parse")
        parsing = pool.submit(lambda: backends.parser.parse(article))
    try:
        if "summary" in sections:
            summary = tuple(backends.summarizer.summarize(article.paragraphs, options.length))
        if "topics" in sections:
            labels = options.labels if options.labels is not None else DEFAULT_LABELS
            topics = find_topics(article, labels, backends.classifier, backends.summarizer,
                                 options.topic_bullets,
                                 already_said=[b.text for b in summary or ()])
        if wants_people:
            if people is not None:
                found_actors, found_quotes = people.result()
            else:
                # The parse first: on a cold start the worker may still be importing spaCy,
                # and importing `spacy.tokens` (via summarizer.people) here at the same time
                # breaks spaCy's own import (a KeyError from its Cython modules).
                docs = parsing.result() if parsing is not None else backends.parser.parse(
                    article)
                from summarizer.people import analyse_people

                found = analyse_people(article, docs, backends.entities.recognize(article))
                found_actors, found_quotes = found.actors, found.quotes
            actors = found_actors if "actors" in sections else None
            quotes = found_quotes if "quotes" in sections else None
    finally:
        if pool is not None:
            # On an error above, still wait for the parse: a thread left running would
            # keep loading or parsing behind the caller's back.
            pool.shutdown(wait=True)
    return Briefing(article=article, models=backends.model_info(), summary=summary,
                    topics=topics, actors=actors, quotes=quotes)
