"""What the Hugging Face hub backends share: finding a model (a hub id or a local folder),
loading it at construction time only, and choosing the device. (Cutting long text into
windows the model reads whole is `summarizer.backends.chunking`.)

A model is fetched into huggingface_hub's cache when a backend is built (with the hub's own
progress bars), never while a request is served. When it is neither a local folder nor in
the cache and the hub cannot be reached, the error says which model and how to get it:
there is no silent fallback to another model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.backends.base import Progress, no_progress
from summarizer.config import Task
from summarizer.errors import ModelError, printable

if TYPE_CHECKING:
    import torch
    from transformers import PretrainedConfig, PreTrainedModel, PreTrainedTokenizerBase

# Where the user points a task at another model: named in every "model not found" message.
MODEL_SETTINGS: dict[Task, str] = {
    "summary": "--summary-model / SUMMARY_MODEL",
    "topics": "--topic-model / TOPIC_MODEL",
    "entities": "--entity-model / ENTITY_MODEL",
}

# Files a hub model needs; enough to decide "is it cached" without listing the repository.
_CONFIG_FILE = "config.json"
# Tokenizers report this (about 1e30) when they have no limit of their own.
_NO_LIMIT = 1_000_000


# Library chatter (transformers' warnings and its weight-loading bars) is silenced while our
# code calls the library, unless the process asked for detail: this logger (or the root one
# it propagates to) at DEBUG, as `LOG_LEVEL=DEBUG` gives the bot, or transformers' own
# verbosity set below WARNING (TRANSFORMERS_VERBOSITY=info). So `--quiet` means quiet, and
# nothing the library says about inputs we handle ourselves reaches users.
_DETAIL_LOGGER = logging.getLogger("summarizer")


@dataclass
class _Silence:
    lock: threading.Lock
    depth: int = 0
    level: int = logging.NOTSET
    bars: bool = True
    active: bool = False


_silence = _Silence(threading.Lock())


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """transformers' warnings and progress bars off for the duration, unless asked for.

    Nested and concurrent uses (the bot's worker threads) share one silencing: the library's
    settings are saved by the first to enter and restored by the last to leave.
    """
    from transformers.utils import logging as library_logging

    library = logging.getLogger("transformers")
    with _silence.lock:
        if _silence.depth == 0:
            asked = (_DETAIL_LOGGER.isEnabledFor(logging.DEBUG)
                     or logging.NOTSET < library.level < logging.WARNING)
            _silence.active = not asked
            if _silence.active:
                _silence.level = library.level
                _silence.bars = library_logging.is_progress_bar_enabled()
                library.setLevel(logging.ERROR)
                library_logging.disable_progress_bar()
        _silence.depth += 1
    try:
        yield
    finally:
        with _silence.lock:
            _silence.depth -= 1
            if _silence.depth == 0 and _silence.active:
                library.setLevel(_silence.level)
                if _silence.bars:
                    library_logging.enable_progress_bar()
                _silence.active = False


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are: `location` is what `from_pretrained` is given.

    `name` is what the user asked for (a hub id or their folder), shown in results and errors;
    `cache_folder` is a writable place to keep things derived from the model (a converted
    copy), or None when there is none.
    """

    name: str
    location: str
    is_local: bool
    cache_folder: Path | None


def looks_like_path(model_id: str) -> bool:
    """A local folder rather than a hub id: absolute, relative with ./ or ../, or ~."""
    return model_id.startswith(("/", "./", "../", "~", ".\\", "..\\")) or Path(
        model_id
    ).expanduser().is_dir()


def resolve_model(model_id: str, task: Task, progress: Progress | None = None) -> ModelSource:
    """Find `model_id` as a local folder or in the hub cache, downloading it if allowed.

    Raises:
        ModelError: a folder that does not exist or holds no model, or a hub model that is
            not cached while the hub cannot be reached (or HF_HUB_OFFLINE=1).
    """
    model_id = model_id.strip()
    if not model_id:
        raise ModelError(f"No model given; set {MODEL_SETTINGS[task]} to a hub id or a folder.")
    if looks_like_path(model_id):
        return _local_source(model_id, task)
    return _hub_source(model_id, task, progress or no_progress)


def _local_source(model_id: str, task: Task) -> ModelSource:
    folder = Path(model_id).expanduser()
    if not folder.is_dir():
        raise ModelError(
            f"No model folder at {model_id}. Point {MODEL_SETTINGS[task]} at a folder saved "
            "with save_pretrained(), or at a Hugging Face hub id."
        )
    if not (folder / _CONFIG_FILE).is_file():
        raise ModelError(
            f"{model_id} holds no {_CONFIG_FILE}, so it is not a saved Hugging Face model."
        )
    return ModelSource(name=model_id, location=str(folder.resolve()), is_local=True,
                       cache_folder=folder.resolve())


def _not_cached_message(model_id: str, task: Task, reason: str) -> str:
    return (
        f"The model {model_id} is not in the local Hugging Face cache and {reason}. "
        f"Get it once with internet access (run this again online, or `hf download {model_id}`), "
        f"or point {MODEL_SETTINGS[task]} at a local folder that holds it."
    )


def _hub_source(model_id: str, task: Task, progress: Progress) -> ModelSource:
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    try:
        folder = snapshot_download(model_id, local_files_only=True)
        progress(f"Found {model_id} in the Hugging Face cache.")
    except (LocalEntryNotFoundError, FileNotFoundError, OSError):
        if constants.HF_HUB_OFFLINE:
            raise ModelError(
                _not_cached_message(model_id, task, "offline mode is on (HF_HUB_OFFLINE=1)")
            ) from None
        progress(f"Downloading {model_id} from the Hugging Face hub (once)...")
        try:
            # Only what transformers loads: safetensors when the repository has them, else
            # the PyTorch .bin; never the TF/Flax/Rust/ONNX copies some repositories carry.
            folder = snapshot_download(model_id, allow_patterns=_wanted_files(model_id))
        except RepositoryNotFoundError as error:
            raise ModelError(
                f"There is no model {model_id} on the Hugging Face hub (or it is private). "
                f"Check the id given to {MODEL_SETTINGS[task]}."
            ) from error
        except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as error:
            raise ModelError(
                _not_cached_message(model_id, task, "the hub cannot be reached")
            ) from error
    path = Path(folder)
    # snapshots/<revision>/ sits inside the model's own cache folder (models--owner--name).
    return ModelSource(name=model_id, location=str(path), is_local=False,
                       cache_folder=path.parent.parent)


def _wanted_files(model_id: str) -> list[str]:
    from huggingface_hub import list_repo_files

    files = list_repo_files(model_id)
    weights = ["*.safetensors", "*.safetensors.index.json"]
    if not any(name.endswith(".safetensors") for name in files):
        weights = ["pytorch_model*.bin", "pytorch_model.bin.index.json"]
    return ["*.json", "*.txt", "*.model", "spiece*", "tokenizer*", "vocab*", "merges*",
            *weights]


def choose_device(device: str) -> torch.device:
    """"auto" is CUDA when a GPU is there, else the CPU.

    Raises:
        ModelError: "cuda" was asked for but no CUDA GPU is usable.
    """
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelError("The CUDA device was asked for, but no CUDA GPU is usable here; "
                         "use the device setting auto or cpu.")
    if device not in ("cpu", "cuda"):
        raise ModelError(f"Unknown device {device!r}; use auto, cpu or cuda.")
    return torch.device(device)


def load_tokenizer(source: ModelSource) -> PreTrainedTokenizerBase:
    from transformers import AutoTokenizer

    try:
        with quiet_libraries():
            return AutoTokenizer.from_pretrained(source.location)
    except (OSError, ValueError, TypeError) as error:
        raise ModelError(f"Could not load the tokenizer of {source.name}: {error}") from error


def weight_errors() -> tuple[type[BaseException], ...]:
    """What loading a damaged model folder raises (truncated or garbage weights, a file that
    is no checkpoint): the user's folder at fault, not a bug, so a ModelError (exit 1)."""
    import pickle

    from safetensors import SafetensorError

    return (OSError, ValueError, KeyError, EOFError, RuntimeError, pickle.UnpicklingError,
            SafetensorError)


def load_model(factory: Any, source: ModelSource, device: torch.device,
               dtype: torch.dtype | None = None) -> PreTrainedModel:
    """`factory.from_pretrained` (an Auto* class), in eval mode on `device`."""
    import torch

    if dtype is None:
        # Half precision is the GPU's fast path and costs no measurable accuracy there.
        dtype = torch.float16 if device.type == "cuda" else torch.float32
    try:
        with quiet_libraries():
            model = factory.from_pretrained(source.location, dtype=dtype)
    except weight_errors() as error:
        # A damaged weights file (truncated, garbage, not a checkpoint) is the user's model
        # folder, not a bug: say which model and what the loader said, briefly.
        raise ModelError(f"Could not load the model {source.name}: "
                         f"{type(error).__name__}: {printable(str(error), 200)}") from error
    model.to(device)
    model.eval()
    loaded: PreTrainedModel = model
    return loaded


def input_limit(config: PretrainedConfig, tokenizer: PreTrainedTokenizerBase) -> int:
    """The most tokens (special tokens included) a model of `config` reads at once."""
    limits = []
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        # RoBERTa-style models offset positions by padding_idx + 1 (514 -> 512 tokens).
        if getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert"}:
            positions -= 2
        limits.append(positions)
    if 0 < tokenizer.model_max_length < _NO_LIMIT:
        limits.append(int(tokenizer.model_max_length))
    # Relative-position models (DeBERTa-v2/v3) report 512 and work best within it.
    return min(limits) if limits else 512


@dataclass(frozen=True)
class LoadedModel:
    """A hub model ready to run: where it came from, its tokenizer, and its input limit."""

    source: ModelSource
    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    limit: int


def load_pretrained(model_id: str, task: Task, factory: Any, device: str,
                    progress: Progress | None = None) -> LoadedModel:
    """Find, then load a model with `factory` (an Auto* class) and its tokenizer.

    Raises:
        ModelError: the model cannot be found or loaded, or the device cannot be used.
    """
    source = resolve_model(model_id, task, progress)
    tokenizer = load_tokenizer(source)
    model = load_model(factory, source, choose_device(device))
    return LoadedModel(source=source, tokenizer=tokenizer, model=model,
                       limit=input_limit(model.config, tokenizer))
