"""ROUGE of the embedded extractive summarizer on the BBC News Summary development set,
against a lead-k baseline and a word-overlap TextRank baseline, all at the reference length
(the number of sentences in each reference summary), measured in the same run.

    python benchmarks/eval_summary.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
from rouge_score import rouge_scorer

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from benchmarks.common import bbc_pairs, machine
from summarizer.article import load_article
from summarizer.backends.extractive import ExtractiveSummarizer, pagerank, word_overlap
from summarizer.backends.minilm import MiniLMEmbedder
from summarizer.types import Article

Picker = Callable[[Article, int], list[str]]


def lead(article: Article, count: int) -> list[str]:
    return [s.text for s in article.sentences[:count]]


def textrank(article: Article, count: int) -> list[str]:
    """TextRank (Mihalcea & Tarau 2004): PageRank over normalised word overlap alone (the
    same similarity our summarizer blends with embedding centrality)."""
    sentences = article.sentences
    rank = pagerank(word_overlap(sentences))
    best = sorted(np.argsort(-rank)[:count])
    return [sentences[i].text for i in best]


def evaluate(
    name: str, picker: Picker, data: Sequence[tuple[Article, str, int]]
) -> dict[str, float]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    started = time.perf_counter()
    for article, reference, count in data:
        prediction = "\n".join(picker(article, count))
        for metric, value in scorer.score(reference, prediction).items():
            totals[metric] += value.fmeasure
    elapsed = time.perf_counter() - started
    result = {metric: 100 * total / len(data) for metric, total in totals.items()}
    print(f"{name:<28} {result['rouge1']:6.2f} {result['rouge2']:6.2f} {result['rougeL']:6.2f}"
          f"   {elapsed / len(data) * 1000:7.1f} ms/article")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="use the first N articles")
    args = parser.parse_args(argv)
    data = []
    for _, article_path, summary_path in bbc_pairs(args.limit):
        article = load_article(str(article_path))
        reference_lines = [line for line in summary_path.read_text().splitlines() if line.strip()]
        data.append((article, "\n".join(reference_lines), len(reference_lines)))
    summarizer = ExtractiveSummarizer(MiniLMEmbedder())

    def ours(article: Article, count: int) -> list[str]:
        return [b.text for b in summarizer.summarize(article.paragraphs, count)]

    print(f"BBC News Summary dev set: {len(data)} articles; reference length; ROUGE F1 x100")
    print(f"machine: {machine()}")
    print(f"{'system':<28} {'R-1':>6} {'R-2':>6} {'R-L':>6}")
    evaluate("lead-k", lead, data)
    baseline = evaluate("TextRank (word overlap)", textrank, data)
    result = evaluate("ours (MiniLM extractive)", ours, data)
    print(f"ROUGE-2 ours - TextRank: {result['rouge2'] - baseline['rouge2']:+.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
