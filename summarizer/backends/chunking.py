"""Token windows: text cut into pieces a hub model reads whole (the summarizer and the NER).

A window is a span of the text no longer than the model's token budget (its input limit less
its special tokens). Cuts fall where they disturb reading least: nowhere when the text fits,
else at sentence ends; a sentence too long for the model is cut at the spaces between words,
and only a single "word" longer than the model (a long URL) is cut inside. Windows are spans
of the original text, never decoded token ids, so offsets stay exact and the model reads what
the writer wrote. No window overlaps another: both users read each sentence once (the NER
cuts a paragraph only at sentence ends, where no name runs across the cut).

Every window's token count is exact, its own text tokenized by the model's tokenizer, so no
window overruns the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from summarizer.text import split_sentences

# Tokens in each text (special tokens left out), in order.
TokenCounter = Callable[[Sequence[str]], list[int]]

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Window:
    """`text[start:end]` of the text that was cut, `tokens` long (special tokens left out)."""

    start: int
    end: int
    tokens: int


def token_counter(tokenizer: Any) -> TokenCounter:
    """A `TokenCounter` over a Hugging Face tokenizer (or one with the same call), batched."""

    def count(texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        # verbose=False: a text over the model's limit is expected here (it is what is being
        # measured), so the tokenizer's "longer than the specified maximum" warning is noise.
        ids = tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(row) for row in ids]

    return count


def token_windows(text: str, count: TokenCounter, budget: int, *, start: int = 0,
                  end: int | None = None, tokens: int | None = None,
                  join_sentences: bool = False) -> list[Window]:
    """`text[start:end]` as windows of at most `budget` tokens, in text order.

    Args:
        count: the model's token counter (`token_counter(tokenizer)`).
        budget: the most tokens a window may hold, special tokens left out.
        tokens: the span's token count when the caller has it already (one batched count
            over many paragraphs), else it is counted here.
        join_sentences: join consecutive sentences into the longest runs that fit (more
            context per window: the NER); otherwise a window holds one sentence at most (the
            summarizer groups them itself, evenly, across paragraphs).

    Returns:
        The whole span as one window when it fits; else its sentences (joined or not), a
        sentence too long cut between words, a word too long cut inside. A window exceeds
        the budget only where one character does (a budget of a few tokens).
    """
    stop = len(text) if end is None else end
    whole = tokens if tokens is not None else count([text[start:stop]])[0]
    if whole <= budget:
        return [Window(start, stop, whole)]
    sentences = split_sentences(text, start, stop) or [(start, stop)]
    sizes = count([text[first:last] for first, last in sentences])
    windows: list[Window] = []
    for (first, last), size in zip(sentences, sizes, strict=True):
        if size <= budget:
            windows.append(Window(first, last, size))
        else:
            windows.extend(_between_words(text, first, last, count, budget))
    return _joined(text, windows, count, budget) if join_sentences else windows


def _between_words(text: str, start: int, end: int, count: TokenCounter,
                   budget: int) -> list[Window]:
    """A sentence too long for the model, as the longest runs of whole words that fit.

    Each word is counted once with the space before it (as it stands in running text), so a
    run's size is known before it is tokenized; the run is then counted whole, and shortened
    while it is over (tokenizers may merge across a join). One count per window, so a
    sentence of any length costs about what tokenizing it once does.
    """
    words = [match.span() for match in _WORD.finditer(text, start, end)]
    sizes = count([" " + text[first:last] for first, last in words])
    windows: list[Window] = []
    first = 0
    while first < len(words):
        last, total = first + 1, sizes[first]
        while last < len(words) and total + sizes[last] <= budget:
            total += sizes[last]
            last += 1
        run_start = words[first][0]
        exact = count([text[run_start : words[last - 1][1]]])[0]
        while exact > budget and last - first > 1:
            last -= 1
            exact = count([text[run_start : words[last - 1][1]]])[0]
        if exact > budget:  # one word longer than the model on its own
            windows.extend(_inside_word(text, run_start, words[first][1], exact, count, budget))
        else:
            windows.append(Window(run_start, words[last - 1][1], exact))
        first = last
    return windows


def _inside_word(text: str, start: int, end: int, tokens: int, count: TokenCounter,
                 budget: int) -> list[Window]:
    """A "word" longer than the model (a long URL), in as many equal slices as its count
    asks for, each counted and sliced again while it is still over."""
    if tokens <= budget or end - start < 2:
        return [Window(start, end, tokens)]
    parts = -(-tokens // budget)
    step = -(-(end - start) // parts)
    bounds = [(first, min(first + step, end)) for first in range(start, end, step)]
    sizes = count([text[first:last] for first, last in bounds])
    return [window for (first, last), size in zip(bounds, sizes, strict=True)
            for window in _inside_word(text, first, last, size, count, budget)]


def _joined(text: str, windows: Sequence[Window], count: TokenCounter,
            budget: int) -> list[Window]:
    """Consecutive windows joined while the joined span, counted whole, fits."""
    joined: list[Window] = []
    for window in windows:
        if joined:
            run = joined[-1]
            size = count([text[run.start : window.end]])[0]
            if size <= budget:
                joined[-1] = Window(run.start, window.end, size)
                continue
        joined.append(window)
    return joined
