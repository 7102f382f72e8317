"""Zero-shot classification by embedding similarity (the embedded topic backend).

A text is scored against each label by the cosine similarity of their embeddings. A label
is one or more facets (see `summarizer.taxonomy.facet_prompts`): "Science and technology" is
research, space, computers and gadgets, each embedded on its own, and a text scores as high
as the facet it fits best. Bare label names embed as words, not as news topics, so each
facet is the mean embedding of templates and a short description. A multi-sentence text is
embedded as the mean of its sentences, so long paragraphs are not cut at the encoder's limit
and sentences already embedded for the summary are not embedded again.

Scores are a softmax over the labels' similarities at a low temperature: they are in [0, 1]
and comparable across texts, but relative to the label set (an NLI model scores each label
on its own).

Two refinements use more than one text at a time:
- `score_in_context` scores each sentence of a paragraph with the paragraph's meaning added
  in, so "It is unclear whether this request met with any response." is judged by the
  paragraph it sits in, not on its own words.
- `score_batch` adapts the labels to a batch of short texts (transductive): each label's
  facets move towards the texts of the batch that the label confidently wins, for a few
  rounds, and each text is scored against facets refined from the *other* texts only
  (leave-one-out), so a batch of one is scored exactly as `score` scores it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache
from numpy.typing import NDArray

from summarizer.backends.base import Embedder
from summarizer.taxonomy import facet_prompts
from summarizer.text import split_sentences

TEMPERATURE = 0.025
# Labels whose facet vectors stay in memory: the default taxonomy's and many users' own.
LABEL_CACHE_SIZE = 512
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class BatchRefinement:
    """How `score_batch` adapts labels to a batch.

    Calibrated with benchmarks/eval_topics.py on short items (headline + first sentence) of
    bbc-more/ (200) and confirmed on bbc-news-summary/ (100); the figures are in
    benchmarks/results/eval_topics.txt.
    """

    # How many texts the label's own description weighs, against the texts it wins: with
    # few winners the description dominates, so a small batch changes little.
    prior_weight: float = 8.0
    # A text helps refine the label it wins when the label's score (softmax) is at least this.
    min_confidence: float = 0.6
    rounds: int = 3


@dataclass(frozen=True)
class _Facets:
    """All facets of a label set: one unit row per facet, and the label of each row."""

    vectors: FloatArray
    owner: NDArray[np.int64]
    labels: int

    def similarities(self, texts: FloatArray) -> FloatArray:
        """(texts x labels): each label's best facet similarity."""
        per_facet = texts @ self.vectors.T
        result = np.full((texts.shape[0], self.labels), -np.inf, dtype=np.float32)
        for label in range(self.labels):
            result[:, label] = per_facet[:, self.owner == label].max(axis=1)
        return result


