"""The backend registry: one table from (task, model family) to the backend, its settings and
the name its results carry."""

from __future__ import annotations

from dataclasses import fields

import pytest

from summarizer.backends import REGISTRY, Backends
from summarizer.config import MODEL_FAMILIES, ModelConfig
from summarizer.errors import UsageError
from summarizer.types import ModelInfo

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
SPACY = "spacy/en_core_web_sm-3.8.0"
HUB_SUMMARY = "sshleifer/distilbart-cnn-12-6"
HUB_TOPICS = "MoritzLaurer/deberta-v3-base-zeroshot-v2.0"
HUB_ENTITIES = "dslim/bert-base-NER"


def test_every_task_has_every_family_and_reads_only_real_settings() -> None:
    settings = {field.name for field in fields(ModelConfig)}
    assert set(REGISTRY) == {"summary", "topics", "entities"}
    for kinds in REGISTRY.values():
        assert tuple(kinds) == MODEL_FAMILIES
        for kind in kinds.values():
            assert set(kind.settings) <= settings, kind.settings
            assert kind.about


# The names results carry are cache keys: a change here makes every cached briefing a miss.
@pytest.mark.parametrize(("config", "expected"), [
    (ModelConfig(),
     ModelInfo(f"extractive:{MINILM}", f"zero-shot-embedding:{MINILM}", SPACY)),
    (ModelConfig(embedding_precision="int8"),
     ModelInfo(f"extractive:{MINILM}@int8", f"zero-shot-embedding:{MINILM}@int8", SPACY)),
    (ModelConfig(models="hub"), ModelInfo(HUB_SUMMARY, HUB_TOPICS, HUB_ENTITIES)),
    (ModelConfig(models="hub", topic_model="embedded", generation_precision="fp32"),
     ModelInfo(f"{HUB_SUMMARY}@fp32", f"zero-shot-embedding:{MINILM}", HUB_ENTITIES)),
    (ModelConfig(summary_model="./bart", topic_summaries="abstractive"),
     ModelInfo("./bart+topics:abstractive", f"zero-shot-embedding:{MINILM}", SPACY)),
    (ModelConfig(models="hub", summary_model="embedded", entity_model="me/ner",
                 generation_precision="bf16", topic_summaries="abstractive"),
     ModelInfo(f"extractive:{MINILM}", HUB_TOPICS, "me/ner")),
])
def test_model_names_follow_the_chosen_rows(config: ModelConfig, expected: ModelInfo) -> None:
    assert Backends(config).model_info() == expected


@pytest.mark.parametrize(("config", "task", "expected"), [
    (ModelConfig(), "summary", ("embedded", "embedded")),
    (ModelConfig(models="hub"), "topics", ("hub", HUB_TOPICS)),
    (ModelConfig(models="hub", entity_model="embedded"), "entities", ("embedded", "embedded")),
    (ModelConfig(entity_model="/models/ner"), "entities", ("hub", "/models/ner")),
])
def test_a_task_setting_chooses_the_row(config: ModelConfig, task: str,
                                        expected: tuple[str, str]) -> None:
    assert Backends(config).chosen(task) == expected  # type: ignore[arg-type]


def test_an_unknown_family_is_refused_with_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        Backends(ModelConfig(models="hbu\x1b[2J"))  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("Unknown model family 'hbu\\x1b[2J'; use one of: embedded (")
    assert "\x1b" not in message
    for family in MODEL_FAMILIES:
        assert f"{family} (summary: {REGISTRY['summary'][family].about}" in message


def test_the_embedded_rows_build_the_embedded_backends(backends: Backends) -> None:
    from summarizer.backends.embedding_zeroshot import EmbeddingZeroShot
    from summarizer.backends.extractive import ExtractiveSummarizer
    from summarizer.backends.spacy_nlp import SpacyEntityRecognizer

    assert isinstance(backends.summarizer, ExtractiveSummarizer)
    assert isinstance(backends.classifier, EmbeddingZeroShot)
    assert isinstance(backends.entities, SpacyEntityRecognizer)
    # Built once, then shared.
    assert backends.summarizer is backends.summarizer
