"""Zero-shot topic accuracy on the BBC News Summary development set: each article is
classified among the five folder names typed bare (business, entertainment, politics,
sport, tech), the way a user would type them.

Also reports, in the same run, the bare-label baseline: cosine similarity to the label
word's own embedding, with no prompts or descriptions.

    python benchmarks/eval_topics.py
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import TOPICS, bbc_pairs, machine
from summarizer.article import load_article
from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
from summarizer.backends.minilm import MiniLMEmbedder
from summarizer.topics import classify_texts


def main() -> int:
    gold, texts = [], []
    for topic, article_path, _ in bbc_pairs():
        article = load_article(str(article_path))
        gold.append(topic)
        texts.append(((article.title or "") + "\n\n" + article.text).strip())
    embedder = MiniLMEmbedder()
    classifier = EmbeddingZeroShot(embedder)
    started = time.perf_counter()
    predicted = [c.label for c in classify_texts(texts, TOPICS, classifier)]
    elapsed = time.perf_counter() - started
    bare_labels = embedder.embed(list(TOPICS))
    bare = [TOPICS[int(i)] for i in np.argmax(classifier.text_vectors(texts) @ bare_labels.T, 1)]
    accuracy = np.mean([p == g for p, g in zip(predicted, gold, strict=True)])
    bare_accuracy = np.mean([p == g for p, g in zip(bare, gold, strict=True)])
    print(f"BBC News Summary dev set: {len(texts)} articles, "
          f"labels typed bare: {', '.join(TOPICS)}")
    print(f"machine: {machine()}")
    print(f"bare label embedding (baseline)      accuracy {bare_accuracy:.3f}")
    print(f"ours (prompts + descriptions)        accuracy {accuracy:.3f}   "
          f"({elapsed:.1f} s for {len(texts)} articles)")
    confusion = Counter(zip(gold, predicted, strict=True))
    print("per topic:", ", ".join(
        f"{t} {confusion[(t, t)] / gold.count(t):.2f}" for t in TOPICS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
