"""Speed of the analysis core where users feel it (issues 2 and 12), each figure next to its
baseline from the same run, with the quality checks that a speed-up could cost.

    .venv/bin/python benchmarks/bench_core.py [--sections profile,cold,warm,cache,classify,
        precision,quality] [--base TREE] [--items 1000] [--repeats 5] [--cold-runs 5]
        [--quotes-limit N] [--bbc BBC_NEWS_SUMMARY] [--polnear FOLDER] [--out FILE]

Data: the BBC News Summary dataset (Kaggle, pariza/bbc-news-summary; `--bbc`, the folder
with article/ and summary/) and PolNeAR (github.com/networkdynamics/polnear; `--polnear`,
the folder holding polnear-dev/ and polnear-train/ as eval_quotes.py reads them).

- profile: where the time goes. The cold path stage by stage in one fresh process, one stage
  after another (nothing overlapped, so each stage is its own): imports, spaCy's load, the
  encoder's tokenizer and ONNX session, tokenisation, encoding, the parse (split between two
  processes, as the CLI's child parses, then in one thread), each analysis, rendering; wall
  and CPU seconds (CPU counts every thread of the process and its forks). Then the same
  work warm (median of --repeats). Then the largest imports of the real CLI
  (`python -X importtime`, both of its processes).
- cold: a new `summarizer brief --no-cache` process on the bundled article (the encoder
  already exported), best of --cold-runs, alternating with its floors: `python -c pass`, and
  the imports and model loads alone (the same command on a one-sentence article), and with
  an earlier tree (`--base TREE`, a copy of it run with this virtualenv) and the
  naive baseline (a process that imports sentence-transformers and spaCy, loads both and
  does the baseline work). Peak memory is the sum over the command's processes (sampled
  every 10 ms; a one-shot briefing parses in a child process), CPU seconds the sum over all
  of them (from wait4): on a machine whose cores other work takes, the CPU figure moves
  less than the wall one. Then the same command with a resident process running
  (`summarizer warm`) against none, alternating, on --cold-runs BBC articles (each once per
  mode: the resident process's memo would otherwise answer the second time).
- warm: all four sections with the models loaded, no memo, no cache; baseline: plain
  sentence-transformers `encode` of the article's sentences plus a full `spacy.load(...)`
  parse. Runs alternate with the baseline's; medians.
- cache: a briefing from `BriefingCache` on disk.
- classify: items/s of `Analyzer.classify` on lines of the BBC articles, 5 labels, in the
  CLI's batches; baseline: sentence-transformers `encode(batch_size=64)` of the same items.
- precision: ONNX fp32 and int8 against the PyTorch fp32 reference: embedding cosine,
  classify label agreement and accuracy against the BBC folder labels, summary picks.
- quality: what the speed-ups could cost, measured here: BBC ROUGE and BBC topic accuracy
  with this tree's encoder against the PyTorch fp32 reference, PolNeAR quote figures with
  this tree's spaCy loading and one-shot parse (no string table, split between two
  processes) against spaCy loaded the plain way and run in one process, both in one fresh
  process (where the split may fork, and where both see the same analysis code); each must
  stay within 0.3 points.

The machine is shared with other CPU-heavy work: absolute times are noisy (the load average
is printed with the figures), ratios to a baseline measured in the same run much less so.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    BBC,
    PROJECT,
    SHARED_DATA,
    TOPICS,
    bbc_pairs,
    machine,
    without_resident,
)
from summarizer.analysis import run_analyses
from summarizer.api import Analyzer
from summarizer.article import load_article, sample_article
from summarizer.backends import Backends
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.backends.minilm import MiniLMEmbedder, model_path
from summarizer.backends.spacy_nlp import SPACY_PACKAGE
from summarizer.cache import BriefingCache
from summarizer.config import ModelConfig
from summarizer.options import AnalysisOptions
from summarizer.types import Article

SECTIONS = ("profile", "cold", "warm", "cache", "classify", "precision", "quality")
ROWS: list[tuple[str, str, str, str, str, str]] = []
HEADER = ("measurement", "ours", "baseline", "ratio", "target", "")
# Quality may move by at most this many points (x100 figures) for a speed-up to count.
QUALITY_TOLERANCE = 0.3


def row(name: str, ours: str, baseline: str, ratio: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("MET" if ok else "NOT MET")
    ROWS.append((name, ours, baseline, ratio, target, verdict))


def say(line: str = "") -> None:
    print(line, flush=True)
    OUTPUT.append(line)


OUTPUT: list[str] = []


def median_time(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bbc_items(limit: int, bbc: Path) -> tuple[list[str], list[str]]:
    """Lines of the BBC articles (titles and paragraphs), taken round-robin over the five
    topics so any prefix is balanced; with the topic folder as the gold label."""
    per_topic: list[list[tuple[str, str]]] = []
    for topic in TOPICS:
        lines = []
        for path in sorted((bbc / "article" / topic).glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="ignore")
            lines += [(" ".join(line.split()), topic) for line in text.splitlines()
                      if len(line.split()) >= 4]
        per_topic.append(lines)
    items = [pair for group in zip(*per_topic, strict=False) for pair in group][:limit]
    return [text for text, _ in items], [topic for _, topic in items]


# --- profile: where the time goes ----------------------------------------------------------

# Runs in a fresh process: the cold path one stage at a time, then the same work warm.
# Prints one line per stage: "cold|warm<TAB>name<TAB>wall<TAB>cpu".
STAGES = r"""
import os, statistics, sys, time
repeats = int(sys.argv[1])

