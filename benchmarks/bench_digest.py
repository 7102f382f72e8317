"""Digest speed and memory (issue 10): a digest of 20 BBC articles, cold and warm cache,
against briefing the same 20 one by one in the same run.

    .venv/bin/python benchmarks/bench_digest.py [DATA] [--articles 20] [--repeats 2]

DATA defaults to ../shared/data/bbc-more: 200 articles of the public "BBC News Summary"
data set (BBC News 2004-2005, released under CC0), headline, blank line, paragraphs. The
first articles of each topic folder are taken in turn (business, entertainment, ...).

- models are loaded and warmed once before any timing (a digest in a long-lived process);
  before each cold run the embedder's memo and the spaCy parse cache are cleared, and the
  on-disk cache is a fresh folder, so every article is analysed for real;
- one by one: `Analyzer.analyse` on each article in turn, then the same merge
  (`build_digest`); digest: `Analyzer.digest` with its default thread pool. Cold runs of
  the two alternate; medians;
- warm cache: both again over the cache the cold run filled (the same text is never
  analysed twice);
- memory: RSS (VmRSS, after a garbage collection) after each of 5 consecutive cold digests
  of the same 20 articles without an on-disk cache; the last must be within 10% of the first.

The machine is shared with other CPU-heavy work: absolute times are noisy, the ratio of the
digest to the one-by-one run measured in the same run much less so.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import PROJECT, SHARED_DATA, TOPICS, machine, publish
from summarizer.api import Analyzer
from summarizer.article import article_from_file
from summarizer.backends import Backends
from summarizer.cache import BriefingCache
from summarizer.digest import DigestOptions, build_digest, default_workers
from summarizer.types import Article

RESULT = PROJECT / "benchmarks" / "results" / "bench_digest.txt"


def pick_articles(root: Path, count: int) -> list[Article]:
    """`count` articles, taking the next file of each topic folder in turn."""
    folders = [sorted((root / topic).glob("*.txt")) for topic in TOPICS if (root / topic).is_dir()]
    if not folders:
        folders = [sorted(root.glob("*.txt"))]
    chosen: list[Path] = []
    position = 0
    while len(chosen) < count and any(position < len(f) for f in folders):
        chosen += [f[position] for f in folders if position < len(f)]
        position += 1
    return [article_from_file(path) for path in chosen[:count]]


def rss_mb() -> float:
    gc.collect()
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def forget(backends: Backends) -> None:
    """Drop the in-memory memos, so that a cold run analyses every article for real."""
    backends.embedder.forget()  # type: ignore[attr-defined]
    backends.parser._cache.clear()


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=SHARED_DATA / "bbc-more")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--memory-runs", type=int, default=5)
    args = parser.parse_args()

    articles = pick_articles(args.data, args.articles)
    words = sum(a.words for a in articles)
    backends = Backends()
    backends.warm_up()
    workers = default_workers()
    options = DigestOptions(workers=workers)
    lines = [f"machine: {machine()}",
             f"data: {args.data.name} (BBC News Summary, CC0): {len(articles)} articles, "
             f"{words:,} words; digest workers: {workers}", ""]

    def one_by_one(analyzer: Analyzer) -> None:
        build_digest([analyzer.analyse(a, options.analysis) for a in articles], options)

    def digest(analyzer: Analyzer) -> None:
        result = analyzer.digest(articles, options)
        assert result.briefed == len(articles), [a.error for a in result.failures]

    cold: dict[str, list[float]] = {"one by one": [], "digest": []}
    warm: dict[str, list[float]] = {"one by one": [], "digest": []}
    with tempfile.TemporaryDirectory(prefix="bench-digest-") as scratch:
        for repeat in range(args.repeats):
            order = [("one by one", one_by_one), ("digest", digest)]
            if repeat % 2:
                order.reverse()  # alternate, so neither always runs on a warmer machine
            for name, work in order:
                cache = BriefingCache(Path(scratch) / f"{name.replace(' ', '-')}-{repeat}")
                analyzer = Analyzer(backends, cache)
                forget(backends)
                cold[name].append(timed(lambda w=work, a=analyzer: w(a)))  # type: ignore[misc]
                warm[name].append(timed(lambda w=work, a=analyzer: w(a)))  # type: ignore[misc]
                print(f"run {repeat + 1} {name}: cold {cold[name][-1]:.1f} s, "
                      f"warm {warm[name][-1]:.2f} s", flush=True)

    lines.append(f"{'':24}{'wall s':>9}{'articles/s':>12}{'vs one by one':>15}")
    for label, runs in (("cold cache", cold), ("warm cache", warm)):
        base = statistics.median(runs["one by one"])
        for name in ("one by one", "digest"):
            wall = statistics.median(runs[name])
            lines.append(f"{label + ', ' + name:24}{wall:9.2f}{len(articles) / wall:12.1f}"
                         f"{base / wall:14.2f}x")
    lines.append(f"(medians of {args.repeats} runs each; cold runs of the two alternate)")
    lines.append("")

    analyzer = Analyzer(backends)  # no on-disk cache: every digest analyses all 20 again
    memory: list[float] = []
    for _ in range(args.memory_runs):
        forget(backends)
        digest(analyzer)
        memory.append(rss_mb())
    growth = memory[-1] / memory[0] - 1
    lines.append(f"RSS after each of {args.memory_runs} consecutive digests (MB): "
                 + ", ".join(f"{m:.0f}" for m in memory))
    lines.append(f"last vs first: {growth:+.1%} (bound: within 10%: "
                 f"{'yes' if abs(growth) <= 0.10 else 'NO'})")
    report = "\n".join(lines) + "\n"
    publish(report, RESULT)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
