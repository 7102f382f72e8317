"""Load: 200 interactions over 30 seconds from several channels, each with its own article,
through the real discord.py client and the fake Discord on loopback.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_bot_load.py \
        [--interactions 200] [--seconds 30] [--channels 8] [--rounds 2] [--analyzer real|fake]

Prints acknowledgement p50/p99/max, how many were lost (no acknowledgement or no final
message), how many were answered "busy", and the process RSS before/after/growth (measured
after the models are loaded and the bot is connected, so growth is the bot's own). Each round
uses new articles (new analyses); growth in the later rounds is what "stable" is judged on,
the first round also pays for the models' first allocations. Targets: none lost, every
acknowledgement within 3 s. tests/bot/test_bot_load.py runs the same driver
compressed (200 over 10 s, fake analyzer).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import percentile  # noqa: E402
from tests.fake_discord import Exchange, FakeDiscord, message_violations  # noqa: E402
from tests.fake_discord.server import CHANNEL_ID  # noqa: E402

ACK_LIMIT = 3.0
BUSY = "busy"
COMMANDS: list[tuple[str, list[dict[str, Any]]]] = [
    ("briefing", []),
    ("summary", [{"name": "length", "type": 4, "value": 3}]),
    ("topics", []),
    ("actors", []),
    ("quotes", []),
    ("summary", []),
    ("article", [{"name": "show", "type": 1, "options": []}]),
]
PLACES = ["Norhaven", "Eastport", "Lindmoor", "Karsby", "Velden", "Ostrava", "Brenna",
          "Talvik", "Marrow", "Seldon", "Ivory Bay", "Rookham"]


def article_text(number: int) -> str:
    """A distinct short news article for channel `number`."""
    place = PLACES[number % len(PLACES)]
    mayor = ["Clara Jensen", "Omar Haddad", "Ines Moreau", "Tom Akers"][number % 4]
    return "\n\n".join([
        f"Title: {place} votes on plan number {number}",
        f"The city council of {place} voted on Tuesday to extend the tram network to the "
        f"eastern districts, a project that will cost {200 + number} million euros over six "
        "years.",
        f"Mayor {mayor} said the new lines would cut commuting times in half for tens of "
        "thousands of residents. \"This is the biggest investment in public transport in a "
        "generation,\" the mayor told reporters after the vote.",
        "The opposition argued that the money would be better spent on buses, which can be "
        "deployed faster and serve more neighbourhoods.",
        f"The regional transport authority said construction would begin in {2025 + number % 3} "
        "and that the first line is expected to open two years later.",
    ])


def rss_bytes() -> int:
    """The resident set size of this process now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class LoadResult:
    exchanges: list[Exchange] = field(default_factory=list)
    lost: list[Exchange] = field(default_factory=list)
    busy: int = 0
    errors: list[str] = field(default_factory=list)  # other ephemeral replies: unexpected
    violations: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def acks(self) -> list[float]:
        return [e.ack_latency for e in self.exchanges if e.ack_latency is not None]

    @property
    def slow_acks(self) -> int:
        return sum(1 for ack in self.acks if ack > ACK_LIMIT)

    def summary(self) -> str:
        acks = self.acks or [float("nan")]
        return (f"{len(self.exchanges)} interactions in {self.elapsed:.1f} s: acks p50 "
                f"{statistics.median(acks):.3f} s, p99 {percentile(acks, 99):.3f} s, max "
                f"{max(acks):.3f} s; over {ACK_LIMIT:.0f} s: {self.slow_acks}; lost: "
                f"{len(self.lost)}; busy replies: {self.busy}; other errors: "
                f"{len(self.errors)}; payload violations: {len(self.violations)}")


async def set_articles(fake: FakeDiscord, channels: int, first: int = 0) -> None:
    for number in range(channels):
        exchange = await fake.command("article", [{"name": "text", "type": 1, "options": [
            {"name": "text", "type": 3, "value": article_text(first + number)}]}],
            channel_id=CHANNEL_ID + 10 + number, timeout=60)
        if exchange.ephemeral:
            raise RuntimeError(f"setting an article failed: {exchange.final.get('content')}")


