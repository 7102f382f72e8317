"""Errors the core raises on purpose. Their messages are written for the user: short,
specific, and free of paths to internals, tracebacks or settings values."""

from __future__ import annotations


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
