"""Acknowledgement latency and time to the final answer for 50 concurrent slash commands,
through the real discord.py client and the fake Discord on loopback, with the analysis on the
embedded models.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_bot.py [--commands 50] [--rounds 2]

Round 1 analyses a text never seen before (every section runs on the models); later rounds
ask again (answers come from memory/the cache). Target: p99 acknowledgement <= 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import percentile  # noqa: E402
from bot.app import BriefingBot, discord_endpoints  # noqa: E402
from bot.settings import Cooldown, SecretStr, Settings  # noqa: E402
from bot.state import State  # noqa: E402
from tests.fake_discord import FakeDiscord  # noqa: E402

COMMANDS = ["briefing", "summary", "topics", "actors", "quotes"]
TARGET_P99_ACK = 0.5
PARAGRAPHS = [
    "The city council of Norhaven voted on Tuesday to extend the tram network to the eastern "
    "districts, a project that will cost 240 million euros over six years.",
    "Mayor Clara Jensen said the new lines would cut commuting times in half for tens of "
    "thousands of residents. \"This is the biggest investment in public transport in a "
    "generation,\" she told reporters after the vote.",
    "The opposition leader, Henrik Dahl, argued that the money would be better spent on "
    "buses, which can be deployed faster and serve more neighbourhoods.",
    "The regional transport authority said construction would begin next spring, and the "
    "first line is expected to open in 2027.",
]


async def run(commands: int, rounds: int) -> bool:
    from summarizer.api import Analyzer
    from summarizer.cache import BriefingCache

    work = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    started = time.perf_counter()
    analyzer = Analyzer(cache=BriefingCache(work / "cache"))
    await asyncio.to_thread(analyzer.warm_up)
    print(f"models loaded in {time.perf_counter() - started:.1f} s")

    fake = await FakeDiscord(heartbeat_interval_ms=1000).start()
    settings = Settings(token=SecretStr("bench-token"), db_path=work / "state.db", cache=False,
                        cooldown=Cooldown(rate=0, per=1))
    state = State(settings.db_path)
    ok = True
    with discord_endpoints(fake.api_base, fake.gateway_url):
        bot = BriefingBot(settings, analyzer=analyzer, state=state, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start("bench-token"))
        await asyncio.wait_for(fake.ready.wait(), 30)
        text = "Title: Norhaven extends its tram network\n\n" + "\n\n".join(PARAGRAPHS) + (
            f"\n\nThe final vote, recorded as session {uuid.uuid4().hex[:8]}, was 31 to 12.")
        await fake.command("article", [{"name": "text", "type": 1, "options": [
            {"name": "text", "type": 3, "value": text}]}])
        print(f"{commands} concurrent commands ({', '.join(COMMANDS)}, one user each), "
              f"{settings.workers} analysis threads, one article: 5 distinct analyses, "
              "the rest shared")
        for number in range(1, rounds + 1):
            names = itertools.cycle(COMMANDS)
            beats_before = len(fake.heartbeats)
            t0 = time.perf_counter()
            exchanges = await asyncio.gather(*(
                fake.command(next(names), user_id=10_000 + i, wait=False)
                for i in range(commands)))
            await asyncio.gather(*(fake.wait_final(e, timeout=300) for e in exchanges))
            wall = time.perf_counter() - t0
            acks = [e.ack_latency or float("inf") for e in exchanges]
            finals = [e.requests[-1].at - e.sent_at for e in exchanges]
            errors = sum(1 for e in exchanges if e.ephemeral)
            beats = fake.heartbeats[max(0, beats_before - 1):]
            gap = max((b - a for a, b in itertools.pairwise(beats)), default=float("nan"))
            label = "fresh text" if number == 1 else "repeat"
            print(f"round {number} ({label}): ack p50 {statistics.median(acks) * 1000:.0f} ms, "
                  f"p99 {percentile(acks, 99) * 1000:.0f} ms, max {max(acks) * 1000:.0f} ms | "
                  f"final answer p50 {statistics.median(finals):.2f} s, "
                  f"p99 {percentile(finals, 99):.2f} s | all done in {wall:.2f} s | "
                  f"errors {errors} | longest heartbeat gap {gap:.2f} s (interval 1.00 s)")
            ok = ok and percentile(acks, 99) <= TARGET_P99_ACK and errors == 0
        await bot.close()
        await task
    state.close()
    await fake.stop()
    print(f"target p99 ack <= {TARGET_P99_ACK} s: {'met' if ok else 'NOT met'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    return 0 if asyncio.run(run(args.commands, args.rounds)) else 1


if __name__ == "__main__":
    sys.exit(main())
