"""Model backends and the registry that builds them from a `ModelConfig`.

`Backends` loads each model the first time it is needed (the `classify` command never
loads spaCy; a summary-only run never loads the entity model) and at most once, even when
threads ask at the same time. `warm_up()` loads them all up front, which is what long-lived
processes (the bot) do at start so no request pays for a download or a load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from summarizer.backends.base import Embedder, EntityRecognizer, TextSummarizer, ZeroShotClassifier
from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline
from summarizer.config import ModelConfig
from summarizer.types import ModelInfo

Progress = Callable[[str], None]
T = TypeVar("T")

__all__ = [
    "Backends",
    "Embedder",
    "EntityRecognizer",
    "Progress",
    "TextSummarizer",
    "ZeroShotClassifier",
]


def _quiet(_: str) -> None:
    return None


class Backends:
    """The models one analysis uses, loaded lazily and shared between threads."""

    def __init__(self, config: ModelConfig | None = None, progress: Progress | None = None) -> None:
        self.config = config or ModelConfig()
        self.progress = progress or _quiet
        # One lock per model, not one for all: the briefing loads spaCy in one thread while
        # the embedder loads in another (about half the cold start), and a load must not
        # wait for an unrelated one. Re-entrant: a model's factory asks for the models it
        # uses (the summarizer asks for the embedder).
        self._locks_lock = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}
        self._loaded: dict[str, object] = {}

    def _get(self, key: str, factory: Callable[[], T]) -> T:
        loaded = self._loaded.get(key)
        if loaded is not None:
            return loaded  # type: ignore[return-value]
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self._loaded:
                self._loaded[key] = factory()
            return self._loaded[key]  # type: ignore[return-value]

    @property
    def embedder(self) -> Embedder:
        def load() -> Embedder:
            from summarizer.backends.minilm import MiniLMEmbedder

            self.progress("Loading the sentence embedder (all-MiniLM-L6-v2)...")
            return MiniLMEmbedder(precision=self.config.embedding_precision,
                                  export_dir=self.config.export_dir, progress=self.progress)

        return self._get("embedder", load)

    @property
    def parser(self) -> SpacyPipeline:
        def load() -> SpacyPipeline:
            self.progress("Loading the spaCy pipeline (en_core_web_sm)...")
            return SpacyPipeline()

        return self._get("parser", load)

    @property
    def summarizer(self) -> TextSummarizer:
        model_id = self.config.resolved("summary")

        def load() -> TextSummarizer:
            if model_id is None:
                from summarizer.backends.extractive import ExtractiveSummarizer

                return ExtractiveSummarizer(self.embedder)
            from summarizer.backends.hub_summarizer import Seq2SeqSummarizer, SummaryOptions

            self.progress(f"Loading the summarization model {model_id}...")
            precision = self.config.generation_precision
            return Seq2SeqSummarizer(model_id, device=self.config.device, progress=self.progress,
                                     precision=None if precision == "auto" else precision,
                                     options=SummaryOptions(
                                         topic_summaries=self.config.topic_summaries))

        return self._get("summarizer", load)

    @property
    def classifier(self) -> ZeroShotClassifier:
        model_id = self.config.resolved("topics")

        def load() -> ZeroShotClassifier:
            if model_id is None:
                from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot

                return EmbeddingZeroShot(self.embedder)
            from summarizer.backends.hub_zeroshot import NliZeroShotClassifier

            self.progress(f"Loading the zero-shot model {model_id}...")
            return NliZeroShotClassifier(model_id, device=self.config.device,
                                         progress=self.progress)

        return self._get("classifier", load)

    @property
    def entities(self) -> EntityRecognizer:
        model_id = self.config.resolved("entities")

        def load() -> EntityRecognizer:
            if model_id is None:
                return SpacyEntityRecognizer(self.parser)
            from summarizer.backends.hub_ner import TransformerEntityRecognizer

            self.progress(f"Loading the entity model {model_id}...")
            return TransformerEntityRecognizer(model_id, device=self.config.device,
                                               progress=self.progress)

        return self._get("entities", load)

    def model_info(self) -> ModelInfo:
        """What runs for each task; names only, so it loads nothing."""
        from summarizer.backends.minilm import MINILM_NAME
        from summarizer.backends.spacy_nlp import SPACY_MODEL_NAME

        # Named with its precision when reduced: a cached fp32 briefing is not an int8 one.
        minilm = MINILM_NAME + ("@int8" if self.config.embedding_precision == "int8" else "")
        summary_model = self.config.resolved("summary")
        if summary_model and self.config.generation_precision != "auto":
            summary_model += f"@{self.config.generation_precision}"
        if summary_model and self.config.topic_summaries != "reuse":
            # Another briefing than the default one: named apart, and cached apart.
            summary_model += f"+topics:{self.config.topic_summaries}"
        return ModelInfo(
            summary=summary_model or f"extractive:{minilm}",
            topics=self.config.resolved("topics") or f"zero-shot-embedding:{minilm}",
            entities=self.config.resolved("entities") or SPACY_MODEL_NAME,
        )

    def warm_up(self, sections: frozenset[str] = frozenset({"summary", "topics", "actors",
                                                            "quotes"})) -> None:
        """Load every model the given sections need, now."""
        if "summary" in sections or "topics" in sections:
            _ = self.summarizer
        if "topics" in sections:
            _ = self.classifier
        if "actors" in sections or "quotes" in sections:
            _ = self.parser
            _ = self.entities
