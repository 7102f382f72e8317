"""Fixtures for the bot tests: the fake Discord, a fake analyzer for fast unit tests, the real
embedded-model analyzer (loaded once per session), and a helper that runs the real bot
against the fake on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fake_discord` and `bot` import from the checkout
    sys.path.insert(0, str(ROOT))

from bot.app import BriefingBot, discord_endpoints  # noqa: E402
from bot.settings import Cooldown, SecretStr, Settings  # noqa: E402
from bot.state import State  # noqa: E402
from summarizer.api import AnalysisOptions, Analyzer  # noqa: E402
from summarizer.cache import CacheStats  # noqa: E402
from summarizer.types import (  # noqa: E402
    Actor,
    Article,
    Briefing,
    Bullet,
    ModelInfo,
    Quote,
    Topic,
)
from tests.fake_discord import Exchange, FakeDiscord, message_violations  # noqa: E402
from tests.fake_discord.server import GUILD_ID, OTHER_CHANNEL_ID  # noqa: E402

TOKEN = "fake.bot-token.do-not-log-me-7f3a9c"


# Building interactions and reading replies: shared by the test modules --------------------
def option(name: str, value: Any, kind: int = 3, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "value": value, **extra}


def sub(name: str, *options: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "type": 1, "options": list(options)}]


def check_clean(exchange: Exchange) -> None:
    """Every message sent respects Discord's limits and pings no one."""
    assert exchange.messages, exchange.requests
    for message in exchange.messages:
        assert message_violations(message) == []


def description(exchange: Exchange) -> str:
    return "\n".join(e.get("description") or "" for e in exchange.final["embeds"])


def schedule_set(timezone: str) -> list[dict[str, Any]]:
    """`/schedule set` posting daily at 09:00 in `timezone` to OTHER_CHANNEL_ID (pass
    `resolved=RESOLVED` with it)."""
    return sub("set", option("channel", str(OTHER_CHANNEL_ID), kind=7),
               option("time", "09:00"), option("timezone", timezone))


RESOLVED = {"channels": {str(OTHER_CHANNEL_ID): {
    "id": str(OTHER_CHANNEL_ID), "type": 0, "name": "briefings", "guild_id": str(GUILD_ID),
    "permissions": "0"}}}


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeAnalyzer:
    """Builds a deterministic briefing from the article's own paragraphs; optional delay."""

    def __init__(self, delay: float = 0.0, *, many: int = 0, hostile: bool = False) -> None:
        self.delay = delay
        self.many = many
        self.hostile = hostile
        self.calls: list[tuple[str, AnalysisOptions]] = []
        self._lock = threading.Lock()
        self.error: Exception | None = None

    def analyse(self, article: Article, options: AnalysisOptions | None = None) -> Briefing:
        options = options or AnalysisOptions()
        with self._lock:
            self.calls.append((article.digest, options))
        if self.delay:
            time.sleep(self.delay)  # a blocking call, like the real models
        if self.error is not None:
            raise self.error
        paragraphs = article.paragraphs
        noise = " @everyone <@123456789012345678> **bold**" if self.hostile else ""
        bullets = tuple(Bullet(p.sentences[0].text + noise if p.sentences else p.text,
                               (p.number,)) for p in paragraphs[: options.length])
        labels = options.labels or ("politics", "business", "technology", "sport")
        extra = tuple(f"extra topic {i}" for i in range(self.many))
        topics = tuple(Topic(label, 0.9 - i * 0.1, (1 + i % len(paragraphs), 2),
                             (Bullet("Topic bullet" + noise, (1,)),))
                       for i, label in enumerate((*labels, *extra)))
        actors = (
            Actor("Vladimir Putin", "person", "President of Russia", ("Putin",), 7, (1, 2, 3)),
            Actor("Xi Jinping", "person", "Chinese leader", ("Xi",), 5, (1, 4)),
            Actor("Kremlin", "organization", None, (), 2, (5,)),
            Actor("Beijing", "place", None, (), 3, (2, 6)),
            *(Actor(f"Person {i}" + noise, "person", "x" * 200, (), 1, (i % 9 + 1,))
              for i in range(self.many)),
        )
        quotes = (
            Quote("Vladimir Putin", "said", "Relations are at their best" + noise, "direct", 2),
            Quote("Xi Jinping", "told", "the partnership would deepen", "reported", 4),
            *(Quote(f"Person {i}", "said", "q" * 1500, "direct", 3) for i in range(self.many)),
        )
        return Briefing(
            article=article, models=self.model_info(),
            summary=bullets if "summary" in options.sections else None,
            topics=topics if "topics" in options.sections else None,
            actors=actors if "actors" in options.sections else None,
            quotes=quotes if "quotes" in options.sections else None,
        )

    def model_info(self) -> ModelInfo:
        return ModelInfo("fake-summary", "fake-topics", "fake-entities")

    def warm_up(self) -> None:
        return None

    def cache_stats(self) -> CacheStats | None:
        return CacheStats(entries=3, bytes=4096, hits=1, misses=2)


def make_settings(db_path: Path, **changes: Any) -> Settings:
    """The bot's settings for a test, by field name: no cache, links on loopback allowed (the
    fake sites run there), no cooldown. Built directly, so the shell's variables never count."""
    values: dict[str, Any] = {"token": SecretStr(TOKEN), "db_path": db_path, "cache": False,
                              "allow_private_urls": True, "cooldown": Cooldown(rate=0, per=1)}
    return Settings(**{**values, **changes})


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord(heartbeat_interval_ms=400).start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 5, 21, 6, 0, tzinfo=UTC))


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, analyzer: Any, db_path: Path, *, clock: Callable[[], datetime] | None = None,
    busy_timeout: float = 5.0, warm_up: bool = True, **settings_changes: Any,
) -> AsyncIterator[BriefingBot]:
    """The real bot, logged into the fake Discord, until the block ends."""
    settings = make_settings(db_path, **settings_changes)
    state = State(db_path, busy_timeout=busy_timeout)
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    with discord_endpoints(fake.api_base, fake.gateway_url):
        bot = BriefingBot(settings, analyzer=analyzer, state=state, guild_ready_timeout=0.05,
                          schedule_interval=3600, warm_up=warm_up, **extra)
        fake.ready.clear()
        task = asyncio.create_task(bot.start(settings.token.get_secret_value()))
        try:
            ready = asyncio.ensure_future(fake.ready.wait())
            await asyncio.wait({ready, task}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()  # the bot stopped: raise its error here
                raise RuntimeError("the bot stopped before connecting")
            if not ready.done():
                ready.cancel()
                raise TimeoutError("the bot did not connect to the fake Discord in 15 s")
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 10)
            state.close()


@pytest.fixture(scope="session")
def real_analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    """The core Analyzer on the embedded models, loaded once, with an on-disk cache."""
    from summarizer.cache import BriefingCache

    analyzer = Analyzer(cache=BriefingCache(tmp_path_factory.mktemp("cache")))
    analyzer.warm_up()
    return analyzer
