"""Pieces the command modules share: the heavy-command cooldown, the page buttons, replies."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.formatting import EMBEDS_PER_MESSAGE

if TYPE_CHECKING:
    from bot.app import BriefingBot

QUIET = discord.AllowedMentions.none()
PAGER_TIMEOUT = 600.0  # the interaction token lives 15 minutes; stop paging well before


def bot_of(interaction: discord.Interaction) -> BriefingBot:
    from bot.app import BriefingBot

    client = interaction.client
    assert isinstance(client, BriefingBot)
    return client


def _bucket(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    """The user's bucket of the shared cooldown (BRIEFING_COOLDOWN), or None when it is off.

    The buckets live on the bot, not in the decorator, so two bots in one process (tests, a
    restart) never share them."""
    bot = bot_of(interaction)
    setting = bot.settings.cooldown
    if setting.rate == 0:
        return None
    now = time.time()
    if len(bot.cooldowns) > 10_000:  # forget users whose window has long passed
        for user_id in [u for u, b in bot.cooldowns.items() if b.get_tokens(now) == b.rate]:
            del bot.cooldowns[user_id]
    bucket = bot.cooldowns.get(interaction.user.id)
    if bucket is None:
        bucket = bot.cooldowns[interaction.user.id] = app_commands.Cooldown(setting.rate,
                                                                            setting.per)
    return bucket


def heavy_cooldown(interaction: discord.Interaction) -> bool:
    """Charge the user's cooldown now: for commands that always start new work (a digest,
    briefing a message's link)."""
    charge(interaction)
    return True


def charge(interaction: discord.Interaction) -> None:
    """Take one turn from the user's cooldown. The analysis commands call it only once they
    know the answer is not already at hand, so asking /summary, /topics, /actors and
    /quotes about an article analysed a moment ago costs nothing.

    Raises:
        CommandOnCooldown: none is left.
    """
    bucket = _bucket(interaction)
    if bucket is None:
        return
    retry_after = bucket.update_rate_limit(time.time())
    if retry_after:
        raise app_commands.CommandOnCooldown(bucket, retry_after)


heavy = app_commands.check(heavy_cooldown)


class Pager(discord.ui.View):
    """Previous/next buttons over a list of one-embed pages."""

    def __init__(self, pages: Sequence[discord.Embed], *, timeout: float = PAGER_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.index = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self,
                                                allowed_mentions=QUIET)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction,
                       _: discord.ui.Button[Pager]) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)


async def reply_pages(interaction: discord.Interaction, pages: Sequence[discord.Embed]) -> None:
    """Edit the deferred response into the first page, with buttons when there are more."""
    if len(pages) > 1:
        await interaction.edit_original_response(embed=pages[0], view=Pager(pages),
                                                 allowed_mentions=QUIET)
    else:
        await interaction.edit_original_response(embeds=list(pages[:EMBEDS_PER_MESSAGE]),
                                                 allowed_mentions=QUIET)


async def reply_embed(interaction: discord.Interaction, embed: discord.Embed) -> None:
    await interaction.edit_original_response(embed=embed, allowed_mentions=QUIET)
