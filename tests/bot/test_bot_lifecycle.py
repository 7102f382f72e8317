"""Scheduled briefings, restarts, heartbeats under load, concurrency, and the entry point."""

from __future__ import annotations

import asyncio
import itertools
import logging
import statistics
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import (
    RESOLVED,
    TOKEN,
    FakeAnalyzer,
    FakeClock,
    make_settings,
    running_bot,
    schedule_set,
)

from bot.__main__ import main, sync
from bot.app import discord_endpoints
from tests.fake_discord import FakeDiscord, message_violations
from tests.fake_discord.server import GUILD_ID, OTHER_CHANNEL_ID

SCHEDULE = schedule_set("Europe/Paris")
POSTS = f"/channels/{OTHER_CHANNEL_ID}/messages"


def posts(fake: FakeDiscord) -> list[dict]:
    return [r.json for r in fake.requests_to("POST", POSTS)]


async def test_scheduled_briefing_fires_once(fake: FakeDiscord, tmp_path: Path) -> None:
    # 06:00 UTC is 08:00 in Paris (summer time): the 09:00 briefing is still to come.
    clock = FakeClock(datetime(2024, 5, 21, 6, 0, tzinfo=UTC))
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db", clock=clock) as bot:
        await fake.command("schedule", SCHEDULE, resolved=RESOLVED)
        assert await bot.scheduler.run_due() == 0
        clock.now = datetime(2024, 5, 21, 6, 59, 59, tzinfo=UTC)
        assert await bot.scheduler.run_due() == 0
        clock.now = datetime(2024, 5, 21, 7, 0, 5, tzinfo=UTC)
        assert await bot.scheduler.run_due() == 1
        assert await bot.scheduler.run_due() == 0  # never twice
        clock.now += timedelta(minutes=30)
        assert await bot.scheduler.run_due() == 0
        [message] = posts(fake)
        assert message_violations(message) == []
        assert message["embeds"][0]["title"].startswith("Daily briefing 2024-05-21")
        # The next day it fires again.
        clock.now = datetime(2024, 5, 22, 7, 1, tzinfo=UTC)
        assert await bot.scheduler.run_due() == 1
    assert len(posts(fake)) == 2


async def test_restart_keeps_state_and_catches_up_once(fake: FakeDiscord,
                                                       tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    clock = FakeClock(datetime(2024, 5, 21, 6, 0, tzinfo=UTC))
    text = ("Title: Bridge reopens\n\n" + "The old bridge over the river reopened on Monday "
            "after two years of repairs, the city said in a statement. " * 3)
    async with running_bot(fake, FakeAnalyzer(), db, clock=clock):
        await fake.command("schedule", SCHEDULE, resolved=RESOLVED)
        await fake.command("topics", [{"name": "labels", "type": 3, "value": "roads, rivers"},
                                      {"name": "save", "type": 5, "value": True}])
        await fake.command("article", [{"name": "text", "type": 1, "options": [
            {"name": "text", "type": 3, "value": text}]}], channel_id=OTHER_CHANNEL_ID)

    # Down at 09:00 Paris time; back at 09:40, within the hour of grace: posts once on start.
    clock.now = datetime(2024, 5, 21, 7, 40, tzinfo=UTC)
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, db, clock=clock) as bot:
        await fake.wait_for(lambda: posts(fake), timeout=10)
        shown = await fake.command("article", [{"name": "show", "type": 1, "options": []}],
                                   channel_id=OTHER_CHANNEL_ID)
        assert shown.final["embeds"][0]["fields"][0]["value"] == "Bridge reopens"
        assert bot.services.state.labels(GUILD_ID) == ("roads", "rivers")
    [posted] = posts(fake)
    assert "Bridge reopens" in posted["embeds"][0]["title"]
    assert analyzer.calls[0][1].labels == ("roads", "rivers")

    # Restarted again the same morning: nothing more.
    async with running_bot(fake, FakeAnalyzer(), db, clock=clock) as bot:
        assert await bot.scheduler.run_due() == 0
    assert len(posts(fake)) == 1

    # Down for the whole grace period the next day: that day is skipped, not posted late.
    clock.now = datetime(2024, 5, 22, 8, 30, tzinfo=UTC)
    async with running_bot(fake, FakeAnalyzer(), db, clock=clock) as bot:
        assert await bot.scheduler.run_due() == 0
    assert len(posts(fake)) == 1


