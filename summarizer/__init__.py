"""article briefing: the analysis core.

Load an article, analyse it (summary, zero-shot topics, key actors, quotes) with embedded or
hub models, and render the briefing as text, Markdown or JSON.

    from summarizer import Analyzer, AnalysisOptions, load_article
    briefing = Analyzer().analyse(load_article("story.txt"), AnalysisOptions(length=3))

The names below are imported on first use (PEP 562), not with the package: every
`summarizer.x` import runs this file first, and importing the whole API here would make the
CLI import numpy, ONNX Runtime's wrappers and the analyses before it has even read its
arguments (a quarter of a second on 2 cores), and before it can start its parse process
(see `summarizer.people_process`) with nothing loaded yet.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.api import ALL_SECTIONS, SECTIONS, AnalysisOptions, Analyzer, parse_labels
    from summarizer.article import (
        article_from_bytes,
        article_from_text,
        load_article,
        sample_article,
    )
    from summarizer.backends import Backends
    from summarizer.cache import BriefingCache
    from summarizer.config import ModelConfig
    from summarizer.errors import BriefingError, FetchError, InputError, ModelError, UsageError
    from summarizer.types import (
        Actor,
        Article,
        Briefing,
        Bullet,
        Classification,
        ModelInfo,
        Paragraph,
        Quote,
        Sentence,
        Topic,
    )

__version__ = "0.1.0"

# Each public name -> the module that defines it.
_EXPORTS = {
    **dict.fromkeys(("ALL_SECTIONS", "SECTIONS", "AnalysisOptions", "Analyzer", "parse_labels"),
                    "summarizer.api"),
    **dict.fromkeys(("article_from_bytes", "article_from_text", "load_article",
                     "sample_article"), "summarizer.article"),
    "Backends": "summarizer.backends",
    "BriefingCache": "summarizer.cache",
    "ModelConfig": "summarizer.config",
    **dict.fromkeys(("BriefingError", "FetchError", "InputError", "ModelError", "UsageError"),
                    "summarizer.errors"),
    **dict.fromkeys(("Actor", "Article", "Briefing", "Bullet", "Classification", "ModelInfo",
                     "Paragraph", "Quote", "Sentence", "Topic"), "summarizer.types"),
}

__all__ = [
    "ALL_SECTIONS",
    "SECTIONS",
    "Actor",
    "AnalysisOptions",
    "Analyzer",
    "Article",
    "Backends",
    "Briefing",
    "BriefingCache",
    "BriefingError",
    "Bullet",
    "Classification",
    "FetchError",
    "InputError",
    "ModelConfig",
    "ModelError",
    "ModelInfo",
    "Paragraph",
    "Quote",
    "Sentence",
    "Topic",
    "UsageError",
    "__version__",
    "article_from_bytes",
    "article_from_text",
    "load_article",
    "parse_labels",
    "sample_article",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
