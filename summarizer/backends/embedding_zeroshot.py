"""Zero-shot classification by embedding similarity (the embedded topic backend).

A text is scored against each label by the cosine similarity of their embeddings. Labels
are embedded through `label_prompts` (templates and, for known topics, a description), which
matters: bare label names embed as words, not as news topics. A multi-sentence text is
embedded as the mean of its sentences, so long paragraphs are not cut at the encoder's
limit and sentences already embedded for the summary are not embedded again.

Scores are a softmax over the labels' similarities at a low temperature: they are in [0, 1]
and comparable across texts, but relative to the label set (an NLI model scores each label
on its own).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from summarizer.backends.base import Embedder
from summarizer.taxonomy import label_prompts
from summarizer.text import split_sentences

TEMPERATURE = 0.025


class EmbeddingZeroShot:
    def __init__(self, embedder: Embedder, temperature: float = TEMPERATURE) -> None:
        self.embedder = embedder
        self.temperature = temperature
        self.name = f"zero-shot-embedding:{embedder.name}"
        self._labels: dict[str, NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def label_vectors(self, labels: Sequence[str]) -> NDArray[np.float32]:
        missing = [label for label in labels if label not in self._labels]
        if missing:
            prompts = [label_prompts(label) for label in missing]
            flat = self.embedder.embed([p for group in prompts for p in group])
            position = 0
            with self._lock:
                for label, group in zip(missing, prompts, strict=True):
                    self._labels[label] = _normalise(flat[position:position + len(group)].mean(0))
                    position += len(group)
        return np.stack([self._labels[label] for label in labels])

    def text_vectors(self, texts: Sequence[str]) -> NDArray[np.float32]:
        pieces = [[text[s:e] for s, e in split_sentences(text)] or [text] for text in texts]
        flat = self.embedder.embed([piece for group in pieces for piece in group])
        vectors = np.empty((len(texts), flat.shape[1]), dtype=np.float32)
        position = 0
        for index, group in enumerate(pieces):
            vectors[index] = _normalise(flat[position:position + len(group)].mean(0))
            position += len(group)
        return vectors

    def similarities(self, texts: Sequence[str], labels: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, len(labels)), dtype=np.float32)
        return self.text_vectors(texts) @ self.label_vectors(labels).T

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> NDArray[np.float32]:
        return softmax(self.similarities(texts, labels), self.temperature)


def softmax(similarity: NDArray[np.float32], temperature: float) -> NDArray[np.float32]:
    logits = similarity / temperature
    logits = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _normalise(vector: NDArray[np.float32]) -> NDArray[np.float32]:
    return (vector / max(float(np.linalg.norm(vector)), 1e-9)).astype(np.float32)