def cpu_now():
    # This process and the forks it has reaped (the split parse's).
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system

clock = [time.perf_counter(), cpu_now()]
rows = []

def mark(phase, name):
    wall, cpu = time.perf_counter(), cpu_now()
    rows.append((phase, name, wall - clock[0], cpu - clock[1]))
    clock[0], clock[1] = time.perf_counter(), cpu_now()

import summarizer.cli
mark("cold", "import summarizer.cli (the CLI's own start)")
from summarizer.article import sample_article
article = sample_article()
mark("cold", "load the article (summarizer.article, text, credits)")
import numpy
mark("cold", "import numpy (single-threaded BLAS, as the one-shot CLI)")
from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline, import_spacy
from summarizer.backends.spacy_nlp import pipe_here
from summarizer.people_process import pipe_in_two_processes
import_spacy()
mark("cold", "import spacy (no torch, no spacy.cli)")
pipeline = SpacyPipeline(pipe=pipe_in_two_processes)
mark("cold", "spaCy: load en_core_web_sm (no string table; tok2vec, tagger, parser, ner)")
from summarizer.people import analyse_people
mark("cold", "import the actor and quote analyses")
pipeline.parse(article)
mark("cold", "spaCy parse, split between two processes (the one-shot CLI's child)")
pipeline._cache.clear()
pipeline._pipe = pipe_here  # from here on, the parse of a loaded Analyzer: one thread
import onnxruntime, tokenizers
mark("cold", "import onnxruntime + tokenizers")
from summarizer.analysis import run_analyses
from summarizer.api import Analyzer
from summarizer.render import to_text
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
from summarizer.backends import minilm
from summarizer.taxonomy import DEFAULT_LABELS
from summarizer.topics import find_topics
from summarizer.types import Briefing
from summarizer.backends import Backends
models = Backends().model_info()
mark("cold", "import the summary, topic and rendering modules")
path = minilm.model_path()
tokenizer = minilm._load_tokenizer(path, 256)
mark("cold", "encoder: tokenizer from tokenizer.json")
onnx_file = minilm.ensure_onnx(path, minilm.default_export_dir(), "fp32")
session = minilm._onnx_session(onnx_file, minilm.encoder_threads())
mark("cold", "encoder: ONNX session (optimised graph, weights apart)")
embedder = minilm.MiniLMEmbedder(precision="fp32")
embedder.tokenizer, embedder._encoder = tokenizer, session  # the parts just timed
clock[0], clock[1] = time.perf_counter(), time.process_time()
sentences = [s.text for p in article.paragraphs for s in p.sentences]

