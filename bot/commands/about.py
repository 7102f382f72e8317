"""/about: version, models in use and cache figures."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.commands.common import QUIET
from bot.formatting import AboutFacts, about_embed

if TYPE_CHECKING:
    from bot.services import Services


class AboutCommands(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    def facts(self, *, shards: int, guilds: int) -> AboutFacts:
        """The figures; reading the cache's walks its folder, so this runs in a thread."""
        models = self.services.analyzer.model_info()
        stats = self.services.analyzer.cache_stats()
        entries, size, hits, misses = ((stats.entries, stats.bytes, stats.hits, stats.misses)
                                       if stats is not None else (None, None, None, None))
        worker = self.services.worker
        return AboutFacts(
            version=__version__,
            summary_model=models.summary, topic_model=models.topics,
            entity_model=models.entities,
            cache_entries=entries, cache_bytes=size, cache_hits=hits, cache_misses=misses,
            analyses_started=worker.started, analyses_shared=worker.shared,
            in_flight=worker.pending, shards=shards, guilds=guilds,
        )

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """Version, models in use and cache figures."""
        await interaction.response.defer(thinking=True)
        client = interaction.client
        facts = await asyncio.to_thread(self.facts, shards=client.shard_count or 1,
                                        guilds=len(client.guilds))
        await interaction.edit_original_response(embed=about_embed(facts),
                                                 allowed_mentions=QUIET)
