"""Shared helpers for the benchmark and evaluation scripts."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT.parent / "shared" / "data"
BBC = SHARED_DATA / "bbc-news-summary"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def without_resident(env: Mapping[str, str]) -> dict[str, str]:
    """`env` for a CLI process that must run on its own, as a cold run measures it: no
    resident process (`summarizer warm`) can answer it (its run folder cannot exist), and
    it starts none after it (BRIEFING_KEEP_WARM_MINUTES)."""
    return {**env, "XDG_RUNTIME_DIR": os.devnull, "BRIEFING_KEEP_WARM_MINUTES": "0"}


def machine() -> str:
    """A one-line description of this machine, printed with every figure."""
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
        match = re.search(r"model name\s*:\s*(.+)", text)
        if match:
            cpu = match.group(1).strip()
        flags = re.search(r"flags\s*:\s*(.+)", text)
        present = flags.group(1).split() if flags else []
        extras = [f for f in ("avx512f", "avx512_vnni", "amx_bf16") if f in present]
    except OSError:
        extras = []
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True,
                               check=False).stdout.strip()
    except OSError:
        cores = "?"
    features = " ".join(extras) or "no AVX-512"
    return f"{cpu}, {cores} cores, {features}, Python {platform.python_version()}"


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank `q`th percentile (0-100) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def bbc_pairs(limit: int | None = None, root: Path = BBC) -> list[tuple[str, Path, Path]]:
    """(topic, article path, reference summary path) for the BBC development set."""
    pairs = []
    for topic in TOPICS:
        for article in sorted((root / "article" / topic).glob("*.txt")):
            pairs.append((topic, article, root / "summary" / topic / article.name))
    return pairs[:limit] if limit else pairs


def publish(report: str, result: Path) -> None:
    """Print a benchmark's report and keep it as its result file."""
    print(report)
    result.parent.mkdir(parents=True, exist_ok=True)
    result.write_text(report, encoding="utf-8")
