"""ROUGE of the embedded extractive summarizer on the BBC News Summary development set,
against a lead-k baseline and a word-overlap TextRank baseline, all at the reference length
(the number of sentences in each reference summary), measured in the same run.

    python benchmarks/eval_summary.py [--data ../shared/data/bbc-news-summary] [--limit N]

Data: the public "BBC News Summary" set (CC0; Kaggle "pariza/bbc-news-summary"), laid out as
`article/<topic>/NNN.txt` and `summary/<topic>/NNN.txt`.

Besides ROUGE it checks the news-aware rules on the same articles: the share of summaries
that keep the lede (the article's first sentence after the headline; BBC copy is hard news,
so its lede is the news), the share of bullets that open with a dangling pronoun or connective
while the sentence before them is missing, and whether `--length 3` is a subset of
`--length 5` for every article.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from benchmarks.common import BBC, bbc_pairs, machine
from summarizer.article import load_article
from summarizer.backends.extractive import (
    ExtractiveSummarizer,
    depends_on_previous,
    pagerank,
    word_overlap,
)
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
    parser.add_argument("--data", type=Path, default=BBC, help="the BBC News Summary folder")
    args = parser.parse_args(argv)
    data = []
    for _, article_path, summary_path in bbc_pairs(args.limit, args.data):
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
    news_rules(summarizer, [article for article, _, _ in data])
    return 0


def news_rules(summarizer: ExtractiveSummarizer, articles: Sequence[Article]) -> None:
    """Lede kept, dangling openers left without their context, length-3 within length-5."""
    lede_kept = dangling = bullets = not_subset = 0
    for article in articles:
        sentences = article.sentences
        five = summarizer.summarize(article.paragraphs, 5)
        three = summarizer.summarize(article.paragraphs, 3)
        texts = [b.text for b in five]
        lede_kept += sentences[0].text in texts
        not_subset += not {b.text for b in three} <= set(texts)
        for index, sentence in enumerate(sentences):
            if sentence.text in texts:
                bullets += 1
                before = sentences[index - 1].text if index else None
                dangling += depends_on_previous(sentence.text) and before not in texts
    print(f"lede kept in the 5-bullet summary: {lede_kept}/{len(articles)}; "
          f"bullets opening with a dangling word without the sentence before: "
          f"{dangling}/{bullets}; length-3 not within length-5: {not_subset}")


if __name__ == "__main__":
    raise SystemExit(main())
