"""Settings from the environment reach the backends that use them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from summarizer.backends import Backends
from summarizer.cli import main
from summarizer.config import ModelConfig, model_config_from_env
from summarizer.errors import UsageError
from tests.tiny_models import build_tiny_bart


def test_environment_settings_and_overrides(tmp_path: Path) -> None:
    environ = {"BRIEFING_MODELS": "hub", "SUMMARY_MODEL": "my/summarizer",
               "BRIEFING_EMBEDDING_PRECISION": "int8", "BRIEFING_GENERATION_PRECISION": "fp32",
               "BRIEFING_CACHE_DIR": str(tmp_path)}
    config = model_config_from_env(environ, topic_model="embedded")
    assert config.resolved("summary") == "my/summarizer"
    assert config.resolved("topics") is None  # "embedded" forces the embedded backend
    assert config.resolved("entities") == "dslim/bert-base-NER"
    assert config.embedding_precision == "int8" and config.generation_precision == "fp32"
    assert config.export_dir == tmp_path / "onnx"


@pytest.mark.parametrize("setting", ["BRIEFING_MODELS", "BRIEFING_DEVICE",
                                     "BRIEFING_EMBEDDING_PRECISION",
                                     "BRIEFING_GENERATION_PRECISION"])
def test_bad_setting_values_name_the_setting(setting: str) -> None:
    with pytest.raises(UsageError, match=setting):
        model_config_from_env({setting: "turbo"})


def test_generation_precision_reaches_the_summarizer(tmp_path: Path) -> None:
    folder = build_tiny_bart(tmp_path / "bart")
    backends = Backends(ModelConfig(summary_model=str(folder), generation_precision="fp32"))
    assert "fp32" in backends.summarizer.engine  # type: ignore[attr-defined]
    # A briefing made in another precision is another cache entry.
    assert backends.model_info().summary == f"{folder}@fp32"


def test_cli_generation_precision_option(tmp_path: Path) -> None:
    folder = build_tiny_bart(tmp_path / "bart")
    out, err = io.StringIO(), io.StringIO()
    code = main(["summary", "--json", "--length", "2", "--summary-model", str(folder),
                 "--generation-precision", "fp32"], stdout=out, stderr=err,
                environ={"BRIEFING_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 0, err.getvalue()
    assert json.loads(out.getvalue())["models"]["summary"] == f"{folder}@fp32"


def test_onnx_export_goes_to_the_configured_folder(tmp_path: Path) -> None:
    backends = Backends(ModelConfig(export_dir=tmp_path / "onnx"))
    vectors = backends.embedder.embed(["A short sentence to embed."])
    assert vectors.shape == (1, 384)
    assert list((tmp_path / "onnx").glob("*.onnx"))