def work(phase):
    embedder.forget()
    pipeline._cache.clear()
    mark(phase, "(between stages)")
    rows.pop()
    tokens = sum(len(e.ids) for e in embedder.tokenizer.encode_batch(sentences))
    mark(phase, f"tokenise {len(sentences)} sentences ({tokens} tokens)")
    embedder.embed(sentences)
    mark(phase, "encode the sentences (fp32)")
    summarizer = ExtractiveSummarizer(embedder)
    summary = summarizer.summarize(article.paragraphs, 5)
    mark(phase, "summary (ranking; sentences already encoded)")
    classifier = EmbeddingZeroShot(embedder)
    classifier.facet_vectors(DEFAULT_LABELS)
    mark(phase, "topic label vectors (cached once per process)")
    topics = find_topics(article, DEFAULT_LABELS, classifier, summarizer, 2,
                         already_said=[b.text for b in summary])
    mark(phase, "topics (scores and topic summaries)")
    docs = pipeline.parse(article)
    mark(phase, "spaCy parse in one thread (a loaded Analyzer's)")
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    mark(phase, "entities from the parse")
    found = analyse_people(article, docs, entities)
    mark(phase, "actors and quotes")
    briefing = Briefing(article=article, models=models, summary=tuple(summary),
                        topics=tuple(topics), actors=found.actors, quotes=found.quotes)
    to_text(briefing)
    mark(phase, "render as text")

work("cold")
warm = []
for _ in range(repeats + 1):
    start = len(rows)
    work("warm")
    warm.append(rows[start:])
    del rows[start:]
for index, first in enumerate(warm[1][:]):
    values = [run[index] for run in warm[1:]]
    rows.append(("warm", first[1], statistics.median(v[2] for v in values),
                 statistics.median(v[3] for v in values)))
for phase, name, wall, cpu in rows:
    print(f"{phase}\t{name}\t{wall:.4f}\t{cpu:.4f}")
"""


def profile(repeats: int) -> None:
    """Print the stage profile (see the module's docstring)."""
    floor = min(child([sys.executable, "-c", "pass"]).wall for _ in range(5))
    done = subprocess.run([sys.executable, "-c", STAGES, str(repeats)], capture_output=True,
                          text=True, check=True, cwd=PROJECT,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    stages = [line.split("\t") for line in done.stdout.splitlines() if line.count("\t") == 3]
    say("Where the time goes: each stage on its own, one after another, in one fresh process")
    say("(CPU counts all of the process's threads and its forks; the encoder runs on all")
    say("cores, and the first parse is split between two processes as the CLI's child does).")
    say(f"  {'stage':66} {'wall s':>7} {'CPU s':>7}")
    say(f"  {'cold: interpreter start (python -c pass, best of 5)':66} {floor:7.3f}")
    for phase in ("cold", "warm"):
        chosen = [s for s in stages if s[0] == phase]
        for _, name, wall, cpu in chosen:
            say(f"  {phase + ': ' + name:66} {float(wall):7.3f} {float(cpu):7.3f}")
        total_wall = sum(float(s[2]) for s in chosen)
        total_cpu = sum(float(s[3]) for s in chosen)
        say(f"  {phase + ': total, one stage after another':66} {total_wall:7.3f} {total_cpu:7.3f}")
    say()
    say("Largest imports of a real `summarizer brief --no-cache` (python -X importtime, both of")
    say("its processes; cumulative seconds of each import made by our code or the interpreter):")
    traced = subprocess.run([sys.executable, "-X", "importtime", "-m", "summarizer.cli", "brief",
                             "--no-cache", "-q"], capture_output=True, text=True, check=True,
                            cwd=PROJECT)
    top_level = []
    for line in traced.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if match and len(match.group(2)) <= 1:
            top_level.append((int(match.group(1)) / 1e6, match.group(3)))
    for seconds, name in sorted(top_level, reverse=True)[:14]:
        say(f"  {name:50} {seconds:6.3f}")
    say(f"  ({len(top_level)} top-level imports, {sum(s for s, _ in top_level):.2f} s in all, "
        "with -X importtime's own overhead)")
    say()


# --- cold: new processes ---------------------------------------------------------------------

# The child is started from this small launcher, not from the benchmark itself: a child's
# ru_maxrss counts the memory of the process it was forked from, and this one holds the
# models. The launcher prints the command's wall seconds, the peak of the summed RSS of the
# command and its descendants (sampled), the exit code, and the CPU seconds of the command
# and every descendant it waited for (user + system, from wait4).
LAUNCHER = """
import os, sys, threading, time

def tree_rss(root):
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{pid}/task/{pid}/children") as handle:
                pending += [int(p) for p in handle.read().split()]
        except (OSError, ValueError):
            pass
    return total

started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], dict(os.environ), file_actions=[
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
peak = [0]
done = threading.Event()

def sample():
    while not done.wait(0.01):
        peak[0] = max(peak[0], tree_rss(pid))

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
done.set()
sampler.join()
print(wall, max(peak[0] // 1024, usage.ru_maxrss), os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""


@dataclass(frozen=True)
class Run:
    """One fresh command: wall seconds, peak RSS (MB, all of its processes), CPU seconds
    (all of its processes)."""

    wall: float
    rss: float
    cpu: float


def child(argv: list[str], env: dict[str, str] | None = None,
          cwd: Path | None = None) -> Run:
    """One fresh command, its output discarded."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True,
                          text=True, check=True, env=env, cwd=cwd)
    wall, rss, code, cpu = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"{argv[:4]} failed with exit code {code}")
    return Run(float(wall), int(rss) / 1024, float(cpu))


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


