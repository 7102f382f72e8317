"""/article: the channel's reading list and its current article.

One design for both: every article a channel takes in joins its reading list (at most
`LIST_LIMIT`, oldest dropped first), and one entry of the list is the channel's *current*
article, the one /summary, /topics, /actors, /quotes and /briefing read.

- /article url | text | file: add to the list and make it the current article (as before).
- /article add url | text | file: add to the list; the current article stays (a channel
  without one takes the new entry).
- /article list: the list, oldest first, numbered; /article remove number; /article clear.
  Removing takes the one who added the entry or Manage Server; /article clear without Manage
  Server removes only your own entries.
- /article show and /article reset: the current article; reset goes back to the sample
  (the list stays).
/digest briefs the whole list.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.common import QUIET, reply_pages
from bot.errors import BotError
from bot.formatting import article_embed, clip, inert, list_pages, numbered_choices
from bot.state import LIST_LIMIT, Added
from summarizer.article import (
    DEFAULT_LIMITS,
    article_from_bytes,
    article_from_string,
    load_article,
)
from summarizer.types import Article

if TYPE_CHECKING:
    from bot.services import Services

TEXT_TYPES = ("text/plain", "text/markdown", "text/html", "text/x-markdown")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm")
TEXT_OPTION_LIMIT = 6000  # Discord's maximum for a string option


def _who(interaction: discord.Interaction) -> str:
    return interaction.user.display_name


def _channel(interaction: discord.Interaction) -> int:
    if interaction.channel_id is None:
        raise BotError("This command needs a channel.")
    return interaction.channel_id


# Loading: shared by the commands here and by "Brief this article" ---------------------------
def check_link(link: str) -> str:
    link = link.strip()
    if not link.lower().startswith(("http://", "https://")):
        raise BotError("Give a link starting with http:// or https://.")
    return link


async def article_from_link(services: Services, link: str, user_id: int) -> Article:
    """The article at `link`, through the core's SSRF-guarded fetcher, in the bot's fetch
    threads (a few links per user at a time)."""
    allow_private = services.settings.allow_private_urls
    return await services.pools.fetch_for(user_id, partial(load_article, check_link(link),
                                                           allow_private_urls=allow_private))


def is_text_attachment(attachment: discord.Attachment) -> bool:
    content_type = (attachment.content_type or "").split(";")[0].strip().lower()
    suffix = PurePosixPath(attachment.filename).suffix.lower()
    return content_type.startswith(TEXT_TYPES) or (not content_type and suffix in TEXT_SUFFIXES)


def check_attachment(interaction: discord.Interaction, attachment: discord.Attachment) -> int:
    """The size limit for `attachment`; raises BotError when it is too big or not text."""
    limit = min(interaction.filesize_limit, DEFAULT_LIMITS.max_bytes)
    if attachment.size > limit:
        raise BotError(f"{attachment.filename[:80]} is {attachment.size:,} bytes; "
                       f"the limit is {limit:,} bytes.")
    if not is_text_attachment(attachment):
        raise BotError("Only text files can be used as an article (.txt, .md or .html).")
    return limit


async def article_from_attachment(attachment: discord.Attachment, limit: int) -> Article:
    content_type = (attachment.content_type or "").split(";")[0].strip().lower()
    try:
        data = await attachment.read()
    except discord.HTTPException:
        raise BotError("The attachment could not be downloaded from Discord.") from None
    if len(data) > limit:
        raise BotError(f"The file is over {limit:,} bytes, the limit.")
    return await asyncio.to_thread(
        article_from_bytes, data, source=f"file {attachment.filename[:100]}",
        content_type=content_type or None)


def check_text(text: str) -> None:
    # Discord enforces max_length in its client, not for whoever sends the request.
    if len(text) > TEXT_OPTION_LIMIT:
        raise BotError(f"Paste at most {TEXT_OPTION_LIMIT:,} characters; for a longer "
                       "article use a file or a link.")


async def article_from_paste(interaction: discord.Interaction, text: str) -> Article:
    # The same rule as a file or a URL: pasted HTML is read as a page, plain text with a
    # few tag-like tokens as text. Off the event loop: reading a page takes a while.
    return await asyncio.to_thread(article_from_string, text,
                                   source=f"text from {_who(interaction)}")


def added_note(added: Added) -> str:
    """What happened to the list, said in the reply."""
    notes = []
    if added.existed:
        notes.append("It was already on this channel's reading list.")
    if added.dropped:
        names = ", ".join(f"“{clip(inert(d), 60)}”" for d in added.dropped[:3])
        more = f" and {len(added.dropped) - 3} more" if len(added.dropped) > 3 else ""
        notes.append(f"The list keeps {LIST_LIMIT} articles, so the oldest was dropped: "
                     f"{names}{more}.")
    return " ".join(notes)


class ArticleCommands(commands.GroupCog, group_name="article",
                      group_description="The channel's reading list and current article"):
    add = app_commands.Group(name="add", description="Add an article to the reading list")

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    async def _set(self, interaction: discord.Interaction, article: Article) -> None:
        added = await self.services.articles.set_current(
            _channel(interaction), interaction.guild_id, article, interaction.user.id)
        embed = article_embed(article, heading=f"Article set by {_who(interaction)}"[:256])
        if added is not None and (note := added_note(added)):
            embed.description = note
        await interaction.edit_original_response(embed=embed, allowed_mentions=QUIET)

    async def _add(self, interaction: discord.Interaction, article: Article) -> None:
        channel_id = _channel(interaction)
        added = await self.services.articles.add(channel_id, interaction.guild_id, article,
                                                 interaction.user.id)
        count = len(self.services.state.entries(channel_id))
        embed = article_embed(article, heading=f"Added to the reading list by "
                                               f"{_who(interaction)}"[:256])
        embed.description = " ".join(filter(None, (
            f"{count} of {LIST_LIMIT} on the list; /digest briefs them all.",
            added_note(added))))
        await interaction.edit_original_response(embed=embed, allowed_mentions=QUIET)

    # The current article -----------------------------------------------------------------
    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show which article this channel is talking about."""
        article = self.services.articles.current(interaction.channel_id)
        await interaction.response.send_message(embed=article_embed(article),
                                                allowed_mentions=QUIET)

    @app_commands.command(name="url")
    @app_commands.describe(link="An http(s) link to a news article")
    async def url(self, interaction: discord.Interaction,
                  link: app_commands.Range[str, 1, 2000]) -> None:
        """Use the article at a web address (it joins the reading list)."""
        check_link(link)
        await interaction.response.defer(thinking=True)
        await self._set(interaction, await article_from_link(self.services, link,
                                                             interaction.user.id))

    @app_commands.command(name="text")
    @app_commands.describe(text="The article text (paragraphs may be separated by blank lines)")
    async def text(self, interaction: discord.Interaction,
                   text: app_commands.Range[str, 1, TEXT_OPTION_LIMIT]) -> None:
        """Use text you paste as the article (it joins the reading list)."""
        check_text(text)
        await interaction.response.defer(thinking=True)
        await self._set(interaction, await article_from_paste(interaction, text))

    @app_commands.command(name="file")
    @app_commands.describe(attachment="A plain-text, Markdown or HTML file")
    async def file(self, interaction: discord.Interaction,
                   attachment: discord.Attachment) -> None:
        """Use an attached text file as the article (it joins the reading list)."""
        limit = check_attachment(interaction, attachment)
        await interaction.response.defer(thinking=True)
        await self._set(interaction, await article_from_attachment(attachment, limit))

    @app_commands.command(name="reset")
    async def reset(self, interaction: discord.Interaction) -> None:
        """Go back to the bundled sample article (the reading list stays)."""
        await interaction.response.defer(thinking=True)
        if interaction.channel_id is not None:
            await self.services.articles.set_current(interaction.channel_id,
                                                     interaction.guild_id, None,
                                                     interaction.user.id)
        article = self.services.articles.sample()
        await interaction.edit_original_response(
            embed=article_embed(article, heading="Back to the sample article"),
            allowed_mentions=QUIET)

    # The reading list --------------------------------------------------------------------
    @add.command(name="url")
    @app_commands.describe(link="An http(s) link to a news article")
    async def add_url(self, interaction: discord.Interaction,
                      link: app_commands.Range[str, 1, 2000]) -> None:
        """Add the article at a web address to the reading list."""
        check_link(link)
        await interaction.response.defer(thinking=True)
        await self._add(interaction, await article_from_link(self.services, link,
                                                             interaction.user.id))

    @add.command(name="text")
    @app_commands.describe(text="The article text (paragraphs may be separated by blank lines)")
    async def add_text(self, interaction: discord.Interaction,
                       text: app_commands.Range[str, 1, TEXT_OPTION_LIMIT]) -> None:
        """Add text you paste to the reading list."""
        check_text(text)
        await interaction.response.defer(thinking=True)
        await self._add(interaction, await article_from_paste(interaction, text))

    @add.command(name="file")
    @app_commands.describe(attachment="A plain-text, Markdown or HTML file")
    async def add_file(self, interaction: discord.Interaction,
                       attachment: discord.Attachment) -> None:
        """Add an attached text file to the reading list."""
        limit = check_attachment(interaction, attachment)
        await interaction.response.defer(thinking=True)
        await self._add(interaction, await article_from_attachment(attachment, limit))

    @app_commands.command(name="list")
    async def list_entries(self, interaction: discord.Interaction) -> None:
        """Show the channel's reading list: title, source, when and who added each."""
        channel_id = _channel(interaction)
        await interaction.response.defer(thinking=True)
        entries = self.services.state.entries(channel_id)
        current = self.services.state.current_entry(channel_id)
        await reply_pages(interaction, list_pages(entries, current, LIST_LIMIT))

    @app_commands.command(name="remove")
    @app_commands.describe(number="The article's number in /article list")
    async def remove(self, interaction: discord.Interaction,
                     number: app_commands.Range[int, 1, LIST_LIMIT]) -> None:
        """Remove an article from the reading list (yours, or any with Manage Server)."""
        channel_id = _channel(interaction)
        entries = self.services.state.entries(channel_id)
        if not 1 <= number <= len(entries):
            raise BotError(f"There is no article {number} on this channel's list "
                           f"({len(entries)} articles); see /article list.")
        entry = entries[number - 1]
        if entry.added_by != interaction.user.id and not interaction.permissions.manage_guild:
            raise BotError("Only whoever added that article, or someone with the Manage "
                           "Server permission, can remove it.")
        await interaction.response.defer(thinking=True)
        removed = await self.services.pools.store(self.services.state.remove_entry, channel_id,
                                                  entry.id)
        self.services.articles.forget(channel_id)
        text = (f"Removed “{clip(inert(entry.label), 150)}” from the reading list."
                if removed else "That article was already removed.")
        await interaction.edit_original_response(content=text, allowed_mentions=QUIET)

    @remove.autocomplete("number")
    async def remove_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[int]]:
        if interaction.channel_id is None:
            return []
        return numbered_choices(
            [e.label for e in self.services.state.entries(interaction.channel_id)], current)

    @app_commands.command(name="clear")
    async def clear(self, interaction: discord.Interaction) -> None:
        """Empty the reading list (with Manage Server), or remove the articles you added."""
        channel_id = _channel(interaction)
        everyone = interaction.permissions.manage_guild
        await interaction.response.defer(thinking=True)
        count = await self.services.pools.store(self.services.state.clear_entries, channel_id,
                                                None if everyone else interaction.user.id)
        self.services.articles.forget(channel_id)
        whose = "" if everyone else " you added (without Manage Server, only your own)"
        text = f"Removed {count} article{'s' if count != 1 else ''}{whose} from the reading list."
        await interaction.edit_original_response(content=text, allowed_mentions=QUIET)

