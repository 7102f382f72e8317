"""Abstractive summaries from a Hugging Face seq2seq model (BART, DistilBART, Pegasus, T5).

preprocess: paragraphs -> chunks of whole paragraphs that fit the model's input limit
(a paragraph too long on its own is split at sentences, a sentence too long between words:
`chunking.token_windows`), as few chunks as the limit allows and of even size, so a batch
pads little.
forward: token ids -> generated token ids, all chunks of an article in one batched call on the
chosen engine (fast_generate); a chunk's summary is kept, so it is never generated twice.
postprocess: generated text -> sentences -> bullets, each citing the paragraphs of its chunk
it draws on (shared word pairs, then words), else the whole chunk.

An article longer than one chunk is summarised map-reduce: one summary per chunk, bullets
taken round-robin over them; only when there are more chunks than bullets (a long text) are
the summaries summarised again.

Topic summaries (`for_topics`) come from that same pass over the whole article: the pass's
sentences drawn mostly from a topic's paragraphs, then the topic's own evidence sentences.
One generate call serves the summary and every topic, where one per topic used to run.
"""

from __future__ import annotations

import json
import re
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache

from summarizer.backends.base import Progress, TextSummarizer, no_progress
from summarizer.backends.chunking import token_counter, token_windows
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
    converted_folder,
    ctranslate2_available,
    is_converted,
)
from summarizer.backends.hub_common import (
    ModelSource,
    choose_device,
    input_limit,
    load_model,
    load_tokenizer,
    quiet_libraries,
    resolve_model,
)
from summarizer.config import TopicSummaries
from summarizer.errors import ModelError
from summarizer.files import write_atomic
from summarizer.text import split_sentences
from summarizer.types import Article, Bullet, Paragraph

if TYPE_CHECKING:
    import torch
    from transformers import GenerationConfig, PretrainedConfig, PreTrainedTokenizerBase

# Chunks whose summaries feed one reduce step at most; deeper articles reduce again.
_MAX_REDUCE_DEPTH = 3
_WORD = re.compile(r"\w+")
# Chunk summaries kept per summarizer (a few articles' worth): the topic summaries and a
# later `/summary` of the same text reuse them instead of generating again.
_KEPT_SUMMARIES = 64
# Evidence shorter than this is a fragment, not a summary line.
_MIN_EVIDENCE_WORDS = 4



