"""The bot's settings: the shared model (`summarizer.settings.BriefingSettings`: models, cache,
fetching) plus the bot's own, read once in the entry point and passed down, frozen. The token
is a `SecretStr`: repr, str and errors never show it.

    python -m bot.settings            # prints .env.example, made from the model
    python -m bot.settings --table    # the README's table of settings
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from summarizer.settings import (
    BriefingSettings,
    InvalidValue,
    SecretStr,
    SettingsError,
    env_example,
    parse_secret,
    parse_whole_number,
    setting,
    settings_table,
)

__all__ = ["Cooldown", "SecretStr", "Settings", "SettingsError"]

LogLevel = Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]
# A feed is polled at most this often: politeness to the sites whose feeds are followed.
MIN_FEED_POLL_MINUTES = 15


@dataclass(frozen=True)
class Cooldown:
    """At most `rate` heavy commands per user in `per` seconds; rate 0 turns it off."""

    rate: int = 3
    per: float = 30.0

    def __str__(self) -> str:
        return f"{self.rate}/{self.per:g}"


def _cooldown(value: object) -> Cooldown:
    """`3/30`: three heavy commands per user every 30 seconds (`3` alone: per minute)."""
    if isinstance(value, Cooldown):
        return value
    shape = "must look like 3/30 (commands/seconds)."
    if not isinstance(value, str):
        raise InvalidValue(shape)
    rate, _, per = value.partition("/")
    try:
        commands, seconds = int(rate), float(per or 60)
    except ValueError:
        raise InvalidValue(shape) from None
    if commands < 0 or not seconds > 0:  # `not >`: a NaN is refused too
        raise InvalidValue(shape)
    return Cooldown(commands, seconds)


def _token(value: object) -> SecretStr:
    token = parse_secret(value)
    if any(c.isspace() or not c.isprintable() for c in token.get_secret_value()):
        # It would go into an HTTP header, where a line break is refused with a traceback.
        raise InvalidValue(
            "contains a space, line break or control character; copy the token again from "
            "the Discord developer portal (it is one line of letters, digits, dots, dashes "
            "and underscores).")
    return token


def _discord_id(value: object) -> int:
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise InvalidValue("must be a numeric Discord ID.")
    return parse_whole_number(None)(value)


def _url_base(value: object) -> str | None:
    if not isinstance(value, str):
        raise InvalidValue("must be a URL.")
    return value.rstrip("/") or None


@dataclass(frozen=True, kw_only=True)
class Settings(BriefingSettings):
    """Everything the bot reads: the shared settings and the bot's own."""

    token: SecretStr = setting(
        "DISCORD_TOKEN", section="bot", example="", parse=_token,
        missing="Put the bot token from the Discord developer portal in .env (see "
                ".env.example) or in the environment.",
        about="Bot token (Developer Portal > your application > Bot > Reset Token). Required "
              "for the bot; never logged, never shown in errors.")

    guild_id: int | None = setting(
        "DISCORD_GUILD_ID", None, section="bot", parse=_discord_id,
        about="Server ID for development sync: `briefing-bot sync --guild` publishes the "
              "commands there at once.")

    db_path: Path = setting(
        "BRIEFING_DB_PATH", Path("briefing-bot.sqlite3"), section="bot",
        about="SQLite file holding each channel's reading list and feeds and each server's "
              "schedule and labels.")

    log_level: LogLevel = setting(
        "LOG_LEVEL", "INFO", section="bot",
        about="Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.")

    api_base: str | None = setting(
        "DISCORD_API_BASE", None, section="bot", parse=_url_base,
        about="Another REST base (the tests' fake Discord, Discord-compatible servers); "
              "default: Discord's own.")

    gateway_url: str | None = setting(
        "DISCORD_GATEWAY_URL", None, section="bot",
        about="Another gateway, with DISCORD_API_BASE; default: Discord's own.")

    workers: int = setting("BRIEFING_WORKERS", 2, section="bot", minimum=1,
                           about="Analysis threads.")

    queue_limit: int = setting(
        "BRIEFING_QUEUE_LIMIT", 32, section="bot", minimum=1,
        about="How many distinct analyses may wait before users are told the bot is busy.")

    cooldown: Cooldown = setting(
        "BRIEFING_COOLDOWN", Cooldown(), section="bot", parse=_cooldown,
        about="Per-user limit on the analysis commands: COUNT/SECONDS (0/1 turns it off). "
              "Answers already at hand cost nothing.")

    schedule_grace_minutes: int = setting(
        "BRIEFING_SCHEDULE_GRACE_MINUTES", 60, section="bot", minimum=0,
        about="A daily briefing missed while the bot was down is posted at start-up if at most "
              "this many minutes late (once, never twice).")

    shutdown_grace_seconds: int = setting(
        "BRIEFING_SHUTDOWN_GRACE_SECONDS", 20, section="bot", minimum=0,
        about="On SIGTERM or SIGINT: seconds to finish the replies in flight before closing.")

    brief_public: bool = setting(
        "BRIEFING_BRIEF_PUBLIC", False, section="bot",
        about='"Brief this article" (message command): 1 posts the briefing for the whole '
              "channel to see; 0 shows it only to whoever asked. The article joins the "
              "channel's list either way.")

    feed_poll_minutes: int = setting(
        "BRIEFING_FEED_POLL_MINUTES", MIN_FEED_POLL_MINUTES, section="bot",
        minimum=MIN_FEED_POLL_MINUTES,
        about="Minutes between two polls of one feed (/feed add), at least 15 (politeness to "
              "the sites). Each poll is a conditional GET, with a little random delay so feeds "
              "spread out; a feed that fails is retried later and later (doubling, at most "
              "every 6 hours).")


def main(argv: list[str]) -> int:
    print(settings_table(Settings) if "--table" in argv else env_example(Settings), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
