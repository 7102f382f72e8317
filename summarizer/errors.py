"""Errors the core raises on purpose. Their messages are written for the user: short,
specific, and free of paths to internals, tracebacks or settings values."""

from __future__ import annotations

import re

# C0 and C1 control characters but tab and newline, and DEL: what can move a terminal's
# cursor, switch its screen or reset it when printed (ESC starts every such sequence).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class BriefingError(RuntimeError):
    """Base class: anything the CLI and the bot may show to a user as it is."""


class InputError(BriefingError):
    """The article given cannot be analysed (empty, binary, too long, not English...)."""


class FetchError(InputError):
    """A URL could not be fetched, or what it returned is not an article."""


class ModelError(BriefingError):
    """A model could not be found, loaded or run."""


class UsageError(BriefingError):
    """Options that do not fit together (bad labels, unknown backend name...)."""


def printable(text: str, limit: int | None = None) -> str:
    """`text` made safe to print on a terminal: control characters (escape sequences
    included) shown as visible \\xNN, and cut to `limit` characters with an ellipsis.

    For anything that comes from outside (HTTP headers, file names, URLs, cache entries)
    before it reaches standard output or standard error.
    """
    safe = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
    if limit is not None and len(safe) > limit:
        return safe[: max(limit - 1, 0)] + "…"
    return safe
