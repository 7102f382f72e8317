"""/digest through the bot (issue 10): acknowledgement time and time to the final answer for a
digest of N articles, through the real discord.py client and the fake Discord on loopback,
against the same analyses run one by one in the same process; peak RSS.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_bot_digest.py [DATA] [--articles 20]
        [--repeats 3] [--memory-runs 5]

DATA defaults to ../shared/data/bbc-more (BBC News Summary, CC0; the same picking as
bench_digest.py: the next file of each topic folder in turn).

- models are loaded and warmed once, before any timing (a long-lived bot);
- bot, cold: a fresh bot (new SQLite file, new analysis worker, so nothing in its memory) over
  a fresh on-disk cache, the N articles on the channel's reading list, the embedder's memo
  and the parse cache cleared; one `/digest`. Acknowledgement = the interaction callback's
  arrival at the fake Discord; final answer = the edit carrying the digest's first page;
- bot, warm: `/digest` again on the same bot (each briefing from the worker's memory);
- one by one, cold: `Analyzer.analyse` on each article in turn over a fresh cache, then the
  same merge (`build_digest`); warm: the same again over the cache it filled;
- core digest: `Analyzer.digest` (the CLI's path: its own thread pool, as many workers as
  the bot has analysis threads), cold and warm the same way: what the bot adds over the core;
- the three rotate their order from one repeat to the next; medians of `--repeats`;
- the longest gap between the bot's heartbeats during a digest (the event loop must keep
  beating while the analyses run in the worker threads), and peak RSS (ru_maxrss);
- memory of a long-lived bot: RSS (VmRSS, after a garbage collection) after each of
  `--memory-runs` consecutive cold `/digest`s on one bot without an on-disk cache (the
  worker's memory of recent results and the models' memos cleared before each), as
  bench_digest.py measures the core; the last must be within 10% of the first.

Absolute times on a shared machine are noisy; the ratio to the one-by-one run measured in the
same run much less so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_digest import forget, pick_articles, rss_mb  # noqa: E402
from benchmarks.common import PROJECT, SHARED_DATA, machine, publish  # noqa: E402
from bot.app import BriefingBot, discord_endpoints  # noqa: E402
from bot.settings import Cooldown, SecretStr, Settings  # noqa: E402
from bot.state import State  # noqa: E402
from summarizer.api import AnalysisOptions, Analyzer  # noqa: E402
from summarizer.backends import Backends  # noqa: E402
from summarizer.cache import BriefingCache  # noqa: E402
from summarizer.digest import DigestOptions, build_digest  # noqa: E402
from summarizer.types import Article  # noqa: E402
from tests.fake_discord import FakeDiscord  # noqa: E402
from tests.fake_discord.server import CHANNEL_ID, GUILD_ID  # noqa: E402

RESULT = PROJECT / "benchmarks" / "results" / "bench_bot_digest.txt"
HEARTBEAT_MS = 1000
ADDER = 200000000000000099


@contextlib.asynccontextmanager
async def running(analyzer: Analyzer, articles: list[Article],
                  work: Path) -> AsyncIterator[tuple[BriefingBot, FakeDiscord]]:
    """A bot logged into a fresh fake Discord, the articles on its channel's list."""
    fake = await FakeDiscord(heartbeat_interval_ms=HEARTBEAT_MS).start()
    settings = Settings(token=SecretStr("bench-token"), db_path=work / "state.db", cache=False,
                        cooldown=Cooldown(rate=0, per=1))
    state = State(settings.db_path)
    try:
        with discord_endpoints(fake.api_base, fake.gateway_url):
            bot = BriefingBot(settings, analyzer=analyzer, state=state, warm_up=False,
                              run_scheduler=False, guild_ready_timeout=0.05)
            task = asyncio.create_task(bot.start("bench-token"))
            await asyncio.wait_for(fake.ready.wait(), 30)
            for article in articles:
                await bot.services.articles.add(CHANNEL_ID, GUILD_ID, article, ADDER)
            try:
                yield bot, fake
            finally:
                await bot.close()
                await task
    finally:
        state.close()
        await fake.stop()


