"""/feed add | list | remove: RSS and Atom feeds whose new items join the channel's reading list.

Adding and removing take Manage Server (a feed brings articles to everyone's list); anyone may
list them. /feed add fetches the feed at once, through the SSRF-guarded fetcher in the user's
share of the fetch threads, so a bad URL, a web page or a broken feed is answered then and
there; its newest items join the list in the same reply, and the poller (`bot.feeds`) takes
it from there.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.article import check_link
from bot.commands.common import QUIET, reply_pages
from bot.errors import BotError
from bot.feeds import ITEMS_PER_POLL, PollResult, iso, poll_delay
from bot.formatting import (
    clip,
    discord_time,
    inert,
    numbered_choices,
    pack_pages,
    safe,
    source_label,
)
from bot.state import FEEDS_PER_CHANNEL, LIST_LIMIT, FollowedFeed
from summarizer.feeds import NotAFeedError, fetch_feed

if TYPE_CHECKING:
    from bot.services import Services

LINES_PER_PAGE = 8


def _manage_server(interaction: discord.Interaction) -> None:
    # Checked on every use: the command is not hidden (anyone may list the feeds).
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])


def _channel(interaction: discord.Interaction) -> int:
    if interaction.channel_id is None:
        raise BotError("This command needs a channel.")
    return interaction.channel_id


def feed_line(position: int, feed: FollowedFeed, on_list: int) -> str:
    """One feed of /feed list: what it is, who added it, and how its polling goes."""
    who = f" by <@{feed.added_by}>" if feed.added_by else ""
    head = (f"**{position}.** {clip(safe(feed.label), 100)} · {source_label(feed.url)} · "
            f"added {discord_time(feed.added_at)}{who} · {on_list} on the list")
    if feed.failures:
        error = clip(safe(feed.last_error or "unknown error"), 200)
        tries = "once" if feed.failures == 1 else f"{feed.failures} times in a row"
        return (f"{head}\n⚠️ **failing** ({tries}, last {discord_time(feed.last_error_at)}): "
                f"{error} · next try {discord_time(feed.next_poll)}")
    return (f"{head}\nchecked {discord_time(feed.last_checked)} · "
            f"next check {discord_time(feed.next_poll)}")


def feed_pages(feeds: list[FollowedFeed], on_list: dict[int, int]) -> list[discord.Embed]:
    lines = [feed_line(n, f, on_list.get(f.id, 0)) for n, f in enumerate(feeds, start=1)]
    return pack_pages(f"Feeds ({len(feeds)} of {FEEDS_PER_CHANNEL})", lines,
                      "New items join the reading list · /feed add url · /feed remove number",
                      empty="This channel follows no feeds: add an RSS or Atom feed with "
                            "/feed add (Manage Server).", per_page=LINES_PER_PAGE)


def added_embed(feed: FollowedFeed, result: PollResult, minutes: int) -> discord.Embed:
    """The reply to /feed add: what the first poll brought."""
    title = clip(safe(f"Following: {result.feed_title or feed.url}"), 256)
    lines = [f"{source_label(feed.url)} · {result.listed} items listed. New items join this "
             f"channel's reading list as they appear (checked about every {minutes} minutes, "
             f"at most {ITEMS_PER_POLL} a time)."]
    if result.added:
        lines.append(f"Added to the reading list now ({len(result.added)}):")
        lines.extend(f"• {clip(safe(label), 150)}" for label in result.added)
    elif result.error:
        retry = discord_time(iso(result.next_poll)) if result.next_poll else "later"
        lines.append(f"Its items could not be taken now ({clip(safe(result.error), 200)}); "
                     f"the feed is tried again {retry}.")
    else:
        lines.append("No new article was added now.")
    if result.skipped:
        lines.append(f"{result.skipped} older items were left out.")
    if result.failed_items:
        lines.append(f"{result.failed_items} item pages could not be loaded.")
    if result.dropped:
        names = ", ".join(f"“{clip(safe(d), 60)}”" for d in result.dropped[:3])
        more = f" and {len(result.dropped) - 3} more" if len(result.dropped) > 3 else ""
        lines.append(f"The list keeps {LIST_LIMIT} articles, so the oldest were dropped: "
                     f"{names}{more}.")
    return discord.Embed(title=title, description="\n".join(lines)[:4096],
                         colour=discord.Colour.blurple())


@app_commands.guild_only()
class FeedCommands(commands.GroupCog, group_name="feed",
                   group_description="RSS and Atom feeds whose new items join the reading list"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="add")
    @app_commands.describe(url="The http(s) address of an RSS or Atom feed")
    async def add(self, interaction: discord.Interaction,
                  url: app_commands.Range[str, 1, 2000]) -> None:
        """Follow a feed: its new items join this channel's reading list (Manage Server)."""
        _manage_server(interaction)
        channel_id = _channel(interaction)
        url = check_link(url)
        following = self.services.state.feeds(channel_id)
        if any(f.url == url for f in following):
            raise BotError("This channel already follows that feed; see /feed list.")
        if len(following) >= FEEDS_PER_CHANNEL:
            raise BotError(f"This channel follows {FEEDS_PER_CHANNEL} feeds, the most it can; "
                           "remove one with /feed remove first.")
        await interaction.response.defer(thinking=True)
        try:
            fetched = await self.services.pools.fetch_for(interaction.user.id, partial(
                fetch_feed, url, allow_private=self.services.settings.allow_private_urls))
        except NotAFeedError as error:
            raise BotError(f"{error} To add one article, use /article add url.") from None
        assert fetched.feed is not None  # a plain request is never answered "not modified"
        poller = self.services.feeds
        # Due only after the first poll below: the poller never polls it at the same time.
        next_poll = iso(poller.clock() + poll_delay(poller.interval, 0, poller.rng))
        added = await self.services.pools.store(partial(
            self.services.state.add_feed, channel_id, interaction.guild_id, url, fetched.feed.title,
            interaction.user.id, next_poll=next_poll))
        if added is None:
            raise BotError(f"This channel follows {FEEDS_PER_CHANNEL} feeds, the most it can; "
                           "remove one with /feed remove first.")
        if added.existed:
            raise BotError("This channel already follows that feed; see /feed list.")
        result = await poller.poll(added.feed, fetched)
        await interaction.edit_original_response(
            embed=added_embed(added.feed, result, self.services.settings.feed_poll_minutes),
            allowed_mentions=QUIET)

    @app_commands.command(name="list")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        """Show the feeds this channel follows, and how their polling goes."""
        channel_id = _channel(interaction)
        await interaction.response.defer(thinking=True)
        feeds = self.services.state.feeds(channel_id)
        on_list = self.services.state.feed_entries(channel_id)
        await reply_pages(interaction, feed_pages(feeds, on_list))

    @app_commands.command(name="remove")
    @app_commands.describe(number="The feed's number in /feed list")
    async def remove(self, interaction: discord.Interaction,
                     number: app_commands.Range[int, 1, FEEDS_PER_CHANNEL]) -> None:
        """Stop following a feed; the articles it brought stay on the list (Manage Server)."""
        _manage_server(interaction)
        channel_id = _channel(interaction)
        feeds = self.services.state.feeds(channel_id)
        if not 1 <= number <= len(feeds):
            raise BotError(f"There is no feed {number} in this channel ({len(feeds)} feeds); "
                           "see /feed list.")
        feed = feeds[number - 1]
        await interaction.response.defer(thinking=True)
        kept = self.services.state.feed_entries(channel_id).get(feed.id, 0)
        removed = await self.services.pools.store(self.services.state.remove_feed, channel_id,
                                                  feed.id)
        if not removed:
            text = "That feed was already removed."
        else:
            articles = f"{kept} article{'s' if kept != 1 else ''}"
            text = (f"Stopped following “{clip(inert(feed.label), 150)}”. The {articles} it "
                    "brought stay on the reading list.")
        await interaction.edit_original_response(content=text, allowed_mentions=QUIET)

    @remove.autocomplete("number")
    async def remove_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[int]]:
        if interaction.channel_id is None:
            return []
        feeds = self.services.state.feeds(interaction.channel_id)
        return numbered_choices([f.label for f in feeds], current)

