"""Model and cache settings: one frozen object, built by the entry points (CLI, bot) from
their options and environment, then passed down. The core never reads `os.environ`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

ModelFamily = Literal["embedded", "hub"]
Device = Literal["auto", "cpu", "cuda"]
EmbeddingPrecision = Literal["auto", "fp32", "int8"]
GenerationPrecision = Literal["auto", "fp32", "fp16", "bf16", "int8"]

HUB_DEFAULTS = {
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
    # The embedded sentence encoder: fp32 (what "auto" means on CPUs without bf16 units), or
    # int8, about twice as fast, at a measured cost (see benchmarks/bench_core.py).
    embedding_precision: EmbeddingPrecision = "auto"
    # Hub seq2seq generation: "auto" is CTranslate2 int8 on a CPU (when installed), fp16 on
    # CUDA; "fp32" forces plain PyTorch.
    generation_precision: GenerationPrecision = "auto"
    # Where the embedded encoder's one-time ONNX export is kept (None: the default cache).
    export_dir: Path | None = None

    def resolved(self, task: Literal["summary", "topics", "entities"]) -> str | None:
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


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """`BRIEFING_CACHE_DIR`, else the XDG cache folder."""
    if environ.get("BRIEFING_CACHE_DIR"):
        return Path(environ["BRIEFING_CACHE_DIR"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "article-briefing"


def model_config_from_env(environ: Mapping[str, str], **overrides: str | None) -> ModelConfig:
    """Read the model settings (`BRIEFING_MODELS`, `SUMMARY_MODEL`, `TOPIC_MODEL`,
    `ENTITY_MODEL`, `BRIEFING_DEVICE`, `BRIEFING_EMBEDDING_PRECISION`,
    `BRIEFING_GENERATION_PRECISION`, and `BRIEFING_CACHE_DIR` for the ONNX export);
    non-None keyword overrides (CLI options) win."""
    config = ModelConfig(
        models=_choice(environ.get("BRIEFING_MODELS", "embedded"), ("embedded", "hub"),
                       "BRIEFING_MODELS"),  # type: ignore[arg-type]
        summary_model=environ.get("SUMMARY_MODEL") or None,
        topic_model=environ.get("TOPIC_MODEL") or None,
        entity_model=environ.get("ENTITY_MODEL") or None,
        device=_choice(environ.get("BRIEFING_DEVICE", "auto"), ("auto", "cpu", "cuda"),
                       "BRIEFING_DEVICE"),  # type: ignore[arg-type]
        embedding_precision=_choice(
            environ.get("BRIEFING_EMBEDDING_PRECISION") or "auto", ("auto", "fp32", "int8"),
            "BRIEFING_EMBEDDING_PRECISION"),  # type: ignore[arg-type]
        generation_precision=_choice(
            environ.get("BRIEFING_GENERATION_PRECISION") or "auto",
            ("auto", "fp32", "fp16", "bf16", "int8"),
            "BRIEFING_GENERATION_PRECISION"),  # type: ignore[arg-type]
        export_dir=default_cache_dir(environ) / "onnx",
    )
    present = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **present)  # type: ignore[arg-type]


def _choice(value: str, allowed: tuple[str, ...], setting: str) -> str:
    from summarizer.errors import UsageError

    value = value.strip().lower()
    if value not in allowed:
        raise UsageError(f"{setting} must be one of {', '.join(allowed)}.")
    return value
