"""The hub backends through the same CLI path a user takes (`--summary-model PATH` etc.),
with tiny random models saved to local folders."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.cli import main
from tests.tiny_models import build_tiny_bart, build_tiny_ner, build_tiny_nli


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-hub")
    return {
        "summary": build_tiny_bart(root / "bart", max_positions=128),
        "topics": build_tiny_nli(root / "nli", favour={"entailment": 1.0}),
        "entities": build_tiny_ner(root / "ner"),
    }


def run(args: list[str], tmp_path: Path, environ: dict[str, str] | None = None
        ) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"BRIEFING_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1",
           **(environ or {})}
    code = main(args, stdout=out, stderr=err, environ=env)
    return code, out.getvalue(), err.getvalue()


def test_brief_with_local_hub_models(tiny: dict[str, Path], tmp_path: Path) -> None:
    code, out, err = run(
        ["brief", "--json", "--length", "3", "--labels", "diplomacy, energy, space",
         "--summary-model", str(tiny["summary"]), "--topic-model", str(tiny["topics"]),
         "--entity-model", str(tiny["entities"])], tmp_path)
    assert code == 0, err
    data = json.loads(out)
    assert data["models"] == {"summary": str(tiny["summary"]), "topics": str(tiny["topics"]),
                              "entities": str(tiny["entities"])}
    # The sample is far longer than the tiny model's 128 tokens: chunked, then reduced.
    assert 1 <= len(data["summary"]) <= 3
    for bullet in data["summary"]:
        assert bullet["paragraphs"] and all(1 <= n <= 14 for n in bullet["paragraphs"])
    assert {t["label"] for t in data["topics"]} <= {"diplomacy", "energy", "space"}
    assert isinstance(data["actors"], list) and isinstance(data["quotes"], list)


def test_per_task_override_keeps_the_other_tasks_embedded(tiny: dict[str, Path],
                                                          tmp_path: Path) -> None:
    code, out, err = run(["summary", "--json", "--length", "2",
                          "--summary-model", str(tiny["summary"])], tmp_path)
    assert code == 0, err
    models = json.loads(out)["models"]
    assert models["summary"] == str(tiny["summary"])
    assert models["topics"].startswith("zero-shot-embedding:")


def test_hub_models_not_cached_offline_fail_with_a_clear_error(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))
    code, out, err = run(["summary", "--models", "hub"], tmp_path,
                         {"HF_HOME": str(tmp_path / "empty-hf-home")})
    assert code == 1 and out == ""
    assert "sshleifer/distilbart-cnn-12-6" in err
    assert "Traceback" not in err


def test_missing_local_folder_is_named(tmp_path: Path) -> None:
    code, _, err = run(["summary", "--summary-model", str(tmp_path / "no-such-model")],
                       tmp_path)
    assert code == 1 and "no-such-model" in err


@pytest.mark.parametrize("precision", ["fp32", "auto"])
@pytest.mark.parametrize("damage", [b"", b"not a checkpoint at all" * 100])
def test_a_damaged_weights_file_is_a_model_error_not_a_crash(
        tiny: dict[str, Path], tmp_path: Path, damage: bytes, precision: str) -> None:
    import shutil

    folder = tmp_path / "damaged-bart"
    shutil.copytree(tiny["summary"], folder)
    (weights,) = folder.glob("*.safetensors")
    weights.write_bytes(damage)
    code, out, err = run(["summary", "--summary-model", str(folder),
                          "--generation-precision", precision], tmp_path)
    assert code == 1 and out == "", err
    assert "Could not load the model" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def limited_bart(tiny: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny BART with its tokenizer's own limit at the model's 128 positions, as real
    BART tokenizers have (1,024): counting a longer text is what made transformers warn."""
    import shutil

    folder = tmp_path_factory.mktemp("limited") / "bart"
    shutil.copytree(tiny["summary"], folder, ignore=shutil.ignore_patterns("ctranslate2"))
    config_file = folder / "tokenizer_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["model_max_length"] = 128
    config_file.write_text(json.dumps(config), encoding="utf-8")
    return folder


def _count_generate_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from summarizer.backends import fast_generate

    batches: list[int] = []
    for engine in (fast_generate.CTranslate2Generator, fast_generate.TorchGenerator):
        def counted(self: Any, inputs: Any, settings: Any, _original: Any = engine.generate
                    ) -> Any:
            batches.append(len(inputs))
            return _original(self, inputs, settings)

        monkeypatch.setattr(engine, "generate", counted)
    return batches


def test_a_quiet_hub_briefing_generates_once_and_prints_nothing_on_stderr(
        limited_bart: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    batches = _count_generate_calls(monkeypatch)
    code, out, err = run(["summary", "--json", "--quiet", "--no-cache",
                          "--summary-model", str(limited_bart)], tmp_path)
    assert code == 0, err
    summary_only = len(batches)
    assert summary_only >= 1
    code, out, err = run(["brief", "--json", "--quiet", "--no-cache",
                          "--summary-model", str(limited_bart)], tmp_path)
    assert code == 0, err
    # The topic summaries add no generate call: they reuse the summary's one pass.
    assert len(batches) == 2 * summary_only
    assert err == "" and capfd.readouterr().err == ""
    data = json.loads(out)
    assert 1 <= len(data["summary"]) <= 5
    assert all(b["text"] and b["paragraphs"] for b in data["summary"])
    assert data["topics"]
    for topic in data["topics"]:
        assert topic["summary"], topic["label"]
        for bullet in topic["summary"]:
            assert bullet["text"] and bullet["paragraphs"]
            assert set(bullet["paragraphs"]) <= set(topic["paragraphs"])


def test_abstractive_topic_summaries_are_a_choice(
        limited_bart: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = _count_generate_calls(monkeypatch)
    code, out, err = run(["brief", "--json", "--quiet", "--no-cache", "--summary-model",
                          str(limited_bart)], tmp_path)
    assert code == 0, err
    reused = len(batches)
    code, out, err = run(["brief", "--json", "--quiet", "--no-cache", "--summary-model",
                          str(limited_bart), "--topic-summaries", "abstractive"], tmp_path)
    assert code == 0, err
    data = json.loads(out)
    # At least one generation per topic on top of the summary's pass, and a name of its own
    # (so the two kinds of briefing are never served from each other's cache entries).
    assert len(batches) - reused >= reused + len(data["topics"])
    assert data["models"]["summary"].endswith("+topics:abstractive")


def test_library_detail_is_silenced_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from transformers.utils import logging as library_logging

    from summarizer.backends.hub_common import quiet_libraries

    before = logging.getLogger("transformers").level
    bars = library_logging.is_progress_bar_enabled()
    with quiet_libraries():
        assert logging.getLogger("transformers").level == logging.ERROR
        assert not library_logging.is_progress_bar_enabled()
    assert logging.getLogger("transformers").level == before  # restored as they were
    assert library_logging.is_progress_bar_enabled() == bars
    monkeypatch.setattr(logging.getLogger("summarizer"), "level", logging.DEBUG)
    with quiet_libraries():
        assert logging.getLogger("transformers").level == before  # asked: left alone
