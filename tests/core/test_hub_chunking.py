"""The one chunker of the hub summarizer and NER: windows of the text that fit a model, cut at
sentence ends, then between words, then inside a word, each with its exact token count."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import pytest

from summarizer.backends.chunking import TokenCounter, Window, token_counter, token_windows
from summarizer.text import split_sentences
from tests.tiny_models import build_bpe_tokenizer, build_wordpiece_tokenizer

SENTENCE = "The minister said the plan would cut costs for families in the north."
LIST_SENTENCE = "Officials from " + ", ".join(
    f"Town{i} and Village{i}" for i in range(60)) + " met on Monday."
LONG_WORD = "https://example.com/" + "abcdefghij" * 30


@pytest.fixture(scope="module", params=["bpe", "wordpiece"])
def count(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> TokenCounter:
    """The two tokenizer families of the hub models: byte-level BPE (BART) and WordPiece
    (BERT NER), trained on the sample article."""
    build = {"bpe": build_bpe_tokenizer, "wordpiece": build_wordpiece_tokenizer}[request.param]
    return token_counter(build(tmp_path_factory.mktemp(request.param)))


def _check(text: str, windows: Sequence[Window], count: TokenCounter, budget: int,
           start: int = 0, end: int | None = None) -> None:
    """Windows in order, within the budget, their counts exact, and between them (and around
    them, inside the span) nothing but spaces: every word is read once."""
    stop = len(text) if end is None else end
    assert windows
    texts = [text[w.start : w.end] for w in windows]
    assert [w.tokens for w in windows] == count(texts)
    assert all(w.tokens <= budget for w in windows)
    edges = [start, *(edge for w in windows for edge in (w.start, w.end)), stop]
    gaps = [text[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2)]
    assert all(gap.strip() == "" for gap in gaps), gaps
    assert all(edges[i] <= edges[i + 1] for i in range(len(edges) - 1))


def test_a_text_that_fits_is_one_window(count: TokenCounter) -> None:
    (size,) = count([SENTENCE])
    assert token_windows(SENTENCE, count, size) == [Window(0, len(SENTENCE), size)]
    # A count the caller already has is used as it is.
    assert token_windows(SENTENCE, count, 10_000, tokens=3) == [Window(0, len(SENTENCE), 3)]


def test_a_long_text_is_cut_at_sentence_ends(count: TokenCounter) -> None:
    text = " ".join([SENTENCE] * 12)
    (size,) = count([SENTENCE])
    windows = token_windows(text, count, size + 2)
    _check(text, windows, count, size + 2)
    assert [(w.start, w.end) for w in windows] == split_sentences(text)


def test_joined_sentences_are_the_longest_runs_that_fit(count: TokenCounter) -> None:
    text = " ".join([SENTENCE] * 12)
    (size,) = count([SENTENCE])
    budget = 3 * size + 2
    windows = token_windows(text, count, budget, join_sentences=True)
    _check(text, windows, count, budget)
    assert len(windows) == 4
    ends = {end for _, end in split_sentences(text)}
    assert all(w.end in ends for w in windows)
    # Each run stops only where the next sentence would not fit.
    for window, following in pairwise(windows):
        next_end = min(end for end in ends if end > window.end)
        assert following.end >= next_end
        assert count([text[window.start : next_end]])[0] > budget


def test_a_span_of_a_larger_text_stays_inside_it(count: TokenCounter) -> None:
    text = "Before this. " + " ".join([SENTENCE] * 6) + " After that."
    start, end = len("Before this. "), len(text) - len(" After that.")
    windows = token_windows(text, count, 40, start=start, end=end, join_sentences=True)
    _check(text, windows, count, 40, start, end)
    assert windows[0].start == start and windows[-1].end == end


def test_a_sentence_longer_than_the_model_is_cut_between_words(count: TokenCounter) -> None:
    budget = 40
    windows = token_windows(LIST_SENTENCE, count, budget)
    _check(LIST_SENTENCE, windows, count, budget)
    assert len(windows) > 3
    for window in windows:
        before = LIST_SENTENCE[window.start - 1 : window.start]
        after = LIST_SENTENCE[window.end : window.end + 1]
        assert before in ("", " ") and after in ("", " ")
    # Full windows: one more word would not have fitted (give or take the token a BPE
    # tokenizer spends on the first word's missing space).
    for window, following in pairwise(windows):
        next_word_end = LIST_SENTENCE.find(" ", following.start)
        longer = LIST_SENTENCE[window.start : next_word_end]
        assert count([longer])[0] > budget - 2


def test_a_word_longer_than_the_model_is_cut_inside(count: TokenCounter) -> None:
    text = f"See {LONG_WORD} for details."
    (size,) = count([LONG_WORD])
    budget = size // 3
    windows = token_windows(text, count, budget)
    _check(text, windows, count, budget)
    # Cut inside the word only, nothing lost: its slices join back into it, and the words
    # around it stay whole.
    word_start = text.index(LONG_WORD)
    word_windows = [w for w in windows if word_start <= w.start < word_start + len(LONG_WORD)]
    assert len(word_windows) >= 3
    assert "".join(text[w.start : w.end] for w in word_windows) == LONG_WORD
    assert all(a.end == b.start for a, b in pairwise(word_windows))
    assert text[windows[0].start : windows[0].end] == "See"


def test_cutting_a_long_sentence_costs_about_one_pass(count: TokenCounter) -> None:
    """Each window is counted a few times at most (alone, then joined to the next), so
    cutting is linear in the text: a sentence of 12,000 words tokenizes a few times its own
    length, never its length times a window's (counting each run word by word did)."""
    text = " ".join(f"word{i % 50} and" for i in range(6000)) + "."
    tokenized: list[int] = []

    def counting(texts: Sequence[str]) -> list[int]:
        tokenized.extend(len(t) for t in texts)
        return count(texts)

    windows = token_windows(text, counting, 100, join_sentences=True)
    _check(text, windows, count, 100)
    assert len(windows) > 100
    assert sum(tokenized) < 8 * len(text)


def test_an_empty_paragraph_is_one_empty_window(tmp_path: Path) -> None:
    count = token_counter(build_bpe_tokenizer(tmp_path / "bpe"))
    assert token_windows("", count, 10) == [Window(0, 0, 0)]
    assert count([]) == []
