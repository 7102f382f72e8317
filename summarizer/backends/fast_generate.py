"""Sequence-to-sequence generation engines: the plain PyTorch `generate()` and faster ones.

Decoding is memory-bound on a CPU: every output token reads all the decoder weights (and the
50k-row output projection), so shrinking the weights to int8 is what makes a summary fast.
Two int8 engines, best first:

- CTranslate2 (optional package `ctranslate2`): int8 weights, fused kernels and a beam
  search that does not copy the key/value cache. The model is converted once and the
  converted copy is kept beside the model in its cache folder.
- PyTorch dynamic int8 quantization of every `nn.Linear`, on request only
  (`precision="int8"` without CTranslate2): on the machine this was measured on it was
  slower than fp32, so it is not a default.

Without CTranslate2 the CPU default is plain PyTorch fp32. On a CUDA GPU the engine is
PyTorch in fp16. `precision="fp32"` forces plain PyTorch fp32 anywhere.

Published quality cost of dynamic int8 for distilbart-cnn-12-6 on CNN/DailyMail:
ROUGE-Lsum 41.47 vs 41.81 in fp32.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

from summarizer.backends.base import Progress, no_progress
from summarizer.backends.hub_common import quiet_libraries, weight_errors
from summarizer.config import GENERATION_PRECISIONS, GenerationPrecision
from summarizer.errors import ModelError, printable

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from summarizer.backends.hub_common import ModelSource

# The precisions are the setting's own choices, declared once in `summarizer.config`.
Precision = GenerationPrecision
EngineName = Literal["auto", "torch", "ctranslate2"]

PRECISIONS: tuple[Precision, ...] = GENERATION_PRECISIONS
ENGINES: tuple[EngineName, ...] = get_args(EngineName)
# Bumped when the conversion recipe changes, so an old converted copy is not reused.
_CONVERSION_VERSION = 1


@dataclass(frozen=True)
class DecodingSettings:
    """Beam search settings, in Hugging Face `generate()` terms.

    `max_length`/`min_length` count the decoder's start token, as `generate()` does.
    """

    num_beams: int = 4
    max_length: int = 142
    min_length: int = 56
    length_penalty: float = 2.0
    no_repeat_ngram_size: int = 3
    early_stopping: bool = True


class Generator(Protocol):
    """Token ids in, token ids out (special tokens included); one list per input."""

    description: str

    def generate(self, inputs: Sequence[Sequence[int]],
                 settings: DecodingSettings) -> list[list[int]]: ...


@dataclass(frozen=True)
class EngineChoice:
    engine: Literal["torch", "ctranslate2"]
    precision: Literal["fp32", "fp16", "bf16", "int8"]


def choose_engine(precision: Precision, engine: EngineName, device: torch.device) -> EngineChoice:
    """What runs for the asked precision and engine on this device.

    "auto" means the fastest choice whose quality cost is small and published: CTranslate2
    int8 on a CPU (PyTorch fp32 when ctranslate2 is not installed), fp16 on a GPU.

    Raises:
        ModelError: a combination that cannot run here (fp16 on a CPU, CTranslate2 asked for
            but not installed).
    """
    if precision not in PRECISIONS:
        raise ModelError(f"Unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}.")
    if engine not in ENGINES:
        raise ModelError(f"Unknown engine {engine!r}; use one of {', '.join(ENGINES)}.")
    if engine == "ctranslate2" and not ctranslate2_available():
        raise ModelError("The ctranslate2 engine was asked for but the ctranslate2 package is "
                         "not installed; `pip install ctranslate2`, or use the torch engine.")
    if engine == "ctranslate2":
        if precision not in ("auto", "int8"):
            raise ModelError("The ctranslate2 engine runs int8 here; use precision int8 or auto, "
                             "or the torch engine for other precisions.")
        # Always on the CPU: the GPU's fast path is PyTorch fp16.
        return EngineChoice(engine="ctranslate2", precision="int8")
    on_gpu = device.type == "cuda"
    if precision == "auto" and not on_gpu and not ctranslate2_available():
        # PyTorch's own dynamic int8 Linear measured slower than fp32 on the 2-core Xeon this
        # was built on (a fixed cost per call dominates decoding), so without CTranslate2 the
        # CPU default stays fp32: nothing lost, only speed not gained.
        return EngineChoice(engine="torch", precision="fp32")
    resolved = precision if precision != "auto" else ("fp16" if on_gpu else "int8")
    if resolved == "fp16" and not on_gpu:
        raise ModelError("fp16 runs on a CUDA GPU only; on a CPU use int8, bf16 or fp32.")
    if engine == "auto":
        # CTranslate2 only pays off where it is int8; fp32/bf16/fp16 stay with PyTorch.
        use_ct2 = resolved == "int8" and not on_gpu and ctranslate2_available()
        engine = "ctranslate2" if use_ct2 else "torch"
    if resolved == "int8" and on_gpu and engine == "torch":
        # PyTorch's dynamic int8 kernels are CPU-only; fp16 is the GPU's fast path.
        resolved = "fp16"
    return EngineChoice(engine=engine, precision=resolved)


def ctranslate2_available() -> bool:
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------- PyTorch


class TorchGenerator:
    """`model.generate()` on a model in fp32, fp16, bf16 or dynamic int8."""

    def __init__(self, model: PreTrainedModel, pad_token_id: int,
                 precision: Literal["fp32", "fp16", "bf16", "int8"]) -> None:
        self.model = prepare_torch_model(model, precision)
        self.pad_token_id = pad_token_id
        self.description = f"torch {precision} ({self.model.device.type})"

    def generate(self, inputs: Sequence[Sequence[int]],
                 settings: DecodingSettings) -> list[list[int]]:
        import torch

        input_ids, attention_mask = pad_batch(inputs, self.pad_token_id)
        model: Any = self.model
        device = model.device
        with torch.inference_mode():
            output = model.generate(
                input_ids=input_ids.to(device),
                attention_mask=attention_mask.to(device),
                num_beams=settings.num_beams,
                max_length=settings.max_length,
                min_length=settings.min_length,
                length_penalty=settings.length_penalty,
                no_repeat_ngram_size=settings.no_repeat_ngram_size,
                early_stopping=settings.early_stopping,
                do_sample=False,
            )
        return [row.tolist() for row in output.cpu()]


def prepare_torch_model(model: PreTrainedModel,
                        precision: Literal["fp32", "fp16", "bf16", "int8"]) -> PreTrainedModel:
    """The model in `precision`: cast (fp16/bf16) or with int8 dynamic-quantized Linears."""
    import torch

    typed: Any = model
    if precision == "fp16":
        return typed.half()
    if precision == "bf16":
        return typed.to(torch.bfloat16)
    if precision == "int8":
        model = typed.float()
        # Weights are int8, activations are quantized per batch on the fly: no calibration
        # data needed, and the memory read per decoding step drops fourfold.
        quantized: PreTrainedModel = torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8
        )
        return quantized
    return model


def pad_batch(inputs: Sequence[Sequence[int]],
              pad_token_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad token id lists into (ids, attention mask) tensors."""
    import torch

    width = max(len(ids) for ids in inputs)
    input_ids = torch.full((len(inputs), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(inputs), width), dtype=torch.long)
    for row, ids in enumerate(inputs):
        input_ids[row, : len(ids)] = torch.tensor(list(ids), dtype=torch.long)
        attention_mask[row, : len(ids)] = 1
    return input_ids, attention_mask


