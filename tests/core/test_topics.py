"""Topics: calibrated default-taxonomy topics and batch-refined classification, over the
embedded model, and with fakes where a rule is being tested."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from summarizer.article import article_from_text
from summarizer.backends import Backends
from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
from summarizer.taxonomy import DEFAULT_LABELS, describe, facet_prompts
from summarizer.topics import (
    SentenceEvidence,
    TopicSettings,
    classify_texts,
    find_topics,
    is_credit_line,
    sentence_evidence,
    shown_labels,
)
from summarizer.types import Article, Bullet, Classification, Paragraph


class _FirstSentences:
    name = "first"

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        return [Bullet(p.sentences[0].text, (p.number,)) for p in paragraphs][:max_bullets]


class _SentenceTable:
    """Scores each sentence by the first table row whose key it contains."""

    name = "table"

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        rows = [next(v for k, v in self.table.items() if k in text) for text in texts]
        return np.array(rows, dtype=np.float32)[:, : len(labels)]


MIXED = article_from_text(
    "Alpha one. Alpha two. Alpha three.\n\n"
    "Alpha four. Beta one.\n\n"
    "Gamma one. Gamma two."
)


def test_a_topic_below_the_threshold_is_not_shown() -> None:
    # Alpha has four confident sentences, gamma two, beta one.
    classifier = _SentenceTable({"Alpha": [0.9, 0.05, 0.05], "Beta": [0.1, 0.8, 0.1],
                                 "Gamma": [0.1, 0.1, 0.8]})
    labels = ["alpha", "beta", "gamma"]
    shown = find_topics(MIXED, labels, classifier, _FirstSentences(),
                        settings=TopicSettings(calibrated=True, min_evidence=2.0))
    assert [t.label for t in shown] == ["alpha"]
    assert shown[0].paragraphs == (1, 2, 3)  # every paragraph goes to a shown topic
    low = find_topics(MIXED, labels, classifier, _FirstSentences(),
                      settings=TopicSettings(calibrated=True, min_evidence=0.5))
    assert {t.label for t in low} == {"alpha", "gamma"}  # beta is no paragraph's best


def test_one_sentence_is_evidence_for_one_topic_only() -> None:
    classifier = _SentenceTable({"": [0.5, 0.45, 0.05]})  # every sentence: close runner-up
    evidence = sentence_evidence(MIXED, ["a", "b", "c"], classifier)
    totals = evidence.totals()
    assert totals[1] == 0 and totals[2] == 0
    assert totals[0] == pytest.approx(0.5 * len(evidence.sentences))


def test_shown_labels_keeps_at_least_the_strongest() -> None:
    assert shown_labels(np.array([0.5, 1.0, 0.0]), 2.0) == [1]
    assert shown_labels(np.array([3.0, 2.5, 0.1]), 2.0) == [0, 1]


@pytest.mark.parametrize(
    ("sentence", "credit"),
    [("(Reporting by Andy Bruce; Editing by Joyjeet Das)", True),
     ("Additional reporting by Jane Roe in London.", True),
     ("Writing by Dean Yates", True),
     ("Follow Matt on Twitter @MattFriedmanSL", True),
     ("By Jane Doe", True),
     ("By the end of the year, prices had doubled.", False),
     ("The report was written by economists at the bank.", False)],
)
def test_credit_lines_are_recognised(sentence: str, credit: bool) -> None:
    assert is_credit_line(sentence) is credit


def test_a_credit_line_is_never_evidence(backends: Backends) -> None:
    article = article_from_text(
        "The virus has killed more than 4,000 people in West Africa, health officials said, "
        "and hospitals are short of beds and doctors.\n\n"
        "(Reporting by Andy Bruce; Editing by Joyjeet Das)"
    )
    evidence = sentence_evidence(article, DEFAULT_LABELS, backends.classifier)
    assert all("Reporting by" not in s.text for s in evidence.sentences)
    topics = find_topics(article, DEFAULT_LABELS, backends.classifier, backends.summarizer)
    assert [t.label for t in topics] == ["Health"]


def test_sample_paragraphs_get_fitting_topics(sample: Article, backends: Backends) -> None:
    topics = find_topics(sample, DEFAULT_LABELS, backends.classifier, backends.summarizer)
    by_paragraph = {n: t.label for t in topics for n in t.paragraphs}
    assert sorted(by_paragraph) == list(range(1, 15))  # one topic per paragraph, each once
    assert by_paragraph[8] == "Science and technology"  # Moon station, Roscosmos
    assert by_paragraph[9] == "Economy and business"  # car industry, EV tariffs
    assert by_paragraph[12] == "Agriculture and food"  # soybeans
    assert by_paragraph[1] == "International relations"
    assert topics[0].score < 0.8  # no topic swallows the article
    for topic in topics:
        for bullet in topic.summary:
            assert set(bullet.paragraphs) <= set(topic.paragraphs)


def test_user_labels_stay_multi_label(sample: Article, backends: Backends) -> None:
    topics = find_topics(sample, ["economy", "space", "war"], backends.classifier,
                         backends.summarizer)
    assert {t.label for t in topics} <= {"economy", "space", "war"}
    assert {n for t in topics for n in t.paragraphs} == set(range(1, 15))
    assert sum(len(t.paragraphs) for t in topics) >= 14


SHORT = [
    ("Shares slump as profits warning hits retailer. The firm said sales fell 5%.", "business"),
    ("Bank raises interest rates again. Borrowing costs rose to 4.75%.", "business"),
    ("Oil prices hit record high. Crude rose above $55 a barrel.", "business"),
    ("Star wins best actress award. She thanked her co-stars at the ceremony.", "entertainment"),
    ("Band tops the charts with new album. The record sold 100,000 copies.", "entertainment"),
    ("Film director plans sequel. The movie took $300m at the box office.", "entertainment"),
    ("Minister quits over row. The prime minister accepted the resignation.", "politics"),
    ("Tories pledge tax cuts before election. The party leader set out plans.", "politics"),
    ("MPs vote on new bill. The government won by 20 votes.", "politics"),
    ("Striker scores twice in cup win. United reached the final.", "sport"),
    ("Champion knocked out in first round. The seed lost in straight sets.", "sport"),
    ("Coach names squad for tour. Three new caps were included.", "sport"),
    ("New phone has faster chip. The handset goes on sale next month.", "tech"),
    ("Virus attacks home computers. Security firms warned users to update.", "tech"),
    ("Broadband use doubles. More homes are getting high-speed net access.", "tech"),
]
BARE = ["business", "entertainment", "politics", "sport", "tech"]


def test_batch_refinement_keeps_or_improves_a_batch(backends: Backends) -> None:
    texts = [t for t, _ in SHORT]
    gold = [g for _, g in SHORT]
    classifier = backends.classifier
    alone = [BARE[int(i)] for i in np.argmax(classifier.score(texts, BARE), axis=1)]
    together = [c.label for c in classify_texts(texts, BARE, classifier)]
    right_alone = sum(a == g for a, g in zip(alone, gold, strict=True))
    right_together = sum(a == g for a, g in zip(together, gold, strict=True))
    assert right_together >= right_alone
    assert right_together >= 13


def test_one_item_answer_is_the_same_kind(backends: Backends) -> None:
    text = SHORT[0][0]
    one = classify_texts([text], BARE, backends.classifier)
    assert len(one) == 1 and isinstance(one[0], Classification)
    assert set(one[0].scores) == set(BARE)
    plain = backends.classifier.score([text], BARE)[0]
    # Nothing to refine from: exactly the one-by-one answer.
    assert [one[0].scores[label] for label in BARE] == pytest.approx(plain.tolist(), abs=1e-4)
    assert one[0].label == BARE[int(np.argmax(plain))]


def test_refinement_never_lets_a_text_vote_for_itself(backends: Backends) -> None:
    classifier = backends.classifier
    assert isinstance(classifier, EmbeddingZeroShot)
    texts = [SHORT[0][0], SHORT[0][0]]  # two copies: each is refined only by the other
    batch = classifier.score_batch(texts, BARE)
    assert batch.shape == (2, len(BARE))
    assert np.allclose(batch[0], batch[1], atol=1e-5)
    assert np.allclose(batch.sum(axis=1), 1.0, atol=1e-4)


def test_taxonomy_topics_have_facets_and_user_labels_one() -> None:
    assert all(describe(label) is not None for label in DEFAULT_LABELS)
    assert len(facet_prompts("Science and technology")) >= 3
    assert len(facet_prompts("the weather on mars")) == 1


def test_empty_evidence_is_empty() -> None:
    empty = SentenceEvidence((), np.zeros((0, 3), dtype=np.float32))
    assert empty.totals().tolist() == [0.0, 0.0, 0.0]