async def digest_command(fake: FakeDiscord) -> tuple[float, float]:
    """One /digest: seconds to the acknowledgement and to the final answer."""
    exchange = await fake.command("digest", wait=False)
    await fake.wait_final(exchange, timeout=900)
    assert not exchange.ephemeral, exchange.final
    assert exchange.callback is not None and exchange.callback.json["type"] == 5
    return exchange.ack_latency or float("inf"), exchange.requests[-1].at - exchange.sent_at


class BotRun:
    """One cold /digest and one warm /digest on a fresh bot."""

    def __init__(self, ack: float, cold: float, warm: float, gap: float, rss: float) -> None:
        self.ack, self.cold, self.warm, self.gap, self.rss = ack, cold, warm, gap, rss


async def bot_digest(backends: Backends, articles: list[Article], work: Path) -> BotRun:
    analyzer = Analyzer(backends, BriefingCache(work / "cache"))
    async with running(analyzer, articles, work) as (_, fake):
        forget(backends)
        beats_before = len(fake.heartbeats)
        ack, cold = await digest_command(fake)
        _, warm = await digest_command(fake)
        beats = fake.heartbeats[max(0, beats_before - 1):]
        gap = max((b - a for a, b in itertools.pairwise(beats)), default=float("nan"))
        rss = rss_mb()
    return BotRun(ack=ack, cold=cold, warm=warm, gap=gap, rss=rss)


async def bot_memory(backends: Backends, articles: list[Article], work: Path,
                     runs: int) -> list[float]:
    """RSS (MB) after each of `runs` cold /digests on one bot without an on-disk cache."""
    memory = []
    async with running(Analyzer(backends), articles, work) as (bot, fake):
        for _ in range(runs):
            # What a long-lived bot forgets as new articles come.
            bot.services.worker._recent.clear()
            forget(backends)
            await digest_command(fake)
            memory.append(rss_mb())
    return memory


def one_by_one(backends: Backends, articles: list[Article], work: Path,
               workers: int) -> tuple[float, float]:
    """Cold and warm seconds of analysing each article in turn, then the same merge."""
    analyzer = Analyzer(backends, BriefingCache(work / "cache"))
    options = DigestOptions(analysis=AnalysisOptions())
    forget(backends)
    walls = []
    for _ in range(2):
        started = time.perf_counter()
        build_digest([analyzer.analyse(a, options.analysis) for a in articles], options)
        walls.append(time.perf_counter() - started)
    return walls[0], walls[1]


def core_digest(backends: Backends, articles: list[Article], work: Path,
                workers: int) -> tuple[float, float]:
    """Cold and warm seconds of `Analyzer.digest` with `workers` threads."""
    analyzer = Analyzer(backends, BriefingCache(work / "cache"))
    options = DigestOptions(analysis=AnalysisOptions(), workers=workers)
    forget(backends)
    walls = []
    for _ in range(2):
        started = time.perf_counter()
        result = analyzer.digest(articles, options)
        walls.append(time.perf_counter() - started)
        assert result.briefed == len(articles)
    return walls[0], walls[1]


