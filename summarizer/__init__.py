"""article briefing: the analysis core.

Load an article, analyse it (summary, zero-shot topics, key actors, quotes) with embedded or
hub models, and render the briefing as text, Markdown or JSON.

    from summarizer import Analyzer, AnalysisOptions, load_article
    briefing = Analyzer().analyse(load_article("story.txt"), AnalysisOptions(length=3))
"""

from summarizer.api import ALL_SECTIONS, SECTIONS, AnalysisOptions, Analyzer, parse_labels
from summarizer.article import article_from_bytes, article_from_text, load_article, sample_article
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
