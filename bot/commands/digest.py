"""/digest: a digest of the channel's reading list (each article's headline, source and two
bullets; recurring actors, dominant topics, notable quotes, what is new since the previous
digest), every line citing its article and paragraph, in pages."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import BriefingBot
from bot.commands.common import heavy, reply_pages
from bot.digests import make_digest
from bot.errors import BotError
from bot.formatting import digest_pages


class DigestCommands(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="digest")
    @heavy
    async def digest(self, interaction: discord.Interaction) -> None:
        """A digest of every article on this channel's reading list."""
        if interaction.channel_id is None:
            raise BotError("This command needs a channel.")
        # Acknowledge at once: a digest of many articles takes a while.
        await interaction.response.defer(thinking=True)
        entries = self.bot.state.entries(interaction.channel_id)
        digest = await make_digest(self.bot, interaction.channel_id, interaction.guild_id,
                                   entries)
        await reply_pages(interaction, digest_pages(digest))


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(DigestCommands(bot))
