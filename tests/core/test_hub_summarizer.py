"""The seq2seq summarizer on a tiny random BART: chunking, map-reduce, bullets, loading, and
one generate pass per article that the topic summaries reuse."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from summarizer.article import article_from_text, sample_article
from summarizer.backends import Backends
from summarizer.backends.fast_generate import (
    DecodingSettings,
    EngineChoice,
    EngineName,
    Precision,
    choose_engine,
)
from summarizer.backends.hub_summarizer import (
    Seq2SeqSummarizer,
    SummaryOptions,
    _Summary,
    bullets_from_summaries,
    cite,
)
from summarizer.config import ModelConfig
from summarizer.errors import ModelError
from summarizer.topics import TopicSettings, find_topics
from summarizer.types import Bullet
from tests.tiny_models import build_tiny_bart


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"), max_positions=128)


@pytest.fixture(scope="module")
def summarizer(tiny_bart: Path) -> Seq2SeqSummarizer:
    # Plain torch fp32, so these tests need no optional package; the ctranslate2 engine has
    # its own tests below.
    return Seq2SeqSummarizer(str(tiny_bart), device="cpu", engine="torch", precision="fp32")


def test_loads_through_the_registry_like_users(tiny_bart: Path) -> None:
    messages: list[str] = []
    backends = Backends(ModelConfig(summary_model=str(tiny_bart), device="cpu"),
                        progress=messages.append)
    summarizer = backends.summarizer
    assert isinstance(summarizer, Seq2SeqSummarizer)
    assert summarizer.name == str(tiny_bart)
    # What the analyses call on any summarizer: bullets citing the paragraphs given.
    paragraphs = sample_article().paragraphs[:3]
    bullets = summarizer.summarize(paragraphs, max_bullets=2)
    assert 1 <= len(bullets) <= 2
    assert all(set(b.paragraphs) <= {p.number for p in paragraphs} for b in bullets)
    assert any(str(tiny_bart) in message for message in messages)


def test_reads_the_input_limit_and_generation_settings(summarizer: Seq2SeqSummarizer) -> None:
    assert summarizer.limit == 128
    assert summarizer.settings.max_length == 16
    assert summarizer.settings.num_beams == 2
    assert summarizer.settings.no_repeat_ngram_size == 3


def test_overrides_win_over_the_model_settings(tiny_bart: Path) -> None:
    options = SummaryOptions(num_beams=1, max_length=10, min_length=4)
    summarizer = Seq2SeqSummarizer(str(tiny_bart), device="cpu", engine="torch",
                                   precision="fp32", options=options)
    assert (summarizer.settings.num_beams, summarizer.settings.max_length) == (1, 10)
    assert summarizer.engine == "torch fp32 (cpu)"


@pytest.mark.parametrize(
    ("precision", "engine", "device", "has_ct2", "expected"),
    [
        ("auto", "auto", "cpu", True, EngineChoice("ctranslate2", "int8")),
        ("auto", "auto", "cpu", False, EngineChoice("torch", "fp32")),
        ("auto", "auto", "cuda", True, EngineChoice("torch", "fp16")),
        ("fp32", "auto", "cpu", True, EngineChoice("torch", "fp32")),
        ("int8", "auto", "cpu", False, EngineChoice("torch", "int8")),
        ("int8", "torch", "cuda", False, EngineChoice("torch", "fp16")),
        ("bf16", "auto", "cpu", True, EngineChoice("torch", "bf16")),
    ],
)
def test_engine_choice(monkeypatch: pytest.MonkeyPatch, precision: Precision,
                       engine: EngineName, device: str, has_ct2: bool,
                       expected: EngineChoice) -> None:
    import torch

    from summarizer.backends import fast_generate

    monkeypatch.setattr(fast_generate, "ctranslate2_available", lambda: has_ct2)
    assert choose_engine(precision, engine, torch.device(device)) == expected


def test_impossible_engine_choices_are_model_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from summarizer.backends import fast_generate

    monkeypatch.setattr(fast_generate, "ctranslate2_available", lambda: False)
    with pytest.raises(ModelError, match="fp16"):
        choose_engine("fp16", "auto", torch.device("cpu"))
    with pytest.raises(ModelError, match="pip install ctranslate2"):
        choose_engine("auto", "ctranslate2", torch.device("cpu"))


def test_torch_int8_runs_on_request(tiny_bart: Path) -> None:
    summarizer = Seq2SeqSummarizer(str(tiny_bart), device="cpu", engine="torch",
                                   precision="int8", options=SummaryOptions(num_beams=1))
    assert summarizer.engine == "torch int8 (cpu)"
    assert summarizer.generate(["The minister spoke in the capital on Monday."])[0]


def test_long_article_is_chunked_by_whole_paragraphs(summarizer: Seq2SeqSummarizer) -> None:
    article = sample_article()
    chunks = summarizer.chunk(article.paragraphs)
    assert len(chunks) > 1
    assert all(len(chunk.token_ids) <= summarizer.limit for chunk in chunks)
    numbers = [n for chunk in chunks for n in chunk.paragraphs]
    # Every paragraph is read, in order; a paragraph appears in two chunks only when it
    # was itself too long and was split at sentences.
    assert sorted(set(numbers)) == [p.number for p in article.paragraphs]
    assert numbers == sorted(numbers)


def test_a_paragraph_longer_than_the_limit_is_split_at_sentences(
    summarizer: Seq2SeqSummarizer,
) -> None:
    sentence = "The minister said the plan would cut costs for families in the north."
    article = article_from_text(" ".join([sentence] * 14) + "\n\nA short closing paragraph.")
    chunks = summarizer.chunk(article.paragraphs)
    assert len(chunks) >= 2
    assert all(len(chunk.token_ids) <= summarizer.limit for chunk in chunks)
    assert chunks[0].paragraphs == (1,)
    assert chunks[-1].paragraphs[-1] == 2


def test_a_sentence_longer_than_the_limit_is_cut_between_words(
    summarizer: Seq2SeqSummarizer,
) -> None:
    towns = ", ".join(f"Town{i} and Village{i}" for i in range(60))
    article = article_from_text(f"Officials from {towns} met on Monday.\n\nA short closing one.")
    chunks = summarizer.chunk(article.paragraphs)
    assert len(chunks) >= 3
    assert all(len(chunk.token_ids) <= summarizer.limit for chunk in chunks)
    # The model reads the writer's words, cut at spaces: every chunk of the long sentence is
    # a stretch of it, starting and ending on whole words.
    first = article.paragraphs[0].text
    words = set(first.split())
    for chunk in chunks[:-1]:
        assert chunk.paragraphs == (1,) and chunk.text in first
        assert chunk.text.split()[0] in words and chunk.text.split()[-1] in words
    assert chunks[-1].paragraphs[-1] == 2


def test_summary_bullets_carry_paragraph_numbers(summarizer: Seq2SeqSummarizer) -> None:
    article = sample_article()
    bullets = summarizer.summarize(article.paragraphs, max_bullets=5)
    assert 1 <= len(bullets) <= 5
    valid = {p.number for p in article.paragraphs}
    for bullet in bullets:
        assert bullet.text.strip() == bullet.text and bullet.text
        assert bullet.paragraphs and set(bullet.paragraphs) <= valid
    assert len({b.text for b in bullets}) == len(bullets)


def test_reduce_step_runs_when_chunk_summaries_exceed_the_bullets(
    summarizer: Seq2SeqSummarizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = summarizer._reduce

    def counting(summaries: list[_Summary]) -> list[_Summary]:
        calls.append(len(summaries))
        return original(summaries)

    monkeypatch.setattr(summarizer, "_reduce", counting)
    article = sample_article()
    bullets = summarizer.summarize(article.paragraphs, max_bullets=1)
    assert calls and calls[0] == len(summarizer.chunk(article.paragraphs))
    assert len(bullets) == 1 and bullets[0].paragraphs


def test_topic_sized_input_gives_at_most_three_bullets(summarizer: Seq2SeqSummarizer) -> None:
    article = sample_article()
    bullets = summarizer.summarize(article.paragraphs[:2], max_bullets=3)
    assert 1 <= len(bullets) <= 3
    assert all(set(b.paragraphs) <= {1, 2} for b in bullets)


def test_empty_input_gives_no_bullets(summarizer: Seq2SeqSummarizer) -> None:
    assert summarizer.summarize([], max_bullets=3) == []
    assert summarizer.summarize(sample_article().paragraphs, max_bullets=0) == []


def test_bullets_split_sentences_drop_repeats_and_keep_order() -> None:
    summaries = [
        _Summary("First point here. Second point there.", (1, 2)),
        _Summary("First point here. Third point, later.", (3,)),
    ]
    bullets = bullets_from_summaries(summaries, max_bullets=5)
    assert bullets == [
        Bullet("First point here.", (1, 2)),
        Bullet("Second point there.", (1, 2)),
        Bullet("Third point, later.", (3,)),
    ]
    # Round-robin over chunks: with two bullets, both chunks are represented.
    spread = [_Summary("Alpha one. Alpha two.", (1,)), _Summary("Beta one. Beta two.", (2,))]
    assert [b.text for b in bullets_from_summaries(spread, 2)] == ["Alpha one.", "Beta one."]


def test_ctranslate2_float32_conversion_matches_torch_fp32(tiny_bart: Path,
                                                          tmp_path: Path) -> None:
    """The converted model (with the transformers-5 shim) is the same network: in float32
    its greedy output equals PyTorch's, forced <s> and lengths included."""
    pytest.importorskip("ctranslate2")
    import shutil

    from summarizer.backends.fast_generate import CTranslate2Generator, convert_to_ctranslate2
    from summarizer.backends.hub_common import resolve_model

    folder = tmp_path / "model"
    shutil.copytree(tiny_bart, folder, ignore=shutil.ignore_patterns("ctranslate2"))
    options = SummaryOptions(num_beams=1, no_repeat_ngram_size=0, min_length=8)
    plain = Seq2SeqSummarizer(str(folder), device="cpu", precision="fp32", options=options)
    converted = convert_to_ctranslate2(resolve_model(str(folder), "summary"), "float32")
    plain.generator = CTranslate2Generator(converted, plain.tokenizer, compute_type="float32",
                                           decoder_prefix=(plain.tokenizer.bos_token_id,),
                                           forced_eos_token_id=plain.tokenizer.eos_token_id)
    texts = [p.text for p in sample_article().paragraphs[:6]]
    reference = Seq2SeqSummarizer(str(folder), device="cpu", precision="fp32", options=options)
    assert plain.generate(texts) == reference.generate(texts)


