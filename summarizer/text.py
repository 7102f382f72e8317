"""Splitting cleaned text into numbered paragraphs and sentences, with character offsets.

These sentences are the pipeline's only segmentation: the summary and topics embed them, and
the spaCy parse that actors and quotes read is made to follow them (see
`summarizer.backends.spacy_nlp`), so every analysis sees the same sentences.

Rule-based on purpose: it is fast (no model, so loading an article never imports spaCy), never
fails on broken text (machine-translated articles have capitals, stray brackets and
half-sentences), and on news text it matched the reference sentences of the BBC set at least
as well as pysbd, nupunkt and spaCy's own parser/senter, and got the hard cases of
tests/core/test_segmentation.py right where they did not (benchmarks/eval_segmentation.py).
Offsets always point into the text that was split.

A boundary is terminal punctuation (`.`, `!`, `?`, an ellipsis), then any closing quotes or
brackets, then whitespace and a plausible sentence start. A full stop that ends an
abbreviation ("Sen.", "Inc.", "U.S.", the initial in "John F. Kennedy") is a boundary only
when the next word is one that starts sentences and never names ("The", "He", "But"): Punkt's
orthographic heuristic, with a closed word list instead of corpus statistics.
"""

from __future__ import annotations

import re

from summarizer.types import Paragraph, Sentence

# Words that end in a full stop without ending the sentence, as written (case matters:
# "Miss." and "Ill." are states, "miss." and "ill." end sentences; "No. 5" but "said no.").
_ABBREVIATIONS = frozenset({
    # titles and ranks
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Drs", "Prof", "Rev", "Hon", "Pres", "Gov", "Govs",
    "Sen", "Sens", "Rep", "Reps", "Gen", "Col", "Lt", "Maj", "Brig", "Adm", "Cmdr", "Capt",
    "Sgt", "Cpl", "Pvt", "Supt", "Det", "Insp", "Atty", "Amb", "Sr", "Jr", "St", "Ste", "Fr",
    # companies and institutions
    "Inc", "Ltd", "Co", "Cos", "Corp", "Bros", "Assn", "Dept", "Univ", "Dist", "Gov't",
    # places and addresses (US states in AP style, as in "R-Calif.")
    "Mt", "Ft", "Ave", "Blvd", "Rd", "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla",
    "Ga", "Ill", "Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont",
    "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Vt", "Va", "Wash", "Wis", "Wyo",
    # numbers and dates ("No. 5", "Jan. 20")
    "No", "Nos", "Vol", "Fig", "Art", "pp", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec",
    # Latin and the rest
    "etc", "vs", "approx", "est", "al", "cf", "ca", "Ph.D", "Ph",
})

# Words that start sentences but never names: after an abbreviation they mean a boundary
# ("...moved to the U.S. The next year...") where a capitalised name would not ("U.S. Senate").
# Closed classes only (articles, pronouns, conjunctions, prepositions, sentence adverbs).
_SENTENCE_STARTERS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "there", "here", "it", "its", "he",
    "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "your", "but", "and",
    "or", "so", "yet", "if", "when", "while", "as", "after", "before", "since", "because",
    "although", "though", "in", "on", "at", "for", "of", "by", "with", "from", "to", "under",
    "during", "despite", "however", "meanwhile", "also", "still", "now", "then", "instead",
    "what", "who", "why", "how", "where", "which", "some", "many", "most", "all", "both",
    "each", "one", "no", "not", "only", "even", "such", "last", "other", "another",
})

# A candidate boundary: terminal punctuation (an ellipsis as "..." or ". . ."), optional
# closing quotes/brackets, then whitespace; or a curly closing quote glued to the next
# sentence (`said.”Mr. Trump`, a common scraping fault), where a straight quote is ambiguous.
_BOUNDARY = re.compile(
    r"""(?:\.(?:\s?\.){2,}|[.!?…]+)(?:["'”’)\]]*(?=\s)|[”’](?=[“"]?[A-Z]))"""
)
# What may start the next sentence: an opening quote/bracket, then a capital, a digit, or a
# lower-case brand name with a capital inside ("eBay", "iPhone").
_NEXT_START = re.compile(r"""\s*(?P<open>["'“‘(\[]?)(?P<word>[A-Z0-9]|[a-z]+[A-Z])""")
_NEXT_WORD = re.compile(r"""\s*["'“‘(\[]?([A-Za-z]+)""")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")  # "F", "U.S", "J.P", "a.m"
_WORD_BEFORE_DOT = re.compile(r"[A-Za-z][A-Za-z.']*$")
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
    """Return (start, end) spans of the sentences of `text[start:end]`."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, stop):
        boundary = match.end()
        if not _NEXT_START.match(text, boundary, stop):
            continue  # "...end." she said / a lower-case continuation
        if match.group() == "." and _ends_abbreviation(text, sentence_start, match.start()) \
                and not _starts_sentence(text, boundary, stop):
            continue
        _append_stripped(text, sentence_start, boundary, spans)
        sentence_start = boundary
    _append_stripped(text, sentence_start, stop, spans)
    return spans


def _ends_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    """Whether the word before the full stop at `dot` is an abbreviation or an initial."""
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    # The word proper: no quotes or brackets glued to it; in "R-Calif." or "(D-N.Y." the part
    # after the last hyphen is what ends here.
    found = _WORD_BEFORE_DOT.search(text, word_start, dot)
    if found is None or (found.start() > word_start
                         and text[found.start() - 1] not in "-\"'“‘”’(["):
        return False  # "£250m." and "400m." are units after a number, not initials
    word = found.group()
    if _INITIALS.fullmatch(word):  # "F." of John F. Kennedy, "U.S.", "J.P.", "a.m."
        return True
    # "ST. LOUIS" in a dateline is "St."; "etc." and "vs." may open with a capital.
    return word in _ABBREVIATIONS or word.lower() in _ABBREVIATIONS \
        or (word.isupper() and word.title() in _ABBREVIATIONS)


def _starts_sentence(text: str, position: int, stop: int) -> bool:
    """Whether the word at `position` opens a sentence even after an abbreviation."""
    match = _NEXT_WORD.match(text, position, stop)
    if match is None:
        return False  # a number: "No. 5", "Jan. 20"
    if text[match.start(1) - 1] in "\"“‘'":
        return True  # an opening quotation starts a sentence far more often than not
    word = match.group(1)
    return word[0].isupper() and word.lower() in _SENTENCE_STARTERS


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