def bench_cold(runs: int, base: Path | None, naive_runs: int) -> None:
    python = sys.executable
    cli = [python, "-m", "summarizer.cli", "brief", "--no-cache", "-q"]
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "tiny.txt"
        tiny.write_text("The council met on Monday.\n", encoding="utf-8")
        # Each tree named on PYTHONPATH and run from a folder of its own, so that neither
        # the current folder nor an editable install decides which code runs.
        # A cold run each time: never answered by a resident process (`summarizer warm`).
        ours_env = without_resident({**os.environ, "PYTHONPATH": str(PROJECT)})
        commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
            "pass": ([python, "-c", "pass"], None),
            "floor": ([*cli, str(tiny)], ours_env),
            "ours": (cli, ours_env),
        }
        if base is not None:
            commands["base"] = (cli, without_resident({**os.environ, "PYTHONPATH": str(base)}))
        times: dict[str, list[Run]] = {name: [] for name in commands}
        for _ in range(runs):  # alternating, so load changes hit every command alike
            for name, (argv, env) in commands.items():
                times[name].append(child(argv, env=env, cwd=Path(folder)))
        script = BASELINE_COLD.format(project=str(PROJECT), path=str(model_path()),
                                      package=SPACY_PACKAGE)
        naive = [child([python, "-c", script], cwd=Path(folder)) for _ in range(naive_runs)]
    best = {name: min(r.wall for r in values) for name, values in times.items()}
    middle = {name: statistics.median(r.wall for r in values) for name, values in times.items()}
    cpu = {name: statistics.median(r.cpu for r in values) for name, values in times.items()}
    ours, rss = best["ours"], max(r.rss for r in times["ours"])
    say(f"Cold CLI briefing, {runs} alternating rounds (best and median wall seconds, median "
        f"CPU seconds of all its processes; load average {os.getloadavg()[0]:.1f}):")
    labels = {"pass": "floor: python -c pass",
              "floor": "floor: imports + model loads (the CLI on a one-sentence article)",
              "ours": "summarizer brief --no-cache (bundled article)",
              "base": f"  the same with the --base tree ({base})"}
    say(f"  {'':70} {'best':>6} {'median':>6} {'CPU':>6}")
    for name in times:
        say(f"  {labels[name]:70} {best[name]:6.2f} {middle[name]:6.2f} {cpu[name]:6.2f}")
    naive_best = min(r.wall for r in naive)
    say(f"  {'naive: sentence-transformers + spaCy imported, loaded, run':70} "
        f"{naive_best:6.2f} {statistics.median(r.wall for r in naive):6.2f} "
        f"{statistics.median(r.cpu for r in naive):6.2f}")
    say()
    if "base" in best:
        row("cold CLI briefing, best of runs", f"{ours:.2f} s",
            f"{best['base']:.2f} s (--base tree)", f"{ours / best['base']:.2f}x", "<= 1.0 s",
            ours <= 1.0)
        row("  same, median of runs", f"{middle['ours']:.2f} s", f"{middle['base']:.2f} s",
            f"{middle['ours'] / middle['base']:.2f}x", "(info)", None)
        row("  same, CPU seconds of all processes (median)", f"{cpu['ours']:.2f} s",
            f"{cpu['base']:.2f} s", f"{cpu['ours'] / cpu['base']:.2f}x", "(info)", None)
    else:
        row("cold CLI briefing, best of runs", f"{ours:.2f} s", f"{naive_best:.2f} s (naive)",
            f"{ours / naive_best:.2f}x", "<= 1.0 s", ours <= 1.0)
    row("  floor: imports + model loads", f"{best['floor']:.2f} s", f"{best['pass']:.2f} s "
        "(python -c pass)", "", "(info)", None)
    row("  peak RSS, cold briefing (all processes)", f"{rss:.0f} MB",
        f"{max(r.rss for r in naive):.0f} MB (naive)", "", "<= 1200 MB", rss <= 1200)


