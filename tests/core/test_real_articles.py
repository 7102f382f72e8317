"""Issue 9's actor targets on our own hand-annotated real articles (BBC and PolNeAR outlets).

On each article of tests/fixtures/real_articles/, among the first 12 actors listed: no key
person split into two entries, none mistyped, at most one junk actor, no credit-line name.
The matching is benchmarks/eval_real.py's, so the test and the benchmark agree.
"""

from __future__ import annotations

from functools import cache

import pytest

from benchmarks.eval_real import (
    DEFAULT_DATA,
    TOP,
    ArticleScore,
    GoldArticle,
    Matcher,
    evaluate,
    judge_speaker,
    load_gold,
    name_key,
)
from summarizer.api import AnalysisOptions, Analyzer
from summarizer.article import load_article
from summarizer.backends import Backends

GOLD = {gold.id: gold for gold in load_gold(DEFAULT_DATA)}
MAX_JUNK = 1

# Articles on which a target is not met yet. Each is an expected failure with strict=True:
# a fix makes the test fail until the article leaves this list, and any other article that
# regresses fails as usual. benchmarks/eval_real.py prints what is wrong on each.
NOT_YET = {
    "split": set(),
    "mistyped": set(),
    "junk": set(),
    "credit": set(),
}


def _articles(check: str) -> list[object]:
    return [pytest.param(article_id, marks=pytest.mark.xfail(
                strict=True, reason=f"{check}: target not met on this article yet"))
            if article_id in NOT_YET[check] else article_id
            for article_id in sorted(GOLD)]


@cache
def _score(article_id: str, backends: Backends) -> ArticleScore:
    """Each article is analysed once for the four checks (a briefing takes seconds)."""
    gold: GoldArticle = GOLD[article_id]
    briefing = Analyzer(backends).analyse(
        load_article(str(gold.path)), AnalysisOptions(sections=frozenset({"actors", "quotes"})))
    return evaluate(gold, briefing.actors or (), briefing.quotes or (), TOP)


def test_fixtures_are_annotated() -> None:
    assert len(GOLD) >= 20
    for gold in GOLD.values():
        text = gold.path.read_text(encoding="utf-8")
        for quote in gold.quotes:
            assert quote.text in text, (gold.id, quote.text)
            if quote.speaker is not None:
                gold.entity(quote.speaker)  # raises when the speaker is not annotated


@pytest.mark.parametrize(("article_id", "label", "gold", "verdict"), [
    ("bbc-politics-046", "Mr Blunkett", "David Blunkett", "right"),
    ("bbc-politics-046", "Jack Straw", "David Blunkett", "wrong"),
    ("bbc-politics-060", "the cardinal", "Cormac Murphy-O'Connor", "vague"),
    ("polnear-usatoday-clarkston", "master of ceremonies Asab Al-Tabchi, a Syrian engineer",
     "Asab Al-Tabchi", "right"),
    # Two Ebelings: the bare surname is Betsy's alias in the text, never Tom's.
    ("polnear-politico-clinton-surrogates", "Ebeling", "Tom Ebeling", "wrong"),
    ("polnear-huffpost-trump-khan", "the spokesman", None, "right"),
    ("polnear-huffpost-trump-khan", "David Cameron", None, "wrong"),
])
def test_speaker_matching(article_id: str, label: str, gold: str | None, verdict: str) -> None:
    assert judge_speaker(Matcher(GOLD[article_id]), gold, label) == verdict


@pytest.mark.parametrize(("name", "key"), [
    ("Mr. Trump", "trump"), ("Donald Trump‘s", "donald trump"), ("The Times", "times"),
    ("Gov. Nathan Deal", "nathan deal"),
])
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.slow
@pytest.mark.parametrize("article_id", _articles("split"))
def test_no_key_person_split(article_id: str, backends: Backends) -> None:
    assert _score(article_id, backends).split == []


@pytest.mark.slow
@pytest.mark.parametrize("article_id", _articles("mistyped"))
def test_no_person_mistyped(article_id: str, backends: Backends) -> None:
    assert _score(article_id, backends).people_mistyped == []


@pytest.mark.slow
@pytest.mark.parametrize("article_id", _articles("junk"))
def test_at_most_one_junk_actor(article_id: str, backends: Backends) -> None:
    score = _score(article_id, backends)
    assert score.junk <= MAX_JUNK, score.junk_unmatched + score.junk_not_actor


@pytest.mark.slow
@pytest.mark.parametrize("article_id", _articles("credit"))
def test_no_credit_line_name_among_actors(article_id: str, backends: Backends) -> None:
    assert _score(article_id, backends).credit == []
