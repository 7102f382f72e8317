"""The embedded extractive summarizer: picks the article's own sentences.

Each sentence is embedded (all-MiniLM-L6-v2). A sentence scores high when it is central
in meaning (PageRank over the embeddings' cosine-similarity graph), central in wording
(PageRank over TextRank's normalised word overlap: it rewards the sentences that carry the
article's names and figures, which embeddings blur), close to the whole text's centroid, and
early in the article (news puts the gist first). Sentences are then chosen greedily by
maximal marginal relevance, so a chosen sentence must add something the chosen ones do not
already say, and returned in article order. Fragments (under 6 words) and very long run-ons
are not chosen while alternatives exist: machine-translated or scraped text has both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from summarizer.backends.base import Embedder
from summarizer.types import Bullet, Paragraph, Sentence

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class ExtractiveSettings:
    centrality_weight: float = 0.3
    lexical_weight: float = 0.4
    centroid_weight: float = 0.2
    position_weight: float = 0.1
    redundancy_penalty: float = 0.25
    duplicate_similarity: float = 0.88
    min_words: int = 6
    max_words: int = 70


class ExtractiveSummarizer:
    def __init__(self, embedder: Embedder, settings: ExtractiveSettings | None = None) -> None:
        self.embedder = embedder
        self.settings = settings or ExtractiveSettings()
        self.name = f"extractive:{embedder.name}"

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        sentences = [s for p in paragraphs for s in p.sentences]
        if not sentences or max_bullets <= 0:
            return []
        vectors = self.embedder.embed([s.text for s in sentences])
        chosen = select_sentences(sentences, vectors, max_bullets, self.settings)
        return [Bullet(text=sentences[i].text, paragraphs=(sentences[i].paragraph,))
                for i in sorted(chosen)]


def sentence_scores(
    sentences: Sequence[Sentence], vectors: NDArray[np.float32], settings: ExtractiveSettings
) -> NDArray[np.float64]:
    """Salience of each sentence (about 0 to 1): semantic and lexical centrality, centroid
    similarity, position."""
    count = len(vectors)
    similarity = np.clip(vectors @ vectors.T, 0.0, 1.0).astype(np.float64)
    np.fill_diagonal(similarity, 0.0)
    centrality = pagerank(similarity)
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    to_centroid = np.clip(vectors @ centroid, 0.0, 1.0).astype(np.float64)
    position = 1.0 / np.sqrt(1.0 + np.arange(count))
    return (
        settings.centrality_weight * _unit_range(centrality)
        + settings.lexical_weight * _unit_range(pagerank(word_overlap(sentences)))
        + settings.centroid_weight * _unit_range(to_centroid)
        + settings.position_weight * position
    )


def select_sentences(
    sentences: Sequence[Sentence],
    vectors: NDArray[np.float32],
    count: int,
    settings: ExtractiveSettings,
) -> list[int]:
    """Indices of up to `count` salient, mutually non-redundant sentences."""
    scores = sentence_scores(sentences, vectors, settings)
    words = np.array([len(s.text.split()) for s in sentences])
    well_formed = (words >= settings.min_words) & (words <= settings.max_words)
    if well_formed.sum() >= count:
        scores = np.where(well_formed, scores, -np.inf)
    chosen: list[int] = []
    while len(chosen) < min(count, len(sentences)):
        if chosen:
            overlap = (vectors @ vectors[chosen].T).max(axis=1)
            adjusted = np.where(overlap >= settings.duplicate_similarity, -np.inf,
                                scores - settings.redundancy_penalty * np.clip(overlap, 0, 1))
        else:
            adjusted = scores.copy()
        adjusted[chosen] = -np.inf
        best = int(np.argmax(adjusted))
        if not np.isfinite(adjusted[best]):
            break
        chosen.append(best)
    return chosen


def word_overlap(sentences: Sequence[Sentence]) -> NDArray[np.float64]:
    """TextRank's similarity: shared words over the sum of the log sentence lengths."""
    word_sets = [set(_WORD.findall(s.text.lower())) for s in sentences]
    vocabulary = {word: i for i, word in enumerate(set().union(*word_sets))}
    presence = np.zeros((len(sentences), max(len(vocabulary), 1)), dtype=np.float64)
    for row, words in enumerate(word_sets):
        presence[row, [vocabulary[w] for w in words]] = 1.0
    shared = presence @ presence.T
    sizes = np.array([len(words) for words in word_sets], dtype=np.float64)
    logs = np.log(np.maximum(sizes, 1.0))
    norm = logs[:, None] + logs[None, :]
    weights = np.divide(shared, norm, out=np.zeros_like(shared), where=norm > 0)
    weights[(sizes <= 1)[:, None] | (sizes <= 1)[None, :]] = 0.0
    np.fill_diagonal(weights, 0.0)
    return weights


def pagerank(weights: NDArray[np.float64], damping: float = 0.85,
              iterations: int = 50) -> NDArray[np.float64]:
    count = len(weights)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, totals, out=np.full_like(weights, 1.0 / count),
                           where=totals > 0)
    rank = np.full(count, 1.0 / count)
    for _ in range(iterations):
        updated = (1 - damping) / count + damping * (transition.T @ rank)
        if np.abs(updated - rank).sum() < 1e-8:
            return updated
        rank = updated
    return rank


def _unit_range(values: NDArray[np.float64]) -> NDArray[np.float64]:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.ones_like(values)
    return (values - low) / (high - low)