# ---------------------------------------------------------------- CTranslate2


class CTranslate2Generator:
    """A CTranslate2 `Translator` over a converted copy of the model."""

    def __init__(self, model_dir: Path, tokenizer: PreTrainedTokenizerBase | Any, *,
                 compute_type: str = "int8", decoder_prefix: Sequence[int] = (),
                 forced_eos_token_id: int | None = None) -> None:
        import ctranslate2

        self.model_dir = model_dir
        # On the CPU only (a GPU's fast path is PyTorch fp16), on all its cores.
        self.translator = ctranslate2.Translator(
            str(model_dir), device="cpu", compute_type=compute_type,
            inter_threads=1, intra_threads=0,
        )
        self.tokenizer = tokenizer
        # Tokens forced after the start token (BART's <s>), as `forced_bos_token_id` does.
        self.prefix: list[str] = list(tokenizer.convert_ids_to_tokens(list(decoder_prefix)))
        self.forced_eos_token_id = forced_eos_token_id
        self.description = f"ctranslate2 {compute_type} (cpu)"
        self._lock = threading.Lock()

    def generate(self, inputs: Sequence[Sequence[int]],
                 settings: DecodingSettings) -> list[list[int]]:
        sources = [self.tokenizer.convert_ids_to_tokens(list(ids)) for ids in inputs]
        prefix = [self.prefix] * len(sources) if self.prefix else None
        # generate() counts the decoder start token in its lengths; CTranslate2 does not.
        longest = max(1, settings.max_length - 1)
        with self._lock:
            results = self.translator.translate_batch(
                sources,
                target_prefix=prefix,
                beam_size=settings.num_beams,
                max_decoding_length=longest,
                min_decoding_length=max(0, settings.min_length - 1),
                length_penalty=settings.length_penalty,
                no_repeat_ngram_size=settings.no_repeat_ngram_size,
                max_batch_size=len(sources),
                return_scores=False,
            )
        return [self._end(self._ids(result.hypotheses[0]), longest) for result in results]

    def _end(self, ids: list[int], longest: int) -> list[int]:
        # generate() with `forced_eos_token_id` spends its last step on the end token; do the
        # same, so both engines give the same text for the same number of decoding steps.
        if self.forced_eos_token_id is not None and len(ids) >= longest:
            ids[-1] = self.forced_eos_token_id
        return ids

    def _ids(self, tokens: list[str]) -> list[int]:
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        return [ids] if isinstance(ids, int) else list(ids)


