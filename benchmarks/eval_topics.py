"""Zero-shot topics on the public "BBC News Summary" set (CC0): the BBC articles of
bbc-news-summary/ (100, one sentence per line, headline first) and bbc-more/ (200, headline,
blank line, paragraphs); the folder name is the category (business, entertainment,
politics, sport, tech).

Prints, in one run:
1. Bare-label article accuracy: each article classified among the five folder names typed
   bare, the way a user would type them (and the bare-word embedding baseline).
2. Short items (headline + first sentence) classified one by one (today's method) and as
   one batch that refines the labels (`EmbeddingZeroShot.score_batch`).
3. Default-taxonomy topics: the share of articles given a topic that does not fit their
   category (`FITS` below), with the paragraph multi-label method used before and with the
   calibrated sentence evidence; the evidence threshold fitted on one split (even-numbered
   bbc-news-summary articles + bbc-more) and confirmed on the other (odd-numbered).

    python benchmarks/eval_topics.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SHARED_DATA, TOPICS, machine
from summarizer.article import load_article
from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
from summarizer.backends.minilm import MiniLMEmbedder
from summarizer.taxonomy import DEFAULT_LABELS
from summarizer.text import split_sentences
from summarizer.topics import TopicSettings, classify_texts, find_topics, sentence_evidence
from summarizer.types import Article, Bullet, Paragraph

RESULT = Path(__file__).resolve().parent / "results" / "eval_topics.txt"

# Which default-taxonomy topics an article of each BBC category may carry. Written before
# measuring, from what each BBC section publishes: business covers firms, markets, jobs,
# energy, transport, food, fraud trials, consumers and economic policy; politics is UK
# politics (every policy area a party argues about); tech includes games, music downloads,
# piracy cases and gadgets; sport is sport.
FITS: dict[str, frozenset[str]] = {
    "business": frozenset({"Economy and business", "Labour", "Energy and resources",
                           "Transport", "Agriculture and food", "Crime and justice",
                           "Lifestyle and leisure", "Politics"}),
    "entertainment": frozenset({"Arts, culture and entertainment", "Lifestyle and leisure",
                                "Economy and business"}),
    "politics": frozenset({"Politics", "International relations", "Conflict and defence",
                           "Crime and justice", "Society", "Economy and business", "Education",
                           "Health", "Labour"}),
    "sport": frozenset({"Sport"}),
    "tech": frozenset({"Science and technology", "Economy and business",
                       "Arts, culture and entertainment", "Crime and justice",
                       "Lifestyle and leisure"}),
}
assert all(label in DEFAULT_LABELS for fits in FITS.values() for label in fits)


@dataclass(frozen=True)
class Item:
    category: str
    path: Path
    split: str  # "calibrate" or "confirm"
    short: str  # headline + first sentence


class _FirstSentences:
    """A stand-in summarizer: the benchmark measures topics, not their summaries."""

    name = "first-sentences"

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        return [Bullet(p.sentences[0].text, (p.number,)) for p in paragraphs
                if p.sentences][:max_bullets]


def load_items(data: Path) -> list[Item]:
    items = []
    for category in TOPICS:
        for path in sorted((data / "bbc-news-summary" / "article" / category).glob("*.txt")):
            split = "calibrate" if int(path.stem) % 2 == 0 else "confirm"
            items.append(Item(category, path, split, _short_item(path)))
        for path in sorted((data / "bbc-more" / category).glob("*.txt")):
            items.append(Item(category, path, "calibrate", _short_item(path)))
    return items


def _short_item(path: Path) -> str:
    """The headline and the first sentence of the body, as one line."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace")
             .splitlines() if line.strip()]
    body = lines[1] if len(lines) > 1 else ""
    spans = split_sentences(body)
    first = body[spans[0][0]:spans[0][1]] if spans else body
    return f"{lines[0]}. {first}" if lines else ""


def accuracy(predicted: Sequence[str], gold: Sequence[str]) -> float:
    return float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)]))


def youden(totals: Sequence[np.ndarray], categories: Sequence[str], threshold: float) -> float:
    """Share of fitting candidate topics kept minus share of unfitting ones kept (a candidate
    is a topic some sentence fits best), at `threshold`."""
    kept: Counter[bool] = Counter()
    seen: Counter[bool] = Counter()
    for row, category in zip(totals, categories, strict=True):
        strongest = int(np.argmax(row))
        for index in np.flatnonzero(row > 0):
            fits = DEFAULT_LABELS[index] in FITS[category]
            seen[fits] += 1
            kept[fits] += bool(row[index] >= threshold or index == strongest)
    return kept[True] / max(seen[True], 1) - kept[False] / max(seen[False], 1)


