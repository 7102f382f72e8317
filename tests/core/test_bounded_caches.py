"""In-memory caches stay bounded however many distinct keys users bring."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from summarizer.backends import Backends
from summarizer.backends.embedding_zeroshot import LABEL_CACHE_SIZE, EmbeddingZeroShot

DIMENSIONS = 384


class HashEmbedder:
    """A stand-in encoder: a fixed unit vector per text, from its hash (no model needed to
    count cache entries, and the same text always gives the same vector)."""

    name = "hash-embedder"
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.texts_embedded += len(texts)
        rows = [np.random.default_rng(
            int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
        ).standard_normal(DIMENSIONS) for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), DIMENSIONS)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-9)


def _labels(first: int, count: int) -> list[str]:
    return [f"user topic {n}" for n in range(first, first + count)]


def _ask(classifier: EmbeddingZeroShot, labels: list[str], per_request: int = 5) -> None:
    """As users would: a few labels per `/topics labels:` request."""
    for start in range(0, len(labels), per_request):
        classifier.score(["Shares fell on Monday."], labels[start:start + per_request])


def test_many_distinct_labels_keep_the_label_cache_bounded() -> None:
    # Traced from the start, so the vectors evicted later count as freed.
    tracemalloc.start()
    try:
        classifier = EmbeddingZeroShot(HashEmbedder())
        _ask(classifier, _labels(0, LABEL_CACHE_SIZE * 2))  # full, one round evicted
        full = tracemalloc.get_traced_memory()[0]
        _ask(classifier, _labels(10 * LABEL_CACHE_SIZE, LABEL_CACHE_SIZE * 3))
        later = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(classifier._labels) == LABEL_CACHE_SIZE
    # Unbounded, 1,536 more labels would hold 1,536 more facet rows of 384 float32
    # (2.4 MB); bounded, the memory stays where the full cache put it.
    assert later - full < 0.1 * LABEL_CACHE_SIZE * 3 * DIMENSIONS * 4


def test_an_evicted_label_is_embedded_again_to_the_same_vectors() -> None:
    embedder = HashEmbedder()
    classifier = EmbeddingZeroShot(embedder)
    first = classifier.label_vectors(["user topic 0"])
    _ask(classifier, _labels(1, LABEL_CACHE_SIZE))  # pushes "user topic 0" out
    assert "user topic 0" not in classifier._labels
    embedded = embedder.texts_embedded
    again = classifier.label_vectors(["user topic 0"])
    assert embedder.texts_embedded > embedded
    np.testing.assert_array_equal(first, again)


def test_more_labels_in_one_request_than_the_cache_holds() -> None:
    classifier = EmbeddingZeroShot(HashEmbedder())
    labels = _labels(0, LABEL_CACHE_SIZE + 40)
    scores = classifier.score(["Shares fell on Monday."], labels)
    assert scores.shape == (1, len(labels))
    assert len(classifier._labels) == LABEL_CACHE_SIZE


def test_the_embedders_memo_stays_bounded(backends: Backends) -> None:
    from summarizer.backends.minilm import MiniLMEmbedder

    limit = 64
    embedder = MiniLMEmbedder(precision="fp32", memo_size=limit,
                              export_dir=backends.config.export_dir)
    texts = [f"Sentence number {n} of a long feed." for n in range(limit * 3)]
    for start in range(0, len(texts), 40):
        embedder.embed(texts[start:start + 40])
    assert len(embedder._memo) == limit
    # The most recent texts are the ones kept.
    assert texts[-1] in embedder._memo
    assert texts[0] not in embedder._memo