@dataclass(frozen=True)
class SummaryOptions:
    """Overrides of the model's own generation settings; None keeps the model's value.

    `batch_size` is how many chunks are generated together (it bounds memory on long texts).
    `topic_summaries`: "reuse" builds topic summaries from the article's one pass (no
    generation per topic); "abstractive" summarises each topic's paragraphs afresh, one
    generate call per topic. `reduce_sentences` also summarises the chunk summaries again
    when they only hold more sentences than bullets (one more generate call); by default that
    happens only when there are more chunks than bullets.
    """

    num_beams: int | None = None
    max_length: int | None = None
    min_length: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    batch_size: int = 4
    precision: Precision = "auto"
    engine: EngineName = "auto"
    topic_summaries: TopicSummaries = "reuse"
    reduce_sentences: bool = False


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
        say = progress or no_progress
        options = options or SummaryOptions()
        options = replace(options, precision=precision or options.precision,
                          engine=engine or options.engine)
        self.options = options
        self.source: ModelSource = resolve_model(model_id, "summary", say)
        self.name = self.source.name
        light = _light_load(self.source, options, device)
        # A transformers tokenizer, or the FileTokenizer that stands in for it (same calls).
        self.tokenizer: Any
        if light is not None:
            # The converted copy and what was saved beside it at the first load: neither
            # transformers nor torch is imported (seconds of every cold start).
            self.tokenizer, self.limit, model_settings, self._prefix, self.generator = light
            self.settings = with_overrides(model_settings, options)
        else:
            torch_device = choose_device(device)
            self.tokenizer = load_tokenizer(self.source)
            config, generation_config = _load_configs(self.source)
            self.limit = input_limit(config, self.tokenizer)
            model_settings = decoding_settings(config, generation_config)
            self.settings = with_overrides(model_settings, options)
            self._prefix = _forced_prefix(generation_config)
            forced_eos = _forced_eos(generation_config)
            self.generator = _build_generator(self.source, self.tokenizer, torch_device, options,
                                              self._prefix, forced_eos, say)
            if isinstance(self.generator, CTranslate2Generator):
                _save_light(self.generator.model_dir, self.tokenizer, self.limit, model_settings,
                            self._prefix, forced_eos)
        self.engine = self.generator.description
        self._counts = token_counter(self.tokenizer)
        self._lock = threading.Lock()
        # Generated text per chunk (by its token ids), the most recently used kept.
        self._kept: LRUCache[tuple[int, ...], str] = LRUCache(maxsize=_KEPT_SUMMARIES)
        self._kept_lock = threading.Lock()
        self.generate_calls = 0

    # ------------------------------------------------------------ public

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        """At most `max_bullets` bullets, each with the paragraphs it summarises."""
        if max_bullets <= 0 or not any(p.text.strip() for p in paragraphs):
            return []
        summaries = self.summarise_chunks(paragraphs)
        for _ in range(_MAX_REDUCE_DEPTH):
            if not self._needs_reduce(summaries, max_bullets):
                break
            summaries = self._reduce(summaries)
        return bullets_from_summaries(summaries, max_bullets)

    def for_topics(self, article: Article) -> TextSummarizer:
        """The summarizer for `article`'s topic summaries (see the module docstring)."""
        if self.options.topic_summaries == "abstractive":
            return self
        return ReusedTopicSummaries(self, article)

    def _needs_reduce(self, summaries: Sequence[_Summary], max_bullets: int) -> bool:
        if len(summaries) <= 1:
            return False
        if len(summaries) > max_bullets:
            # Round-robin could not give every chunk a bullet: summarise the summaries.
            return True
        return self.options.reduce_sentences and _sentence_count(summaries) > max_bullets

    # ------------------------------------------------------------ preprocess

    def chunk(self, paragraphs: Sequence[Paragraph]) -> list[Chunk]:
        """Whole paragraphs grouped into as few chunks as fit the model's input, of even size."""
        kept = [p for p in paragraphs if p.text.strip()]
        sizes = self._counts([p.text for p in kept])
        # (text, paragraph number, tokens): a paragraph whole, or its sentences when it is
        # longer than the input limit on its own; _group joins them into chunks.
        pieces = [(p.text[w.start : w.end].strip(), p.number, w.tokens)
                  for p, size in zip(kept, sizes, strict=True)
                  for w in token_windows(p.text, self._counts, self._budget(), tokens=size)]
        return self._group(pieces)

    def _budget(self) -> int:
        return self.limit - self.tokenizer.num_special_tokens_to_add()

    def _group(self, pieces: Sequence[tuple[str, int, int]]) -> list[Chunk]:
        """Pieces in order, in as few groups as the budget allows, the largest kept small.

        Even chunks pad little when batched, and each chunk summary covers a like share of
        the article (a 990 + 60 token split would make the second a summary of one paragraph).
        Counts are per piece; a group whose joined text tokenizes over the limit after all
        (tokenizers merge across the joins) is split again by exact counts.
        """
        if not pieces:
            return []
        sizes = [n for _, _, n in pieces]
        budget = self._budget()
        fewest = len(_pack(sizes, budget))
        low, high = max(min(max(sizes), budget), 1), budget
        while low < high:  # the smallest cap that still needs no more groups
            middle = (low + high) // 2
            if len(_pack(sizes, middle)) <= fewest:
                high = middle
            else:
                low = middle + 1
        chunks: list[Chunk] = []
        for start, end in _pack(sizes, low):
            chunks.extend(self._chunks_of(pieces[start:end]))
        return chunks

    def _chunks_of(self, pieces: Sequence[tuple[str, int, int]]) -> list[Chunk]:
        texts = [text for text, _, _ in pieces]
        numbers = list(dict.fromkeys(number for _, number, _ in pieces))
        chunk = self._make_chunk(texts, numbers)
        if len(chunk.token_ids) <= self.limit or len(pieces) == 1:
            return [chunk]
        return self._exact_group(pieces)

    def _exact_group(self, pieces: Sequence[tuple[str, int, int]]) -> list[Chunk]:
        chunks: list[Chunk] = []
        texts: list[str] = []
        numbers: list[int] = []
        for text, number, _ in pieces:
            if texts and self._counts([" ".join([*texts, text])])[0] > self._budget():
                chunks.append(self._make_chunk(texts, numbers, truncate=True))
                texts, numbers = [], []
            texts.append(text)
            if number not in numbers:
                numbers.append(number)
        if texts:
            chunks.append(self._make_chunk(texts, numbers, truncate=True))
        return chunks

    def _make_chunk(self, texts: Sequence[str], numbers: Sequence[int],
                    truncate: bool = False) -> Chunk:
        text = " ".join(t.strip() for t in texts)
        # Truncation is the last guarantee that the model's position table is not overrun,
        # for pieces that were sized by exact counts (or a single piece cut at tokens).
        ids = self.tokenizer(text, truncation=truncate, max_length=self.limit if truncate else None,
                             verbose=False)["input_ids"]
        return Chunk(text=text, token_ids=tuple(ids), paragraphs=tuple(sorted(numbers)))

    # ------------------------------------------------------------ forward

    def generate(self, texts: Sequence[str]) -> list[str]:
        """One summary per text (each within the input limit), generated in batches."""
        chunks = [self._make_chunk([text], [], truncate=True) for text in texts]
        return self._generate_texts(chunks)

    def _generate_texts(self, chunks: Sequence[Chunk]) -> list[str]:
        """The summary of each chunk: kept ones reused, the others generated together."""
        with self._kept_lock:
            kept = {c.token_ids: self._kept.get(c.token_ids) for c in chunks}
        known = {ids: text for ids, text in kept.items() if text is not None}
        missing = list(dict.fromkeys(c.token_ids for c in chunks if c.token_ids not in known))
        # Shortest first, so each batch (when there are more chunks than one batch) pads little.
        missing.sort(key=len)
        size = max(1, self.options.batch_size)
        for start in range(0, len(missing), size):
            inputs = missing[start : start + size]
            settings = self._settings_for(inputs)
            try:
                with self._lock:
                    self.generate_calls += 1
                    outputs = self.generator.generate(inputs, settings)
            except (RuntimeError, ValueError) as error:
                raise ModelError(f"The summarization model {self.name} failed: {error}") from error
            for ids, output in zip(inputs, outputs, strict=True):
                known[ids] = str(self.tokenizer.decode(output, skip_special_tokens=True)).strip()
        with self._kept_lock:
            for chunk in chunks:
                self._kept[chunk.token_ids] = known[chunk.token_ids]
        return [known[c.token_ids] for c in chunks]

    def _settings_for(self, inputs: Sequence[Sequence[int]]) -> DecodingSettings:
        # A forced minimum far beyond a short input (a one-paragraph topic) makes the model
        # invent text; cap it at half the input, as the old summarization pipeline advised.
        shortest = min(len(ids) for ids in inputs)
        min_length = min(self.settings.min_length, max(1, shortest // 2))
        return replace(self.settings, min_length=min_length)

    # ------------------------------------------------------------ map / reduce

    def summarise_chunks(self, paragraphs: Sequence[Paragraph]) -> list[_Summary]:
        """One summary per chunk, in article order, each sentence citing its paragraphs."""
        chunks = self.chunk(paragraphs)
        texts = self._generate_texts(chunks)
        by_number = {p.number: p.text for p in paragraphs}
        summaries = []
        for text, chunk in zip(texts, chunks, strict=True):
            sources = [(n, by_number.get(n, "")) for n in chunk.paragraphs]
            cited = tuple((sentence, cite(sentence, sources)) for sentence in _sentences(text))
            summaries.append(_Summary(text, chunk.paragraphs, cited))
        return summaries

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


class ReusedTopicSummaries:
    """Topic summaries from one abstractive pass over the whole article.

    A topic's bullets are the pass's sentences drawn mostly from the topic's paragraphs (its
    abstractive lines), then the topic's own evidence sentences, the first of each paragraph
    first (its extractive lines, quoted as written). No generation runs per topic: the pass
    is the article summary's own, kept by the summarizer, so a briefing generates once.
    """

    def __init__(self, owner: Seq2SeqSummarizer, article: Article) -> None:
        self.name = owner.name
        self._owner = owner
        self._article = article
        self._pass: list[_Summary] | None = None

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        if max_bullets <= 0 or not paragraphs:
            return []
        if self._pass is None:
            self._pass = self._owner.summarise_chunks(self._article.paragraphs)
        numbers = {p.number for p in paragraphs}
        bullets: list[Bullet] = []
        seen: set[str] = set()

        def add(text: str, cited: tuple[int, ...]) -> None:
            key = " ".join(_WORD.findall(text.lower()))
            if len(key) >= 3 and key not in seen and len(bullets) < max_bullets:
                seen.add(key)
                bullets.append(Bullet(text=text, paragraphs=cited))

        for summary in self._pass:
            for text, cited in summary.sentences():
                inside = tuple(n for n in cited if n in numbers)
                if len(inside) * 2 > len(cited):  # mostly this topic's paragraphs
                    add(text, inside)
        for sentence in _round_robin([p.sentences for p in paragraphs]):
            if len(sentence.text.split()) >= _MIN_EVIDENCE_WORDS:
                add(sentence.text.strip(), (sentence.paragraph,))
        return bullets


def _round_robin(groups: Sequence[Sequence[Any]]) -> Iterator[Any]:
    depth = max((len(group) for group in groups), default=0)
    for level in range(depth):
        yield from (group[level] for group in groups if level < len(group))


def _pack(sizes: Sequence[int], cap: int) -> list[tuple[int, int]]:
    """Greedy contiguous groups (start, end) whose sizes sum to at most `cap` (a single
    larger item stands alone)."""
    groups: list[tuple[int, int]] = []
    start, total = 0, 0
    for index, size in enumerate(sizes):
        if index > start and total + size > cap:
            groups.append((start, index))
            start, total = index, 0
        total += size
    groups.append((start, len(sizes)))
    return groups


@dataclass(frozen=True)
class _Summary:
    text: str
    paragraphs: tuple[int, ...]
    # Each sentence with the paragraphs it draws on; empty: every sentence cites `paragraphs`.
    cited: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def sentences(self) -> list[tuple[str, tuple[int, ...]]]:
        if self.cited:
            return list(self.cited)
        return [(text, self.paragraphs) for text in _sentences(self.text)]


# ---------------------------------------------------------------- loading


def _load_configs(source: ModelSource) -> tuple[PretrainedConfig, GenerationConfig]:
    from transformers import AutoConfig, GenerationConfig

    try:
        with quiet_libraries():
            config = AutoConfig.from_pretrained(source.location)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"Could not read the config of {source.name}: {error}") from error
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelError(
            f"{source.name} is not a sequence-to-sequence model (like BART or T5); "
            "it cannot write summaries."
        )
    try:
        with quiet_libraries():
            generation_config = GenerationConfig.from_pretrained(source.location)
    except OSError:
        generation_config = GenerationConfig.from_model_config(config)
    return config, generation_config


def decoding_settings(config: PretrainedConfig,
                      generation_config: GenerationConfig) -> DecodingSettings:
    """The model's own settings: its generation config, then its summarization task settings,
    as the old summarization pipeline read them (`with_overrides` adds the caller's)."""
    values: dict[str, Any] = {}
    defaults = DecodingSettings()
    for name in ("num_beams", "max_length", "min_length", "length_penalty",
                 "no_repeat_ngram_size", "early_stopping"):
        value = getattr(generation_config, name, None)
        values[name] = value if value is not None else getattr(defaults, name)
    task = (getattr(config, "task_specific_params", None) or {}).get("summarization", {})
    values.update({k: v for k, v in task.items() if k in values and v is not None})
    values["early_stopping"] = bool(values["early_stopping"])
    values["min_length"] = min(int(values["min_length"]), int(values["max_length"]))
    return DecodingSettings(**values)


def with_overrides(settings: DecodingSettings, options: SummaryOptions) -> DecodingSettings:
    """`settings` with the caller's overrides (None keeps the model's value)."""
    overrides = {
        "num_beams": options.num_beams, "max_length": options.max_length,
        "min_length": options.min_length, "length_penalty": options.length_penalty,
        "no_repeat_ngram_size": options.no_repeat_ngram_size,
    }
    values = {**asdict(settings), **{k: v for k, v in overrides.items() if v is not None}}
    values["min_length"] = min(int(values["min_length"]), int(values["max_length"]))
    return DecodingSettings(**values)


# ---------------------------------------------------------------- the light load

# Saved beside the converted copy at the first load, read by later ones.
_LIGHT_TOKENIZER = "briefing-tokenizer.json"
_LIGHT_SETTINGS = "briefing-settings.json"
_LIGHT_VERSION = 1
LightLoad = tuple["FileTokenizer", int, DecodingSettings, tuple[int, ...], Generator]


def _light_load(source: ModelSource, options: SummaryOptions, device: str) -> LightLoad | None:
    """The CTranslate2 engine from the converted copy alone, when that is what would run
    (CPU, int8, ctranslate2 installed, no CUDA GPU) and an earlier load saved its tokenizer
    and settings beside it; None otherwise (the full load then runs)."""
    if options.engine not in ("auto", "ctranslate2") or options.precision not in ("auto", "int8"):
        return None
    if device not in ("auto", "cpu") or not ctranslate2_available():
        return None
    import ctranslate2

    if device == "auto" and ctranslate2.get_cuda_device_count() > 0:
        return None  # a GPU: PyTorch fp16 may be the choice, which needs torch to decide
    folder = converted_folder(source, "int8")
    if folder is None or not is_converted(source, folder, "int8"):
        return None
    try:
        saved = json.loads((folder / _LIGHT_SETTINGS).read_text(encoding="utf-8"))
        if saved.get("version") != _LIGHT_VERSION:
            return None
        tokenizer = FileTokenizer(folder / _LIGHT_TOKENIZER, saved["tokenizer"])
        prefix = tuple(int(i) for i in saved["prefix"])
        forced_eos = saved["forced_eos"]
        generator = CTranslate2Generator(folder, tokenizer, decoder_prefix=prefix,
                                         forced_eos_token_id=forced_eos)
        return (tokenizer, int(saved["limit"]), DecodingSettings(**saved["settings"]), prefix,
                generator)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        return None  # missing or damaged: the full load rebuilds it


def _save_light(folder: Path, tokenizer: PreTrainedTokenizerBase, limit: int,
                settings: DecodingSettings, prefix: tuple[int, ...],
                forced_eos: int | None) -> None:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return  # a slow (Python) tokenizer: later loads stay full ones
    info = {
        "pad_token_id": tokenizer.pad_token_id, "unk_token_id": tokenizer.unk_token_id,
        "num_special_tokens": tokenizer.num_special_tokens_to_add(),
        "clean_up_tokenization_spaces": bool(tokenizer.clean_up_tokenization_spaces),
    }
    saved = {"version": _LIGHT_VERSION, "limit": limit, "settings": asdict(settings),
             "prefix": list(prefix), "forced_eos": forced_eos, "tokenizer": info}
    try:
        backend.save(str(folder / _LIGHT_TOKENIZER))
        write_atomic(folder / _LIGHT_SETTINGS, json.dumps(saved))
    except OSError:
        pass  # a read-only cache: every load stays a full one, nothing else changes


class FileTokenizer:
    """The model's fast tokenizer read with the `tokenizers` library alone: the part of the
    transformers tokenizer interface this module and the CTranslate2 engine use."""

    def __init__(self, path: Path, info: dict[str, Any]) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self.pad_token_id: int | None = info["pad_token_id"]
        self.unk_token_id: int | None = info["unk_token_id"]
        self._special = int(info["num_special_tokens"])
        self._clean_up = bool(info["clean_up_tokenization_spaces"])

    def __call__(self, text: str | Sequence[str], add_special_tokens: bool = True,
                 truncation: bool = False, max_length: int | None = None,
                 verbose: bool = True) -> dict[str, Any]:
        texts = [text] if isinstance(text, str) else list(text)
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        rows = []
        for encoding in encodings:
            if truncation and max_length is not None:
                encoding.truncate(max(0, max_length - (self._special if add_special_tokens
                                                       else 0)))
            if add_special_tokens:
                encoding = self._tokenizer.post_process(encoding)
            rows.append(list(encoding.ids))
        return {"input_ids": rows[0] if isinstance(text, str) else rows}

    def num_special_tokens_to_add(self) -> int:
        return self._special

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        text = self._tokenizer.decode(list(ids), skip_special_tokens=skip_special_tokens)
        return _clean_up(text) if self._clean_up else text

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self._tokenizer.id_to_token(int(i)) or "" for i in ids]

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        found = [self._tokenizer.token_to_id(t) for t in tokens]
        unknown = self.unk_token_id if self.unk_token_id is not None else 0
        return [unknown if i is None else i for i in found]


