"""Splitting cleaned text into numbered paragraphs and sentences, with character offsets.

Rule-based on purpose: it is fast, needs no model, and never fails on broken text (the
machine-translated articles this product meets have capitals, stray brackets and
half-sentences). Offsets always point into the text that was split.
"""

from __future__ import annotations

import re

from summarizer.types import Paragraph, Sentence

# Words that end in a full stop without ending the sentence.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "gen", "col", "lt",
    "sgt", "capt", "cmdr", "adm", "gov", "sen", "rep", "pres", "inc", "ltd", "co", "corp", "bros",
    "dept", "univ", "assn", "est", "approx", "etc", "vs", "fig", "no", "nos", "vol", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
    "e.u", "a.m", "p.m", "i.e", "e.g", "d.c", "n.y", "l.a",
})

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+)""")
# What may start the next sentence: a capital, a digit, or an opening quote/bracket.
_NEXT_START = re.compile(r"""\s+["'“‘(\[]?[A-Z0-9]""")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the blank-line separated blocks of `text`."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        _append_stripped(text, position, match.start(), spans)
        position = match.end()
    _append_stripped(text, position, len(text), spans)
    return spans


def _append_stripped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text[start:end]`.

    A boundary is terminal punctuation followed by whitespace and a plausible sentence start,
    unless the word before the full stop is a known abbreviation or a single initial.
    """
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, stop):
        boundary = match.end()
        if not _NEXT_START.match(text, boundary, stop):
            continue
        if match.group().startswith(".") and _is_abbreviation(text, sentence_start, match.start()):
            continue
        _append_stripped(text, sentence_start, boundary, spans)
        sentence_start = boundary
    _append_stripped(text, sentence_start, stop, spans)
    return spans


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'“‘([").lower()
    if not word:
        return False
    # Single initials ("John F. Kennedy") and dotted acronyms ("U.S.") continue the sentence.
    if len(word) == 1 and word.isalpha():
        return True
    return word in _ABBREVIATIONS


def build_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Number the paragraphs of `text` from 1 and split each into sentences."""
    paragraphs = []
    for number, (start, end) in enumerate(split_paragraphs(text), start=1):
        sentences = tuple(
            Sentence(text=text[s:e], start=s, end=e, paragraph=number)
            for s, e in split_sentences(text, start, end)
        )
        paragraphs.append(
            Paragraph(number=number, text=text[start:end], start=start, end=end,
                      sentences=sentences)
        )
    return tuple(paragraphs)