def bench_resident(runs: int, bbc: Path) -> None:
    """New `summarizer brief --no-cache` processes with and without a resident process
    (`summarizer warm`) running, alternating, on `runs` BBC articles spread over the topics.
    Each article is briefed once in each mode: the resident process keeps recent sentence
    vectors and parses, so briefing one article twice there would time its memo, not a
    briefing. Wall time only: the resident process's CPU is not the command's."""
    python = sys.executable
    pairs = bbc_pairs(None, bbc)
    articles = [pairs[index * len(pairs) // runs][1] for index in range(runs)]
    cli = [python, "-m", "summarizer.cli", "brief", "--no-cache", "-q"]
    # A short runtime folder of its own: a socket's path has at most 107 bytes.
    with tempfile.TemporaryDirectory(prefix="ab-", dir="/tmp") as runtime, \
            tempfile.TemporaryDirectory() as folder:
        os.chmod(runtime, 0o700)
        # No background start after the runs without one (the setting would start one).
        served = {**os.environ, "PYTHONPATH": str(PROJECT), "XDG_RUNTIME_DIR": runtime,
                  "BRIEFING_KEEP_WARM_MINUTES": "0"}
        alone = without_resident(served)
        subprocess.run([python, "-m", "summarizer.cli", "warm", "--minutes", "30"],
                       env=served, cwd=folder, check=True, capture_output=True)
        times: dict[str, list[float]] = {"alone": [], "served": []}
        try:
            for article in articles:
                times["alone"].append(child([*cli, str(article)], env=alone, cwd=Path(folder)).wall)
                times["served"].append(child([*cli, str(article)], env=served,
                                             cwd=Path(folder)).wall)
            status = subprocess.run([python, "-m", "summarizer.cli", "warm", "--status"],
                                    env=served, cwd=folder, capture_output=True, text=True,
                                    check=True).stdout
        finally:
            subprocess.run([python, "-m", "summarizer.cli", "warm", "--stop"], env=served,
                           cwd=folder, capture_output=True, check=False)
    answered = re.search(r"(\d+) requests served", status)
    if answered is None or int(answered.group(1)) != runs:
        raise RuntimeError(f"the resident process did not answer every run: {status.strip()}")
    ratios = [there / here for there, here in zip(times["served"], times["alone"], strict=True)]
    say(f"CLI briefing with a resident process (`summarizer warm`), {runs} BBC articles, each "
        f"once per mode, alternating (wall seconds; load average {os.getloadavg()[0]:.1f}):")
    for name, label in (("alone", "a new process, no resident process"),
                        ("served", "a new process answered by the resident process")):
        say(f"  {label:70} best {min(times[name]):5.2f}  median "
            f"{statistics.median(times[name]):5.2f}")
    say()
    best = min(times["served"])
    row("CLI briefing with a resident process, best of runs", f"{best:.2f} s",
        f"{min(times['alone']):.2f} s (none, same articles)",
        f"{statistics.median(ratios):.2f}x (median)", "<= 1.0 s", best <= 1.0)
    row("  same, median of runs", f"{statistics.median(times['served']):.2f} s",
        f"{statistics.median(times['alone']):.2f} s", "", "(info)", None)


# --- warm, cache, classify, precision --------------------------------------------------------


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
    row("warm briefing (4 sections)", f"{warm:.3f} s", f"{base:.3f} s (naive)",
        f"{warm / base:.3f}x", "<= 0.3 s or <= 0.35x", warm <= 0.3 or warm / base <= 0.35)
    row("  same, parse not overlapped", f"{sequential:.3f} s", f"{base:.3f} s",
        f"{sequential / base:.2f}x", "(info)", None)
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
        f"{cached / warm:.4f}x", "<= 20 ms", cached <= 0.020)
    row("  cached == fresh", str(same), "", "", "identical", same)


def _classify_rate(backends: Backends, items: list[str]) -> tuple[float, list[str]]:
    """Items per second of `Analyzer.classify` fed as the CLI feeds it."""
    from summarizer.cli import CLASSIFY_BATCH

    labels = list(TOPICS)
    analyzer = Analyzer(backends)
    analyzer.classify(items[:50], labels)  # label vectors: part of loading
    backends.embedder.forget()  # type: ignore[attr-defined]
    started = time.perf_counter()
    results = []
    for first in range(0, len(items), CLASSIFY_BATCH):
        results += analyzer.classify(items[first:first + CLASSIFY_BATCH], labels)
    return len(items) / (time.perf_counter() - started), [r.label for r in results]


def bench_classify(backends: Backends, items: list[str]) -> None:
    """`summarizer classify` runs the encoder in int8 by default on CPUs with int8 dot
    products (`cpu_has_int8_dot`), in fp32 elsewhere; the target is judged on the default
    of the machine at hand, and the other precision is shown beside it."""
    from sentence_transformers import SentenceTransformer

    from summarizer.backends.minilm import cpu_has_int8_dot

    int8_rate, _ = _classify_rate(Backends(ModelConfig(embedding_precision="int8")), items)
    fp32_rate, _ = _classify_rate(backends, items)
    plain = SentenceTransformer(str(model_path()), device="cpu")
    plain.encode(items[:64], batch_size=64)
    started = time.perf_counter()
    plain.encode(items, batch_size=64)
    base_rate = len(items) / (time.perf_counter() - started)
    rates = {"int8": int8_rate, "fp32": fp32_rate}
    default = "int8" if cpu_has_int8_dot() else "fp32"
    other = "fp32" if default == "int8" else "int8"
    rate = rates[default]
    row(f"classify, the CLI's default here: {default} ({len(items)} BBC lines)",
        f"{rate:.0f} items/s", f"{base_rate:.0f} items/s (s-t, batch 64)",
        f"{rate / base_rate:.2f}x", ">= 400/s or >= 3.5x",
        rate >= 400 or rate / base_rate >= 3.5)
    row(f"  classify, {other} (--precision {other})", f"{rates[other]:.0f} items/s",
        f"{base_rate:.0f} items/s", f"{rates[other] / base_rate:.2f}x", "(info)", None)


def embed_time(embedder: MiniLMEmbedder, texts: list[str]) -> float:
    def run() -> None:
        embedder.forget()
        embedder.embed(texts)
    return median_time(run, 3)


def precision_checks(article: Article, items: list[str], gold: list[str]) -> None:
    """Each runtime/precision against the PyTorch fp32 reference."""
    from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
    from summarizer.topics import classify_texts

    sentences = [s.text for p in article.paragraphs for s in p.sentences]
    texts = sentences + items[:500]
    reference = MiniLMEmbedder(precision="fp32", runtime="torch")
    ref_vectors = reference.embed(texts)
    ref_summary = ExtractiveSummarizer(reference).summarize(article.paragraphs, 5)
    ref_labels = [r.label for r in classify_texts(items, TOPICS, EmbeddingZeroShot(reference))]
    say(f"Precision against the PyTorch fp32 reference ({len(items)} BBC lines for labels; "
        "article sentences + 500 lines for cosine):")
    say(f"{'precision':12} {'cos mean':>8} {'cos min':>8} {'labels==ref':>11} "
        f"{'BBC acc':>7} {'summary==ref':>12} {'sents s':>8}")
    ref_acc = np.mean([a == b for a, b in zip(ref_labels, gold, strict=True)])
    ref_time = embed_time(reference, sentences)
    say(f"{'torch fp32':12} {1:8.4f} {1:8.4f} {1:11.3f} {ref_acc:7.3f} "
        f"{'True':>12} {ref_time:8.3f}")
    precisions: tuple[Literal["fp32", "int8"], ...] = ("fp32", "int8")
    for precision in precisions:
        embedder = MiniLMEmbedder(precision=precision)
        vectors = embedder.embed(texts)
        cosine = (vectors * ref_vectors).sum(axis=1)
        # All items as one batch, as for the reference (batch refinement depends on the
        # batch, so labels from the CLI's batches of 256 would not compare).
        labels = [r.label for r in classify_texts(items, TOPICS, EmbeddingZeroShot(embedder))]
        agree = np.mean([a == b for a, b in zip(labels, ref_labels, strict=True)])
        accuracy = np.mean([a == b for a, b in zip(labels, gold, strict=True)])
        summary = ExtractiveSummarizer(embedder).summarize(article.paragraphs, 5) == ref_summary
        seconds = embed_time(embedder, sentences)
        say(f"{'onnx ' + precision:12} {cosine.mean():8.4f} {cosine.min():8.4f} "
            f"{agree:11.3f} {accuracy:7.3f} {summary!s:>12} {seconds:8.3f}")
    say()


# --- quality: what the speed-ups could cost --------------------------------------------------


def quality(quotes_limit: int, bbc: Path, polnear: Path) -> None:
    """BBC ROUGE, BBC topic accuracy and PolNeAR quote figures, each with this tree's fast
    path and with its plain reference, in this run."""
    from benchmarks.eval_summary import evaluate as rouge
    from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot

    say("Quality the speed-ups could cost (fast path vs its plain reference, same run; "
        f"each within {QUALITY_TOLERANCE} points):")
    data = []
    for _, article_path, summary_path in bbc_pairs(None, bbc):
        reference_lines = [line for line in summary_path.read_text().splitlines()
                           if line.strip()]
        data.append((load_article(str(article_path)), "\n".join(reference_lines),
                     len(reference_lines)))
    encoders = {"this tree (ONNX fp32, optimised graph)": MiniLMEmbedder(precision="fp32"),
                "reference (PyTorch fp32)": MiniLMEmbedder(precision="fp32", runtime="torch")}
    scores: dict[str, dict[str, float]] = {}
    accuracy: dict[str, float] = {}
    articles = [article for article, _, _ in data]
    gold = [path.parent.name for _, path, _ in bbc_pairs(None, bbc)]
    texts = [((a.title or "") + "\n\n" + a.text).strip() for a in articles]
    for name, encoder in encoders.items():
        summarizer = ExtractiveSummarizer(encoder)

        def ours(article: Article, count: int, summarizer: ExtractiveSummarizer = summarizer
                 ) -> list[str]:
            return [b.text for b in summarizer.summarize(article.paragraphs, count)]

        say(f"  BBC ROUGE ({len(data)} articles), {name}:")
        scores[name] = rouge(f"    {name[:24]}", ours, data)
        predicted = np.argmax(EmbeddingZeroShot(encoder).score(texts, TOPICS), axis=1)
        accuracy[name] = 100 * float(np.mean([TOPICS[int(i)] == g
                                              for i, g in zip(predicted, gold, strict=True)]))
    fast, reference = (list(encoders))
    for metric in ("rouge1", "rouge2", "rougeL"):
        delta = scores[fast][metric] - scores[reference][metric]
        row(f"quality: BBC {metric.upper()} (x100)", f"{scores[fast][metric]:.2f}",
            f"{scores[reference][metric]:.2f} (torch fp32)", f"{delta:+.2f}",
            f"within {QUALITY_TOLERANCE}", abs(delta) <= QUALITY_TOLERANCE)
    delta = accuracy[fast] - accuracy[reference]
    row("quality: BBC topic accuracy, bare labels (%)", f"{accuracy[fast]:.1f}",
        f"{accuracy[reference]:.1f} (torch fp32)", f"{delta:+.1f}",
        f"within {QUALITY_TOLERANCE}", abs(delta) <= QUALITY_TOLERANCE)
    quote_quality(quotes_limit, polnear)
    say()


# Runs in a fresh process (nothing threaded loaded, so the parse may fork as in the one-shot
# CLI's child): the PolNeAR quote figures with spaCy loaded and run this tree's way, then
# loaded and run the plain way, both with the same analysis code (this tree's, as it is
# when the process starts: files edited during a long benchmark do not split the pair).
# Prints JSON: {"fast"|"plain": {split: figures}}.
QUOTES = r"""
import json, pathlib, sys
sys.path.insert(0, sys.argv[1])
from summarizer.backends.spacy_nlp import (SPACY_PACKAGE, UNUSED_COMPONENTS, SpacyPipeline,
                                           import_spacy, pipe_here)
spacy = import_spacy()  # before eval_quotes imports spaCy: without torch, as the CLI's child
from benchmarks.eval_quotes import Parser, evaluate
from summarizer.people_process import _can_fork_with_spacy, pipe_in_two_processes
assert _can_fork_with_spacy(), "the split parse would not fork here"
fast = Parser(None)
fast.pipeline = SpacyPipeline(pipe=pipe_in_two_processes)
plain = Parser(None)
plain.pipeline = SpacyPipeline(pipe=pipe_here)
plain.pipeline.nlp = spacy.load(SPACY_PACKAGE, exclude=list(UNUSED_COMPONENTS))
figures = {"fast": {}, "plain": {}}
for name, parser in (("fast", fast), ("plain", plain)):
    for data in sys.argv[3:]:
        result = evaluate(pathlib.Path(data), parser, int(sys.argv[2]), 0)
        score = next(iter(result.scores.values()))
        figures[name][data] = {"articles": result.articles, "f1": score.f1,
                               "speaker_accuracy": score.speaker_accuracy,
                               "wrong_rate": score.wrong_rate}
print(json.dumps(figures))
"""


def quote_quality(limit: int, polnear: Path) -> None:
    """PolNeAR figures with this tree's spaCy loading and one-shot parse (no string table,
    the parse split between two processes) and with spaCy loaded the plain way and run in
    one process; both in one fresh process (see `QUOTES`)."""
    import json

    splits = [str(polnear / split) for split in ("polnear-dev", "polnear-train")]
    done = subprocess.run([sys.executable, "-c", QUOTES, str(PROJECT), str(limit), *splits],
                          capture_output=True, text=True, check=True, cwd=PROJECT)
    figures = json.loads(done.stdout.splitlines()[-1])
    for data in splits:
        ours, plain = figures["fast"][data], figures["plain"][data]
        count = ours["articles"]
        assert count == plain["articles"]
        for figure in ("f1", "speaker_accuracy", "wrong_rate"):
            mine, reference = 100 * ours[figure], 100 * plain[figure]
            row(f"quality: PolNeAR {Path(data).name[8:]} ({count}) quote {figure} (x100)",
                f"{mine:.2f}", f"{reference:.2f} (plain spaCy load)",
                f"{mine - reference:+.2f}", f"within {QUALITY_TOLERANCE}",
                abs(mine - reference) <= QUALITY_TOLERANCE)


# --- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated, of {', '.join(SECTIONS)}")
    parser.add_argument("--base", type=Path, default=None,
                        help="an earlier copy of this tree, for the cold figures' baseline")
    parser.add_argument("--items", type=int, default=1000, help="BBC lines to classify")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes each")
    parser.add_argument("--naive-runs", type=int, default=2,
                        help="fresh processes of the (slow) naive cold baseline")
    parser.add_argument("--quotes-limit", type=int, default=0,
                        help="PolNeAR articles per split in the quality check (0: all)")
    parser.add_argument("--bbc", type=Path, default=BBC,
                        help="the BBC News Summary dataset (Kaggle, pariza/bbc-news-summary): "
                             "a folder with article/<topic>/*.txt and summary/<topic>/*.txt")
    parser.add_argument("--polnear", type=Path, default=SHARED_DATA,
                        help="the folder holding polnear-dev/ and polnear-train/ (PolNeAR, "
                             "github.com/networkdynamics/polnear, as eval_quotes.py reads it)")
    parser.add_argument("--out", type=Path,
                        default=PROJECT / "benchmarks" / "results" / "bench_core.txt")
    args = parser.parse_args(argv)
    chosen = set(args.sections.split(","))
    if chosen - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(chosen - set(SECTIONS)))}")
    began = time.perf_counter()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    say(f"$ python benchmarks/bench_core.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    say(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, load average {load}")
    say(machine())
    say()
    if "profile" in chosen:
        profile(args.repeats)
    if "cold" in chosen:
        bench_cold(args.cold_runs, args.base, args.naive_runs)
        bench_resident(args.cold_runs, args.bbc)
    article = sample_article()
    backends = Backends()
    backends.warm_up()  # also exports the ONNX model the first time ever
    items, gold = bbc_items(args.items, args.bbc)
    warm = 0.57
    if "warm" in chosen:
        warm = bench_warm(article, backends, args.repeats)
    if "cache" in chosen:
        bench_cache(article, backends, warm, args.repeats)
    if "classify" in chosen:
        bench_classify(backends, items)
    if "precision" in chosen:
        precision_checks(article, items, gold)
    if "quality" in chosen:
        quality(args.quotes_limit, args.bbc, args.polnear)
    embedder = backends.embedder
    assert isinstance(embedder, MiniLMEmbedder)
    say(f"embedder: {embedder.runtime} {embedder.precision}, {embedder.threads} threads; "
        f"load average now {os.getloadavg()[0]:.1f}")
    widths = [max(len(r[i]) for r in [*ROWS, HEADER]) for i in range(6)]
    for cells in [HEADER, *ROWS]:
        say("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)))
    say(f"\n(total {time.perf_counter() - began:.0f} s)")
    if chosen == set(SECTIONS):
        args.out.write_text("\n".join(OUTPUT) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
