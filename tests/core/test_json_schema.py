"""The JSON that `--json` prints (schema 1, README) is pinned key for key: the render module
builds on the serializer, so a field added to a result type must not reach the CLI's output
unnoticed; this test makes such a change a decision."""

from __future__ import annotations

import json

from summarizer.article import article_from_text
from summarizer.digest import (
    Citation,
    Digest,
    DigestActor,
    DigestArticle,
    DigestQuote,
    DigestTopic,
    NewSince,
)
from summarizer.render import briefing_to_dict, digest_to_dict
from summarizer.types import Actor, Briefing, Bullet, ModelInfo, Quote, Topic

ARTICLE = article_from_text(
    "Harbour reopens\n\nThe harbour reopened on Monday after two years of building work.\n\n"
    "Mayor Jane Doe said the town had waited long enough for its boats to come home.",
    source="harbour.txt")
BRIEFING = Briefing(
    article=ARTICLE,
    models=ModelInfo("summary-model", "topic-model", "entity-model"),
    summary=(Bullet("The harbour reopened.", (1,)),),
    topics=(Topic("Transport", 0.75, (1, 2), (Bullet("Boats return.", (2,)),)),),
    actors=(Actor("Jane Doe", "person", "Mayor", ("Doe",), 2, (2,)),),
    quotes=(Quote("Jane Doe", "said", "the town had waited long enough", "reported", 2,
                  start=70, end=101),),
)


def test_the_briefing_json_is_schema_1_exactly() -> None:
    assert json.loads(json.dumps(briefing_to_dict(BRIEFING))) == {
        "schema": 1,
        "article": {"title": "Harbour reopens", "date": None, "source": "harbour.txt",
                    "words": ARTICLE.words, "paragraphs": 2, "credits": []},
        "models": {"summary": "summary-model", "topics": "topic-model",
                   "entities": "entity-model"},
        "summary": [{"text": "The harbour reopened.", "paragraphs": [1]}],
        "topics": [{"label": "Transport", "score": 0.75, "paragraphs": [1, 2],
                    "summary": [{"text": "Boats return.", "paragraphs": [2]}]}],
        "actors": [{"name": "Jane Doe", "type": "person", "role": "Mayor", "aliases": ["Doe"],
                    "mentions": 2, "paragraphs": [2]}],
        "actors_total": 1,
        # No character offsets: readers of the JSON do not have the text they point into.
        "quotes": [{"speaker": "Jane Doe", "cue": "said",
                    "text": "the town had waited long enough", "kind": "reported",
                    "paragraph": 2}],
    }


def test_sections_not_analysed_are_left_out() -> None:
    only_quotes = Briefing(article=ARTICLE, models=BRIEFING.models, quotes=())
    assert set(briefing_to_dict(only_quotes)) == {"schema", "article", "models", "quotes"}


def test_the_digest_json_is_schema_1_exactly() -> None:
    cite = Citation(article=1, paragraphs=(2,))
    digest = Digest(
        articles=(DigestArticle(index=1, source="harbour.txt", title="Harbour reopens",
                                key="k1", headline="Harbour reopens", headline_paragraphs=(1,),
                                bullets=(Bullet("The harbour reopened.", (1,)),),
                                briefing=BRIEFING),
                  DigestArticle(index=2, source="gone.txt", error="No such file: gone.txt")),
        actors=(DigestActor("Jane Doe", "person", ("Doe",), 2, (cite,)),),
        topics=(DigestTopic("Transport", 0.75, (cite,)),),
        quotes=(DigestQuote("Jane Doe", "said", "the town had waited", "reported", cite),),
        new_since=NewSince(articles=(1,), updated=(), actors=("Jane Doe",), topics=()),
    )
    data = json.loads(json.dumps(digest_to_dict(digest)))
    assert data["articles"][0]["briefing"] == briefing_to_dict(BRIEFING, all_actors=False)
    data["articles"][0]["briefing"] = "(the briefing above)"
    assert data == {
        "schema": 1, "kind": "digest", "briefed": 1, "failed": 1,
        "articles": [
            {"index": 1, "source": "harbour.txt", "title": "Harbour reopens", "key": "k1",
             "headline": {"text": "Harbour reopens", "paragraphs": [1]},
             "bullets": [{"text": "The harbour reopened.", "paragraphs": [1]}],
             "briefing": "(the briefing above)"},
            {"index": 2, "source": "gone.txt", "title": None, "error": "No such file: gone.txt"},
        ],
        "actors": [{"name": "Jane Doe", "type": "person", "aliases": ["Doe"], "articles": 1,
                    "mentions": 2, "cited": [{"article": 1, "paragraphs": [2]}]}],
        "topics": [{"label": "Transport", "prominence": 0.75, "articles": 1,
                    "cited": [{"article": 1, "paragraphs": [2]}]}],
        "quotes": [{"speaker": "Jane Doe", "cue": "said", "text": "the town had waited",
                    "kind": "reported", "article": 1, "paragraph": 2}],
        "new_since": {"articles": [1], "updated": [], "actors": ["Jane Doe"], "topics": []},
    }
