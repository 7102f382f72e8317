"""The public Python API: load an article, analyse it with given backends, classify texts.

    from summarizer import Analyzer, AnalysisOptions, load_article
    analyzer = Analyzer()                       # embedded models, loaded on first use
    briefing = analyzer.analyse(load_article("story.txt"), AnalysisOptions(length=3))
    analyzer.classify(["Shares fell 3%"], ["business", "sport"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from summarizer.backends import Backends, Progress
from summarizer.cache import BriefingCache, CacheStats
from summarizer.config import ModelConfig
from summarizer.options import ALL_SECTIONS, SECTIONS, AnalysisOptions, parse_labels
from summarizer.types import Article, Briefing, Classification, ModelInfo

if TYPE_CHECKING:
    from summarizer.analysis import PendingPeople
    from summarizer.digest import Digest, DigestOptions, SourceFailure

__all__ = ["ALL_SECTIONS", "SECTIONS", "AnalysisOptions", "Analyzer", "parse_labels"]


def run_analyses(article: Article, options: AnalysisOptions, backends: Backends,
                 people: PendingPeople | None = None) -> Briefing:
    """`summarizer.analysis.run_analyses`, imported on first call: the analyses pull in
    numpy and the summary and topic code, which a one-shot CLI run imports only once it has
    checked its cache and started its parse process (`summarizer.people_process`)."""
    from summarizer.analysis import run_analyses as run

    return run(article, options, backends, people=people)


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

    def analyse(self, article: Article, options: AnalysisOptions | None = None, *,
                people: PendingPeople | None = None) -> Briefing:
        """The briefing of `article`, from the cache when the same text, models and options
        were analysed before.

        Args:
            people: the article's actors and quotes, being found elsewhere (a one-shot
                process finds them in a child process: `summarizer.people_process`).
        """
        options = options or AnalysisOptions()
        cached = self.cached(article, options)
        if cached is not None:
            return cached
        briefing = self._run(article, options, people)
        if self.cache is not None:
            self.cache.put(self._key(article, options), briefing)
        return briefing

    def model_info(self) -> ModelInfo:
        """The names of the models a briefing would use (no model is loaded)."""
        return self.backends.model_info()

    def warm_up(self) -> None:
        """Load every model now, so that the first briefing does not wait for them."""
        self.backends.warm_up()

    def cache_stats(self) -> CacheStats | None:
        """The on-disk cache's size and hit counts; None without a cache."""
        return self.cache.stats() if self.cache is not None else None

    def cached(self, article: Article, options: AnalysisOptions | None = None) -> Briefing | None:
        """The cached briefing of `article` with these options, or None; loads no model."""
        if self.cache is None:
            return None
        return self.cache.get(self._key(article, options or AnalysisOptions()), article)

    def _key(self, article: Article, options: AnalysisOptions) -> str:
        assert self.cache is not None
        return self.cache.key(article, self.backends.model_info(), options.cache_key())

    def _run(self, article: Article, options: AnalysisOptions,
             people: PendingPeople | None = None) -> Briefing:
        return run_analyses(article, options, self.backends, people)

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
