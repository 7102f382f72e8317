"""Zero-shot topics: which paragraphs talk about what, and a short summary of each topic.

Two regimes, by who chose the labels:

- **The default taxonomy** (20 labels the user did not pick): most labels do not apply to a
  given article, so a topic must earn its place. Each sentence is scored in the context of
  its paragraph and is evidence for the one label it fits best, weighted by how confident
  that fit is (a sentence never counts for two topics). A topic is shown when its evidence,
  counted in confident sentences, clears `TopicSettings.min_evidence`, a threshold
  calibrated on BBC articles whose category is known (benchmarks/eval_topics.py). Each
  paragraph then gets the one shown topic it fits best, so the per-paragraph topics are
  meaningful. Credit lines ("Reporting by ...; Editing by ...") are never evidence.
- **Labels the user typed**: the user expects to see them, so every paragraph gets its best
  label and any other label that scores close to it (multi-label: a paragraph on EV tariffs
  is both business and transport), as before.

A topic's score is the share of the article's words it covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from summarizer.backends.base import TextSummarizer, ZeroShotClassifier
from summarizer.backends.extractive import ExtractiveSettings, candidate_indices
from summarizer.credits import is_credit_line
from summarizer.taxonomy import DEFAULT_LABELS
from summarizer.types import Article, Bullet, Classification, Paragraph, Sentence, Topic

# At most this many sentences are evidence (the summarizer's cap on candidates).
EVIDENCE_SAMPLE = ExtractiveSettings()


@dataclass(frozen=True)
class TopicSettings:
    # User labels (multi-label per paragraph).
    min_score: float = 0.15
    relative_to_best: float = 0.35
    min_prominence: float = 0.04
    max_topics: int = 8
    # Default taxonomy: a topic needs this much evidence, in sentences weighted by the
    # confidence of their fit (0-1 each). Fitted by benchmarks/eval_topics.py on half of
    # bbc-news-summary (even numbers) plus bbc-more/, by the best balance of fitting topics
    # kept and unfitting topics dropped (Youden's J), and confirmed on the other half;
    # see benchmarks/results/eval_topics.txt.
    min_evidence: float = 2.25
    # How much of its paragraph's meaning a sentence borrows when it is scored.
    context_weight: float = 1.0
    # None: calibrated evidence for the default taxonomy, multi-label for user labels.
    calibrated: bool | None = None


@runtime_checkable
class ContextClassifier(Protocol):
    """A classifier that can score sentences in the context of their paragraph."""

    def score_in_context(self, paragraphs: Sequence[Sequence[str]], labels: Sequence[str],
                         context_weight: float = 1.0) -> list[NDArray[np.float32]]: ...


@runtime_checkable
class TopicAwareSummarizer(Protocol):
    """A summarizer that writes topic summaries its own way for one article (the hub
    summarizer reuses its one pass over the article instead of generating per topic)."""

    def for_topics(self, article: Article) -> TextSummarizer: ...


@runtime_checkable
class BatchClassifier(Protocol):
    """A classifier that can use a whole batch to score its texts better."""

    def score_batch(self, texts: Sequence[str], labels: Sequence[str]) -> NDArray[np.float32]: ...


def classify_texts(
    texts: Sequence[str], labels: Sequence[str], classifier: ZeroShotClassifier
) -> list[Classification]:
    """The best label and all label scores for each text, in input order.

    Where the classifier can, the batch refines the labels (see
    `EmbeddingZeroShot.score_batch`): many short items classify better together than one by
    one. One text gets exactly the answer it would get alone.
    """
    if isinstance(classifier, BatchClassifier):
        scores = classifier.score_batch(list(texts), list(labels))
    else:
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


@dataclass(frozen=True)
class SentenceEvidence:
    """Each scored sentence, the label it fits best and how confidently."""

    sentences: tuple[Sentence, ...]
    scores: NDArray[np.float32]  # (sentences x labels)

    @property
    def best(self) -> NDArray[np.int64]:
        return self.scores.argmax(axis=1)

    def totals(self) -> NDArray[np.float64]:
        """Per label: the summed confidence of the sentences that fit it best (each sentence
        counts for one label only)."""
        totals = np.zeros(self.scores.shape[1], dtype=np.float64)
        if len(self.sentences):
            best = self.best
            np.add.at(totals, best, self.scores[np.arange(len(best)), best])
        return totals


def sentence_evidence(article: Article, labels: Sequence[str], classifier: ZeroShotClassifier,
                      context_weight: float = 1.0) -> SentenceEvidence:
    """Every sentence of `article` but credit lines, scored against `labels`."""
    every = [s for p in article.paragraphs for s in p.sentences if not is_credit_line(s.text)]
    # A text far longer than any article is read from a bounded, evenly spread sample of
    # its sentences (the summarizer's candidates): shares of evidence need no more.
    chosen = {every[i] for i in candidate_indices(every, EVIDENCE_SAMPLE)}
    kept = [[s for s in p.sentences if s in chosen] for p in article.paragraphs]
    sentences = tuple(s for group in kept for s in group)
    if not sentences:
        return SentenceEvidence((), np.zeros((0, len(labels)), dtype=np.float32))
    if isinstance(classifier, ContextClassifier):
        per_paragraph = classifier.score_in_context([[s.text for s in g] for g in kept],
                                                    list(labels), context_weight)
        scores = np.concatenate([m for m in per_paragraph if len(m)])
    else:
        scores = classifier.score([s.text for s in sentences], list(labels))
    return SentenceEvidence(sentences, np.asarray(scores, dtype=np.float32))


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
    if isinstance(summarizer, TopicAwareSummarizer):
        summarizer = summarizer.for_topics(article)
    calibrated = settings.calibrated
    if calibrated is None:
        calibrated = tuple(labels) == DEFAULT_LABELS
    if calibrated:
        return _calibrated_topics(article, labels, classifier, summarizer, bullets, settings,
                                  frozenset(already_said))
    return _user_topics(article, labels, classifier, summarizer, bullets, settings,
                        frozenset(already_said))


def _calibrated_topics(article: Article, labels: Sequence[str], classifier: ZeroShotClassifier,
                       summarizer: TextSummarizer, bullets: int, settings: TopicSettings,
                       already_said: frozenset[str]) -> tuple[Topic, ...]:
    evidence = sentence_evidence(article, labels, classifier, settings.context_weight)
    if not evidence.sentences:
        return ()
    totals = evidence.totals()
    shown = shown_labels(totals, settings.min_evidence)
    # Each sentence and each paragraph go to the shown topic they fit best.
    scores = evidence.scores[:, shown]
    winner = [shown[int(i)] for i in scores.argmax(axis=1)]
    numbers = sorted({s.paragraph for s in evidence.sentences})
    # Sum each paragraph's sentence scores in one pass (a scan per paragraph would be
    # quadratic in a text of thousands of one-line paragraphs).
    row_paragraph = np.searchsorted(numbers, [s.paragraph for s in evidence.sentences])
    per_paragraph = np.zeros((len(numbers), len(shown)), dtype=np.float64)
    np.add.at(per_paragraph, row_paragraph, scores)
    paragraph_topic = {number: shown[int(best)]
                       for number, best in zip(numbers, per_paragraph.argmax(axis=1),
                                               strict=True)}
    words = np.array([len(s.text.split()) for s in evidence.sentences], dtype=np.float64)
    topics = []
    for label in shown:
        members = tuple(n for n in numbers if paragraph_topic[n] == label)
        if not members:
            continue  # it is no paragraph's best topic: nothing to point the reader to
        own = [s for s, w in zip(evidence.sentences, winner, strict=True)
               if w == label and s.paragraph in members]
        share = sum(w for w, best in zip(words, winner, strict=True) if best == label)
        summary = _fresh_summary(_only(article, members, own), summarizer, bullets,
                                 already_said)
        topics.append(Topic(label=labels[label], score=round(float(share / words.sum()), 4),
                            paragraphs=members, summary=tuple(summary)))
    topics.sort(key=lambda t: -t.score)
    return tuple(topics[: settings.max_topics])


def shown_labels(totals: NDArray[np.float64], min_evidence: float) -> list[int]:
    """Label indices whose evidence clears `min_evidence`, strongest first; at least the
    strongest one (an article always has a topic)."""
    order = [int(i) for i in np.argsort(-totals, kind="stable") if totals[i] > 0]
    return [i for i in order if totals[i] >= min_evidence] or order[:1]


def _only(article: Article, members: Sequence[int],
          sentences: Sequence[Sentence]) -> list[Paragraph]:
    """The member paragraphs cut to `sentences` (a topic's summary quotes its own evidence);
    the whole paragraphs where none of the sentences are in them."""
    keep = set(sentences)
    cut = [replace(p, sentences=tuple(s for s in p.sentences if s in keep))
           for p in (article.paragraph(n) for n in members)]
    cut = [p for p in cut if p.sentences]
    return cut or [article.paragraph(n) for n in members]


def _user_topics(article: Article, labels: Sequence[str], classifier: ZeroShotClassifier,
                 summarizer: TextSummarizer, bullets: int, settings: TopicSettings,
                 already_said: frozenset[str]) -> tuple[Topic, ...]:
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
                                 already_said)
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
