"""Time and peak memory of a whole briefing on the worst inputs the loader accepts.

    .venv/bin/python benchmarks/bench_worst_inputs.py [--limit-seconds 60] [--limit-mb 1536]

Each input is built here (no data needed), written to a temporary file just under the
loader's 200,000-character limit, and briefed by a fresh `summarizer brief FILE --no-cache
--json` process, as a user or the bot's worker would. Wall time and peak RSS (of the whole
process tree, sampled every 20 ms: the CLI parses in a forked child while it encodes) are
printed next to the same figures for the bundled sample article, measured in the same run
(the baseline), since absolute times on a shared machine are noisy.
The target (hardening issue): any accepted input in <= 60 s and <= 1.5 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import PROJECT, machine, without_resident

LIMIT_CHARS = 199_000
# Everyday words, so the texts pass the loader's English check.
WORDS = (
    "council", "report", "budget", "city", "plan", "water", "school", "minister", "police",
    "market", "company", "price", "workers", "court", "election", "health", "energy", "river",
    "bridge", "village", "money", "people", "government", "team", "season", "match", "player",
    "result", "story", "summer", "winter", "town", "office", "project", "country", "house",
    "family", "children", "doctors", "hospital", "road", "traffic",
)


def _fill(piece: Callable[[int], str], separator: str) -> str:
    parts: list[str] = []
    size, index = 0, 0
    while True:
        part = piece(index)
        if size + len(part) + len(separator) > LIMIT_CHARS:
            return separator.join(parts)
        parts.append(part)
        size += len(part) + len(separator)
        index += 1


def _sentence(rng: random.Random, words: int) -> str:
    """A plain English sentence of about `words` words (the loader refuses word salad as
    not English, so the function words are real)."""
    parts = [f"the {rng.choice(WORDS)} of the {rng.choice(WORDS)} said that"]
    while sum(len(p.split()) for p in parts) < words:
        parts.append(f"the {rng.choice(WORDS)} was in the {rng.choice(WORDS)}")
    return " and ".join(parts).capitalize() + "."


def worst_inputs() -> dict[str, str]:
    """Name -> text. Each stresses one dimension: paragraphs, sentences, unique sentences,
    one enormous paragraph."""
    rng = random.Random(7)
    return {
        "14,000 paragraphs 'He said yes.'": "\n\n".join(["He said yes."] * 14_000),
        "one paragraph 'It is 1! It is 2! ...'": _fill(lambda i: f"It is {i + 1}!", " "),
        "unique 7-word sentences, 4 per paragraph": _fill(
            lambda _: " ".join(_sentence(rng, 7) for _ in range(4)), "\n\n"),
        "unique 6-word one-sentence paragraphs": _fill(lambda _: _sentence(rng, 6), "\n\n"),
        "unique tiny paragraphs 'It is N.'": _fill(lambda i: f"It is {i + 1}.", "\n\n"),
        "one 200k-character paragraph of long sentences": _fill(
            lambda _: _sentence(rng, 40), " "),
        "quotes everywhere: 'X said \"...\"'": _fill(
            lambda i: f'Minister {WORDS[i % len(WORDS)].title()} said "{_sentence(rng, 8)}"',
            "\n\n"),
    }


def _tree_rss_kb(pid: int) -> int:
    """Resident kilobytes of a process and all its descendants now (0 once it is gone).
    The one-shot CLI parses in a forked child while it encodes, so the peak that matters is
    the tree's (shared pages counted twice: an upper bound)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text(encoding="ascii")
            total += next((int(line.split()[1]) for line in status.splitlines()
                           if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def _sample_tree(pid: int, peak: list[int], done: threading.Event) -> None:
    while not done.wait(0.02):
        peak[0] = max(peak[0], _tree_rss_kb(pid))


def brief(path: Path | None) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB (of the process tree, sampled every 20 ms, or of the
    largest process, whichever is more), exit code and last error line of one fresh
    briefing process."""
    command = [str(PROJECT / ".venv" / "bin" / "summarizer"), "brief", "--no-cache", "--json",
               "-q"]
    if path is not None:
        command.insert(2, str(path))
    env = without_resident(dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"))
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
    peak, done = [0], threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, peak, done))
    sampler.start()
    errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    done.set()
    sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    last = errors.strip().splitlines()[-1] if errors.strip() else ""
    return (elapsed, max(usage.ru_maxrss, peak[0]) / 1024, os.waitstatus_to_exitcode(status),
            last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-seconds", type=float, default=60.0)
    parser.add_argument("--limit-mb", type=float, default=1536.0)
    parser.add_argument("--out", type=Path, default=PROJECT / "benchmarks" / "results" /
                        "bench_worst_inputs.txt")
    args = parser.parse_args()
    lines = [f"machine: {machine()}", ""]
    base_seconds, base_mb, _, _ = brief(None)
    lines.append(f"{'input':<48} {'chars':>8} {'exit':>4} {'seconds':>8} {'x sample':>8} "
                 f"{'peak MB':>8} {'x sample':>8}   (peak: the process tree's RSS)")
    lines.append(f"{'bundled sample article (baseline)':<48} {'':>8} {0:>4} "
                 f"{base_seconds:>8.1f} {1.0:>8.1f} {base_mb:>8.0f} {1.0:>8.1f}")
    print("\n".join(lines), flush=True)
    worst_seconds = worst_mb = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, text in worst_inputs().items():
            path = Path(folder) / "input.txt"
            path.write_text(text, encoding="utf-8")
            seconds, megabytes, code, error = brief(path)
            worst_seconds, worst_mb = max(worst_seconds, seconds), max(worst_mb, megabytes)
            line = (f"{name:<48} {len(text):>8,} {code:>4} {seconds:>8.1f} "
                    f"{seconds / base_seconds:>8.1f} {megabytes:>8.0f} "
                    f"{megabytes / base_mb:>8.1f}")
            lines.append(line)
            print(line, flush=True)
            if code != 0:
                lines.append(f"    exit {code}: {error[:150]}")
                print(lines[-1], flush=True)
    verdict = (f"worst: {worst_seconds:.1f} s (limit {args.limit_seconds:.0f} s: "
               f"{'met' if worst_seconds <= args.limit_seconds else 'NOT met'}), "
               f"{worst_mb:.0f} MB (limit {args.limit_mb:.0f} MB: "
               f"{'met' if worst_mb <= args.limit_mb else 'NOT met'})")
    lines += ["", verdict]
    print("\n" + verdict)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
