"""Zero-shot topic scores from a Hugging Face NLI model (DeBERTa zero-shot, BART-MNLI...).

Each (text, label) pair becomes a premise/hypothesis pair ("This text is about {label}.");
the model's entailment probability is the label's score. Labels are scored independently
(multi-label), so several topics can hold for one paragraph.

preprocess: pairs -> token ids (premise truncated to the model's limit, never the label).
forward: batched logits. postprocess: entailment probability per pair, as a numpy array.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from summarizer.backends.base import Progress
from summarizer.backends.hub_common import load_pretrained
from summarizer.errors import ModelError, UsageError

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel

DEFAULT_TEMPLATE = "This text is about {label}."


@dataclass(frozen=True)
class NliLabels:
    """Where the NLI classes sit in the model's output.

    `entailment` always; `contradiction` when the model has one (3-class MNLI models): the
    score is then softmax over (contradiction, entailment) only, so "neutral" does not dilute
    it. 2-class zero-shot models (entailment / not_entailment) use softmax over both.
    """

    entailment: int
    against: int | None


def nli_labels(id2label: Mapping[Any, str] | None, model_name: str) -> NliLabels:
    """Read the entailment (and contradiction) index from the model's config, never guess.

    Raises:
        ModelError: the config names no entailment class (not an NLI model).
    """
    names = {int(index): str(name).lower() for index, name in (id2label or {}).items()}
    entailment = [i for i, name in names.items() if name.startswith("entail")]
    if len(entailment) != 1:
        shown = ", ".join(f"{i}: {n}" for i, n in sorted(names.items()))
        raise ModelError(
            f"{model_name} has no entailment label in its config (labels: {shown}), so it "
            "is not a natural-language-inference model usable for zero-shot topics."
        )
    contradiction = [i for i, name in names.items() if name.startswith("contradict")]
    others = [i for i in names if i != entailment[0]]
    if contradiction:
        against: int | None = contradiction[0]
    elif len(others) == 1:
        against = others[0]  # e.g. "not_entailment"
    else:
        against = None  # softmax over every class
    return NliLabels(entailment=entailment[0], against=against)


class NliZeroShotClassifier:
    """A `ZeroShotClassifier` over a hub NLI model (an id or a local folder).

    Args:
        model_id: e.g. `MoritzLaurer/deberta-v3-base-zeroshot-v2.0`, or a folder.
        device: "auto" (CUDA when present, in fp16), "cpu" or "cuda".
        progress: called with one-line messages while loading.
        template: the hypothesis; must contain "{label}".
        batch_size: (text, label) pairs per forward pass.

    Raises:
        ModelError: the model cannot be found or loaded, or is not an NLI model.
    """

    def __init__(self, model_id: str, *, device: str = "auto", progress: Progress | None = None,
                 template: str = DEFAULT_TEMPLATE, batch_size: int = 16) -> None:
        from transformers import AutoModelForSequenceClassification

        if "{label}" not in template:
            raise UsageError('The hypothesis template must contain "{label}".')
        loaded = load_pretrained(model_id, "topics", AutoModelForSequenceClassification, device,
                                 progress)
        self.name = loaded.source.name
        self.template = template
        self.batch_size = max(1, batch_size)
        self.tokenizer = loaded.tokenizer
        self.model: PreTrainedModel = loaded.model
        self.labels = nli_labels(self.model.config.id2label, self.name)
        self.limit = loaded.limit
        self._lock = threading.Lock()

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> NDArray[np.float32]:
        """Entailment probability of each label for each text, shape (texts, labels)."""
        scores = np.zeros((len(texts), len(labels)), dtype=np.float32)
        if not texts or not labels:
            return scores
        hypotheses = [self.template.format(label=label) for label in labels]
        pairs = [(t, h) for t in texts for h in hypotheses]
        flat = np.concatenate([
            self._forward(pairs[start : start + self.batch_size])
            for start in range(0, len(pairs), self.batch_size)
        ])
        return flat.reshape(len(texts), len(labels)).astype(np.float32)

    def _forward(self, pairs: Sequence[tuple[str, str]]) -> NDArray[np.float32]:
        import torch

        encoded = self.tokenizer(
            [premise for premise, _ in pairs], [hypothesis for _, hypothesis in pairs],
            truncation="only_first", max_length=self.limit, padding=True, return_tensors="pt",
        ).to(self.model.device)
        try:
            with self._lock, torch.inference_mode():
                logits = self.model(**encoded).logits.float()
        except RuntimeError as error:
            raise ModelError(f"The zero-shot model {self.name} failed: {error}") from error
        return self._entailment(logits)

    def _entailment(self, logits: torch.Tensor) -> NDArray[np.float32]:
        if self.labels.against is None:
            probabilities = logits.softmax(dim=-1)[:, self.labels.entailment]
        else:
            pair = logits[:, [self.labels.against, self.labels.entailment]]
            probabilities = pair.softmax(dim=-1)[:, 1]
        result: NDArray[np.float32] = probabilities.cpu().numpy().astype(np.float32)
        return result
