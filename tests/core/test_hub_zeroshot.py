"""The NLI zero-shot classifier on tiny BERT classifiers with pinned heads."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from summarizer.backends import Backends
from summarizer.backends.hub_zeroshot import NliLabels, NliZeroShotClassifier, nli_labels
from summarizer.config import ModelConfig
from summarizer.errors import ModelError, UsageError
from tests.tiny_models import build_tiny_nli

TEXTS = ["The central bank raised interest rates again.", "The striker scored twice.",
         "Rain is expected in the north."]
LABELS = ["economy", "sport"]


def _sigmoid_pair(entailment: float, against: float) -> float:
    return 1.0 / (1.0 + math.exp(against - entailment))


@pytest.fixture(scope="module")
def pinned_nli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # entailment 2, neutral 5 (ignored), contradiction 0: every pair scores sigmoid(2).
    return build_tiny_nli(tmp_path_factory.mktemp("nli"),
                          favour={"entailment": 2.0, "neutral": 5.0, "contradiction": 0.0})


def test_loads_through_the_registry_and_scores_in_range(pinned_nli: Path) -> None:
    backends = Backends(ModelConfig(topic_model=str(pinned_nli), device="cpu"))
    classifier = backends.classifier
    assert isinstance(classifier, NliZeroShotClassifier)
    assert classifier.name == str(pinned_nli)
    scores = classifier.score(TEXTS, LABELS)
    assert scores.shape == (3, 2) and scores.dtype == np.float32
    assert np.all((scores >= 0) & (scores <= 1))
    # Softmax over (contradiction, entailment) only: "neutral" does not dilute the score.
    assert np.allclose(scores, _sigmoid_pair(2.0, 0.0), atol=1e-5)


def test_entailment_index_comes_from_the_config(tmp_path: Path) -> None:
    reordered = {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}
    folder = build_tiny_nli(tmp_path / "reordered", id2label=reordered,
                            favour={"ENTAILMENT": 2.0, "NEUTRAL": 5.0, "CONTRADICTION": 0.0})
    classifier = NliZeroShotClassifier(str(folder), device="cpu")
    assert classifier.labels == NliLabels(entailment=2, against=0)
    assert np.allclose(classifier.score(TEXTS, LABELS), _sigmoid_pair(2.0, 0.0), atol=1e-5)


def test_two_class_zero_shot_model(tmp_path: Path) -> None:
    folder = build_tiny_nli(tmp_path / "two", id2label={0: "entailment", 1: "not_entailment"},
                            favour={"entailment": -1.0, "not_entailment": 1.0})
    classifier = NliZeroShotClassifier(str(folder), device="cpu", batch_size=4)
    assert classifier.labels == NliLabels(entailment=0, against=1)
    assert np.allclose(classifier.score(TEXTS, LABELS), _sigmoid_pair(-1.0, 1.0), atol=1e-5)


def test_a_model_without_an_entailment_label_is_refused(tmp_path: Path) -> None:
    folder = build_tiny_nli(tmp_path / "sentiment", id2label={0: "negative", 1: "positive"})
    with pytest.raises(ModelError, match="no entailment label"):
        NliZeroShotClassifier(str(folder), device="cpu")


@pytest.mark.parametrize(
    ("id2label", "expected"),
    [
        ({0: "entailment", 1: "neutral", 2: "contradiction"}, NliLabels(0, 2)),
        ({0: "contradiction", 1: "entailment", 2: "neutral"}, NliLabels(1, 0)),
        ({0: "entailment", 1: "not_entailment"}, NliLabels(0, 1)),
        ({0: "Entailment", 1: "A", 2: "B"}, NliLabels(0, None)),
    ],
)
def test_nli_labels(id2label: dict[int, str], expected: NliLabels) -> None:
    assert nli_labels(id2label, "m") == expected


def test_random_model_scores_vary_by_pair(tmp_path: Path) -> None:
    classifier = NliZeroShotClassifier(str(build_tiny_nli(tmp_path / "random")), device="cpu",
                                       template="Topic: {label}.", batch_size=2)
    scores = classifier.score(TEXTS, [*LABELS, "weather"])
    assert scores.shape == (3, 3)
    assert np.all((scores >= 0) & (scores <= 1))
    assert classifier.score([], LABELS).shape == (0, 2)
    # A text longer than the model's 128 positions is truncated, not an error.
    assert classifier.score([" ".join(TEXTS * 40)], LABELS).shape == (1, 2)


def test_template_without_label_is_a_usage_error(pinned_nli: Path) -> None:
    with pytest.raises(UsageError):
        NliZeroShotClassifier(str(pinned_nli), device="cpu", template="About this.")


def test_uncached_hub_model_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelError, match=r"nobody/nli-model.*TOPIC_MODEL"):
        NliZeroShotClassifier("nobody/nli-model", device="cpu")


def test_cached_hub_model_loads_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        pinned_nli: Path) -> None:
    """A hub id already in the Hugging Face cache loads with HF_HUB_OFFLINE=1."""
    import shutil

    from huggingface_hub import constants

    repo = tmp_path / "models--someone--tiny-nli"
    shutil.copytree(pinned_nli, repo / "snapshots" / "0123abcd")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    messages: list[str] = []
    classifier = NliZeroShotClassifier("someone/tiny-nli", device="cpu",
                                       progress=messages.append)
    assert classifier.name == "someone/tiny-nli"
    assert any("cache" in message for message in messages)
    assert np.allclose(classifier.score(TEXTS[:1], LABELS), _sigmoid_pair(2.0, 0.0), atol=1e-5)
