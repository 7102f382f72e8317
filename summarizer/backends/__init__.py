"""Model backends and the registry that builds them from a `ModelConfig`.

`REGISTRY` is the one table of which backend runs a task: for each task (summary, topics,
entities) and model family (embedded, hub), how to build it, the settings it reads and the
name its results carry. A task's setting chooses the row: "embedded" (or the embedded family
with no model named) picks the embedded backend, a hub id or a folder the hub one.

`Backends` loads each model the first time it is needed (the `classify` command never
loads spaCy; a summary-only run never loads the entity model) and at most once, even when
threads ask at the same time. `warm_up()` loads them all up front, which is what long-lived
processes (the bot) do at start so no request pays for a download or a load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from summarizer.backends.base import (
    Embedder,
    EntityRecognizer,
    Progress,
    TextSummarizer,
    ZeroShotClassifier,
    no_progress,
)
from summarizer.backends.spacy_nlp import SPACY_MODEL_NAME, SpacyEntityRecognizer, SpacyPipeline
from summarizer.config import MODEL_FAMILIES, ModelConfig, ModelFamily, Task
from summarizer.errors import UsageError, printable
from summarizer.types import ModelInfo

T = TypeVar("T")

__all__ = [
    "REGISTRY",
    "BackendKind",
    "Backends",
    "BackendsPool",
    "Embedder",
    "EntityRecognizer",
    "Progress",
    "TextSummarizer",
    "ZeroShotClassifier",
]


@dataclass(frozen=True)
class BackendKind(Generic[T]):
    """One way to run a task.

    `build(backends, model)` makes the backend (`model`: the hub id or folder, or "embedded");
    `settings` are the `ModelConfig` fields it reads besides the model; `name(config, model)`
    is the name its results carry, which the cache keys on, so it changes with every setting
    that changes the results. `loading` names the model in the progress line said before a
    build ("Loading the entity model dslim/bert-base-NER..."); the embedded backends say
    nothing themselves: the encoder and the parser they use do.
    """

    about: str
    settings: tuple[str, ...]
    build: Callable[[Backends, str], T]
    name: Callable[[ModelConfig, str], str]
    loading: str | None = None


class Backends:
    """The models one analysis uses, loaded lazily and shared between threads.

    Raises:
        UsageError: the config names a model family the registry does not have.
    """

    def __init__(self, config: ModelConfig | None = None, progress: Progress | None = None) -> None:
        self.config = config or ModelConfig()
        if self.config.models not in MODEL_FAMILIES:
            raise UsageError(f"Unknown model family '{printable(str(self.config.models), 40)}'; "
                             f"use one of: {_family_choices()}.")
        self.progress: Progress = progress or no_progress
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

    def chosen(self, task: Task) -> tuple[ModelFamily, str]:
        """The family and model that run `task`: ("embedded", "embedded") or ("hub", id)."""
        model = self.config.resolved(task)
        return ("embedded", "embedded") if model is None else ("hub", model)

    def _backend(self, key: str, task: Task, kinds: Mapping[ModelFamily, BackendKind[T]]) -> T:
        family, model = self.chosen(task)
        kind = kinds[family]

        def load() -> T:
            if kind.loading is not None:
                self.progress(f"Loading {kind.loading} {model}...")
            return kind.build(self, model)

        return self._get(key, load)

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
        return self._backend("summarizer", "summary", SUMMARIZERS)

    @property
    def classifier(self) -> ZeroShotClassifier:
        return self._backend("classifier", "topics", CLASSIFIERS)

    @property
    def entities(self) -> EntityRecognizer:
        return self._backend("entities", "entities", RECOGNIZERS)

    def model_info(self) -> ModelInfo:
        """What runs for each task; names only, so it loads nothing."""
        names = {}
        for task, kinds in REGISTRY.items():
            family, model = self.chosen(task)
            names[task] = kinds[family].name(self.config, model)
        return ModelInfo(summary=names["summary"], topics=names["topics"],
                         entities=names["entities"])

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


class BackendsPool:
    """Loaded `Backends` kept from one command to the next, for a process that runs many
    (the resident process of `summarizer.resident`): one per `ModelConfig`, the `size` most
    recently used. A model loading later reports to the progress of the command that asked
    for it, not the one that first made the Backends."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._kept: dict[ModelConfig, Backends] = {}
        self._progress: Progress = no_progress
        self._lock = threading.Lock()

    def get(self, config: ModelConfig, progress: Progress) -> Backends:
        with self._lock:
            self._progress = progress
            backends = self._kept.pop(config, None)
            if backends is None:
                backends = Backends(config, lambda message: self._progress(message))
            self._kept[config] = backends  # the most recent last
            while len(self._kept) > self.size:
                del self._kept[next(iter(self._kept))]
            return backends