async def run(data: Path, count: int, repeats: int, memory_runs: int) -> str:
    articles = pick_articles(data, count)
    words = sum(a.words for a in articles)
    backends = Backends()
    started = time.perf_counter()
    backends.warm_up()
    workers = Settings(token=SecretStr("x")).workers
    lines = [f"machine: {machine()}; load average before: "
             + " ".join(f"{v:.2f}" for v in os.getloadavg()),
             f"data: {data.name} (BBC News Summary, CC0): {len(articles)} articles, "
             f"{words:,} words; bot analysis threads (BRIEFING_WORKERS): {workers}; "
             f"models warmed in {time.perf_counter() - started:.1f} s", ""]
    runs: list[str] = []  # each run's figures, kept in the report: the spread matters here
    bots: list[BotRun] = []
    plain: dict[str, list[tuple[float, float]]] = {"one by one": [], "core digest": []}
    names = ["bot", "one by one", "core digest"]
    with tempfile.TemporaryDirectory(prefix="bench-bot-digest-") as scratch:
        for repeat in range(repeats):
            # Rotate, so that none of the three always runs first (or on a warmer machine).
            for name in names[repeat % 3:] + names[:repeat % 3]:
                work = Path(scratch) / f"{name.replace(' ', '-')}-{repeat}"
                work.mkdir()
                if name == "bot":
                    bots.append(await bot_digest(backends, articles, work))
                    b = bots[-1]
                    runs.append(f"run {repeat + 1} bot: ack {b.ack * 1000:.0f} ms, final cold "
                                f"{b.cold:.1f} s, warm {b.warm:.2f} s, heartbeat gap "
                                f"{b.gap:.2f} s")
                    print(runs[-1], flush=True)
                else:
                    path = one_by_one if name == "one by one" else core_digest
                    plain[name].append(await asyncio.to_thread(path, backends, articles, work,
                                                               workers))
                    runs.append(f"run {repeat + 1} {name}: cold {plain[name][-1][0]:.1f} s, "
                                f"warm {plain[name][-1][1]:.2f} s")
                    print(runs[-1], flush=True)

    def median(timings: list[tuple[float, float]], which: int) -> float:
        return statistics.median(t[which] for t in timings)

    base_cold, base_warm = median(plain["one by one"], 0), median(plain["one by one"], 1)
    lines.append(f"{'':38}{'seconds':>9}{'articles/s':>12}{'vs one by one':>15}")
    for label, wall, base in (
            ("cold, one by one (baseline)", base_cold, base_cold),
            ("cold, core digest (Analyzer.digest)", median(plain["core digest"], 0), base_cold),
            ("cold, /digest final answer", statistics.median(b.cold for b in bots), base_cold),
            ("warm, one by one (baseline)", base_warm, base_warm),
            ("warm, core digest (Analyzer.digest)", median(plain["core digest"], 1), base_warm),
            ("warm, /digest final answer", statistics.median(b.warm for b in bots), base_warm)):
        lines.append(f"{label:38}{wall:9.2f}{len(articles) / wall:12.1f}{base / wall:14.2f}x")
    with tempfile.TemporaryDirectory(prefix="bench-bot-digest-memory-") as scratch:
        memory = await bot_memory(backends, articles, Path(scratch), memory_runs)
    acks = [b.ack for b in bots]
    lines.append(f"/digest acknowledgement: median {statistics.median(acks) * 1000:.0f} ms, "
                 f"max {max(acks) * 1000:.0f} ms (before any analysis: Discord's limit is 3 s)")
    lines.append(f"longest heartbeat gap during the digests: {max(b.gap for b in bots):.2f} s "
                 f"(interval {HEARTBEAT_MS / 1000:.2f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    growth = memory[-1] / memory[0] - 1
    lines.append(f"one long-lived bot, RSS after each of {memory_runs} consecutive cold /digests "
                 f"(MB): {', '.join(f'{m:.0f}' for m in memory)}; last vs first {growth:+.1%} "
                 f"(within 10%: {'yes' if abs(growth) <= 0.10 else 'NO'})")
    lines.append(f"RSS after each fresh bot of the timed runs (MB): "
                 f"{', '.join(f'{b.rss:.0f}' for b in bots)}; peak RSS of the process (models, "
                 f"bots, fake Discord, all paths): {peak:.0f} MB")
    lines.append(f"(medians of {repeats} runs each, the order rotating; load average after: "
                 + " ".join(f"{v:.2f}" for v in os.getloadavg()) + ")")
    lines += ["", "each run:", *runs]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=SHARED_DATA / "bbc-more")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-runs", type=int, default=5)
    args = parser.parse_args()
    report = asyncio.run(run(args.data, args.articles, args.repeats, args.memory_runs))
    publish(report, RESULT)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
