"""/article show | url | text | file | reset: the article a channel is talking about."""

from __future__ import annotations

import asyncio
from pathlib import PurePosixPath

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import BriefingBot
from bot.commands.common import QUIET, bot_of
from bot.errors import BotError
from bot.formatting import article_embed
from summarizer.article import (
    DEFAULT_LIMITS,
    article_from_bytes,
    article_from_string,
    load_article,
)
from summarizer.types import Article

TEXT_TYPES = ("text/plain", "text/markdown", "text/html", "text/x-markdown")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm")
TEXT_OPTION_LIMIT = 6000  # Discord's maximum for a string option


def _who(interaction: discord.Interaction) -> str:
    return interaction.user.display_name


class ArticleCommands(commands.GroupCog, group_name="article",
                      group_description="Choose the article this channel talks about"):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        super().__init__()

    async def _set(self, interaction: discord.Interaction, article: Article) -> None:
        channel_id = interaction.channel_id
        if channel_id is None:
            raise BotError("This command needs a channel.")
        await self.bot.set_article(channel_id, interaction.guild_id, article,
                                   interaction.user.id)
        await interaction.edit_original_response(
            embed=article_embed(article, heading=f"Article set by {_who(interaction)}"[:256]),
            allowed_mentions=QUIET,
        )

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show which article this channel is talking about."""
        article = bot_of(interaction).article_for(interaction.channel_id)
        await interaction.response.send_message(embed=article_embed(article),
                                                allowed_mentions=QUIET)

    @app_commands.command(name="url")
    @app_commands.describe(link="An http(s) link to a news article")
    async def url(self, interaction: discord.Interaction,
                  link: app_commands.Range[str, 1, 2000]) -> None:
        """Use the article at a web address."""
        link = link.strip()
        if not link.lower().startswith(("http://", "https://")):
            raise BotError("Give a link starting with http:// or https://.")
        await interaction.response.defer(thinking=True)
        allow_private = self.bot.settings.allow_private_urls
        article = await asyncio.to_thread(load_article, link, allow_private_urls=allow_private)
        await self._set(interaction, article)

    @app_commands.command(name="text")
    @app_commands.describe(text="The article text (paragraphs may be separated by blank lines)")
    async def text(self, interaction: discord.Interaction,
                   text: app_commands.Range[str, 1, TEXT_OPTION_LIMIT]) -> None:
        """Use text you paste as the article."""
        # Discord enforces max_length in its client, not for whoever sends the request.
        if len(text) > TEXT_OPTION_LIMIT:
            raise BotError(f"Paste at most {TEXT_OPTION_LIMIT:,} characters; for a longer "
                           "article use /article file or /article url.")
        await interaction.response.defer(thinking=True)
        # The same rule as a file or a URL: pasted HTML is read as a page, plain text with a
        # few tag-like tokens as text. Off the event loop: reading a page takes a while.
        article = await asyncio.to_thread(
            article_from_string, text, source=f"text from {_who(interaction)}")
        await self._set(interaction, article)

    @app_commands.command(name="file")
    @app_commands.describe(attachment="A plain-text, Markdown or HTML file")
    async def file(self, interaction: discord.Interaction,
                   attachment: discord.Attachment) -> None:
        """Use an attached text file as the article."""
        limit = min(interaction.filesize_limit, DEFAULT_LIMITS.max_bytes)
        if attachment.size > limit:
            raise BotError(f"{attachment.filename[:80]} is {attachment.size:,} bytes; "
                           f"the limit is {limit:,} bytes.")
        content_type = (attachment.content_type or "").split(";")[0].strip().lower()
        suffix = PurePosixPath(attachment.filename).suffix.lower()
        if not (content_type.startswith(TEXT_TYPES) or (not content_type
                                                         and suffix in TEXT_SUFFIXES)):
            raise BotError("Only text files can be used as an article (.txt, .md or .html).")
        await interaction.response.defer(thinking=True)
        try:
            data = await attachment.read()
        except discord.HTTPException:
            raise BotError("The attachment could not be downloaded from Discord.") from None
        if len(data) > limit:
            raise BotError(f"The file is over {limit:,} bytes, the limit.")
        article = await asyncio.to_thread(
            article_from_bytes, data, source=f"file {attachment.filename[:100]}",
            content_type=content_type or None)
        await self._set(interaction, article)

    @app_commands.command(name="reset")
    async def reset(self, interaction: discord.Interaction) -> None:
        """Go back to the bundled sample article."""
        await interaction.response.defer(thinking=True)
        if interaction.channel_id is not None:
            await self.bot.set_article(interaction.channel_id, interaction.guild_id, None,
                                       interaction.user.id)
        article = self.bot.article_for(None)
        await interaction.edit_original_response(
            embed=article_embed(article, heading="Back to the sample article"),
            allowed_mentions=QUIET)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(ArticleCommands(bot))