def test_ctranslate2_int8_is_the_cpu_default_and_converts_once(tiny_bart: Path,
                                                                tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_bart, folder, ignore=shutil.ignore_patterns("ctranslate2"))
    messages: list[str] = []
    fast = Seq2SeqSummarizer(str(folder), device="cpu", progress=messages.append)
    assert fast.engine == "ctranslate2 int8 (cpu)"
    assert (folder / "ctranslate2" / "local-int8" / "model.bin").is_file()
    assert sum("Converting" in m for m in messages) == 1
    bullets = fast.summarize(sample_article().paragraphs, max_bullets=3)
    assert 1 <= len(bullets) <= 3 and all(b.paragraphs for b in bullets)
    Seq2SeqSummarizer(str(folder), device="cpu", progress=messages.append)
    assert sum("Converting" in m for m in messages) == 1  # the converted copy was reused


def test_missing_local_folder_is_a_model_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError, match="no-such-model"):
        Seq2SeqSummarizer(str(missing), device="cpu")


def test_uncached_hub_model_offline_names_the_model(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    backends = Backends(ModelConfig(models="hub", summary_model="nobody/not-a-model"))
    with pytest.raises(ModelError) as caught:
        _ = backends.summarizer
    message = str(caught.value)
    assert "nobody/not-a-model" in message
    assert "hf download nobody/not-a-model" in message and "SUMMARY_MODEL" in message


def test_a_classifier_is_not_a_summarizer(tmp_path: Path) -> None:
    from tests.tiny_models import build_tiny_nli

    folder = build_tiny_nli(tmp_path / "nli")
    with pytest.raises(ModelError, match="not a sequence-to-sequence model"):
        Seq2SeqSummarizer(str(folder), device="cpu")


# ---------------------------------------------------------------- one pass per article


class _CountingGenerator:
    """Wraps a generator and records the batch size of each generate call."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.description = inner.description
        self.batches: list[int] = []

    def generate(self, inputs: Sequence[Sequence[int]],
                 settings: DecodingSettings) -> list[list[int]]:
        self.batches.append(len(inputs))
        result: list[list[int]] = self.inner.generate(inputs, settings)
        return result


def _counted(tiny_bart: Path, **options: Any) -> tuple[Seq2SeqSummarizer, _CountingGenerator]:
    summarizer = Seq2SeqSummarizer(str(tiny_bart), device="cpu", engine="torch",
                                   precision="fp32", options=SummaryOptions(**options))
    counter = _CountingGenerator(summarizer.generator)
    summarizer.generator = counter
    return summarizer, counter


class _ByParity:
    """A fake zero-shot classifier: odd paragraphs are "alpha", even ones "beta"."""

    name = "fake"

    def score(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        rows = [[1.0, 0.0] if i % 2 == 0 else [0.0, 1.0] for i in range(len(texts))]
        return np.array(rows, dtype=np.float32)


def test_all_chunks_of_an_article_are_generated_in_one_call(tiny_bart: Path) -> None:
    summarizer, counter = _counted(tiny_bart, batch_size=64)
    article = sample_article()
    chunks = summarizer.chunk(article.paragraphs)
    assert len(chunks) > 2
    summarizer.summarize(article.paragraphs, max_bullets=len(chunks))
    # As many bullets as chunks: no reduce step, so the whole summary is one call.
    assert counter.batches == [len(chunks)]


def test_batch_size_bounds_each_call(tiny_bart: Path) -> None:
    summarizer, counter = _counted(tiny_bart, batch_size=4)
    article = sample_article()
    count = len(summarizer.chunk(article.paragraphs))
    summarizer.summarize(article.paragraphs, max_bullets=count)
    assert counter.batches == [4] * (count // 4) + ([count % 4] if count % 4 else [])


def test_a_chunk_summary_is_never_generated_twice(tiny_bart: Path) -> None:
    summarizer, counter = _counted(tiny_bart, batch_size=64)
    paragraphs = sample_article().paragraphs
    first = summarizer.summarize(paragraphs, max_bullets=20)
    calls = len(counter.batches)
    assert summarizer.summarize(paragraphs, max_bullets=20) == first
    assert len(counter.batches) == calls


def test_chunks_are_as_few_as_the_greedy_split_and_even(summarizer: Seq2SeqSummarizer) -> None:
    # Seven short paragraphs: more than one 128-token chunk holds, and filling the first
    # chunk greedily would leave one paragraph for the second.
    paragraph = "Putin and Xi met in Beijing on Thursday."
    (size,) = summarizer._counts([paragraph])
    count = summarizer._budget() // size + 1
    article = article_from_text("\n\n".join([paragraph] * count))
    chunks = summarizer.chunk(article.paragraphs)
    assert len(chunks) == 2
    assert all(len(c.token_ids) <= summarizer.limit for c in chunks)
    sizes = sorted(len(c.paragraphs) for c in chunks)
    assert sizes == [count // 2, count - count // 2]
    assert [n for c in chunks for n in c.paragraphs] == list(range(1, count + 1))


def test_reduce_runs_only_when_chunks_outnumber_the_bullets(summarizer: Seq2SeqSummarizer,
                                                            tiny_bart: Path) -> None:
    two = [_Summary("One. Two. Three.", (1,)), _Summary("Four. Five. Six.", (2,))]
    assert not summarizer._needs_reduce(two, max_bullets=5)
    assert summarizer._needs_reduce(two, max_bullets=1)
    assert not summarizer._needs_reduce(two[:1], max_bullets=1)
    previous, _ = _counted(tiny_bart, reduce_sentences=True)
    # The previous rule, on request: more sentences than bullets is enough.
    assert previous._needs_reduce(two, max_bullets=5)


def test_a_sentence_cites_the_paragraph_it_copies() -> None:
    sources = [(3, "The minister opened a new school in Leeds on Monday."),
               (4, "Flooding closed the main road to the airport for a day."),
               (5, "The school will teach 400 pupils from September.")]
    assert cite("Flooding closed the main road for a day.", sources) == (4,)
    assert cite("A new school in Leeds will teach 400 pupils.", sources) == (3, 5)
    assert cite("Nothing here matches.", sources) == (3, 4, 5)


def test_topic_summaries_reuse_the_article_pass(tiny_bart: Path) -> None:
    summarizer, counter = _counted(tiny_bart, batch_size=64)
    article = sample_article()
    summary = summarizer.summarize(article.paragraphs, max_bullets=5)
    calls = len(counter.batches)
    topics = find_topics(article, ["alpha", "beta"], _ByParity(), summarizer, bullets=3,
                         settings=TopicSettings(calibrated=False),
                         already_said=[b.text for b in summary])
    assert len(counter.batches) == calls  # no generation per topic
    assert {t.label for t in topics} == {"alpha", "beta"}
    for topic in topics:
        assert 1 <= len(topic.summary) <= 3
        for bullet in topic.summary:
            assert bullet.text and bullet.paragraphs
            assert set(bullet.paragraphs) <= set(topic.paragraphs)


def test_topic_summaries_alone_run_the_article_pass_once(tiny_bart: Path) -> None:
    summarizer, counter = _counted(tiny_bart, batch_size=64)
    article = sample_article()
    topics = find_topics(article, ["alpha", "beta"], _ByParity(), summarizer, bullets=3,
                         settings=TopicSettings(calibrated=False))
    assert counter.batches == [len(summarizer.chunk(article.paragraphs))]
    assert all(topic.summary for topic in topics)


def test_abstractive_topic_summaries_on_request(tiny_bart: Path) -> None:
    summarizer, counter = _counted(tiny_bart, batch_size=64, topic_summaries="abstractive")
    article = sample_article()
    topics = find_topics(article, ["alpha", "beta"], _ByParity(), summarizer, bullets=3,
                         settings=TopicSettings(calibrated=False))
    # One pass per topic over its own paragraphs, as before.
    assert len(counter.batches) >= len(topics) == 2
    for topic in topics:
        assert all(set(b.paragraphs) <= set(topic.paragraphs) for b in topic.summary)


def test_counting_tokens_of_a_long_text_logs_no_warning(
        summarizer: Seq2SeqSummarizer, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    class Records(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    # With the model's limit as the tokenizer's own (as real BART tokenizers have), counting
    # a text longer than it made transformers warn ("Token indices sequence length is
    # longer than the specified maximum ...").
    monkeypatch.setattr(summarizer.tokenizer, "model_max_length", summarizer.limit)
    summarizer.tokenizer.deprecation_warnings.clear()
    summarizer._kept.clear()
    records = Records()
    library = logging.getLogger("transformers")
    library.addHandler(records)
    try:
        assert len(summarizer.chunk(sample_article().paragraphs)) > 1
        summarizer.summarize(sample_article().paragraphs, max_bullets=3)
    finally:
        library.removeHandler(records)
    assert records.messages == []


def test_a_later_load_needs_neither_transformers_nor_torch_and_gives_the_same(
        tiny_bart: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    import shutil

    from summarizer.backends.hub_summarizer import FileTokenizer

    folder = tmp_path / "model"
    shutil.copytree(tiny_bart, folder, ignore=shutil.ignore_patterns("ctranslate2"))
    full = Seq2SeqSummarizer(str(folder), device="cpu")
    assert not isinstance(full.tokenizer, FileTokenizer)
    light = Seq2SeqSummarizer(str(folder), device="cpu")
    # The converted copy plus the tokenizer and settings saved beside it at the first load.
    assert isinstance(light.tokenizer, FileTokenizer)
    assert (light.limit, light.settings, light._prefix) == (full.limit, full.settings,
                                                            full._prefix)
    paragraphs = sample_article().paragraphs
    assert light.chunk(paragraphs) == full.chunk(paragraphs)
    assert light.summarize(paragraphs, 5) == full.summarize(paragraphs, 5)
    text = "Putin and Xi met in Beijing on Thursday. " * 40
    assert light.generate([text]) == full.generate([text])
    # Overrides still apply on the light path; other engines never take it.
    shorter = Seq2SeqSummarizer(str(folder), device="cpu", options=SummaryOptions(num_beams=1))
    assert isinstance(shorter.tokenizer, FileTokenizer) and shorter.settings.num_beams == 1
    fp32 = Seq2SeqSummarizer(str(folder), device="cpu", precision="fp32")
    assert not isinstance(fp32.tokenizer, FileTokenizer)
