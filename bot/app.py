"""The bot: wiring. An AutoShardedBot that builds the services from its dependencies, adds the
command cogs, runs the daily scheduler and the feed poller, starts loading the models while
it connects, and stops gracefully.

    bot = BriefingBot(settings, analyzer=analyzer, state=State(path))
    async with bot:
        await bot.start(token)

What the commands do lives in `bot.commands` (cogs over `bot.services.Services`), loading the
models in `Services.load_models`, what the daily post says in `bot.daily`, and publishing the
commands in `bot.commands.sync`: commands are never synced here (not on start, not in
on_ready).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.commands import build_commands
from bot.commands.common import send_error
from bot.daily import post_daily_briefing
from bot.errors import user_message
from bot.formatting import QUIET
from bot.schedule import Clock, Scheduler, utc_now
from bot.services import AnalyzerLike, Services, build_services
from bot.settings import Settings
from bot.state import Schedule, State

log = logging.getLogger(__name__)
RESTARTING = "The bot is restarting; try again in a minute."


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
        self.services: Services = build_services(settings, analyzer=analyzer, state=state,
                                                 clock=clock)
        self.scheduler = Scheduler(
            state, self._post_daily_briefing, clock=clock,
            grace=timedelta(minutes=settings.schedule_grace_minutes),
            interval=schedule_interval,
        )
        self._run_scheduler = run_scheduler
        self._warm_up = warm_up
        self._warm_up_task: asyncio.Task[None] | None = None
        self.draining = False
        self._interactions: set[asyncio.Task[Any]] = set()

    async def setup_hook(self) -> None:
        wired = build_commands(self.services)
        for cog in wired.cogs:
            await self.add_cog(cog)
        for menu in wired.menus:
            self.tree.add_command(menu)
        if self._warm_up:  # while the gateway connects
            self._warm_up_task = self.loop.create_task(self.services.load_models(),
                                                       name="warm-up")
        if self._run_scheduler:
            self.scheduler.start()
            self.services.feeds.start()

    async def _post_daily_briefing(self, schedule: Schedule, day: date) -> None:
        channel = self.get_partial_messageable(schedule.channel_id, guild_id=schedule.guild_id)
        await post_daily_briefing(self.services, channel, schedule, day)

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
        await self.services.feeds.stop()
        await super().close()
        self.services.close()


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
