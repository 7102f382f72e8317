"""The analyses over the embedded backends, and with fakes where a rule is being tested."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from summarizer.api import AnalysisOptions, Analyzer, parse_labels
from summarizer.article import article_from_text
from summarizer.backends import Backends
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.cache import BriefingCache
from summarizer.errors import UsageError
from summarizer.render import briefing_to_dict, paragraph_ref, to_markdown, to_text
from summarizer.taxonomy import DEFAULT_LABELS, NEWS_TAXONOMY, describe
from summarizer.topics import find_topics
from summarizer.types import Bullet, Paragraph


class _FixedClassifier:
    """Scores from a table: (paragraph index, label) -> score."""

    name = "fixed"

    def __init__(self, table: list[list[float]]) -> None:
        self.table = np.array(table, dtype=np.float32)

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        return self.table[: len(texts), : len(labels)]


class _FirstSentences:
    name = "first"

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        return [Bullet(p.sentences[0].text, (p.number,)) for p in paragraphs][:max_bullets]


THREE_PARAGRAPHS = article_from_text(
    "The striker scored twice as the club won the cup final on Saturday afternoon.\n\n"
    "Shares in the club rose sharply after the win, lifting its market value to a record.\n\n"
    "The coach said the team would celebrate with fans in the city centre on Sunday."
)


def test_topics_are_multi_label_and_ranked_by_prominence() -> None:
    classifier = _FixedClassifier([[0.9, 0.05, 0.05], [0.45, 0.5, 0.05], [0.8, 0.1, 0.1]])
    topics = find_topics(THREE_PARAGRAPHS, ["sport", "business", "weather"], classifier,
                         _FirstSentences(), bullets=2)
    assert [t.label for t in topics] == ["sport", "business"]
    assert topics[0].paragraphs == (1, 2, 3)  # paragraph 2 is close enough to count as sport
    assert topics[1].paragraphs == (2,)
    assert topics[0].score > topics[1].score
    assert [b.paragraphs for b in topics[0].summary] == [(1,), (2,)]


def test_topic_summaries_do_not_repeat_the_article_summary() -> None:
    classifier = _FixedClassifier([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3]])
    first = THREE_PARAGRAPHS.paragraph(1).sentences[0].text
    topics = find_topics(THREE_PARAGRAPHS, ["sport", "business"], classifier,
                         _FirstSentences(), bullets=2, already_said=[first])
    assert [b.paragraphs for b in topics[0].summary] == [(2,), (3,)]
    # With nothing else to say, a topic keeps its best sentences even if already said.
    alone = find_topics(THREE_PARAGRAPHS, ["sport", "business"], classifier,
                        _FirstSentences(), bullets=3, already_said=[first])
    assert [b.paragraphs for b in alone[0].summary] == [(1,), (2,), (3,)]


def test_summary_is_in_article_order_without_duplicates(sample, backends: Backends) -> None:
    bullets = backends.summarizer.summarize(sample.paragraphs, 6)
    assert len(bullets) == 6
    positions = [sample.text.index(b.text) for b in bullets]
    assert positions == sorted(positions)
    assert len({b.text for b in bullets}) == 6
    for bullet in bullets:
        assert bullet.text in sample.paragraph(bullet.paragraphs[0]).text


def test_extractive_summary_skips_a_repeated_sentence(backends: Backends) -> None:
    repeated = "The central bank raised interest rates by half a point to fight inflation."
    article = article_from_text(
        f"{repeated} Markets fell on the news.\n\n{repeated} Economists expect another rise "
        "in the autumn if prices keep climbing.\n\nThe government welcomed the decision and "
        "promised lower spending next year."
    )
    summarizer = ExtractiveSummarizer(backends.embedder)
    texts = [b.text for b in summarizer.summarize(article.paragraphs, 3)]
    assert texts.count(repeated) == 1


def test_sample_topics_with_default_taxonomy(sample, backends: Backends) -> None:
    briefing = Analyzer(backends).analyse(sample, AnalysisOptions(sections=frozenset({"topics"})))
    assert briefing.topics
    labels = [t.label for t in briefing.topics]
    assert set(labels) <= set(DEFAULT_LABELS)
    assert labels[0] in {"International relations", "Politics", "Conflict and defence"}
    covered = {n for t in briefing.topics for n in t.paragraphs}
    assert covered == set(range(1, 15))  # every paragraph lands in some topic


def test_bare_user_labels_classify_short_news(backends: Backends) -> None:
    analyzer = Analyzer(backends)
    results = analyzer.classify(
        ["The prime minister called an early election after losing a key vote in parliament.",
         "The film won best picture at the Oscars on Sunday night.",
         "Apple unveiled a new laptop with a faster processor.",
         "The tennis champion retired after a shock defeat in the first round."],
        ["business", "entertainment", "politics", "sport", "tech"],
    )
    assert [r.label for r in results] == ["politics", "entertainment", "tech", "sport"]
    for result in results:
        assert abs(sum(result.scores.values()) - 1.0) < 1e-3


def test_taxonomy_has_15_to_25_described_labels() -> None:
    assert 15 <= len(NEWS_TAXONOMY) <= 25
    assert all(len(t.description.split()) >= 5 for t in NEWS_TAXONOMY)
    assert describe("Tech") is describe("technology")
    assert describe("unknown thing") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a, b, c", ("a", "b", "c")), (" War ,war, peace ", ("War", "peace")),
     ("x,,y,", ("x", "y"))],
)
def test_parse_labels(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_labels(raw) == expected


@pytest.mark.parametrize("raw", ["one", "", ",".join(f"l{i}" for i in range(30)), "a," + "x" * 101])
def test_parse_labels_refuses(raw: str) -> None:
    with pytest.raises(UsageError):
        parse_labels(raw)


def test_cache_round_trip_and_bad_entries(sample, backends: Backends, tmp_path: Path) -> None:
    cache = BriefingCache(tmp_path)
    analyzer = Analyzer(backends, cache)
    options = AnalysisOptions(sections=frozenset({"summary", "actors", "quotes"}), length=3)
    first = analyzer.analyse(sample, options)
    second = analyzer.analyse(sample, options)
    assert second == first
    assert cache.stats().hits == 1 and cache.stats().entries == 1
    for entry in tmp_path.glob("*/*.json"):
        entry.write_text("{not json")  # a corrupt entry is a miss, never an error
    assert analyzer.analyse(sample, options) == first


def test_no_socket_is_opened_while_loading_and_analysing(
        sample, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during an offline analysis")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = Backends()  # loads the embedded models from their packages, not the network
    briefing = Analyzer(fresh).analyse(sample, AnalysisOptions())
    assert briefing.summary and briefing.topics and briefing.actors and briefing.quotes
    assert attempts == []


def test_renderers_show_paragraph_numbers(sample, backends: Backends) -> None:
    briefing = Analyzer(backends).analyse(sample, AnalysisOptions(length=3))
    markdown, text = to_markdown(briefing), to_text(briefing)
    assert briefing.summary
    for bullet in briefing.summary:
        assert paragraph_ref(bullet.paragraphs) in markdown
        assert paragraph_ref(bullet.paragraphs) in text
    data = briefing_to_dict(briefing)
    assert "start" not in data["quotes"][0]  # offsets stay internal to the cache format


@pytest.mark.parametrize(("numbers", "text"), [([3], "¶3"), ([1, 2, 3, 5], "¶1-3, 5"),
                                               ([7, 5, 6, 6], "¶5-7"), ([], "")])
def test_paragraph_ref(numbers: list[int], text: str) -> None:
    assert paragraph_ref(numbers) == text


def test_people_found_elsewhere_replace_the_parse(sample, backends: Backends) -> None:
    from summarizer.analysis import run_analyses

    reference = run_analyses(sample, AnalysisOptions(), backends)
    assert reference.actors and reference.quotes

    class WithoutParser(Backends):
        @property
        def parser(self) -> object:  # type: ignore[override]
            raise AssertionError("the parser must not run when people are given")

        @property
        def entities(self) -> object:  # type: ignore[override]
            raise AssertionError("the entity model must not run when people are given")

    class Found:
        def result(self) -> tuple[tuple[object, ...], tuple[object, ...]]:
            return reference.actors, reference.quotes  # type: ignore[return-value]

    elsewhere = WithoutParser()
    elsewhere._loaded = {key: value for key, value in backends._loaded.items()
                         if key in ("embedder", "summarizer", "classifier")}
    briefing = Analyzer(elsewhere).analyse(sample, AnalysisOptions(), people=Found())
    assert briefing == reference
    quotes_only = run_analyses(sample, AnalysisOptions(sections=frozenset({"quotes"})),
                               elsewhere, people=Found())
    assert quotes_only.quotes == reference.quotes and quotes_only.actors is None