async def drive(fake: FakeDiscord, *, interactions: int, seconds: float, channels: int,
                settle: float = 120.0) -> LoadResult:
    """Send `interactions` commands evenly over `seconds`, round-robin over `channels`
    channels (articles set with `set_articles`) and many users; wait for every answer."""
    result = LoadResult()
    commands = itertools.cycle(COMMANDS)
    started = time.perf_counter()
    for number in range(interactions):
        due = started + number * seconds / interactions
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        name, options = next(commands)
        result.exchanges.append(await fake.command(
            name, options, wait=False, user_id=10_000 + number % 97,
            channel_id=CHANNEL_ID + 10 + number % channels))

    async def settle_one(exchange: Exchange) -> None:
        try:
            await fake.wait_final(exchange, timeout=settle)
        except TimeoutError:
            result.lost.append(exchange)

    await asyncio.gather(*(settle_one(e) for e in result.exchanges))
    result.elapsed = time.perf_counter() - started
    for exchange in result.exchanges:
        if exchange in result.lost:
            continue
        for message in exchange.messages:
            result.violations.extend(message_violations(message))
        if exchange.ephemeral:
            content = str(exchange.final.get("content"))
            if BUSY in content:
                result.busy += 1
            else:
                result.errors.append(content)
    return result


async def main_async(args: argparse.Namespace) -> bool:
    from bot.app import BriefingBot, discord_endpoints
    from bot.settings import Cooldown, SecretStr, Settings
    from bot.state import State

    work = Path(tempfile.mkdtemp(prefix="bench-bot-load-"))
    started = time.perf_counter()
    if args.analyzer == "real":
        from summarizer.api import Analyzer
        from summarizer.cache import BriefingCache

        analyzer: Any = Analyzer(cache=BriefingCache(work / "cache"))
        await asyncio.to_thread(analyzer.warm_up)
        print(f"embedded models loaded in {time.perf_counter() - started:.1f} s")
    else:
        sys.path.insert(0, str(ROOT / "tests" / "bot"))
        from conftest import FakeAnalyzer

        analyzer = FakeAnalyzer(delay=0.2)
        print("fake analyzer: 0.2 s of blocking work per analysis")

    fake = await FakeDiscord(heartbeat_interval_ms=1000).start()
    settings = Settings(token=SecretStr("bench-token"), db_path=work / "state.db", cache=False,
                        cooldown=Cooldown(rate=0, per=1))
    state = State(settings.db_path)
    with discord_endpoints(fake.api_base, fake.gateway_url):
        bot = BriefingBot(settings, analyzer=analyzer, state=state, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start("bench-token"))
        ok = True
        try:
            await asyncio.wait_for(fake.ready.wait(), 60)
            print(f"{args.interactions} interactions over {args.seconds:.0f} s from "
                  f"{args.channels} channels (one article each), {settings.workers} analysis "
                  f"threads, queue limit {settings.queue_limit}, commands: "
                  f"{', '.join(sorted({n for n, _ in COMMANDS}))}")
            gc.collect()
            start_rss = rss_bytes()
            for number in range(1, args.rounds + 1):
                await set_articles(fake, args.channels, first=number * args.channels)
                gc.collect()
                before = rss_bytes()
                result = await drive(fake, interactions=args.interactions,
                                     seconds=args.seconds, channels=args.channels)
                gc.collect()
                after = rss_bytes()
                print(f"round {number} (new articles): {result.summary()}")
                print(f"round {number}: RSS before {before / 2**20:.1f} MiB, after "
                      f"{after / 2**20:.1f} MiB, growth {(after - before) / 2**20:+.1f} MiB")
                for error in sorted(set(result.errors))[:5]:
                    print(f"  unexpected reply: {error}")
                ok = ok and not (result.lost or result.slow_acks or result.errors
                                 or result.violations)
            print(f"RSS over all rounds: {start_rss / 2**20:.1f} -> {rss_bytes() / 2**20:.1f} "
                  f"MiB ({(rss_bytes() - start_rss) / 2**20:+.1f} MiB)")
        finally:
            await bot.close()
            await asyncio.wait_for(task, 30)
            state.close()
            await fake.stop()
    print("PASS" if ok else "FAIL")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--analyzer", choices=("real", "fake"), default="real")
    return 0 if asyncio.run(main_async(parser.parse_args())) else 1


if __name__ == "__main__":
    sys.exit(main())
