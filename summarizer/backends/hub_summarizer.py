"""Abstractive summaries from a Hugging Face seq2seq model (BART, DistilBART, Pegasus, T5).

preprocess: paragraphs -> chunks of whole paragraphs that fit the model's input limit
(a paragraph too long on its own is split at sentences, a sentence too long at tokens).
forward: token ids -> generated token ids, batched, on the chosen engine (fast_generate).
postprocess: generated text -> sentences -> bullets carrying the paragraph numbers of the
chunk(s) they summarise.

An article longer than one chunk is summarised map-reduce: one summary per chunk, then, when
those summaries hold more sentences than bullets asked for, a summary of the summaries.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from summarizer.backends.fast_generate import (
    CTranslate2Generator,
    DecodingSettings,
    EngineChoice,
    EngineName,
    Generator,
    Precision,
    TorchGenerator,
    choose_engine,
    convert_to_ctranslate2,
)
from summarizer.backends.hub_common import (
    ModelSource,
    choose_device,
    input_limit,
    load_model,
    load_tokenizer,
    resolve_model,
)
from summarizer.errors import ModelError
from summarizer.text import split_sentences
from summarizer.types import Bullet, Paragraph

if TYPE_CHECKING:
    import torch
    from transformers import GenerationConfig, PretrainedConfig, PreTrainedTokenizerBase

Progress = Callable[[str], None]

# Chunks whose summaries feed one reduce step at most; deeper articles reduce again.
_MAX_REDUCE_DEPTH = 3
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SummaryOptions:
    """Overrides of the model's own generation settings; None keeps the model's value.

    `batch_size` is how many chunks are generated together; `hypothesis`-free, so one
    options object can be shared by every summarizer.
    """

    num_beams: int | None = None
    max_length: int | None = None
    min_length: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    batch_size: int = 4
    precision: Precision = "auto"
    engine: EngineName = "auto"


@dataclass(frozen=True)
class Chunk:
    """Text the model reads at once, and the paragraphs it came from."""

    text: str
    token_ids: tuple[int, ...] = field(repr=False)
    paragraphs: tuple[int, ...]


class Seq2SeqSummarizer:
    """A `TextSummarizer` over a hub seq2seq model (an id or a local folder).

    Args:
        model_id: a hub id like `sshleifer/distilbart-cnn-12-6`, or a folder.
        device: "auto" (CUDA when present), "cpu" or "cuda".
        progress: called with one-line messages while loading.
        precision: "auto" (CTranslate2 int8 on a CPU when installed, else fp32; fp16 on a
            GPU), "fp32", "fp16", "bf16" or "int8".
        engine: "auto" (CTranslate2 for CPU int8 when installed, else PyTorch), "torch" or
            "ctranslate2".
        options: generation overrides; `precision`/`engine` arguments win over its fields.

    Raises:
        ModelError: the model cannot be found, loaded or run.
    """

    def __init__(self, model_id: str, *, device: str = "auto", progress: Progress | None = None,
                 precision: Precision | None = None, engine: EngineName | None = None,
                 options: SummaryOptions | None = None) -> None:
        say = progress or (lambda _: None)
        options = options or SummaryOptions()
        options = replace(options, precision=precision or options.precision,
                          engine=engine or options.engine)
        self.options = options
        self.source: ModelSource = resolve_model(model_id, "summary", say)
        self.name = self.source.name
        torch_device = choose_device(device)
        self.tokenizer: PreTrainedTokenizerBase = load_tokenizer(self.source)
        config, generation_config = _load_configs(self.source)
        self.limit = _input_limit(config, self.tokenizer)
        self.settings = decoding_settings(config, generation_config, options)
        self._prefix = _forced_prefix(generation_config)
        self.generator = _build_generator(self.source, self.tokenizer, torch_device, options,
                                          self._prefix, _forced_eos(generation_config), say)
        self.engine = self.generator.description
        self._lock = threading.Lock()

    # ------------------------------------------------------------ public

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        """At most `max_bullets` bullets, each with the paragraphs it summarises."""
        if max_bullets <= 0 or not any(p.text.strip() for p in paragraphs):
            return []
        chunks = self.chunk(paragraphs)
        summaries = self._summarise_chunks(chunks)
        for _ in range(_MAX_REDUCE_DEPTH):
            if len(summaries) == 1 or _sentence_count(summaries) <= max_bullets:
                break
            summaries = self._reduce(summaries)
        return bullets_from_summaries(summaries, max_bullets)

    # ------------------------------------------------------------ preprocess

    def chunk(self, paragraphs: Sequence[Paragraph]) -> list[Chunk]:
        """Whole paragraphs grouped greedily into chunks that fit the model's input."""
        pieces = [piece for p in paragraphs if p.text.strip() for piece in self._pieces(p)]
        return self._group(pieces)

    def _budget(self) -> int:
        return self.limit - self.tokenizer.num_special_tokens_to_add()

    def _count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _pieces(self, paragraph: Paragraph) -> list[tuple[str, int]]:
        """The paragraph as one piece, or split at sentences (then tokens) when too long."""
        if self._count(paragraph.text) <= self._budget():
            return [(paragraph.text, paragraph.number)]
        spans = split_sentences(paragraph.text) or [(0, len(paragraph.text))]
        sentences = [paragraph.text[start:end] for start, end in spans]
        pieces: list[tuple[str, int]] = []
        for sentence in sentences:
            pieces.extend((part, paragraph.number) for part in self._split_tokens(sentence))
        return pieces

    def _split_tokens(self, text: str) -> list[str]:
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        budget = self._budget()
        if len(ids) <= budget:
            return [text]
        return [str(self.tokenizer.decode(ids[i : i + budget]))
                for i in range(0, len(ids), budget)]

    def _group(self, pieces: Sequence[tuple[str, int]]) -> list[Chunk]:
        chunks: list[Chunk] = []
        texts: list[str] = []
        numbers: list[int] = []
        for text, number in pieces:
            if texts and self._count(" ".join([*texts, text])) > self._budget():
                chunks.append(self._make_chunk(texts, numbers))
                texts, numbers = [], []
            texts.append(text)
            if number not in numbers:
                numbers.append(number)
        if texts:
            chunks.append(self._make_chunk(texts, numbers))
        return chunks

    def _make_chunk(self, texts: Sequence[str], numbers: Sequence[int]) -> Chunk:
        text = " ".join(t.strip() for t in texts)
        # Truncation never bites (pieces were sized to fit); it is the guarantee the model's
        # position table is not overrun whatever the tokenizer does at piece boundaries.
        ids = self.tokenizer(text, truncation=True, max_length=self.limit)["input_ids"]
        return Chunk(text=text, token_ids=tuple(ids), paragraphs=tuple(sorted(numbers)))

    # ------------------------------------------------------------ forward

    def generate(self, texts: Sequence[str]) -> list[str]:
        """One summary per text (each within the input limit), generated in batches."""
        chunks = [self._make_chunk([text], []) for text in texts]
        return self._generate_texts(chunks)

    def _generate_texts(self, chunks: Sequence[Chunk]) -> list[str]:
        # Shortest first, so each batch pads little.
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].token_ids))
        results: dict[int, str] = {}
        size = max(1, self.options.batch_size)
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            inputs = [chunks[i].token_ids for i in batch]
            settings = self._settings_for(inputs)
            try:
                with self._lock:
                    outputs = self.generator.generate(inputs, settings)
            except (RuntimeError, ValueError) as error:
                raise ModelError(f"The summarization model {self.name} failed: {error}") from error
            for index, ids in zip(batch, outputs, strict=True):
                results[index] = str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()
        return [results[i] for i in range(len(chunks))]

    def _settings_for(self, inputs: Sequence[Sequence[int]]) -> DecodingSettings:
        # A forced minimum far beyond a short input (a one-paragraph topic) makes the model
        # invent text; cap it at half the input, as the old summarization pipeline advised.
        shortest = min(len(ids) for ids in inputs)
        min_length = min(self.settings.min_length, max(1, shortest // 2))
        return replace(self.settings, min_length=min_length)

    # ------------------------------------------------------------ map / reduce

    def _summarise_chunks(self, chunks: Sequence[Chunk]) -> list[_Summary]:
        texts = self._generate_texts(chunks)
        return [_Summary(text, chunk.paragraphs) for text, chunk in zip(texts, chunks, strict=True)]

    def _reduce(self, summaries: Sequence[_Summary]) -> list[_Summary]:
        """Summaries of the summaries; each reduced sentence points at the chunks it echoes."""
        joined = [
            Paragraph(number=i + 1, text=s.text, start=0, end=len(s.text), sentences=())
            for i, s in enumerate(summaries) if s.text
        ]
        groups = self.chunk(joined)
        texts = self._generate_texts(groups)
        reduced: list[_Summary] = []
        for text, group in zip(texts, groups, strict=True):
            members = [summaries[n - 1] for n in group.paragraphs]
            reduced.extend(_attribute(sentence, members) for sentence in _sentences(text))
        return [s for s in reduced if s.text]


@dataclass(frozen=True)
class _Summary:
    text: str
    paragraphs: tuple[int, ...]


# ---------------------------------------------------------------- loading


def _load_configs(source: ModelSource) -> tuple[PretrainedConfig, GenerationConfig]:
    from transformers import AutoConfig, GenerationConfig

    try:
        config = AutoConfig.from_pretrained(source.location)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"Could not read the config of {source.name}: {error}") from error
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelError(
            f"{source.name} is not a sequence-to-sequence model (like BART or T5); "
            "it cannot write summaries."
        )
    try:
        generation_config = GenerationConfig.from_pretrained(source.location)
    except OSError:
        generation_config = GenerationConfig.from_model_config(config)
    return config, generation_config


def _input_limit(config: PretrainedConfig, tokenizer: PreTrainedTokenizerBase) -> int:
    class _Holder:  # input_limit() reads `model.config`; the model itself may never load
        def __init__(self, config: PretrainedConfig) -> None:
            self.config = config

    return input_limit(_Holder(config), tokenizer)  # type: ignore[arg-type]


def decoding_settings(config: PretrainedConfig, generation_config: GenerationConfig,
                      options: SummaryOptions) -> DecodingSettings:
    """The model's own settings (generation config, then its summarization task settings,
    as the old summarization pipeline read them), then the caller's overrides."""
    values: dict[str, Any] = {}
    defaults = DecodingSettings()
    for name in ("num_beams", "max_length", "min_length", "length_penalty",
                 "no_repeat_ngram_size", "early_stopping"):
        value = getattr(generation_config, name, None)
        values[name] = value if value is not None else getattr(defaults, name)
    task = (getattr(config, "task_specific_params", None) or {}).get("summarization", {})
    values.update({k: v for k, v in task.items() if k in values and v is not None})
    overrides = {
        "num_beams": options.num_beams, "max_length": options.max_length,
        "min_length": options.min_length, "length_penalty": options.length_penalty,
        "no_repeat_ngram_size": options.no_repeat_ngram_size,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["early_stopping"] = bool(values["early_stopping"])
    values["min_length"] = min(int(values["min_length"]), int(values["max_length"]))
    return DecodingSettings(**values)


def _forced_eos(generation_config: GenerationConfig) -> int | None:
    forced = getattr(generation_config, "forced_eos_token_id", None)
    if isinstance(forced, list):  # several end tokens allowed; the first is what is forced
        forced = forced[0] if forced else None
    return int(forced) if forced is not None else None


def _forced_prefix(generation_config: GenerationConfig) -> tuple[int, ...]:
    # Exactly what generate() would force; its generation config already folds in the
    # model config's value for models saved before generation configs existed.
    forced = getattr(generation_config, "forced_bos_token_id", None)
    return (int(forced),) if forced is not None else ()


def _build_generator(source: ModelSource, tokenizer: PreTrainedTokenizerBase,
                     device: torch.device, options: SummaryOptions, prefix: tuple[int, ...],
                     forced_eos: int | None, say: Progress) -> Generator:
    from transformers import AutoModelForSeq2SeqLM

    choice = choose_engine(options.precision, options.engine, device)
    if choice.engine == "ctranslate2":
        try:
            folder = convert_to_ctranslate2(source, "int8", say)
            return CTranslate2Generator(folder, tokenizer, decoder_prefix=prefix,
                                        forced_eos_token_id=forced_eos)
        except ModelError as error:
            if options.engine == "ctranslate2":
                raise
            # Plain PyTorch fp32: only the speed changes, never the model, and we say so.
            say(f"{error} Using PyTorch fp32 instead.")
            choice = EngineChoice(engine="torch", precision="fp32")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    model = load_model(AutoModelForSeq2SeqLM, source, device,
                       dtype=_load_dtype(choice.precision))
    with warnings.catch_warnings():
        # torch.ao's dynamic quantization warns that it moves to torchao; it still works.
        warnings.simplefilter("ignore")
        return TorchGenerator(model, pad, choice.precision)


def _load_dtype(precision: str) -> torch.dtype:
    import torch

    return {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision, torch.float32)


# ---------------------------------------------------------------- postprocess


def _sentences(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in split_sentences(text)]


def _sentence_count(summaries: Sequence[_Summary]) -> int:
    return sum(len(_sentences(s.text)) for s in summaries)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2}


def _attribute(sentence: str, summaries: Sequence[_Summary]) -> _Summary:
    """The sentence with the paragraphs of the chunk summaries it shares most words with
    (all of them when it shares none: it then summarises the whole)."""
    words = _words(sentence)
    overlaps = [len(words & _words(s.text)) for s in summaries]
    best = max(overlaps, default=0)
    if best == 0:
        chosen = list(summaries)
    else:
        chosen = [s for s, o in zip(summaries, overlaps, strict=True) if o * 2 >= best]
    numbers = sorted({n for s in chosen for n in s.paragraphs})
    return _Summary(sentence, tuple(numbers))


def bullets_from_summaries(summaries: Sequence[_Summary], max_bullets: int) -> list[Bullet]:
    """Each sentence a bullet, in order, without empty or repeated ones, at most `max_bullets`.

    Chunk summaries come in article order; taking them round-robin keeps the bullets spread
    over the whole article instead of all coming from its first chunk.
    """
    per_summary = [[(text, s.paragraphs) for text in _sentences(s.text)] for s in summaries]
    ordered: list[tuple[str, tuple[int, ...]]] = []
    depth = max((len(items) for items in per_summary), default=0)
    for level in range(depth):
        ordered.extend(items[level] for items in per_summary if level < len(items))
    bullets: list[Bullet] = []
    seen: set[str] = set()
    for text, numbers in ordered:
        key = " ".join(_WORD.findall(text.lower()))
        if len(key) < 3 or key in seen:
            continue
        seen.add(key)
        bullets.append(Bullet(text=text, paragraphs=numbers))
        if len(bullets) == max_bullets:
            break
    return _in_article_order(bullets, ordered)


def _in_article_order(bullets: list[Bullet],
                      ordered: Sequence[tuple[str, tuple[int, ...]]]) -> list[Bullet]:
    # Picked round-robin, shown in reading order: by first paragraph, then generation order.
    position = {text: i for i, (text, _) in enumerate(ordered)}
    return sorted(bullets, key=lambda b: (b.paragraphs[:1] or (0,), position.get(b.text, 0)))
