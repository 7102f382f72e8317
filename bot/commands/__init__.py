"""One module per command group, each a cog built from the bot's `Services`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.commands.about import AboutCommands
from bot.commands.analysis import AnalysisCommands
from bot.commands.article import ArticleCommands
from bot.commands.brief import BriefCommands
from bot.commands.digest import DigestCommands
from bot.commands.feed import FeedCommands
from bot.commands.schedule import ScheduleCommands
from bot.commands.sync import SyncCommands

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Commands:
    """The cogs to add, and the context menus (which a cog cannot add to the tree itself)."""

    cogs: tuple[commands.Cog, ...]
    menus: tuple[app_commands.ContextMenu, ...]


def build_commands(services: Services) -> Commands:
    brief = BriefCommands(services)
    cogs = (AnalysisCommands(services), ArticleCommands(services), DigestCommands(services),
            brief, FeedCommands(services), ScheduleCommands(services),
            AboutCommands(services), SyncCommands())
    return Commands(cogs=cogs, menus=(brief.menu,))
