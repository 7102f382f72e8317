"""`briefing-bot [run]` starts the bot; `briefing-bot sync [--guild [ID]]` publishes its
commands. Settings come from `.env` and the environment (see `.env.example`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.app import BriefingBot

log = logging.getLogger("bot")


# Interaction tokens (valid for 15 minutes: whoever holds one can answer as the bot) sit in
# the webhook and callback URLs discord.py logs at DEBUG, and in gateway event payloads.
_TOKEN_IN_URL = re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.\-]{16,}")
_TOKEN_FIELD = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""")
# A logged argument longer than this is a payload (a gateway event, a request body) and can
# hold whole article texts and users' messages: only its size is logged.
MAX_LOGGED_ARGUMENT = 300


class RedactingFilter(logging.Filter):
    """Belt and braces: whatever a library logs, the bot token and interaction tokens are
    replaced before output, and payloads (which carry article texts) are left out."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_shortened(arg) for arg in record.args)
        message = record.getMessage()
        cleaned = redact(message, self.secret)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _shortened(value: object) -> object:
    if isinstance(value, dict | list | str | bytes):
        size = len(value) if isinstance(value, str | bytes) else len(str(value))
        if size > MAX_LOGGED_ARGUMENT:
            return f"<{size:,} characters left out>"
    return value


def redact(text: str, secret: str) -> str:
    """`text` without the bot token or any interaction token."""
    if secret:
        text = text.replace(secret, "**********")
    text = _TOKEN_IN_URL.sub(r"\1**********", text)
    return _TOKEN_FIELD.sub(r"\1**********", text)


def configure_logging(settings: Settings) -> None:
    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)
    redact = RedactingFilter(settings.token.get_secret_value())
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def build_bot(settings: Settings, **options: Any) -> BriefingBot:
    """The bot with its real dependencies: the core Analyzer (with the cache unless
    BRIEFING_CACHE is off) and the SQLite state."""
    from bot.app import BriefingBot
    from bot.state import State
    from summarizer.api import Analyzer
    from summarizer.cache import BriefingCache

    folder = settings.briefing_cache
    cache = BriefingCache(folder) if folder is not None else None
    # The core's progress (model loading, the one-time encoder export) goes to the log.
    analyzer = Analyzer.from_config(settings.to_model_config(), cache=cache,
                                    progress=logging.getLogger("bot.models").info)
    return BriefingBot(settings, analyzer=analyzer, state=State(settings.db_path), **options)


async def run(settings: Settings) -> None:
    bot = build_bot(settings)
    await serve(bot, settings.token.get_secret_value(),
                grace=settings.shutdown_grace_seconds)


async def serve(bot: BriefingBot, token: str, *, grace: float) -> None:
    """Run `bot` until it is closed. SIGTERM/SIGINT: new commands are refused, those running
    get `grace` seconds to reply, then the bot disconnects and the database is checkpointed
    and closed. A second signal closes at once."""
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def on_signal(name: str) -> None:
        if stopping:
            log.warning("%s again: closing now", name)
            stopping.append(loop.create_task(bot.close()))
            return
        log.info("%s: finishing the commands in progress (up to %s s), then stopping",
                 name, grace)
        stopping.append(loop.create_task(bot.shutdown(grace)))

    handled = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(sig, on_signal, sig.name)
            handled.append(sig)
    try:
        async with bot:
            await bot.start(token)
        if stopping:
            await asyncio.gather(*stopping, return_exceptions=True)
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        bot.services.state.close()


async def sync(settings: Settings, guild_id: int | None) -> int:
    """`briefing-bot sync`: log in over REST only, publish the commands, log out."""
    from bot.commands.sync import sync_commands

    bot = build_bot(settings, run_scheduler=False, warm_up=False)
    try:
        async with bot:
            await bot.login(settings.token.get_secret_value())
            synced = await sync_commands(bot.tree, guild_id)
    finally:
        bot.services.state.close()
    where = f"guild {guild_id}" if guild_id else "globally (may take up to an hour to appear)"
    print(f"Synced {len(synced)} commands {where}: {', '.join(c.name for c in synced)}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing-bot", description=__doc__)
    sub = parser.add_subparsers(dest="action")
    sub.add_parser("run", help="connect to Discord and answer commands (the default)")
    sync_parser = sub.add_parser("sync", help="publish the slash commands to Discord")
    sync_parser.add_argument(
        "--guild", nargs="?", const="env", metavar="ID",
        help="sync to one server only (instant); without ID, DISCORD_GUILD_ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as error:
        print(f"briefing-bot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings)

    from bot.app import discord_endpoints
    from bot.state import StateError

    try:
        with discord_endpoints(settings.api_base, settings.gateway_url):
            if args.action == "sync":
                guild = args.guild
                if guild == "env":
                    if settings.guild_id is None:
                        print("briefing-bot: --guild without an ID needs DISCORD_GUILD_ID.",
                              file=sys.stderr)
                        return 2
                    guild_id: int | None = settings.guild_id
                elif guild is None:
                    guild_id = None
                elif guild.isdigit():
                    guild_id = int(guild)
                else:
                    print("briefing-bot: --guild takes a numeric server ID.", file=sys.stderr)
                    return 2
                return asyncio.run(sync(settings, guild_id))
            asyncio.run(run(settings))
    except discord.LoginFailure:
        print("briefing-bot: Discord refused the token; check DISCORD_TOKEN "
              "(Developer Portal > your application > Bot > Reset Token).", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("briefing-bot: Discord asked for privileged intents this bot does not use.",
              file=sys.stderr)
        return 1
    except (discord.GatewayNotFound, discord.ConnectionClosed, OSError) as error:
        print(f"briefing-bot: cannot reach Discord ({type(error).__name__}).", file=sys.stderr)
        return 1
    except StateError as error:
        print(f"briefing-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
