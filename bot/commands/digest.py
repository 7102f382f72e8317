"""/digest: a digest of the channel's reading list (each article's headline, source and two
bullets; recurring actors, dominant topics, notable quotes, what is new since the previous
digest), every line citing its article and paragraph, in pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.common import reply_pages
from bot.digests import make_digest
from bot.errors import BotError
from bot.formatting import digest_pages

if TYPE_CHECKING:
    from bot.services import Services


class DigestCommands(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # A digest always starts new work: the user's cooldown is charged before it runs.
        self.services.cooldowns.charge(interaction.user.id)
        return True

    @app_commands.command(name="digest")
    async def digest(self, interaction: discord.Interaction) -> None:
        """A digest of every article on this channel's reading list."""
        if interaction.channel_id is None:
            raise BotError("This command needs a channel.")
        # Acknowledge at once: a digest of many articles takes a while.
        await interaction.response.defer(thinking=True)
        entries = self.services.state.entries(interaction.channel_id)
        digest = await make_digest(self.services, interaction.channel_id,
                                   interaction.guild_id, entries)
        await reply_pages(interaction, digest_pages(digest))