# ---------------------------------------------------------------- the registry's factories
# Each imports its module when called: a run loads only the backends it uses.


def _minilm_name(config: ModelConfig) -> str:
    from summarizer.backends.minilm import MINILM_NAME

    # Named with its precision when reduced: a cached fp32 briefing is not an int8 one.
    return MINILM_NAME + ("@int8" if config.embedding_precision == "int8" else "")


def _extractive(backends: Backends, model: str) -> TextSummarizer:
    from summarizer.backends.extractive import ExtractiveSummarizer

    return ExtractiveSummarizer(backends.embedder)


def _seq2seq(backends: Backends, model: str) -> TextSummarizer:
    from summarizer.backends.hub_summarizer import Seq2SeqSummarizer, SummaryOptions

    config = backends.config
    precision = config.generation_precision
    return Seq2SeqSummarizer(model, device=config.device, progress=backends.progress,
                             precision=None if precision == "auto" else precision,
                             options=SummaryOptions(topic_summaries=config.topic_summaries))


def _seq2seq_name(config: ModelConfig, model: str) -> str:
    if config.generation_precision != "auto":
        model += f"@{config.generation_precision}"
    if config.topic_summaries != "reuse":
        # Another briefing than the default one: named apart, and cached apart.
        model += f"+topics:{config.topic_summaries}"
    return model


def _embedding_zeroshot(backends: Backends, model: str) -> ZeroShotClassifier:
    from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot

    return EmbeddingZeroShot(backends.embedder)


def _nli(backends: Backends, model: str) -> ZeroShotClassifier:
    from summarizer.backends.hub_zeroshot import NliZeroShotClassifier

    return NliZeroShotClassifier(model, device=backends.config.device,
                                 progress=backends.progress)


def _spacy_entities(backends: Backends, model: str) -> EntityRecognizer:
    return SpacyEntityRecognizer(backends.parser)


def _transformer_entities(backends: Backends, model: str) -> EntityRecognizer:
    from summarizer.backends.hub_ner import TransformerEntityRecognizer

    return TransformerEntityRecognizer(model, device=backends.config.device,
                                       progress=backends.progress)


def _hub_name(config: ModelConfig, model: str) -> str:
    return model


def _family_choices() -> str:
    """Each family with what it runs per task, from the registry: 'embedded (summary: ...)'."""
    return "; ".join(
        f"{family} (" + ", ".join(f"{task}: {REGISTRY[task][family].about}" for task in REGISTRY)
        + ")"
        for family in MODEL_FAMILIES
    )


SUMMARIZERS: Mapping[ModelFamily, BackendKind[TextSummarizer]] = {
    "embedded": BackendKind(
        "extractive over all-MiniLM-L6-v2", ("embedding_precision", "export_dir"),
        _extractive, lambda config, _: f"extractive:{_minilm_name(config)}"),
    "hub": BackendKind(
        "a seq2seq model", ("device", "generation_precision", "topic_summaries"), _seq2seq,
        _seq2seq_name, loading="the summarization model"),
}
CLASSIFIERS: Mapping[ModelFamily, BackendKind[ZeroShotClassifier]] = {
    "embedded": BackendKind(
        "embedding similarity", ("embedding_precision", "export_dir"),
        _embedding_zeroshot, lambda config, _: f"zero-shot-embedding:{_minilm_name(config)}"),
    "hub": BackendKind("an NLI zero-shot model", ("device",), _nli, _hub_name,
                       loading="the zero-shot model"),
}
RECOGNIZERS: Mapping[ModelFamily, BackendKind[EntityRecognizer]] = {
    "embedded": BackendKind("spaCy en_core_web_sm", (), _spacy_entities,
                            lambda config, _: SPACY_MODEL_NAME),
    "hub": BackendKind("a token-classification model", ("device",), _transformer_entities,
                       _hub_name, loading="the entity model"),
}
# The one table: task -> model family -> backend.
REGISTRY: Mapping[Task, Mapping[ModelFamily, BackendKind[Any]]] = {
    "summary": SUMMARIZERS,
    "topics": CLASSIFIERS,
    "entities": RECOGNIZERS,
}
