"""Credit lines at load time: bylines, "(Reporting by ...; Editing by ...)", "Follow @...
on Twitter", photo credits. They name the people who made the article, not the people in
it, so they are recognised once, when the article is loaded, kept as `Article.credits` and
left out of the body that the summary, topics, actors and quotes read.

A credit is recognised only where it stands on its own: a whole paragraph, or a parenthetical
that ends a paragraph. And its names must be names: after "By" or "Reporting by", only
capitalised words, initials, "and", "in <Place>" and separators may follow, so a sentence
("By Tuesday, the storm had...", "Reporting by the BBC showed...") is never taken for one.
"""

from __future__ import annotations

import re

# A name or outlet word: capitalised ("Smith", "O'Neil", "McCool", "AP", "J.", "Jean-Luc"),
# or a lower-case particle of a name ("de", "van").
_NAME_WORD = r"(?:[A-Z][\w'’.\-]*|de|da|del|der|di|du|la|le|van|von|bin|al-\w+)"
# Names joined by "and", "&" or commas, each optionally followed by "in <Place>" / "at <Org>".
_NAME_LIST = (rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}"
              rf"(?:\s+(?:in|at|from)\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})?")
_NAMES = rf"{_NAME_LIST}(?:\s*(?:,|and|&|,\s*and)\s*{_NAME_LIST})*"
# Words after "By" that are not names: "By Tuesday, ...", "By January 2016 ...".
_NOT_BYLINE_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "the", "then", "now", "contrast", "comparison", "far", "law",
    "midnight", "noon", "nightfall", "dawn", "late", "early", "mid", "this", "that", "all",
})

_BYLINE = re.compile(
    rf"(?:By|BY|Byline:|BYLINE:)\s+(?P<names>{_NAMES})"
    rf"(?:\s*[,|/—–-]\s*{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|of|for|to))*)?\.?"
)
# "Reporting by X in Y; Additional reporting by Z; Editing by W", one or more roles.
_ROLE = (r"(?:Additional\s+)?(?:reporting|writing|editing|compiled|research|researched|"
         r"produced|translated|translation|graphics|video|fact-checking|contributing)"
         r"(?:\s+and\s+(?:reporting|writing|editing))?")
_ROLE_CREDIT = re.compile(
    rf"(?i:{_ROLE})\s+(?:by\s+|:\s*)(?-i:{_NAMES})"
    rf"(?:\s*[;.,]\s*(?i:{_ROLE})\s+(?:by\s+|:\s*)(?-i:{_NAMES}))*\s*[.;]?"
)
# "Follow Pam Key on Twitter @pamkeyNEN", "Follow @politico.", "Follow us on Facebook".
_FOLLOW = re.compile(
    r"Follow\s+(?:[^.@]{0,120}?\s+on\s+(?:Twitter|X|Facebook|Instagram|Threads|Bluesky)\b"
    r"[^\n]{0,120}|@\w+[^\n]{0,120})"
)
# "Photo: Jane Doe/Reuters", "(AP Photo/Evan Vucci)", "Photograph: ...", "Image copyright
# Getty Images", "Picture by ...", "Credit: ...".
_PHOTO = re.compile(
    r"(?:(?:AP|AFP|Reuters|EPA|Getty(?:\s+Images)?|Bloomberg|File)\s+)?"
    r"(?:Photo(?:graph)?s?|Images?|Pictures?|Credit)(?:\s+(?:copyright|credit))?"
    r"\s*(?::|/|by\b|copyright\b)\s*[^\n]{1,120}",
    re.IGNORECASE,
)
_TRAILING_PARENTHETICAL = re.compile(r"\s*\((?P<inner>[^()]{3,500})\)\s*$")
_MAX_CREDIT_WORDS = 40


def is_credit(text: str) -> bool:
    """Whether `text` (a whole paragraph, or the inside of a parenthetical) is a credit line."""
    text = text.strip()
    if not text or len(text.split()) > _MAX_CREDIT_WORDS:
        return False
    inner = text[1:-1].strip() if text.startswith("(") and text.endswith(")") else text
    if _ROLE_CREDIT.fullmatch(inner) or _FOLLOW.fullmatch(inner) or _PHOTO.fullmatch(inner):
        return True
    byline = _BYLINE.fullmatch(inner)
    if byline is None:
        return False
    first = byline.group("names").split()[0].strip(",").lower()
    return first not in _NOT_BYLINE_WORDS


def split_credits(paragraph: str) -> tuple[str, tuple[str, ...]]:
    """(the paragraph without its credit, the credit lines found in it).

    The whole paragraph when it is a credit line, else a trailing parenthetical that is one
    ("... in the region. (Reporting by Amanda Becker; Editing by Eric Beech.)").
    """
    if is_credit(paragraph):
        return "", (paragraph.strip(),)
    trailing = _TRAILING_PARENTHETICAL.search(paragraph)
    if trailing and _is_parenthetical_credit(trailing.group("inner")):
        return paragraph[: trailing.start()].rstrip(), (trailing.group().strip(),)
    return paragraph, ()


def _is_parenthetical_credit(inner: str) -> bool:
    # A byline is never a parenthetical; "(By Tuesday...)" would be a sentence.
    inner = inner.strip()
    return bool(_ROLE_CREDIT.fullmatch(inner) or _PHOTO.fullmatch(inner)
                or _FOLLOW.fullmatch(inner)) and len(inner.split()) <= _MAX_CREDIT_WORDS
