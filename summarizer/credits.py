"""Credit lines: bylines, "(Reporting by ...; Editing by ...)", "Follow @... on Twitter", photo
credits. They name the people who made the article, not the people in it.

One set of patterns serves the three places that must recognise them:
- at load time (`is_credit`, `split_credits`): a credit standing on its own (a whole
  paragraph, or a parenthetical that ends a paragraph) is moved out of the body into
  `Article.credits`, so the summary, topics, actors and quotes never read it;
- inside a paragraph (`credit_spans`, `inside`): the few credits the loader leaves in a
  paragraph's text, whose names must not become actors or speakers;
- per sentence (`is_credit_line`): a sentence that is or opens with a credit is never topic
  evidence.

A credit's names must be names: after "By" or "Reporting by", only capitalised words,
initials, "and", "in <Place>" and separators may follow, so a sentence ("By Tuesday, the
storm had...", "Reporting by the BBC showed...") is never taken for one.
"""

from __future__ import annotations

import re

# A social-media handle: "@MattFriedmanSL".
HANDLE = re.compile(r"(?<![\w.])@\w{1,30}")

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
_ROLE = (r"(?:Additional\s+)?(?:reporting|writing|written|editing|edited|compiled|compiling|"
         r"research|researched|produced|translated|translation|graphics|video|fact-checking|"
         r"contributing)"
         r"(?:\s+and\s+(?:reporting|writing|editing))?")
# Politico and others open it with dashes and write "from": "--additional reporting from X".
_ROLE_CREDIT = re.compile(
    rf"(?:--?|—|–)?\s*(?i:{_ROLE})\s+(?:by\s+|from\s+|:\s*)(?-i:{_NAMES})"
    rf"(?:\s*[;.,]\s*(?i:{_ROLE})\s+(?:by\s+|from\s+|:\s*)(?-i:{_NAMES}))*\s*[.;]?"
)
# A story's closing tag line: "Amanda Terkel contributed reporting.", "Alex Isenstadt
# contributed to this story.", "Associated Press writer Jill Colvin contributed from
# Albuquerque.", "Lerer reported from Los Angeles." (one or several in the paragraph).
_PLACE = rf"{_NAME_WORD}(?:,?\s+{_NAME_WORD}){{0,4}}"
_TAG_LINE = (
    rf"(?:(?:Associated\s+Press|AP|Reuters|Staff|Times|Post)\s+"
    rf"(?:writers?|reporters?|correspondents?)\s+)?(?-i:{_NAME_LIST})"
    rf"(?:\s*(?:,|and|&)\s*(?-i:{_NAME_LIST}))*"
    rf"\s+(?:contributed(?:\s+(?:reporting|research|to\s+this\s+(?:story|report|article)))?"
    rf"(?:\s+from\s+{_PLACE})?|reported\s+from\s+{_PLACE})\s*\."
)
_TAG_LINES = re.compile(rf"{_TAG_LINE}(?:\s+{_TAG_LINE})*")
_SOCIAL = r"(?:Twitter|X|Facebook|Instagram|Threads|Bluesky)"
# "Follow Pam Key on Twitter @pamkeyNEN", "Follow @politico.", "Follow us on Facebook".
_FOLLOW = re.compile(
    rf"Follow\s+(?:[^.@]{{0,120}}?\s+on\s+{_SOCIAL}\b[^\n]{{0,120}}|@\w+[^\n]{{0,120}})"
)
# "Photo: Jane Doe/Reuters", "(AP Photo/Evan Vucci)", "Photograph: ...", "Image copyright
# Getty Images", "Picture by ...", "Credit: ...".
_AGENCY = r"(?:AP|AFP|Reuters|EPA|Getty(?:\s+Images)?|Bloomberg|File)"
_PHOTO = re.compile(
    rf"(?:{_AGENCY}\s+)?"
    r"(?:Photo(?:graph)?s?|Images?|Pictures?|Credit)(?:\s+(?:copyright|credit))?"
    r"\s*(?::|/|by\b|copyright\b)\s*[^\n]{1,120}",
    re.IGNORECASE,
)
# Where a credit may begin inside a paragraph: the opening words of the patterns above. A
# photo credit counts there only as a parenthetical ("(AP Photo/Evan Vucci)").
_CREDIT_START = re.compile(
    rf"\(?\s*(?i:{_ROLE})\s+(?i:by|:)\s"
    rf"|Follow\s+[^.]{{0,120}}?(?:@\w+|on\s+{_SOCIAL})"
    rf"|\(\s*(?i:{_AGENCY})?\s*(?i:Photo)"
)
_TRAILING_PARENTHETICAL = re.compile(r"\s*\((?P<inner>[^()]{3,500})\)\s*$")
_MAX_CREDIT_WORDS = 40


def is_credit(text: str) -> bool:
    """Whether `text` (a whole paragraph, or the inside of a parenthetical) is a credit line."""
    text = text.strip()
    if not text or len(text.split()) > _MAX_CREDIT_WORDS:
        return False
    inner = text[1:-1].strip() if text.startswith("(") and text.endswith(")") else text
    if (_ROLE_CREDIT.fullmatch(inner) or _FOLLOW.fullmatch(inner) or _PHOTO.fullmatch(inner)
            or _TAG_LINES.fullmatch(inner)):
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


def credit_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of its credit lines; each runs to the end of its
    parenthetical, or of its sentence, or of `text`."""
    if is_credit(text):
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    for match in _CREDIT_START.finditer(text):
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


def is_credit_line(sentence: str) -> bool:
    """True for a sentence that is, or opens with, a credit line (who wrote, edited or
    photographed the story), not its content."""
    spans = credit_spans(sentence.strip())
    return bool(spans) and spans[0][0] == 0


def _span_end(text: str, start: int) -> int:
    if text[start] == "(":
        close = text.find(")", start)
        return len(text) if close < 0 else close + 1
    stop = re.search(r"[.!?](?=\s+[A-Z(]|\s*$)", text[start:])
    return len(text) if stop is None else start + stop.end()


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of `spans`."""
    return any(a <= start and end <= b for a, b in spans)
