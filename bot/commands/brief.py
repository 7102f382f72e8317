""""Brief this article": a message command (right-click a message > Apps) that takes the
message's first link, or else its first text/HTML attachment, adds the article to the
channel's reading list and answers with its briefing.

A context-menu command gets the message in the interaction itself, content included, so the
bot needs no privileged message-content intent. The answer is visible only to the user unless
BRIEFING_BRIEF_PUBLIC=1.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.article import (
    added_note,
    article_from_attachment,
    article_from_link,
    check_attachment,
    is_text_attachment,
)
from bot.commands.common import QUIET
from bot.errors import BotError
from bot.formatting import briefing_embed
from summarizer.api import ALL_SECTIONS

if TYPE_CHECKING:
    from bot.services import Services

# A web address in message text: Discord shows <url> without a preview, so the brackets go;
# trailing punctuation of the sentence ("see https://x.org/a.") is not part of the link.
_LINK = re.compile(r"<?(https?://[^\s<>]+)>?", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}*_~|"
NOTHING = ("That message has no link and no text or HTML attachment to brief. Use it on a "
           "message that shares an article, or /article add.")


def first_link(content: str) -> str | None:
    """The first http(s) link in a message's text, without trailing punctuation."""
    for match in _LINK.finditer(content):
        link = match.group(1)
        # A closing parenthesis belongs to the link only when it opened one inside it
        # (Wikipedia-style addresses); otherwise it closes the sentence's parenthesis.
        while link and link[-1] in _TRAILING:
            if link[-1] == ")" and link.count("(") >= link.count(")"):
                break
            link = link[:-1]
        if len(link) > len("https://"):
            return link
    return None


class BriefCommands(commands.Cog):
    """The message command; a cog cannot hold a context menu itself, so whoever adds the cog
    adds `menu` to the command tree."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.menu = app_commands.ContextMenu(name="Brief this article", callback=self.brief)
        self.menu.add_check(self.charge)  # the cooldown of the analysis commands

    def charge(self, interaction: discord.Interaction) -> bool:
        # Always new work (a fetch and an analysis): charged before it starts.
        self.services.cooldowns.charge(interaction.user.id)
        return True

    async def brief(self, interaction: discord.Interaction, message: discord.Message) -> None:
        link = first_link(message.content or "")
        attachment = next((a for a in message.attachments if is_text_attachment(a)), None)
        if link is None and attachment is None:
            raise BotError(NOTHING)
        limit = check_attachment(interaction, attachment) if attachment and not link else 0
        if interaction.channel_id is None:
            raise BotError("This command needs a channel.")
        await interaction.response.defer(thinking=True,
                                         ephemeral=not self.services.settings.brief_public)
        if link is not None:
            article = await article_from_link(self.services, link, interaction.user.id)
        else:
            assert attachment is not None
            article = await article_from_attachment(attachment, limit)
        added = await self.services.articles.add(interaction.channel_id, interaction.guild_id,
                                                 article, interaction.user.id, via="message")
        options = self.services.options_for(interaction.guild_id, sections=ALL_SECTIONS)
        briefing = await self.services.worker.analyse(article, options)
        embed = briefing_embed(briefing, heading="Brief")
        note = added_note(added) or "Added to this channel's reading list."
        embed.description = f"{embed.description}\n{note}" if embed.description else note
        await interaction.edit_original_response(embed=embed, allowed_mentions=QUIET)