def unfitting_share(topic_labels: Sequence[Sequence[str]], categories: Sequence[str]) -> float:
    return float(np.mean([any(label not in FITS[c] for label in labels)
                          for labels, c in zip(topic_labels, categories, strict=True)]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    args = parser.parse_args(argv)
    items = load_items(args.data)
    articles: list[Article] = [load_article(str(item.path)) for item in items]
    embedder = MiniLMEmbedder()
    classifier = EmbeddingZeroShot(embedder)
    lines = [f"machine: {machine()}"]

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    # 1. Bare labels on whole articles (bbc-news-summary, as before).
    dev = [i for i, item in enumerate(items) if "bbc-news-summary" in str(item.path)]
    gold = [items[i].category for i in dev]
    texts = [((articles[i].title or "") + "\n\n" + articles[i].text).strip() for i in dev]
    one_by_one = [TOPICS[int(i)] for i in np.argmax(classifier.score(texts, TOPICS), axis=1)]
    batched = [c.label for c in classify_texts(texts, TOPICS, classifier)]
    bare_word = embedder.embed(list(TOPICS))
    bare = [TOPICS[int(i)] for i in np.argmax(classifier.text_vectors(texts) @ bare_word.T, 1)]
    say(f"1. Whole articles, bbc-news-summary ({len(texts)}), labels typed bare: "
        f"{', '.join(TOPICS)}")
    say(f"   bare label word embedding (baseline)   accuracy {accuracy(bare, gold):.3f}")
    say(f"   ours, one by one                       accuracy {accuracy(one_by_one, gold):.3f}")
    say(f"   ours, one batch (classify_texts)       accuracy {accuracy(batched, gold):.3f}")
    confusion = Counter(zip(gold, one_by_one, strict=True))
    say("   per topic (one by one): " + ", ".join(
        f"{t} {confusion[(t, t)] / gold.count(t):.2f}" for t in TOPICS))

    # 2. Short items: headline + first sentence, per source.
    say()
    say(f"2. Short items (headline + first sentence), bare labels; batch refinement "
        f"{classifier.refinement}")
    for source in ("bbc-more", "bbc-news-summary"):
        chosen = [item for item in items if f"/{source}/" in str(item.path)]
        shorts = [item.short for item in chosen]
        truth = [item.category for item in chosen]
        alone = [TOPICS[int(i)] for i in np.argmax(classifier.score(shorts, TOPICS), axis=1)]
        together = [c.label for c in classify_texts(shorts, TOPICS, classifier)]
        role = "calibrated on" if source == "bbc-more" else "confirmed on"
        say(f"   {source:17s} ({len(chosen)}, {role}): one by one {accuracy(alone, truth):.3f}"
            f" -> one batch {accuracy(together, truth):.3f}")

    # 3. Default-taxonomy topics: calibrate the evidence threshold, then compare.
    say()
    settings = TopicSettings()
    evidence = [sentence_evidence(a, DEFAULT_LABELS, classifier, settings.context_weight)
                .totals() for a in articles]
    splits = {name: [i for i, item in enumerate(items) if item.split == name]
              for name in ("calibrate", "confirm")}
    grid = np.round(np.arange(0.5, 8.01, 0.25), 2)
    calibrate = splits["calibrate"]
    scores = [youden([evidence[i] for i in calibrate], [items[i].category for i in calibrate],
                     float(t)) for t in grid]
    fitted = float(grid[int(np.argmax(scores))])
    confirm = splits["confirm"]
    say(f"3. Default taxonomy ({len(DEFAULT_LABELS)} labels): evidence threshold "
        f"(confident sentences) fitted on the calibration split "
        f"({len(calibrate)}: even-numbered bbc-news-summary + bbc-more), best Youden J "
        f"{max(scores):.3f} at {fitted:.2f}; in the code: {settings.min_evidence:.2f}")
    say(f"   confirmation split ({len(confirm)}: odd-numbered bbc-news-summary): J "
        + youden([evidence[i] for i in confirm], [items[i].category for i in confirm], fitted)
        .__format__(".3f"))
    stand_in = _FirstSentences()
    before = [[t.label for t in find_topics(a, DEFAULT_LABELS, classifier, stand_in,
                                            settings=TopicSettings(calibrated=False))]
              for a in articles]
    after = [[t.label for t in find_topics(a, DEFAULT_LABELS, classifier, stand_in,
                                           settings=TopicSettings(min_evidence=fitted))]
             for a in articles]
    say("   share of articles given a default topic that does not fit their category "
        "(mapping FITS in this file):")
    for name, members in splits.items():
        cats = [items[i].category for i in members]
        strongest_fits = np.mean([after[i][0] in FITS[items[i].category] for i in members])
        say(f"   {name:9s} ({len(members)}): before (paragraph multi-label) "
            f"{unfitting_share([before[i] for i in members], cats):.3f}, "
            f"{np.mean([len(before[i]) for i in members]):.2f} topics/article -> after "
            f"(calibrated evidence) {unfitting_share([after[i] for i in members], cats):.3f}, "
            f"{np.mean([len(after[i]) for i in members]):.2f} topics/article; "
            f"strongest topic fits {strongest_fits:.3f}")
    sample = load_article(str(args.data / "article.txt"))
    topics = find_topics(sample, DEFAULT_LABELS, classifier, stand_in,
                         settings=TopicSettings(min_evidence=fitted))
    say("   sample article.txt, per paragraph: " + "; ".join(
        f"{t.label} {t.score:.0%} ¶{','.join(map(str, t.paragraphs))}" for t in topics))
    RESULT.write_text("$ python benchmarks/eval_topics.py\n" + "\n".join(lines) + "\n",
                      encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
