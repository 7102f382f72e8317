"""Credit-line spans inside a paragraph ("Reporting by ...; Editing by ...", "Follow @...",
bylines, photo credits), for the analyses that must not take their names for actors or
speakers.

Reconstructed by h3 after an accidental overwrite: the same public names (`HANDLE`,
`credit_spans`, `inside`) as the original. Most credit lines no longer reach the analyses:
`summarizer.credit_lines` removes those standing alone or in a trailing parenthetical when the
article is loaded; this catches the rest (a credit line inside a paragraph's text).
"""

from __future__ import annotations

import re

from summarizer.credit_lines import is_credit

# A social-media handle: "@MattFriedmanSL".
HANDLE = re.compile(r"(?<![\w.])@\w{1,30}")

_ROLE_START = re.compile(
    r"\(?\s*(?:Additional\s+)?(?:Reporting|Writing|Editing|Compiled|Research|Produced|"
    r"Translated|Graphics)\s+(?:by|:)\s",
    re.IGNORECASE,
)
_FOLLOW_START = re.compile(r"Follow\s+[^.]{0,120}?(?:@\w+|on\s+(?:Twitter|X|Facebook))")
_PHOTO_START = re.compile(r"\(\s*(?:AP|AFP|Reuters|EPA|Getty)?\s*Photo", re.IGNORECASE)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of its credit lines; each runs to the end of its
    parenthetical, or of its sentence, or of `text`."""
    spans: list[tuple[int, int]] = []
    if is_credit(text):
        return [(0, len(text))]
    for pattern in (_ROLE_START, _FOLLOW_START, _PHOTO_START):
        for match in pattern.finditer(text):
            start = match.start()
            # A role credit is a credit only where it opens a parenthetical or a sentence:
            # "reporting by the BBC showed" inside a sentence is content.
            before = text[:start].rstrip()
            if not (text[start] == "(" or not before or before.endswith((".", "!", "?", ")"))):
                continue
            end = _span_end(text, start)
            if is_credit(text[start:end].strip().strip("()")) or text[start] == "(":
                spans.append((start, end))
    return sorted(spans)


def _span_end(text: str, start: int) -> int:
    if text[start] == "(":
        close = text.find(")", start)
        return len(text) if close < 0 else close + 1
    stop = re.search(r"[.!?](?=\s+[A-Z(]|\s*$)", text[start:])
    return len(text) if stop is None else start + stop.end()


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of `spans`."""
    return any(a <= start and end <= b for a, b in spans)