def convert_to_ctranslate2(source: ModelSource, quantization: str = "int8",
                           progress: Progress | None = None) -> Path:
    """Convert the model once and keep the copy in the model's cache folder; reuse it after.

    Raises:
        ModelError: the model cannot be converted (an architecture CTranslate2 lacks) or the
            cache folder is not writable.
    """
    say = progress or no_progress
    target = converted_folder(source, quantization)
    if target is None:
        raise ModelError(f"No folder to keep the converted copy of {source.name} in.")
    if is_converted(source, target, quantization):
        return target
    fingerprint = _weights_fingerprint(Path(source.location), quantization)
    say(f"Converting {source.name} for CTranslate2 ({quantization}); this happens once...")
    # What the converter raises on an architecture it lacks, or on damaged weights.
    conversion_errors: tuple[type[BaseException], ...] = (
        AttributeError, NotImplementedError, *weight_errors())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    except OSError as error:
        raise ModelError(f"Cannot write the converted copy of {source.name}: {error}") from error
    try:
        with quiet_libraries():
            _converter(source.location).convert(str(scratch / "model"),
                                                quantization=quantization, force=True)
        (scratch / "model" / "source.json").write_text(json.dumps(fingerprint),
                                                       encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        # A rename is atomic: a crash mid-conversion never leaves a half copy in `target`.
        (scratch / "model").rename(target)
    except conversion_errors as error:
        raise ModelError(
            f"CTranslate2 cannot convert {source.name}: "
            f"{type(error).__name__}: {printable(str(error), 200)}"
        ) from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def converted_folder(source: ModelSource, quantization: str) -> Path | None:
    """Where the converted copy of `source` is kept (None: no writable place for one)."""
    if source.cache_folder is None:
        return None
    name = Path(source.location).name if not source.is_local else "local"
    return source.cache_folder / "ctranslate2" / f"{name}-{quantization}"


def is_converted(source: ModelSource, target: Path, quantization: str) -> bool:
    """Whether `target` holds a conversion of the model's current weights and configs."""
    stamp = target / "source.json"
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(saved == _weights_fingerprint(Path(source.location), quantization))


def _weights_fingerprint(folder: Path, quantization: str) -> dict[str, Any]:
    """Names, sizes and modification times of the weight and config files."""
    files = sorted(
        path for path in folder.iterdir()
        if path.suffix in {".safetensors", ".bin", ".json"} and path.is_file()
    )
    return {
        "version": _CONVERSION_VERSION,
        "quantization": quantization,
        "files": [[path.name, path.stat().st_size, int(path.stat().st_mtime)] for path in files],
    }


def _converter(location: str) -> Any:
    from ctranslate2.converters import TransformersConverter

    class CompatibleConverter(TransformersConverter):
        """Fills in config attributes transformers 5 dropped that the converter still reads."""

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            # BART is post-norm; transformers 5 removed the always-False `normalize_before`.
            if not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return model

    return CompatibleConverter(location)
