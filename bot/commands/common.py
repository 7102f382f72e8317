"""Pieces the command modules share: the page buttons and replies, error replies included."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

import discord

from bot.formatting import EMBEDS_PER_MESSAGE, QUIET, safe

log = logging.getLogger(__name__)

PAGER_TIMEOUT = 600.0  # the interaction token lives 15 minutes; stop paging well before


class Pager(discord.ui.View):
    """Previous/next buttons over a list of one-embed pages."""

    def __init__(self, pages: Sequence[discord.Embed]) -> None:
        super().__init__(timeout=PAGER_TIMEOUT)
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


async def send_error(interaction: discord.Interaction, message: str) -> None:
    """Answer with `message` visible only to the user, whatever state the response is in."""
    # It may quote the user's input (a topic name, a host, a file name): no live mention, no
    # markdown (escapes render invisibly in the messages we write ourselves).
    message = safe(message)
    try:
        if not interaction.response.is_done():
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
                return
            await interaction.response.send_message(message, ephemeral=True,
                                                    allowed_mentions=QUIET)
            return
        # The response was deferred publicly ("thinking..."): drop that placeholder so the
        # error is seen only by the user who asked.
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=QUIET)
    except discord.HTTPException as error:  # the token expired or Discord is down: log only
        log.warning("could not send an error message: %s", error.status)
