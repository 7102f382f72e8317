"""Speed targets of the analysis core (issue 2), each next to its baseline from the same run.

    .venv/bin/python benchmarks/bench_core.py [--items 1000] [--repeats 5]

- warm briefing: all four sections with the embedded models, loaded, with no memo and no
  cache (the embedder's memo and the spaCy parse cache are cleared before each run).
  Baseline: plain sentence-transformers `encode` of the article's sentences plus a full
  `spacy.load(...)(text)` parse. Runs alternate with the baseline's; medians.
- cached briefing: from `BriefingCache` on disk, through `Analyzer(..., cache=...)`.
- cold start: `summarizer brief --no-cache -q` in a fresh process, wall time; baseline: a
  fresh process that imports sentence-transformers and spaCy, loads both and does the
  baseline work once. Peak RSS is each child's own maxrss (os.wait4).
- classify: items/s of `Analyzer.classify` on lines of the BBC articles, 5 labels;
  baseline: sentence-transformers `encode(batch_size=64)` of the same items.
- precision: ONNX fp32 and int8 against the PyTorch fp32 reference: embedding cosine,
  classify label agreement and accuracy against the BBC folder labels, summary picks.

The machine is shared with other CPU-heavy work: absolute times are noisy, ratios to the
baseline measured in the same run much less so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import BBC, PROJECT, TOPICS, machine
from summarizer.analysis import run_analyses
from summarizer.api import Analyzer
from summarizer.article import sample_article
from summarizer.backends import Backends
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.backends.minilm import MiniLMEmbedder, model_path
from summarizer.backends.spacy_nlp import SPACY_PACKAGE
from summarizer.cache import BriefingCache
from summarizer.config import ModelConfig
from summarizer.options import AnalysisOptions
from summarizer.types import Article

ROWS: list[tuple[str, str, str, str, str, str]] = []


def row(name: str, ours: str, baseline: str, ratio: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    ROWS.append((name, ours, baseline, ratio, target, verdict))


def median_time(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bbc_items(limit: int) -> tuple[list[str], list[str]]:
    """Lines of the BBC articles (titles and paragraphs), taken round-robin over the five
    topics so any prefix is balanced; with the topic folder as the gold label."""
    per_topic: list[list[tuple[str, str]]] = []
    for topic in TOPICS:
        lines = []
        for path in sorted((BBC / "article" / topic).glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="ignore")
            lines += [(" ".join(line.split()), topic) for line in text.splitlines()
                      if len(line.split()) >= 4]
        per_topic.append(lines)
    items = [pair for group in zip(*per_topic, strict=False) for pair in group][:limit]
    return [text for text, _ in items], [topic for _, topic in items]


# The child is started from this small launcher, not from the benchmark itself: a child's
# ru_maxrss counts the memory of the process it was forked from, and this one holds the
# models. The launcher prints the child's wall seconds and peak RSS in kB.
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], dict(os.environ), file_actions=[
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def child(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process, its output discarded."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True,
                          text=True, check=True)
    wall, rss, code = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"{argv[:3]} failed with exit code {code}")
    return float(wall), int(rss) / 1024


BASELINE_COLD = """
import sys
from sentence_transformers import SentenceTransformer
import spacy
sys.path.insert(0, {project!r})
from summarizer.article import sample_article
article = sample_article()
model = SentenceTransformer({path!r}, device="cpu")
nlp = spacy.load({package!r})
model.encode([s.text for p in article.paragraphs for s in p.sentences])
nlp(article.text)
"""


def bench_warm(article: Article, backends: Backends, repeats: int) -> float:
    import spacy
    from sentence_transformers import SentenceTransformer

    sentences = [s.text for p in article.paragraphs for s in p.sentences]
    plain = SentenceTransformer(str(model_path()), device="cpu")
    full_spacy = spacy.load(SPACY_PACKAGE)
    options = AnalysisOptions()

    def baseline() -> None:
        plain.encode(sentences)
        full_spacy(article.text)

    def ours(overlap: bool) -> Callable[[], object]:
        def run() -> object:
            backends.embedder.forget()  # type: ignore[attr-defined]
            backends.parser._cache.clear()
            return run_analyses(article, options, backends, overlap=overlap)
        return run

    # First calls allocate; not timed.
    baseline()
    ours(True)()
    ours(False)()
    base_t, ours_t, seq_t = [], [], []
    for _ in range(repeats):  # interleaved, so load changes hit all three alike
        base_t.append(median_time(baseline, 1))
        ours_t.append(median_time(ours(True), 1))
        seq_t.append(median_time(ours(False), 1))
    base, warm, sequential = (statistics.median(t) for t in (base_t, ours_t, seq_t))
    row("warm briefing (4 sections)", f"{warm:.3f} s", f"{base:.3f} s", f"{base / warm:.2f}x",
        "<= 0.3 s", warm <= 0.3)
    row("  same, parse not overlapped", f"{sequential:.3f} s", f"{base:.3f} s",
        f"{base / sequential:.2f}x", "(info)", None)
    same = ours(True)() == ours(False)()
    row("  overlapped == sequential", str(same), "", "", "identical", same)
    return warm


def bench_cache(article: Article, backends: Backends, warm: float, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        analyzer = Analyzer(backends, cache=BriefingCache(Path(folder)))
        fresh = analyzer.analyse(article, AnalysisOptions())
        cached = median_time(lambda: analyzer.analyse(article, AnalysisOptions()),
                             repeats * 4)
        same = analyzer.analyse(article, AnalysisOptions()) == fresh
    row("cached briefing (disk)", f"{cached * 1000:.1f} ms", f"{warm * 1000:.0f} ms (warm)",
        f"{warm / cached:.0f}x", "<= 20 ms", cached <= 0.020)
    row("  cached == fresh", str(same), "", "", "identical", same)


def bench_cold(runs: int) -> None:
    python = sys.executable
    cli = str(Path(python).with_name("summarizer"))
    ours = [child([cli, "brief", "--no-cache", "-q"]) for _ in range(runs)]
    script = BASELINE_COLD.format(project=str(PROJECT), path=str(model_path()),
                                  package=SPACY_PACKAGE)
    base = [child([python, "-c", script]) for _ in range(runs)]
    wall = statistics.median(w for w, _ in ours)
    base_wall = statistics.median(w for w, _ in base)
    rss = max(r for _, r in ours)
    row("cold start to first briefing", f"{wall:.2f} s", f"{base_wall:.2f} s",
        f"{base_wall / wall:.2f}x", "<= 6 s", wall <= 6.0)
    row("peak RSS, cold briefing", f"{rss:.0f} MB", f"{max(r for _, r in base):.0f} MB",
        "", "<= 1200 MB", rss <= 1200)


def _classify_rate(backends: Backends, items: list[str]) -> tuple[float, list[str]]:
    labels = list(TOPICS)
    analyzer = Analyzer(backends)
    analyzer.classify(items[:50], labels)  # label vectors: part of loading
    backends.embedder.forget()  # type: ignore[attr-defined]
    started = time.perf_counter()
    results = analyzer.classify(items, labels)
    return len(items) / (time.perf_counter() - started), [r.label for r in results]


def bench_classify(backends: Backends, items: list[str], gold: list[str]) -> dict[str, list[str]]:
    """`summarizer classify` runs the encoder in int8 by default; briefings in fp32."""
    from sentence_transformers import SentenceTransformer

    int8_rate, _ = _classify_rate(Backends(ModelConfig(embedding_precision="int8")), items)
    fp32_rate, fp32_labels = _classify_rate(backends, items)
    plain = SentenceTransformer(str(model_path()), device="cpu")
    plain.encode(items[:64], batch_size=64)
    started = time.perf_counter()
    plain.encode(items, batch_size=64)
    base_rate = len(items) / (time.perf_counter() - started)
    row(f"classify, CLI default int8 ({len(items)} BBC lines)", f"{int8_rate:.0f} items/s",
        f"{base_rate:.0f} items/s", f"{int8_rate / base_rate:.2f}x", ">= 400 items/s",
        int8_rate >= 400)
    row("  classify, onnx fp32 (--precision fp32)", f"{fp32_rate:.0f} items/s",
        f"{base_rate:.0f} items/s", f"{fp32_rate / base_rate:.2f}x", "(info)", None)
    return {"onnx-fp32": fp32_labels}


def embed_time(embedder: MiniLMEmbedder, texts: list[str]) -> float:
    def run() -> None:
        embedder.forget()
        embedder.embed(texts)
    return median_time(run, 3)


def precision_checks(article: Article, items: list[str], gold: list[str],
                     fp32_labels: list[str]) -> list[str]:
    """Each runtime/precision against the PyTorch fp32 reference."""
    from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
    from summarizer.topics import classify_texts

    sentences = [s.text for p in article.paragraphs for s in p.sentences]
    texts = sentences + items[:500]
    reference = MiniLMEmbedder(precision="fp32", runtime="torch")
    ref_vectors = reference.embed(texts)
    ref_summary = ExtractiveSummarizer(reference).summarize(article.paragraphs, 5)
    ref_labels = [r.label for r in classify_texts(items, TOPICS, EmbeddingZeroShot(reference))]
    lines = [f"{'precision':12} {'cos mean':>8} {'cos min':>8} {'labels==ref':>11} "
             f"{'BBC acc':>7} {'summary==ref':>12} {'sents s':>8}"]
    ref_acc = np.mean([a == b for a, b in zip(ref_labels, gold, strict=True)])
    ref_time = embed_time(reference, sentences)
    lines.append(f"{'torch fp32':12} {1:8.4f} {1:8.4f} {1:11.3f} {ref_acc:7.3f} "
                 f"{'True':>12} {ref_time:8.3f}")
    precisions: tuple[Literal["fp32", "int8"], ...] = ("fp32", "int8")
    for precision in precisions:
        embedder = MiniLMEmbedder(precision=precision)
        vectors = embedder.embed(texts)
        cosine = (vectors * ref_vectors).sum(axis=1)
        if precision == "fp32" and fp32_labels:
            labels = fp32_labels
        else:
            labels = [r.label for r in classify_texts(items, TOPICS, EmbeddingZeroShot(embedder))]
        agree = np.mean([a == b for a, b in zip(labels, ref_labels, strict=True)])
        accuracy = np.mean([a == b for a, b in zip(labels, gold, strict=True)])
        summary = ExtractiveSummarizer(embedder).summarize(article.paragraphs, 5) == ref_summary
        seconds = embed_time(embedder, sentences)
        lines.append(f"{'onnx ' + precision:12} {cosine.mean():8.4f} {cosine.min():8.4f} "
                     f"{agree:11.3f} {accuracy:7.3f} {summary!s:>12} {seconds:8.3f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="BBC lines to classify")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--cold-runs", type=int, default=2, help="fresh processes each")
    args = parser.parse_args()
    began = time.perf_counter()
    print(machine())
    article = sample_article()
    backends = Backends()
    backends.warm_up()  # also exports the ONNX model the first time ever
    items, gold = bbc_items(args.items)

    warm = bench_warm(article, backends, args.repeats)
    bench_cache(article, backends, warm, args.repeats)
    bench_cold(args.cold_runs)
    fp32_labels = bench_classify(backends, items, gold)["onnx-fp32"]
    checks = precision_checks(article, items, gold, fp32_labels)

    embedder = backends.embedder
    assert isinstance(embedder, MiniLMEmbedder)
    print(f"embedder: {embedder.runtime} {embedder.precision}, {embedder.threads} threads; "
          f"load average {os.getloadavg()[0]:.1f}")
    widths = [max(len(r[i]) for r in [*ROWS, HEADER]) for i in range(6)]
    for cells in [HEADER, *ROWS]:
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)))
    print()
    print(f"Precision against the PyTorch fp32 reference ({len(items)} BBC lines for labels; "
          "article sentences + 500 lines for cosine):")
    for line in checks:
        print(line)
    print(f"\n(total {time.perf_counter() - began:.0f} s)")
    return 0


HEADER = ("measurement", "ours", "baseline", "speed-up", "target", "")

if __name__ == "__main__":
    raise SystemExit(main())
