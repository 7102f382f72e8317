"""A whole hub briefing, as a user runs it: this tree against another revision, same run.

`summarizer brief --summary-model FOLDER --no-cache --quiet` of the bundled article, each run
a fresh process, with a randomly initialised model of the full distilbart-cnn-12-6 shape
whose outputs are forced to 142 tokens (beam 4, as its generation config says; built by
`bench_generate.build_model_folder`, speed does not depend on the weights' values). The
baseline is another copy of the project (today's code exported to a folder), run through
PYTHONPATH; the two alternate round by round, so both meet the same machine load.

For each it prints the seconds (wall clock of the whole process), the ratio, peak RSS, the
generate calls made (with batch, input tokens, output tokens and seconds per call) and what
reached standard error despite `--quiet` (library warnings).

    git worktree add /tmp/base 715b3bc   # the baseline revision
    python benchmarks/bench_hub_brief.py --base /tmp/base [--rounds 3]

The first run after the model folder (re)builds converts it for CTranslate2 once; that run is
made before the rounds and reported on its own. Set HF_HUB_OFFLINE=1: nothing is downloaded.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "benchmarks" / "results" / "bench_hub_brief.txt"


# ---------------------------------------------------------------- the measured process


def worker(folder: str) -> int:
    """One briefing through the CLI of whichever project PYTHONPATH points at; prints one
    JSON line (stdout) with what it measured. Imports nothing from this tree's benchmarks."""
    import resource

    from summarizer.backends import fast_generate
    from summarizer.cli import main

    calls: list[dict[str, Any]] = []
    for engine in (fast_generate.CTranslate2Generator, fast_generate.TorchGenerator):
        original = engine.generate

        def counted(self: Any, inputs: Any, settings: Any, _original: Any = original) -> Any:
            start = time.perf_counter()
            outputs = _original(self, inputs, settings)
            calls.append({"batch": len(inputs), "input_tokens": [len(i) for i in inputs],
                          "output_tokens": [len(o) for o in outputs],
                          "beams": settings.num_beams,
                          "seconds": round(time.perf_counter() - start, 2)})
            return outputs

        engine.generate = counted  # type: ignore[method-assign]
    out, err = io.StringIO(), io.StringIO()
    code = main(["brief", "--json", "--summary-model", folder, "--no-cache", "--quiet"],
                stdout=out, stderr=err)
    import summarizer

    briefing = json.loads(out.getvalue()) if code == 0 else {}
    report = {
        "code": code,
        "code_from": str(Path(summarizer.__file__).resolve().parents[1]),
        "calls": calls,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cli_stderr": err.getvalue(),
        "bullets": len(briefing.get("summary", [])),
        "topic_bullets": [len(t["summary"]) for t in briefing.get("topics", [])],
    }
    print("BENCH " + json.dumps(report), flush=True)
    return 0


def run_once(code_root: Path, folder: Path, cache: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(code_root), "HF_HUB_OFFLINE": "1",
           "BRIEFING_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(folder)],
                          capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(),
                          check=False)
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the briefing under {code_root} failed:\n{done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(lines[-1][len("BENCH "):])
    if Path(report["code_from"]) != code_root.resolve():
        raise RuntimeError(f"ran {report['code_from']}, not {code_root}")
    report["seconds"] = seconds
    report["stderr"] = done.stderr
    return report


# ---------------------------------------------------------------- the comparison


def describe_calls(calls: list[dict[str, Any]]) -> list[str]:
    return [f"    call {i + 1}: batch {c['batch']}, input tokens {c['input_tokens']}, "
            f"tokens out {c['output_tokens']}, beam {c['beams']}, {c['seconds']:.2f} s"
            for i, c in enumerate(calls)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path,
                        help="a copy of the baseline revision, e.g. made with "
                             "`git worktree add DIR 715b3bc` (its summarizer/ goes on "
                             "PYTHONPATH)")
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "bench-distilbart-random")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    if args.base is None:  # required, but not of the worker processes this script starts
        parser.error("the following arguments are required: --base")

    sys.path.insert(0, str(PROJECT))
    from benchmarks.bench_generate import build_model_folder
    from benchmarks.common import machine

    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    say(f"$ python benchmarks/bench_hub_brief.py --base {args.base} --rounds {args.rounds}")
    say(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    say(f"# {machine()}")
    folder = build_model_folder(args.folder)
    cache = Path(tempfile.mkdtemp(prefix="bench-hub-brief-"))
    first = run_once(PROJECT, folder, cache)
    say(f"first run of this tree (converts the model if it changed): {first['seconds']:.1f} s")

    runs: dict[str, list[dict[str, Any]]] = {"today": [], "this tree": []}
    roots = {"today": args.base, "this tree": PROJECT}
    for round_ in range(args.rounds):
        order = ["today", "this tree"] if round_ % 2 == 0 else ["this tree", "today"]
        figures = []
        for name in order:
            report = run_once(roots[name], folder, cache)
            runs[name].append(report)
            figures.append(f"{name} {report['seconds']:.1f} s")
        ratio = runs["today"][-1]["seconds"] / runs["this tree"][-1]["seconds"]
        say(f"round {round_ + 1}: {', '.join(figures)}; ratio {ratio:.2f}x "
            f"(load {os.getloadavg()[0]:.2f})")

    say()
    say("| path | median s | peak RSS MB | generate calls | summary bullets "
        "| bullets per topic | stderr lines with --quiet |")
    say("|---|---|---|---|---|---|---|")
    for name, reports in runs.items():
        last = reports[-1]
        noise = [line for line in last["stderr"].splitlines() if line.strip()]
        say(f"| {name} | {statistics.median(r['seconds'] for r in reports):.1f} "
            f"| {max(r['peak_rss_mb'] for r in reports):.0f} | {len(last['calls'])} "
            f"| {last['bullets']} | {last['topic_bullets']} | {len(noise)} |")
    ratios = [b["seconds"] / n["seconds"] for b, n in zip(runs["today"], runs["this tree"],
                                                          strict=True)]
    say()
    say(f"ratio today / this tree: median {statistics.median(ratios):.2f}x "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    for name, reports in runs.items():
        last = reports[-1]
        generation = sum(c["seconds"] for c in last["calls"])
        say(f"{name}, last round: {last['seconds']:.1f} s, of which generation {generation:.1f} s")
        for line in describe_calls(last["calls"]):
            say(line)
        noise = [line for line in last["stderr"].splitlines() if line.strip()]
        for line in noise[:3]:
            say(f"    stderr: {line[:160]}")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nsaved to {RESULTS.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
