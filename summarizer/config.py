"""Model settings: one frozen object the core receives, built by the front ends' settings
(`summarizer.settings`, `bot.settings`) from their options and environment, then passed down.
The core never reads `os.environ`.

The choices each setting allows are declared here once, as `Literal` types; the settings
model and the CLI's options take them from here (and tests/core/test_config.py checks that
the backends accept every one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

ModelFamily = Literal["embedded", "hub"]
Device = Literal["auto", "cpu", "cuda"]
# The embedded sentence encoder: "auto" is fp32, or bf16 on CPUs with AMX units; int8 is about
# twice as fast at a measured cost (benchmarks/bench_core.py).
EmbeddingPrecision = Literal["auto", "fp32", "int8"]
# Hub seq2seq generation: "auto" is CTranslate2 int8 on a CPU (when installed), fp16 on CUDA;
# "fp32" forces plain PyTorch.
GenerationPrecision = Literal["auto", "fp32", "fp16", "bf16", "int8"]
Task = Literal["summary", "topics", "entities"]
# How a hub summarizer writes topic summaries: from its one pass over the article, or one
# generation per topic.
TopicSummaries = Literal["reuse", "abstractive"]

MODEL_FAMILIES: tuple[ModelFamily, ...] = get_args(ModelFamily)
DEVICES: tuple[Device, ...] = get_args(Device)
EMBEDDING_PRECISIONS: tuple[EmbeddingPrecision, ...] = get_args(EmbeddingPrecision)
GENERATION_PRECISIONS: tuple[GenerationPrecision, ...] = get_args(GenerationPrecision)
TOPIC_SUMMARIES: tuple[TopicSummaries, ...] = get_args(TopicSummaries)

HUB_DEFAULTS: dict[Task, str] = {
    "summary": "sshleifer/distilbart-cnn-12-6",
    "topics": "MoritzLaurer/deberta-v3-base-zeroshot-v2.0",
    "entities": "dslim/bert-base-NER",
}


@dataclass(frozen=True)
class ModelConfig:
    """Which models run. `models` picks the family; a per-task id overrides it for that task
    (a hub id like `facebook/bart-large-cnn`, or a local folder)."""

    models: ModelFamily = "embedded"
    summary_model: str | None = None
    topic_model: str | None = None
    entity_model: str | None = None
    device: Device = "auto"
    embedding_precision: EmbeddingPrecision = "auto"
    generation_precision: GenerationPrecision = "auto"
    topic_summaries: TopicSummaries = "reuse"
    # Where the embedded encoder's one-time ONNX export is kept (None: the default cache).
    export_dir: Path | None = None

    def resolved(self, task: Task) -> str | None:
        """The hub model id or folder for `task`, or None for the embedded backend."""
        explicit = {
            "summary": self.summary_model,
            "topics": self.topic_model,
            "entities": self.entity_model,
        }[task]
        if explicit and explicit != "embedded":
            return explicit
        if explicit == "embedded" or self.models == "embedded":
            return None
        return HUB_DEFAULTS[task]
