"""Work and memory stay bounded for any text the loader accepts.

The summarizer's similarity graphs are dense (candidates x candidates), and spaCy holds a
whole parse batch in memory at once: before these bounds a text of 14,000 one-line
paragraphs took 7 GB (issue: "memory grows with the square of the sentence count").
`benchmarks/bench_worst_inputs.py` measures the real figures; these tests pin the bounds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pytest
from numpy.typing import NDArray

from summarizer.article import article_from_text
from summarizer.backends import Backends
from summarizer.backends.extractive import (
    ExtractiveSettings,
    ExtractiveSummarizer,
    candidate_indices,
)
from summarizer.backends.spacy_nlp import PARSE_BATCH_CAP, PARSE_PIECE_CHARS
from summarizer.types import Article, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


class CountingEmbedder:
    """A deterministic stand-in that records how many texts each call embeds."""

    name = "counting"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls.append(len(texts))
        # Unrelated texts get near-orthogonal vectors, so nothing looks like a duplicate.
        rows = np.stack([
            np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16))
            .standard_normal(64) for t in texts]).astype(np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _sentences(texts: Sequence[str]) -> list[Sentence]:
    out, offset = [], 0
    for number, text in enumerate(texts, start=1):
        out.append(Sentence(text=text, start=offset, end=offset + len(text), paragraph=number))
        offset += len(text) + 2
    return out


def _article(paragraphs: Sequence[str]) -> Article:
    return article_from_text("\n\n".join(paragraphs), source="test")


def test_repeated_sentences_are_embedded_once() -> None:
    embedder = CountingEmbedder()
    article = _article(["He said yes."] * 3000)
    bullets = ExtractiveSummarizer(embedder).summarize(article.paragraphs, 5)
    assert embedder.calls == [1]
    assert [b.text for b in bullets] == ["He said yes."]
    assert bullets[0].paragraphs == (1,)


def test_candidates_are_capped_with_the_lead_kept_and_the_rest_spread() -> None:
    settings = ExtractiveSettings(max_candidates=100)
    texts = [f"Sentence number {i} tells a different part of the long story." for i in
             range(5000)]
    chosen = candidate_indices(_sentences(texts), settings)
    assert len(chosen) == 100
    assert chosen == sorted(chosen)
    assert chosen[:50] == list(range(50))  # the lead half
    assert chosen[-1] == 4999  # the spread reaches the end of the text
    gaps = np.diff(chosen[50:])
    assert gaps.max() - gaps.min() <= 1  # evenly spread


def test_well_formed_sentences_are_preferred_when_the_text_is_cut() -> None:
    settings = ExtractiveSettings(max_candidates=10)
    texts = [f"Go {i}!" if i % 2 else f"The council voted on plan number {i} today."
             for i in range(200)]
    chosen = candidate_indices(_sentences(texts), settings)
    assert len(chosen) == 10
    assert all(i % 2 == 0 for i in chosen)


def test_short_texts_are_not_cut() -> None:
    texts = [f"Line {i} of a short article, long enough to count." for i in range(40)]
    assert candidate_indices(_sentences(texts), ExtractiveSettings()) == list(range(40))


def test_summarizer_embeds_at_most_the_cap() -> None:
    embedder = CountingEmbedder()
    settings = ExtractiveSettings(max_candidates=300)
    article = _article([f"Paragraph {i} reports a separate event in the city today."
                        for i in range(2000)])
    bullets = ExtractiveSummarizer(embedder, settings).summarize(article.paragraphs, 5)
    assert sum(embedder.calls) <= 300
    assert len(bullets) == 5


@dataclass
class PipeRecord:
    """What the spaCy pipeline was asked to parse: each `pipe` call's batch size and the text
    of every Doc it parsed."""

    batch_sizes: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def record_pipe(backends: Backends, monkeypatch: pytest.MonkeyPatch) -> PipeRecord:
    """Wrap the real pipeline's `pipe` (it still parses) to record its calls."""
    nlp = backends.parser.nlp
    real_pipe = nlp.pipe
    record = PipeRecord()

    def recording_pipe(texts: Iterable[Doc], batch_size: int) -> Iterator[Doc]:
        record.batch_sizes.append(batch_size)
        for doc in real_pipe(texts, batch_size=batch_size):
            record.texts.append(doc.text)
            yield doc

    monkeypatch.setattr(nlp, "pipe", recording_pipe)
    return record


@pytest.mark.parametrize("paragraphs", [3, PARSE_BATCH_CAP + 1, 600])
def test_parse_batches_are_capped(paragraphs: int, backends: Backends,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = backends.parser
    record = record_pipe(backends, monkeypatch)
    article = _article([f"Minister {i} said yes." for i in range(paragraphs)])
    docs = pipeline.parse(article)
    assert record.batch_sizes == [min(paragraphs, PARSE_BATCH_CAP)]
    assert len(docs) == paragraphs
    assert docs[-1].text == f"Minister {paragraphs - 1} said yes."


def test_repeated_paragraphs_are_parsed_once_into_separate_docs(
        backends: Backends, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = backends.parser
    record = record_pipe(backends, monkeypatch)
    article = _article(["He said yes."] * 500 + ["The mayor of Leeds said no."])
    docs = pipeline.parse(article)
    assert record.texts == ["He said yes.", "The mayor of Leeds said no."]
    assert len(docs) == 501 and len({id(doc) for doc in docs}) == 501
    assert [t.dep_ for t in docs[0]] == [t.dep_ for t in docs[499]]
    assert [t.dep_ for t in docs[499]] == ["nsubj", "ROOT", "intj", "punct"]
    assert docs[500].text == "The mayor of Leeds said no."


def test_a_very_long_paragraph_is_parsed_in_pieces_into_one_doc(
        backends: Backends, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = backends.parser
    record = record_pipe(backends, monkeypatch)
    sentence = "The mayor of Leeds said the new bridge would open in March next year. "
    article = _article([sentence * 400, "A short second paragraph closes the story here."])
    docs = pipeline.parse(article)
    pieces = [len(text) for text in record.texts]
    assert len(docs) == 2 and len(pieces) > 3
    assert max(pieces) <= PARSE_PIECE_CHARS + len(sentence)
    first = article.paragraphs[0]
    assert docs[0].text == first.text
    assert [s.start_char for s in docs[0].sents] == [s.start - first.start
                                                     for s in first.sentences]
    assert {e.text for e in docs[0].ents} >= {"Leeds"}
