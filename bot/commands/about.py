"""/about (version, models, cache figures) and the owner-only /sync."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app import BriefingBot, sync_commands
from bot.commands.common import QUIET
from bot.errors import BotError
from bot.formatting import AboutFacts, about_embed


class AboutCommands(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    def facts(self) -> AboutFacts:
        models = self.bot.analyzer.model_info()
        stats = self.bot.analyzer.cache_stats()
        entries, size, hits, misses = stats if stats is not None else (None, None, None, None)
        return AboutFacts(
            version=__version__,
            summary_model=models.summary, topic_model=models.topics,
            entity_model=models.entities,
            cache_entries=entries, cache_bytes=size, cache_hits=hits, cache_misses=misses,
            analyses_started=self.bot.worker.started, analyses_shared=self.bot.worker.shared,
            in_flight=self.bot.worker.pending,
            shards=self.bot.shard_count or 1, guilds=len(self.bot.guilds),
        )

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """Version, models in use and cache figures."""
        # cache.stats() walks the cache folder: off the event loop.
        await interaction.response.defer(thinking=True)
        facts = await self.bot.loop.run_in_executor(None, self.facts)
        await interaction.edit_original_response(embed=about_embed(facts),
                                                 allowed_mentions=QUIET)

    @app_commands.command(name="sync")
    @app_commands.describe(scope="This server only (instant) or every server (global)")
    async def sync(self, interaction: discord.Interaction,
                   scope: Literal["server", "global"] = "server") -> None:
        """Owner only: publish the bot's slash commands."""
        if not await self.bot.is_owner(interaction.user):
            raise BotError("Only the bot's owner can sync its commands.")
        if scope == "server" and interaction.guild_id is None:
            raise BotError("Use scope global outside a server.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        synced = await sync_commands(self.bot, interaction.guild_id if scope == "server" else None)
        await interaction.edit_original_response(
            content=f"Synced {len(synced)} commands ({scope}).", allowed_mentions=QUIET)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(AboutCommands(bot))
