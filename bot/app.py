"""The bot: an AutoShardedBot that receives its dependencies in its constructor.

    bot = BriefingBot(settings, analyzer=analyzer, state=State(path))
    async with bot:
        await bot.start(token)

Commands are never synced here (not on start, not in on_ready): see `sync_commands`, used by
`briefing-bot sync` and the owner-only `/sync` command.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.errors import BotError, send_error, user_message
from bot.feeds import FeedPoller
from bot.formatting import briefing_embed, digest_pages
from bot.schedule import Clock, Scheduler, utc_now
from bot.settings import Settings
from bot.state import Added, Schedule, State
from bot.worker import AnalysisWorker, SupportsAnalyse
from summarizer.api import AnalysisOptions
from summarizer.article import sample_article
from summarizer.errors import ModelError
from summarizer.types import Article, ModelInfo

log = logging.getLogger(__name__)
QUIET = discord.AllowedMentions.none()
T = TypeVar("T")


class AnalyzerLike(SupportsAnalyse, Protocol):
    """What the bot needs from `summarizer.Analyzer` (fakes in tests satisfy it too)."""

    def model_info(self) -> ModelInfo: ...
    def warm_up(self) -> None: ...
    def cache_stats(self) -> tuple[int, int, int, int] | None: ...


class CoreAnalyzer:
    """Adapts `summarizer.api.Analyzer` to `AnalyzerLike`."""

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer

    def analyse(self, article: Article, options: AnalysisOptions | None = None) -> Any:
        return self.analyzer.analyse(article, options)

    def model_info(self) -> ModelInfo:
        info: ModelInfo = self.analyzer.backends.model_info()
        return info

    def warm_up(self) -> None:
        self.analyzer.backends.warm_up()

    def cache_stats(self) -> tuple[int, int, int, int] | None:
        if self.analyzer.cache is None:
            return None
        stats = self.analyzer.cache.stats()
        return stats.entries, stats.bytes, stats.hits, stats.misses


RESTARTING = "The bot is restarting; try again in a minute."
MAX_POSTED_PAGES = 5  # a daily digest posts at most this many messages
FETCH_THREADS = 4  # links loaded at once, all users together (each has its own deadline)
FETCHES_PER_USER = 2


class BriefingTree(app_commands.CommandTree["BriefingBot"]):
    async def on_error(self, interaction: discord.Interaction[BriefingBot],
                       error: app_commands.AppCommandError) -> None:
        await send_error(interaction, user_message(error))

    async def interaction_check(self, interaction: discord.Interaction[BriefingBot], /) -> bool:
        if self.client.draining:
            raise app_commands.CheckFailure(RESTARTING)
        return True

    async def _call(self, interaction: discord.Interaction[BriefingBot]) -> None:
        # discord.py (checked with 2.7.1) runs each interaction in its own task, which calls
        # this and then the error handler: remembering the task lets a shutdown wait for
        # the reply, error replies included.
        task = asyncio.current_task()
        if task is not None:
            self.client.track(task)
        await super()._call(interaction)


class BriefingBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        *,
        analyzer: AnalyzerLike,
        state: State,
        clock: Clock = utc_now,
        run_scheduler: bool = True,
        warm_up: bool = True,
        schedule_interval: float = 30.0,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=QUIET,
            tree_cls=BriefingTree,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.analyzer = analyzer
        self.state = state
        self.worker = AnalysisWorker(analyzer, threads=settings.workers,
                                     queue_limit=settings.queue_limit)
        # Fetching links and writing the database each get their own threads: a dozen
        # slow-drip URLs once held every thread of the shared default pool, and another
        # user's one-line /article text waited 19 s behind them.
        self.fetch_pool = ThreadPoolExecutor(max_workers=FETCH_THREADS,
                                             thread_name_prefix="fetch")
        self.store_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sqlite")
        self.fetching: dict[int, int] = {}  # user id -> links being loaded
        self.scheduler = Scheduler(
            state, self.post_daily_briefing, clock=clock,
            grace=timedelta(minutes=settings.schedule_grace_minutes),
            interval=schedule_interval,
        )
        self.feed_poller = FeedPoller(
            self, clock=clock, interval=timedelta(minutes=settings.feed_poll_minutes))
        self._run_scheduler = run_scheduler
        self._warm_up = warm_up
        self._warm_up_task: asyncio.Task[None] | None = None
        self._sample: Article | None = None
        self.cooldowns: dict[int, app_commands.Cooldown] = {}
        self._articles: dict[int, Article] = {}
        self.draining = False
        self._interactions: set[asyncio.Task[Any]] = set()

    async def setup_hook(self) -> None:
        from bot.commands import about, analysis, article, brief, digest, feed, schedule

        for module in (analysis, article, digest, brief, feed, schedule, about):
            await module.setup(self)
        if self._warm_up:
            # Load the models in the analysis pool while the gateway connects, so the first
            # request does not pay for it (and queues behind it rather than loading twice).
            self._warm_up_task = self.loop.create_task(self._load_models(), name="warm-up")
        if self._run_scheduler:
            self.scheduler.start()
            self.feed_poller.start()

    async def _load_models(self) -> None:
        try:
            # On a new machine this includes the one-time encoder export (about 20 s), which
            # the core reports through the log; only then is the bot ready to analyse.
            await self.worker.run(self.analyzer.warm_up)
            log.info("models loaded: ready to analyse")
        except ModelError as error:
            # The bot stays up (article commands work); analyses answer that the models are
            # unavailable, and try loading again.
            log.error("the analysis models failed to load: %s", error)
        except Exception:
            log.exception("the analysis models failed to load")

    def track(self, task: asyncio.Task[Any]) -> None:
        """Remember a running interaction until it is done (see `shutdown`)."""
        self._interactions.add(task)
        task.add_done_callback(self._interactions.discard)

    @property
    def in_flight(self) -> int:
        return sum(not task.done() for task in self._interactions)

    async def shutdown(self, grace: float = 20.0) -> None:
        """Stop gracefully (SIGTERM): refuse new commands, give those running `grace` seconds
        to send their replies, then close the connection and the analysis pool."""
        self.draining = True
        await self.scheduler.stop(grace)
        running = {t for t in self._interactions if not t.done()}
        if running:
            log.info("shutting down: waiting up to %.0f s for %d commands", grace, len(running))
            _, late = await asyncio.wait(running, timeout=grace)
            if late:
                log.warning("shutting down: %d commands did not finish in time", len(late))
        await self.close()

    async def close(self) -> None:
        await self.scheduler.stop()
        await self.feed_poller.stop()
        await super().close()
        self.worker.close()
        # A fetch stops by itself within its deadline; nothing waits for it here.
        self.fetch_pool.shutdown(wait=False, cancel_futures=True)
        self.store_pool.shutdown(wait=True)

    # The article a channel is talking about ----------------------------------------------
    def article_for(self, channel_id: int | None) -> Article:
        """The channel's article (parsed once, then kept), or the bundled sample."""
        if channel_id is not None:
            article = self._articles.get(channel_id)
            if article is None:
                article = self.state.article(channel_id)
                if article is not None:
                    self._articles[channel_id] = article
                    while len(self._articles) > 256:
                        self._articles.pop(next(iter(self._articles)))
            if article is not None:
                return article
        if self._sample is None:
            self._sample = sample_article()
        return self._sample

    async def store(self, write: Callable[..., T], *args: Any) -> T:
        """Run a `State` write in a thread: waiting for another process's lock on the file
        (SQLite's busy timeout) must not stall the event loop and every other user."""
        return await asyncio.get_running_loop().run_in_executor(self.store_pool, write, *args)

    async def fetch(self, user_id: int, load: Callable[..., T], *args: Any) -> T:
        """Run a fetch (`load(*args)`) in the fetch threads, at most FETCHES_PER_USER of one
        user's at a time, so one user's slow links can neither fill the pool nor the queue.

        Raises:
            BotError: the user already has that many links loading.
        """
        if self.fetching.get(user_id, 0) >= FETCHES_PER_USER:
            raise BotError(f"You already have {FETCHES_PER_USER} links loading; try again "
                           "when they are done.")
        self.fetching[user_id] = self.fetching.get(user_id, 0) + 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.fetch_pool, load, *args)
        finally:
            self.fetching[user_id] -= 1
            if not self.fetching[user_id]:
                del self.fetching[user_id]

    async def set_article(self, channel_id: int, guild_id: int | None,
                          article: Article | None, set_by: int | None) -> Added | None:
        """Add `article` to the channel's list as its current article (or, with None, go
        back to the sample; the list stays)."""
        added = None
        if article is None:
            await self.store(self.state.reset_article, channel_id)
        else:
            added = await self.store(partial(self.state.add_entry, make_current=True),
                                     channel_id, guild_id, article, set_by)
        self._articles.pop(channel_id, None)
        return added

    async def add_to_list(self, channel_id: int, guild_id: int | None, article: Article,
                          added_by: int | None, *, via: str = "command") -> Added:
        """Add `article` to the channel's reading list (the current article changes only
        when the channel had none)."""
        added = await self.store(partial(self.state.add_entry, via=via),
                                 channel_id, guild_id, article, added_by)
        self._articles.pop(channel_id, None)
        return added

    async def changed_list(self, channel_id: int) -> None:
        """Forget the cached current article after entries were removed."""
        self._articles.pop(channel_id, None)

    def options_for(self, guild_id: int | None, **values: Any) -> AnalysisOptions:
        return AnalysisOptions(labels=self.state.labels(guild_id), **values)

    async def post_daily_briefing(self, schedule: Schedule, day: date) -> None:
        """The daily post: a digest when more than one article joined the channel's list
        since the last post, otherwise the briefing of the channel's article."""
        from bot.digests import make_digest

        channel_id = schedule.channel_id
        since = self.state.posted_through(channel_id)
        entries = self.state.entries(channel_id)
        fresh = [e for e in entries if e.id > since]
        channel = self.get_partial_messageable(channel_id, guild_id=schedule.guild_id)
        heading = f"Daily briefing {day.isoformat()}"
        if len(fresh) > 1:
            digest = await make_digest(self, channel_id, schedule.guild_id, fresh)
            pages = digest_pages(digest, heading=f"{heading}: digest")
            # One message per page (each page is within one message's limits); a very long
            # digest is cut, and the last message says so.
            for page in pages[:MAX_POSTED_PAGES]:
                await channel.send(embed=page, allowed_mentions=QUIET)
            if len(pages) > MAX_POSTED_PAGES:
                await channel.send(f"{len(pages) - MAX_POSTED_PAGES} more pages: use /digest "
                                   "to page through all of it.", allowed_mentions=QUIET)
        else:
            article = self.article_for(channel_id)
            briefing = await self.worker.analyse(article, self.options_for(schedule.guild_id))
            await channel.send(embed=briefing_embed(briefing, heading=heading),
                               allowed_mentions=QUIET)
        if entries:
            await self.store(self.state.set_posted_through, channel_id, entries[-1].id)
        log.info("posted the daily briefing for guild %s", schedule.guild_id)


async def sync_commands(bot: BriefingBot, guild_id: int | None) -> list[app_commands.AppCommand]:
    """Push the command tree to Discord: to one guild (instant, for development) or globally."""
    if guild_id is None:
        return await bot.tree.sync()
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)


@contextlib.contextmanager
def discord_endpoints(api_base: str | None, gateway_url: str | None) -> Iterator[None]:
    """Point discord.py at another REST base / gateway (tests, compatible servers); restore
    the defaults afterwards."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved_base, saved_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        if api_base:
            Route.BASE = api_base
        if gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        yield
    finally:
        Route.BASE = saved_base
        DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
