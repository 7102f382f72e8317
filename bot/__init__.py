"""The Discord bot: slash commands over the article-briefing analysis core."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("article-briefing")
except metadata.PackageNotFoundError:  # running from a source checkout
    __version__ = "0.1.0"

__all__ = ["__version__"]