async def test_heartbeats_continue_during_slow_analysis(fake: FakeDiscord,
                                                        tmp_path: Path) -> None:
    interval = fake.heartbeat_interval_ms / 1000
    async with running_bot(fake, FakeAnalyzer(delay=3.0), tmp_path / "s.db"):
        exchange = await fake.command("briefing", wait=False)
        await fake.wait_for(lambda: exchange.callback, timeout=3)
        start = len(fake.heartbeats)
        await fake.wait_final(exchange, timeout=20)
        beats = fake.heartbeats[max(0, start - 1):]
    assert len(beats) >= 5
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert max(gaps) <= 1.5 * interval, gaps


async def test_fifty_concurrent_commands_acknowledged(fake: FakeDiscord,
                                                      tmp_path: Path) -> None:
    analyzer = FakeAnalyzer(delay=0.5)
    async with running_bot(fake, analyzer, tmp_path / "s.db"):
        names = ["summary", "topics", "actors", "quotes", "briefing"]
        exchanges = await asyncio.gather(*(
            fake.command(names[i % 5], user_id=500 + i, wait=False) for i in range(50)))
        await asyncio.gather(*(fake.wait_final(e, timeout=30) for e in exchanges))
    latencies = [e.ack_latency for e in exchanges]
    assert all(lat is not None and lat < 3.0 for lat in latencies), latencies
    assert all(e.callback is not None and e.callback.json["type"] == 5 for e in exchanges)
    assert all(message_violations(e.final) == [] and not e.ephemeral for e in exchanges)
    # Identical requests share one analysis: five distinct requests, five runs.
    assert len(analyzer.calls) == 5
    print(f"ack p50 {statistics.median(latencies):.3f} s, max {max(latencies):.3f} s")


async def test_busy_when_queue_is_full(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(delay=1.0), tmp_path / "s.db", queue_limit=1,
                           workers=1):
        first = await fake.command("summary", wait=False)
        await fake.wait_for(lambda: first.callback)
        second = await fake.command("actors")
        assert second.ephemeral and "busy" in second.final["content"]
        await fake.wait_final(first)
        assert not first.ephemeral


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """main() configures the root logger; put it back for the tests that follow."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_no_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err and "Traceback" not in err


@pytest.mark.usefixtures("restore_logging")
def test_refused_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from aiohttp import web

    async def unauthorized(_: web.Request) -> web.Response:
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", unauthorized)

    async def serve_and_run() -> int:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        monkeypatch.setenv("DISCORD_API_BASE", f"http://127.0.0.1:{port}/api/v10")
        try:
            return await asyncio.to_thread(main, [])
        finally:
            await runner.cleanup()

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("BRIEFING_DB_PATH", str(tmp_path / "s.db"))
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    assert asyncio.run(serve_and_run()) == 1
    captured = capsys.readouterr()
    assert "refused the token" in captured.err
    assert TOKEN not in captured.err + captured.out and "Traceback" not in captured.err


async def test_cli_sync_to_a_guild(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "s.db")
    with discord_endpoints(fake.api_base, fake.gateway_url):
        assert await sync(settings, GUILD_ID) == 0
    assert not fake.identifies  # sync logs in over REST only: no gateway session
    names = {c["name"] for c in fake.commands[str(GUILD_ID)]}
    assert "briefing" in names and "article" in names
    with discord_endpoints(fake.api_base, fake.gateway_url):
        assert await sync(settings, None) == 0
    assert {c["name"] for c in fake.commands["global"]} == names
