"""Zero-shot topics: which paragraphs talk about what, and a short summary of each topic.

Each paragraph gets its best label and any other label that scores close to it (multi-label:
a paragraph on EV tariffs is both business and transport). A topic's prominence is the share
of the article's words it covers, each paragraph weighted by how close the label came to
that paragraph's best, so a topic that runs through many long paragraphs ranks above one
mentioned in passing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from summarizer.backends.base import TextSummarizer, ZeroShotClassifier
from summarizer.types import Article, Bullet, Classification, Paragraph, Topic


@dataclass(frozen=True)
class TopicSettings:
    min_score: float = 0.15
    relative_to_best: float = 0.35
    min_prominence: float = 0.04
    max_topics: int = 8


def classify_texts(
    texts: Sequence[str], labels: Sequence[str], classifier: ZeroShotClassifier
) -> list[Classification]:
    """The best label and all label scores for each text, in input order."""
    scores = classifier.score(list(texts), list(labels))
    results = []
    for row in scores:
        best = int(np.argmax(row))
        results.append(Classification(
            label=labels[best],
            scores={label: round(float(value), 4)
                    for label, value in zip(labels, row, strict=True)},
        ))
    return results


def find_topics(
    article: Article,
    labels: Sequence[str],
    classifier: ZeroShotClassifier,
    summarizer: TextSummarizer,
    bullets: int = 3,
    settings: TopicSettings | None = None,
    already_said: Sequence[str] = (),
) -> tuple[Topic, ...]:
    """Topics of `article` in order of prominence, each with its paragraphs and summary.

    Args:
        already_said: bullets the reader already has (the article summary); a topic's
            summary leaves them out where its paragraphs have other sentences to offer, so
            a topic that spans most of the article does not repeat the summary word for word.
    """
    settings = settings or TopicSettings()
    paragraphs = article.paragraphs
    scores = classifier.score([p.text for p in paragraphs], list(labels))
    words = np.array([len(p.text.split()) for p in paragraphs], dtype=np.float64)
    assigned = _assign(scores, settings)
    closeness = scores / np.maximum(scores.max(axis=1, keepdims=True), 1e-9)
    prominence = (closeness * assigned * words[:, None]).sum(axis=0) / max(words.sum(), 1.0)
    ranked = [int(i) for i in np.argsort(-prominence, kind="stable") if assigned[:, i].any()]
    kept = [i for i in ranked if prominence[i] >= settings.min_prominence] or ranked[:1]
    topics = []
    for label_index in kept[: settings.max_topics]:
        members = tuple(p.number for p, hit in zip(paragraphs, assigned[:, label_index],
                                                   strict=True) if hit)
        summary = _fresh_summary([article.paragraph(n) for n in members], summarizer, bullets,
                                 frozenset(already_said))
        topics.append(Topic(
            label=labels[label_index],
            score=round(float(prominence[label_index]), 4),
            paragraphs=members,
            summary=tuple(summary),
        ))
    return tuple(topics)


def _fresh_summary(paragraphs: Sequence[Paragraph], summarizer: TextSummarizer, bullets: int,
                   already_said: frozenset[str]) -> list[Bullet]:
    candidates = summarizer.summarize(paragraphs, bullets + len(already_said))
    fresh = [b for b in candidates if b.text not in already_said]
    if len(fresh) >= min(bullets, len(candidates)):
        return fresh[:bullets]
    return candidates[:bullets]


def _assign(scores: np.ndarray, settings: TopicSettings) -> np.ndarray:
    """Boolean (paragraphs x labels): the best label always, close runners-up too."""
    best = scores.max(axis=1, keepdims=True)
    close = (scores >= settings.relative_to_best * best) & (scores >= settings.min_score)
    top = scores == best
    return close | top
