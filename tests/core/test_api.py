"""The Python API gives a front end everything it needs, so no adapter reaches into the
analyzer's backends or cache, or rebuilds articles itself (issue 11)."""

from __future__ import annotations

from pathlib import Path

from summarizer.api import Analyzer
from summarizer.article import article_from_text, sample_article, stored_article
from summarizer.cache import BriefingCache


def test_model_info_and_cache_stats_without_loading_a_model(tmp_path: Path) -> None:
    analyzer = Analyzer(cache=BriefingCache(tmp_path / "cache"))
    info = analyzer.model_info()
    assert info.summary.startswith("extractive:")
    assert info.entities.startswith("spacy/")
    stats = analyzer.cache_stats()
    assert stats is not None
    assert (stats.entries, stats.hits, stats.misses) == (0, 0, 0)
    assert Analyzer().cache_stats() is None


def test_a_stored_article_comes_back_as_it_was_loaded() -> None:
    loaded = article_from_text("Harbour reopens\n\nThe harbour reopened on Monday after "
                               "the storm. Boats returned at noon.\n\nFishermen were glad.",
                               source="notes.txt")
    again = stored_article(loaded.text, source=loaded.source, title=loaded.title,
                           date=loaded.date)
    assert again == loaded
    sample = sample_article()
    assert stored_article(sample.text, source=sample.source, title=sample.title,
                          date=sample.date).paragraphs == sample.paragraphs
