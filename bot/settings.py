"""The bot's settings: one frozen object read from the environment (and `.env`) in the entry
point only, then passed down. The token is a `Secret` whose repr and str never show it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.config import ModelConfig, default_cache_dir, model_config_from_env
from summarizer.errors import UsageError

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_DB_PATH = "briefing-bot.sqlite3"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# A feed is polled at most this often: politeness to the sites whose feeds are followed.
MIN_FEED_POLL_MINUTES = 15


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and says what to do."""


class Secret:
    """A string that must never be printed: repr/str show a placeholder, `reveal()` the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Cooldown:
    """At most `rate` heavy commands per user in `per` seconds; rate 0 turns it off."""

    rate: int = 3
    per: float = 30.0


@dataclass(frozen=True)
class Settings:
    token: Secret
    guild_id: int | None = None
    db_path: Path = Path(DEFAULT_DB_PATH)
    models: ModelConfig = field(default_factory=ModelConfig)
    cache_dir: Path | None = None
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    allow_private_urls: bool = False
    workers: int = 2
    queue_limit: int = 32
    cooldown: Cooldown = field(default_factory=Cooldown)
    schedule_grace_minutes: int = 60
    shutdown_grace_seconds: int = 20
    brief_public: bool = False  # "Brief this article" answers everyone, not only the user
    feed_poll_minutes: int = MIN_FEED_POLL_MINUTES  # each feed's poll interval (plus jitter)


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    """Read `.env` (when present; real environment variables win) and the environment."""
    from dotenv import dotenv_values

    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return settings_from_env(values)


def settings_from_env(environ: Mapping[str, str]) -> Settings:
    """Build Settings from a mapping of variables.

    Raises:
        SettingsError: DISCORD_TOKEN missing, or a value that does not parse.
    """
    token = (environ.get("DISCORD_TOKEN") or "").strip()
    if not token:
        raise SettingsError(
            "DISCORD_TOKEN is not set. Put the bot token from the Discord developer portal "
            "in .env (see .env.example) or in the environment."
        )
    if any(c.isspace() or not c.isprintable() for c in token):
        # It would go into an HTTP header, where a line break is refused with a traceback.
        # The message never shows the token.
        raise SettingsError(
            "DISCORD_TOKEN contains a space, line break or control character; copy the token "
            "again from the Discord developer portal (it is one line of letters, digits, "
            "dots, dashes and underscores)."
        )
    try:
        models = model_config_from_env(environ)
    except UsageError as error:
        raise SettingsError(str(error)) from None
    level = (environ.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")
    return Settings(
        token=Secret(token),
        guild_id=_optional_int(environ, "DISCORD_GUILD_ID"),
        db_path=Path(environ.get("BRIEFING_DB_PATH") or DEFAULT_DB_PATH).expanduser(),
        models=models,
        cache_dir=_cache_dir(environ),
        log_level=level,
        api_base=(environ.get("DISCORD_API_BASE") or "").strip().rstrip("/") or None,
        gateway_url=(environ.get("DISCORD_GATEWAY_URL") or "").strip() or None,
        allow_private_urls=_flag(environ, "BRIEFING_ALLOW_PRIVATE_URLS"),
        workers=_int(environ, "BRIEFING_WORKERS", 2, minimum=1),
        queue_limit=_int(environ, "BRIEFING_QUEUE_LIMIT", 32, minimum=1),
        cooldown=_cooldown(environ),
        schedule_grace_minutes=_int(environ, "BRIEFING_SCHEDULE_GRACE_MINUTES", 60, minimum=0),
        shutdown_grace_seconds=_int(environ, "BRIEFING_SHUTDOWN_GRACE_SECONDS", 20, minimum=0),
        brief_public=_flag(environ, "BRIEFING_BRIEF_PUBLIC"),
        feed_poll_minutes=_int(environ, "BRIEFING_FEED_POLL_MINUTES", MIN_FEED_POLL_MINUTES,
                               minimum=MIN_FEED_POLL_MINUTES),
    )


def _cache_dir(environ: Mapping[str, str]) -> Path | None:
    if (environ.get("BRIEFING_CACHE") or "on").strip().lower() in ("0", "off", "false", "no"):
        return None
    return default_cache_dir(environ)


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = (environ.get(name) or "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be 1 or 0 (got an unrecognised value).")


def _optional_int(environ: Mapping[str, str], name: str) -> int | None:
    value = (environ.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise SettingsError(f"{name} must be a numeric Discord ID.")
    return int(value)


def _int(environ: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number.") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}.")
    return number


def _cooldown(environ: Mapping[str, str]) -> Cooldown:
    """`BRIEFING_COOLDOWN=3/30`: three heavy commands per user every 30 seconds."""
    value = (environ.get("BRIEFING_COOLDOWN") or "").strip()
    if not value:
        return Cooldown()
    rate, _, per = value.partition("/")
    try:
        cooldown = Cooldown(rate=int(rate), per=float(per or 60))
    except ValueError:
        raise SettingsError("BRIEFING_COOLDOWN must look like 3/30 (commands/seconds).") from None
    if cooldown.rate < 0 or cooldown.per <= 0:
        raise SettingsError("BRIEFING_COOLDOWN must look like 3/30 (commands/seconds).")
    return cooldown
