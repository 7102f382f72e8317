"""Publishing the slash commands to Discord: `briefing-bot sync` and the owner-only /sync.

Commands are never synced on start or in `on_ready` (Discord rate-limits syncing, and a sync
on every start republishes what has not changed): only when asked, here.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.common import QUIET
from bot.errors import BotError


async def sync_commands(tree: app_commands.CommandTree[Any],
                        guild_id: int | None) -> list[app_commands.AppCommand]:
    """Push the command tree to Discord: to one guild (instant, for development) or globally."""
    if guild_id is None:
        return await tree.sync()
    guild = discord.Object(id=guild_id)
    tree.copy_global_to(guild=guild)
    return await tree.sync(guild=guild)


class SyncCommands(commands.Cog):
    @app_commands.command(name="sync")
    @app_commands.describe(scope="This server only (instant) or every server (global)")
    async def sync(self, interaction: discord.Interaction,
                   scope: Literal["server", "global"] = "server") -> None:
        """Owner only: publish the bot's slash commands."""
        client = interaction.client
        if not isinstance(client, commands.Bot | commands.AutoShardedBot) or \
                not await client.is_owner(interaction.user):
            raise BotError("Only the bot's owner can sync its commands.")
        if scope == "server" and interaction.guild_id is None:
            raise BotError("Use scope global outside a server.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        synced = await sync_commands(client.tree,
                                     interaction.guild_id if scope == "server" else None)
        await interaction.edit_original_response(
            content=f"Synced {len(synced)} commands ({scope}).", allowed_mentions=QUIET)
