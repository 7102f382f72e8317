"""What the command modules work with, in one small object handed to each at construction:
the settings, the analysis worker, the state, the channels' articles, the thread pools, the
cooldowns, the feed poller and the clock.

    services = build_services(settings, analyzer=analyzer, state=State(path))
    cog = AnalysisCommands(services)

No command module imports the bot class (`bot.app`): the bot builds the services, adds the
cogs and runs the Discord client; the cogs reach everything else through `Services`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from discord import app_commands

from bot.articles import ChannelArticles
from bot.feeds import FeedPoller
from bot.pools import Pools
from bot.schedule import Clock, utc_now
from bot.settings import Cooldown, Settings
from bot.state import State
from bot.worker import AnalysisWorker, SupportsAnalyse
from summarizer.api import AnalysisOptions
from summarizer.cache import CacheStats
from summarizer.types import ModelInfo

FORGET_COOLDOWNS_AFTER = 10_000  # users with a bucket before idle ones are forgotten


class AnalyzerLike(SupportsAnalyse, Protocol):
    """What the bot needs from `summarizer.Analyzer` (fakes in tests satisfy it too)."""

    def model_info(self) -> ModelInfo: ...
    def warm_up(self) -> None: ...
    def cache_stats(self) -> CacheStats | None: ...


class Cooldowns:
    """Each user's bucket of the shared cooldown (BRIEFING_COOLDOWN). Kept per bot, not in a
    decorator, so two bots in one process (tests, a restart) never share them."""

    def __init__(self, setting: Cooldown) -> None:
        self.setting = setting
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def charge(self, user_id: int) -> None:
        """Take one turn from the user's cooldown. The analysis commands call it only once
        they know the answer is not already at hand, so asking /summary, /topics, /actors and
        /quotes about an article analysed a moment ago costs nothing.

        Raises:
            CommandOnCooldown: none is left.
        """
        if self.setting.rate == 0:
            return
        now = time.time()
        if len(self._buckets) > FORGET_COOLDOWNS_AFTER:  # users whose window has long passed
            for user in [u for u, b in self._buckets.items() if b.get_tokens(now) == b.rate]:
                del self._buckets[user]
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = app_commands.Cooldown(self.setting.rate,
                                                                    self.setting.per)
        retry_after = bucket.update_rate_limit(now)
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)


@dataclass(frozen=True)
class Services:
    """Everything a command module needs, built once per bot."""

    settings: Settings
    analyzer: AnalyzerLike
    worker: AnalysisWorker
    state: State
    articles: ChannelArticles
    pools: Pools
    cooldowns: Cooldowns
    feeds: FeedPoller
    clock: Clock

    def options_for(self, guild_id: int | None, **values: Any) -> AnalysisOptions:
        """Analysis options with the server's saved topic labels."""
        return AnalysisOptions(labels=self.state.labels(guild_id), **values)

    def close(self) -> None:
        """Stop the threads (the state is closed by whoever opened it)."""
        self.worker.close()
        self.pools.close()


def build_services(settings: Settings, *, analyzer: AnalyzerLike, state: State,
                   clock: Clock = utc_now) -> Services:
    pools = Pools()
    articles = ChannelArticles(state, pools)
    feeds = FeedPoller(state, pools, articles, allow_private=settings.allow_private_urls,
                       clock=clock, interval=timedelta(minutes=settings.feed_poll_minutes))
    worker = AnalysisWorker(analyzer, threads=settings.workers, queue_limit=settings.queue_limit)
    return Services(settings=settings, analyzer=analyzer, worker=worker, state=state,
                    articles=articles, pools=pools, cooldowns=Cooldowns(settings.cooldown),
                    feeds=feeds, clock=clock)
