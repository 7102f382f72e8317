"""/schedule set | off | show: a daily briefing posted to a channel (Manage Server only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.common import QUIET
from bot.errors import BotError
from bot.schedule import last_occurrence_date, parse_time, parse_timezone, timezone_choices
from bot.state import Schedule

if TYPE_CHECKING:
    from bot.services import Services

TEXT_CHANNELS = [discord.ChannelType.text, discord.ChannelType.news]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ScheduleCommands(commands.GroupCog, group_name="schedule",
                       group_description="A daily team briefing posted to a channel"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # default_permissions only hides the command by default; server admins can change
        # that, so the permission is checked again on every use.
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    def _describe(self, schedule: Schedule) -> str:
        return (f"Every day at {schedule.time} ({schedule.timezone}) in "
                f"<#{schedule.channel_id}>: a digest when more than one article joined that "
                "channel's reading list since the last post, otherwise its article's briefing.")

    @app_commands.command(name="set")
    @app_commands.describe(channel="Where to post", time="HH:MM, 24-hour clock",
                           timezone="An IANA time zone, e.g. Europe/Paris")
    async def set(self, interaction: discord.Interaction,
                  channel: app_commands.AppCommandChannel,
                  time: app_commands.Range[str, 4, 5],
                  timezone: app_commands.Range[str, 1, 64]) -> None:
        """Post a briefing every day at a time."""
        if channel.type not in TEXT_CHANNELS:
            raise BotError("Pick a text channel for the daily briefing.")
        at = parse_time(time)
        zone = parse_timezone(timezone)
        assert interaction.guild_id is not None  # guild_only
        hhmm = at.strftime("%H:%M")
        # An occurrence that already passed today is not posted just because it was set now.
        skipped = last_occurrence_date(hhmm, zone.key, self.services.clock())
        schedule = Schedule(interaction.guild_id, channel.id, hhmm, zone.key,
                            skipped.isoformat())
        await interaction.response.defer(thinking=True)
        await self.services.pools.store(self.services.state.set_schedule, schedule,
                                        interaction.user.id)
        await interaction.edit_original_response(
            content=f"Daily briefing set. {self._describe(schedule)}", allowed_mentions=QUIET)

    @set.autocomplete("timezone")
    async def zones(self, interaction: discord.Interaction,
                    current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in timezone_choices(current)]

    @app_commands.command(name="off")
    async def off(self, interaction: discord.Interaction) -> None:
        """Stop the daily briefing."""
        assert interaction.guild_id is not None
        await interaction.response.defer(thinking=True)
        removed = await self.services.pools.store(self.services.state.remove_schedule,
                                                  interaction.guild_id)
        text = "Daily briefing turned off." if removed else "There was no daily briefing to stop."
        await interaction.edit_original_response(content=text, allowed_mentions=QUIET)

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show the daily briefing schedule."""
        assert interaction.guild_id is not None
        schedule = self.services.state.schedule(interaction.guild_id)
        text = self._describe(schedule) if schedule else "No daily briefing is set."
        if schedule and schedule.last_posted:
            text += f" Last handled day: {schedule.last_posted}."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=QUIET)

