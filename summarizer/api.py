"""The public Python API: load an article, analyse it with given backends, classify texts.

    from summarizer import Analyzer, AnalysisOptions, load_article
    analyzer = Analyzer()                       # embedded models, loaded on first use
    briefing = analyzer.analyse(load_article("story.txt"), AnalysisOptions(length=3))
    analyzer.classify(["Shares fell 3%"], ["business", "sport"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from summarizer.analysis import run_analyses
from summarizer.backends import Backends, Progress
from summarizer.cache import BriefingCache
from summarizer.config import ModelConfig
from summarizer.options import ALL_SECTIONS, SECTIONS, AnalysisOptions, parse_labels
from summarizer.types import Article, Briefing, Classification

if TYPE_CHECKING:
    from summarizer.digest import Digest, DigestOptions, SourceFailure

__all__ = ["ALL_SECTIONS", "SECTIONS", "AnalysisOptions", "Analyzer", "parse_labels"]

class Analyzer:
    """Runs the analyses over one set of backends, with an optional on-disk cache."""

    def __init__(
        self,
        backends: Backends | None = None,
        cache: BriefingCache | None = None,
    ) -> None:
        self.backends = backends or Backends()
        self.cache = cache

    @classmethod
    def from_config(
        cls,
        config: ModelConfig,
        *,
        cache: BriefingCache | None = None,
        progress: Progress | None = None,
    ) -> Analyzer:
        return cls(Backends(config, progress), cache)

    def analyse(self, article: Article, options: AnalysisOptions | None = None) -> Briefing:
        """The briefing of `article`, from the cache when the same text, models and options
        were analysed before."""
        options = options or AnalysisOptions()
        models = self.backends.model_info()
        key = None
        if self.cache is not None:
            key = self.cache.key(article, models, options.cache_key())
            cached = self.cache.get(key, article)
            if cached is not None:
                return cached
        briefing = self._run(article, options)
        if self.cache is not None and key is not None:
            self.cache.put(key, briefing)
        return briefing

    def _run(self, article: Article, options: AnalysisOptions) -> Briefing:
        return run_analyses(article, options, self.backends)

    def digest(
        self,
        articles: Sequence[Article | SourceFailure],
        options: DigestOptions | None = None,
        *,
        on_done: Callable[[int], None] | None = None,
    ) -> Digest:
        """The digest of several articles: each briefed as `analyse` does (from the cache
        when its text was analysed before), a few at a time in threads, then merged:
        recurring actors, dominant topics, notable quotes, what is new since
        `options.previous`. A `SourceFailure` (a source that could not be loaded) and an
        article whose analysis fails with a `BriefingError` stay in their places as errors.

        Args:
            on_done: called with each input's index (0-based) as it finishes.
        """
        from summarizer.digest import run_digest

        return run_digest(articles, self.analyse, options, on_done=on_done)

    def classify(self, texts: Sequence[str], labels: Sequence[str]) -> list[Classification]:
        """The best label and every label's score for each text, in input order."""
        from summarizer.topics import classify_texts

        return classify_texts(texts, parse_labels(labels), self.backends.classifier)