class EmbeddingZeroShot:
    def __init__(self, embedder: Embedder, temperature: float = TEMPERATURE,
                 refinement: BatchRefinement | None = None) -> None:
        self.embedder = embedder
        self.temperature = temperature
        self.refinement = refinement or BatchRefinement()
        self.name = f"zero-shot-embedding:{embedder.name}"
        # Facet vectors of recent labels: user-given labels are unbounded in number, so the
        # least recently used go (re-embedding a label costs a few milliseconds).
        self._labels: LRUCache[str, FloatArray] = LRUCache(maxsize=LABEL_CACHE_SIZE)
        self._lock = threading.Lock()

    def facet_vectors(self, labels: Sequence[str]) -> _Facets:
        with self._lock:
            cached = {label: self._labels.get(label) for label in dict.fromkeys(labels)}
        # Kept for this call: with more labels than the cache holds, storing the last ones
        # evicts the first.
        known = {label: matrix for label, matrix in cached.items() if matrix is not None}
        missing = [label for label in cached if label not in known]
        if missing:
            groups = [facet_prompts(label) for label in missing]
            # Label descriptions recur in every run: an embedder that keeps such vectors on
            # disk (MiniLMEmbedder.embed_lasting) spares a new process encoding them again.
            embed = getattr(self.embedder, "embed_lasting", self.embedder.embed)
            flat = embed([p for facets in groups for g in facets for p in g])
            position = 0
            with self._lock:
                for label, facets in zip(missing, groups, strict=True):
                    rows = []
                    for group in facets:
                        rows.append(_normalise(flat[position:position + len(group)].mean(0)))
                        position += len(group)
                    known[label] = self._labels[label] = np.stack(rows)
        matrices = [known[label] for label in labels]
        owner = np.concatenate([np.full(len(m), i, dtype=np.int64)
                                for i, m in enumerate(matrices)])
        return _Facets(np.concatenate(matrices).astype(np.float32), owner, len(labels))

    def label_vectors(self, labels: Sequence[str]) -> FloatArray:
        """One unit vector per label: the mean of its facets (for callers that need one)."""
        facets = self.facet_vectors(labels)
        return np.stack([_normalise(facets.vectors[facets.owner == i].mean(0))
                         for i in range(len(labels))])

    def text_vectors(self, texts: Sequence[str]) -> FloatArray:
        pieces = [[text[s:e] for s, e in split_sentences(text)] or [text] for text in texts]
        flat = self.embedder.embed([piece for group in pieces for piece in group])
        vectors = np.empty((len(texts), flat.shape[1]), dtype=np.float32)
        position = 0
        for index, group in enumerate(pieces):
            vectors[index] = _normalise(flat[position:position + len(group)].mean(0))
            position += len(group)
        return vectors

    def similarities(self, texts: Sequence[str], labels: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, len(labels)), dtype=np.float32)
        return self.facet_vectors(labels).similarities(self.text_vectors(texts))

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> FloatArray:
        return softmax(self.similarities(texts, labels), self.temperature)

    def score_in_context(self, paragraphs: Sequence[Sequence[str]], labels: Sequence[str],
                         context_weight: float = 1.0) -> list[FloatArray]:
        """Per paragraph, (sentences x labels) scores of each sentence read in its paragraph.

        A sentence's vector is its own embedding plus `context_weight` times its paragraph's
        mean (then normalised): a short or generic sentence leans on its paragraph.
        """
        sizes = [len(sentences) for sentences in paragraphs]
        if not sum(sizes):
            return [np.zeros((0, len(labels)), dtype=np.float32) for _ in paragraphs]
        flat = self.embedder.embed([s for sentences in paragraphs for s in sentences])
        # Each sentence plus its paragraph's mean, for all paragraphs at once.
        owner = np.repeat(np.arange(len(sizes)), sizes)
        means = np.zeros((len(sizes), flat.shape[1]), dtype=np.float64)
        np.add.at(means, owner, flat)
        means /= np.maximum(np.array(sizes, dtype=np.float64), 1.0)[:, None]
        mixed = flat + context_weight * means[owner]
        mixed /= np.maximum(np.linalg.norm(mixed, axis=1, keepdims=True), 1e-9)
        scores = softmax(self.facet_vectors(labels).similarities(mixed.astype(np.float32)),
                         self.temperature)
        bounds = np.cumsum([0, *sizes])
        return [scores[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]

    def score_batch(self, texts: Sequence[str], labels: Sequence[str]) -> FloatArray:
        """Scores like `score`, with the labels refined on the batch itself (see module doc)."""
        if not texts:
            return np.zeros((0, len(labels)), dtype=np.float32)
        vectors = self.text_vectors(texts)
        facets = self.facet_vectors(labels)
        similarity = facets.similarities(vectors)
        for _ in range(self.refinement.rounds):
            similarity = _refined_similarities(vectors, facets,
                                               softmax(similarity, self.temperature),
                                               self.refinement)
        return softmax(similarity, self.temperature)


def _refined_similarities(vectors: FloatArray, facets: _Facets, scores: FloatArray,
                          settings: BatchRefinement) -> FloatArray:
    """(texts x labels) similarities to facets moved towards the texts their label wins.

    Facet f of label l becomes prior_weight * f + the sum of the texts l confidently wins
    whose best facet of l is f. Each text is compared with the facets built without itself
    (its own vector subtracted, exactly), so no text votes for its own label.
    """
    per_facet = vectors @ facets.vectors.T  # (texts x facets)
    owner = facets.owner
    winner = scores.argmax(axis=1)
    confident = scores[np.arange(len(vectors)), winner] >= settings.min_confidence
    # Which facet of its winning label each confident text feeds.
    member = np.zeros(per_facet.shape, dtype=np.float32)
    for index in np.flatnonzero(confident):
        own = np.flatnonzero(owner == winner[index])
        member[index, own[int(per_facet[index, own].argmax())]] = 1.0
    sums = settings.prior_weight * facets.vectors + member.T @ vectors  # (facets x dim)
    dots = vectors @ sums.T                                            # x_i . S_f
    norms_sq = (sums * sums).sum(axis=1)[None, :]
    # Leave-one-out: for a text that fed facet f, S_f - x_i (x_i has unit length).
    dots_loo = dots - member
    norms_loo = np.sqrt(np.maximum(norms_sq - 2 * member * dots + member, 1e-12))
    refined = (dots_loo / norms_loo).astype(np.float32)
    result = np.full((len(vectors), facets.labels), -np.inf, dtype=np.float32)
    for label in range(facets.labels):
        result[:, label] = refined[:, owner == label].max(axis=1)
    return result


def softmax(similarity: FloatArray, temperature: float) -> FloatArray:
    logits = similarity / temperature
    logits = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _normalise(vector: FloatArray) -> FloatArray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-9)).astype(np.float32)
