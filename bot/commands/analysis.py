"""/summary, /topics, /topic, /actors, /quotes, /briefing: read the channel's article."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.common import reply_embed, reply_pages
from bot.errors import BotError
from bot.formatting import (
    actors_pages,
    briefing_embed,
    choices,
    quote_speakers,
    quotes_pages,
    summary_pages,
    topic_pages,
    topics_pages,
)
from summarizer.api import ALL_SECTIONS, AnalysisOptions, parse_labels
from summarizer.types import Briefing

if TYPE_CHECKING:
    from bot.services import Services

MAX_LENGTH = 20  # the core's AnalysisOptions accepts 1-20 bullets
AUTOCOMPLETE_WAIT = 2.0  # Discord drops autocomplete answers after 3 s


def _sections(*names: str) -> frozenset[str]:
    return frozenset(names)


class AnalysisCommands(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    async def _briefing(self, interaction: discord.Interaction,
                        options: AnalysisOptions) -> Briefing:
        """The briefing, charging the user's cooldown only when it must be analysed afresh."""
        worker = self.services.worker
        article = self.services.articles.current(interaction.channel_id)
        if worker.peek(article, options) is None:
            self.services.cooldowns.charge(interaction.user.id)
        return await worker.analyse(article, options)

    async def _quick_briefing(self, interaction: discord.Interaction,
                              options: AnalysisOptions) -> Briefing | None:
        """For autocomplete: the result if it is ready within the time Discord allows; the
        analysis keeps running for the next keystroke either way."""
        worker = self.services.worker
        article = self.services.articles.current(interaction.channel_id)
        ready = worker.peek(article, options)
        if ready is not None:
            return ready
        try:
            return await asyncio.wait_for(worker.analyse(article, options), AUTOCOMPLETE_WAIT)
        except (TimeoutError, BotError):
            return None

    async def _answer(self, interaction: discord.Interaction, options: AnalysisOptions,
                      build: Callable[[Briefing], list[discord.Embed]]) -> None:
        await interaction.response.defer(thinking=True)
        briefing = await self._briefing(interaction, options)
        await reply_pages(interaction, build(briefing))

    @app_commands.command(name="summary")
    @app_commands.describe(length=f"How many bullet points (1-{MAX_LENGTH}, default 5)")
    async def summary(self, interaction: discord.Interaction,
                      length: app_commands.Range[int, 1, MAX_LENGTH] = 5) -> None:
        """Summarise the channel's article in bullet points."""
        options = self.services.options_for(interaction.guild_id, sections=_sections("summary"),
                                       length=length)
        await self._answer(interaction, options, summary_pages)

    @app_commands.command(name="topics")
    @app_commands.describe(labels="Comma-separated topic labels, or 'default'",
                           save="Keep these labels for the whole server (Manage Server)")
    async def topics(self, interaction: discord.Interaction,
                     labels: app_commands.Range[str, 1, 2000] | None = None,
                     save: bool = False) -> None:
        """Rank the article's topics (zero-shot), optionally with your own labels."""
        if save and labels is None:
            raise BotError("Give the labels to save, e.g. labels:economy, war, space "
                           "(or labels:default to go back to the built-in topics).")
        if save and not interaction.permissions.manage_guild:
            # The server's labels feed everyone's /topics and the daily post.
            raise BotError("Saving labels for the whole server needs the Manage Server "
                           "permission; without save, your labels apply to this reply only.")
        if labels is not None:
            chosen = None if labels.strip().lower() == "default" else parse_labels(labels)
            await interaction.response.defer(thinking=True)
            if save and interaction.guild_id is not None:
                await self.services.pools.store(self.services.state.set_labels,
                                                interaction.guild_id, chosen)
            options = AnalysisOptions(sections=_sections("topics"), labels=chosen)
            briefing = await self._briefing(interaction, options)
            await reply_pages(interaction, topics_pages(briefing))
            return
        options = self.services.options_for(interaction.guild_id, sections=_sections("topics"))
        await self._answer(interaction, options, topics_pages)

    @app_commands.command(name="topic")
    @app_commands.describe(name="One of the article's topics")
    async def topic(self, interaction: discord.Interaction,
                    name: app_commands.Range[str, 1, 100]) -> None:
        """Show one topic of the article and the paragraphs about it."""
        options = self.services.options_for(interaction.guild_id, sections=_sections("topics"))
        await interaction.response.defer(thinking=True)
        briefing = await self._briefing(interaction, options)
        wanted = name.strip().casefold()
        match = next((t for t in briefing.topics or () if t.label.casefold() == wanted), None)
        if match is None:
            raise BotError(f"This article has no topic called “{name[:100]}”; pick one from "
                           "the list that appears as you type.")
        await reply_pages(interaction, topic_pages(briefing, match))

    @topic.autocomplete("name")
    async def topic_names(self, interaction: discord.Interaction,
                          current: str) -> list[app_commands.Choice[str]]:
        options = self.services.options_for(interaction.guild_id, sections=_sections("topics"))
        briefing = await self._quick_briefing(interaction, options)
        names = [t.label for t in (briefing.topics or ())] if briefing else []
        return [app_commands.Choice(name=n, value=n) for n in choices(names, current)]

    @app_commands.command(name="actors")
    @app_commands.describe(kind="Only people, organizations, places or groups",
                           everyone="Every actor found, not only the 12 key ones")
    @app_commands.rename(everyone="all")
    async def actors(self, interaction: discord.Interaction,
                     kind: Literal["person", "organization", "place", "group"] | None = None,
                     everyone: bool = False) -> None:
        """List the key people, organizations, places and groups in the article."""
        options = self.services.options_for(interaction.guild_id, sections=_sections("actors"))
        await self._answer(interaction, options, lambda b: actors_pages(b, kind, everyone))

    @app_commands.command(name="quotes")
    @app_commands.describe(speaker="Only quotes from this speaker")
    async def quotes(self, interaction: discord.Interaction,
                     speaker: app_commands.Range[str, 1, 100] | None = None) -> None:
        """List who said what in the article, direct and reported."""
        options = self.services.options_for(interaction.guild_id, sections=_sections("quotes"))
        await self._answer(interaction, options, lambda b: quotes_pages(b, speaker))

    @quotes.autocomplete("speaker")
    async def speaker_names(self, interaction: discord.Interaction,
                            current: str) -> list[app_commands.Choice[str]]:
        options = self.services.options_for(interaction.guild_id, sections=_sections("quotes"))
        briefing = await self._quick_briefing(interaction, options)
        names = quote_speakers(briefing) if briefing else []
        return [app_commands.Choice(name=n, value=n) for n in choices(names, current)]

    @app_commands.command(name="briefing")
    async def briefing(self, interaction: discord.Interaction) -> None:
        """Summary, top topics, actors and quotes in one message."""
        options = self.services.options_for(interaction.guild_id, sections=ALL_SECTIONS)
        await interaction.response.defer(thinking=True)
        briefing = await self._briefing(interaction, options)
        await reply_embed(interaction, briefing_embed(briefing))