def _clean_up(text: str) -> str:
    # transformers' `clean_up_tokenization`, for tokenizers saved with it switched on.
    for before, after in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                          (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"),
                          (" 're", "'re")):
        text = text.replace(before, after)
    return text


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
    return sum(len(s.sentences()) for s in summaries)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2}


def _pairs(text: str) -> set[tuple[str, str]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return set(pairwise(words))


def _closest(scores: Sequence[int]) -> list[int]:
    """Indices scoring at least half the best (none when the best is 0)."""
    best = max(scores, default=0)
    return [i for i, score in enumerate(scores) if best and score * 2 >= best]


def cite(sentence: str, sources: Sequence[tuple[int, str]]) -> tuple[int, ...]:
    """The paragraph numbers among `sources` ((number, text)) that `sentence` draws on.

    Summarization models copy phrases, so shared word pairs point at the source paragraph;
    shared words decide when no pair is shared; a sentence sharing nothing cites them all
    (it then summarises the whole).
    """
    pairs = _pairs(sentence)
    chosen = _closest([len(pairs & _pairs(text)) for _, text in sources])
    if not chosen:
        words = _words(sentence)
        chosen = _closest([len(words & _words(text)) for _, text in sources])
    numbers = [sources[i][0] for i in chosen] if chosen else [n for n, _ in sources]
    return tuple(sorted(set(numbers)))


def _attribute(sentence: str, summaries: Sequence[_Summary]) -> _Summary:
    """The sentence with the paragraphs of the chunk-summary sentences it shares most words
    with (all of them when it shares none: it then summarises the whole)."""
    units = [unit for s in summaries for unit in s.sentences()]
    words = _words(sentence)
    chosen = _closest([len(words & _words(text)) for text, _ in units])
    picked = [units[i] for i in chosen] if chosen else units
    numbers = sorted({n for _, cited in picked for n in cited})
    return _Summary(sentence, tuple(numbers))


def bullets_from_summaries(summaries: Sequence[_Summary], max_bullets: int) -> list[Bullet]:
    """Each sentence a bullet, in order, without empty or repeated ones, at most `max_bullets`.

    Chunk summaries come in article order; taking them round-robin keeps the bullets spread
    over the whole article instead of all coming from its first chunk.
    """
    per_summary = [s.sentences() for s in summaries]
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
