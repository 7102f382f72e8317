"""What the command modules work with, in one small object handed to each at construction:
the settings, the analysis worker, the state, the channels' articles, the thread pools, the
cooldowns, the feed poller and the clock.

    services = build_services(settings, analyzer=analyzer, state=State(path))
    cog = AnalysisCommands(services)

No command module imports the bot class (`bot.app`): the bot builds the services, adds the
cogs and runs the Discord client; the cogs reach everything else through `Services`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.articles import ChannelArticles
from bot.cooldowns import Cooldowns
from bot.feeds import FeedPoller
from bot.pools import Pools
from bot.schedule import Clock, utc_now
from bot.settings import Settings
from bot.state import State
from bot.worker import AnalysisWorker, SupportsAnalyse
from summarizer.api import AnalysisOptions
from summarizer.cache import CacheStats
from summarizer.errors import ModelError
from summarizer.types import ModelInfo

log = logging.getLogger(__name__)


class AnalyzerLike(SupportsAnalyse, Protocol):
    """What the bot needs from `summarizer.Analyzer` (fakes in tests satisfy it too)."""

    def model_info(self) -> ModelInfo: ...
    def warm_up(self) -> None: ...
    def cache_stats(self) -> CacheStats | None: ...


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

    async def load_models(self) -> None:
        """Load the models in the analysis pool, so the first request does not pay for it
        (and queues behind it rather than loading twice). Never raises: the bot stays up
        either way."""
        try:
            # On a new machine this includes the one-time encoder export (about 20 s), which
            # the core reports through the log; only then is the bot ready to analyse.
            await self.worker.run(self.analyzer.warm_up)
            log.info("models loaded: ready to analyse")
        except ModelError as error:
            # Article commands still work; analyses answer that the models are unavailable,
            # and try loading again.
            log.error("the analysis models failed to load: %s", error)
        except Exception:
            log.exception("the analysis models failed to load")

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
