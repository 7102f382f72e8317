"""The warm full briefing of the bundled article: this working tree against an earlier
revision, measured in the same run, alternating, each in a fresh process.

    .venv/bin/python benchmarks/bench_revisions.py --base 2452737 [--rounds 3] [--repeats 8]
    .venv/bin/python benchmarks/bench_revisions.py --base-tree /path/to/an/exported/tree

A change that makes the analyses better must not make them slower unnoticed; absolute times
on a shared machine swing by 2x, so only the ratio within one run means anything. The base
revision is checked out into a temporary git worktree (or, with --base-tree, an exported copy
of an earlier tree is used as it is) and run with this tree's virtualenv (both use the same
installed models). Each process loads the models, then times `repeats`
full briefings (embedder memo and parse cache cleared before each) and reports the median
of all but the first. Rounds alternate base and current.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import PROJECT, machine

# Runs inside the child process, with the code under test first on sys.path.
CHILD = """
import os, statistics, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["HF_HUB_OFFLINE"] = "1"
import summarizer
assert summarizer.__file__.startswith(sys.argv[1]), summarizer.__file__
from summarizer.analysis import run_analyses
from summarizer.article import sample_article
from summarizer.backends import Backends
from summarizer.options import AnalysisOptions
backends = Backends()
backends.warm_up()
article = sample_article()
times = []
for _ in range(int(sys.argv[2])):
    backends.embedder.forget()
    backends.parser._cache.clear()
    started = time.perf_counter()
    run_analyses(article, AnalysisOptions(), backends)
    times.append(time.perf_counter() - started)
print(statistics.median(times[1:]))
"""


def timed(code: Path, repeats: int) -> float:
    result = subprocess.run([sys.executable, "-c", CHILD, str(code), str(repeats)],
                            capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bases = parser.add_mutually_exclusive_group(required=True)
    bases.add_argument("--base", help="the earlier revision (a git commit)")
    bases.add_argument("--base-tree", type=Path, help="an exported copy of an earlier tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--out", type=Path,
                        default=PROJECT / "benchmarks" / "results" / "bench_revisions.txt")
    args = parser.parse_args()
    if args.base_tree is not None:
        pairs = [(timed(args.base_tree, args.repeats), timed(PROJECT, args.repeats))
                 for _ in range(args.rounds)]
    else:
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder) / "base"
            subprocess.run(["git", "-C", str(PROJECT), "worktree", "add", "--detach", "-q",
                            str(base), args.base], check=True)
            try:
                pairs = [(timed(base, args.repeats), timed(PROJECT, args.repeats))
                         for _ in range(args.rounds)]
            finally:
                subprocess.run(["git", "-C", str(PROJECT), "worktree", "remove", "--force",
                                str(base)], check=False)
    lines = [f"machine: {machine()}",
             f"warm full briefing of the bundled article, median of {args.repeats - 1} runs "
             f"per process; base {args.base or args.base_tree} vs this tree, alternating", ""]
    lines += [f"round {i}: base {b:.3f} s, current {c:.3f} s, ratio {c / b:.2f}"
              for i, (b, c) in enumerate(pairs, start=1)]
    ratio = statistics.median(c / b for b, c in pairs)
    lines += ["", f"median ratio current / base: {ratio:.2f} "
                  f"({'within' if ratio <= 1.10 else 'NOT within'} the 10% allowance)"]
    print("\n".join(lines))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
