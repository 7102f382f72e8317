"""One place that turns anything a command raises into a short message for the user.

Messages are specific where the cause is the user's (bad option, unreadable article, cooldown,
missing permission) and generic where it is ours: never a path, a traceback or a setting.
"""

from __future__ import annotations

import logging

from discord import app_commands

from summarizer.errors import BriefingError, ModelError

log = logging.getLogger(__name__)


class BotError(RuntimeError):
    """Raised on purpose by the bot; its message is shown to the user as it is."""


class BusyError(BotError):
    def __init__(self) -> None:
        super().__init__("The bot is busy with other analyses right now; try again in a minute.")


def user_message(error: BaseException) -> str:
    """The short text to show for `error`; unexpected errors are logged here."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if inner is not None and inner is not error:
            return user_message(inner)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can use this command again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(p.replace("_", " ").replace("guild", "server").title()
                          for p in error.missing_permissions)
        return f"You need the {names} permission to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You cannot use this command here."
    if isinstance(error, ModelError):
        log.error("model error: %s", error)
        return "The analysis models are not available right now; the bot owner has been told."
    if isinstance(error, BriefingError | BotError):
        return _short(str(error))
    log.error("unexpected error in a command", exc_info=error)
    return "Something went wrong on our side; please try again later."


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
