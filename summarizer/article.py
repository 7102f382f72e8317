"""Turning what the user hands us (a file, stdin, a URL, raw text or bytes) into an Article.

Every refusal is an `InputError` whose message names the problem and, where there is one,
the limit. Nothing here loads a model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from summarizer.credits import is_credit, split_credits
from summarizer.errors import InputError
from summarizer.text import build_paragraphs
from summarizer.types import Article

SAMPLE_SOURCE = "sample:putin-china-2024"


@dataclass(frozen=True)
class Limits:
    """What the loader accepts. The defaults fit a long feature article with room to spare."""

    max_chars: int = 200_000
    max_bytes: int = 2_000_000
    max_word_chars: int = 500
    min_words: int = 5


DEFAULT_LIMITS = Limits()

# A leading metadata header, e.g. " date 2024-05-21 Russian President..." (run together with
# the first sentence) or "Date: 21 May 2024\n". Only dates are recognised: other leading words
# are the article's own.
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_VALUE = (
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    rf"|(?P<dmy>\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}})"
    rf"|(?P<mdy>(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})"
)
_DATE_HEADER = re.compile(
    rf"^\s*(?:date|published|posted|updated)\s*[:=\-]?\s*(?:{_DATE_VALUE})(?:T[\d:.+\-Z]+)?\s*",
    re.IGNORECASE,
)
_TITLE_HEADER = re.compile(r"^\s*(?:title\s*[:=]\s*|#\s+)(?P<title>[^\n]{1,300})\n", re.IGNORECASE)
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [("jan",), ("feb",), ("mar",), ("apr",), ("may",), ("jun",), ("jul",), ("aug",),
         ("sep",), ("oct",), ("nov",), ("dec",)], start=1)
    for name in names
}
_NOT_ENGLISH = "The text does not look like English; the models here only read English articles."
# A browser's "save page" may put a comment first ("<!-- saved from url=... -->").
_HTML_HINT = re.compile(
    r"^\s*(?:<!--.{0,300}?-->\s*)*(?:<!doctype html|<html|<head|<body|<\?xml)",
    re.IGNORECASE | re.DOTALL,
)
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
# Terminal escape sequences ("\x1b[31m"): dropping only their ESC would leave "[31m" behind.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_SCRIPT_OPEN = re.compile(r"<(script|style)\b[^>]{0,500}>", re.IGNORECASE)
_ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its",
    "this", "that", "these", "those", "he", "she", "they", "we", "you", "i", "his", "her",
    "their", "our", "not", "no", "said", "will", "would", "can", "could", "there", "which", "who",
    "what", "when", "than", "then", "also", "after", "before", "about", "into", "over",
})
# Function words of the other languages most often pasted in by mistake (French, Spanish,
# Italian, Portuguese, German, Dutch), none of them a common English word. Short texts have
# too few words for the English share to mean anything; these catch them.
_FOREIGN_FUNCTION_WORDS = frozenset({
    "le", "les", "des", "une", "du", "et", "est", "dans", "pour", "pas", "qui", "sur", "avec",
    "sont", "cette", "mais", "ont", "été", "aux", "el", "los", "las", "del", "y", "es", "por",
    "para", "con", "una", "su", "sus", "pero", "fue", "muy", "también", "il", "di", "che", "è",
    "della", "delle", "gli", "sono", "non", "degli", "os", "da", "das", "dos", "não", "em", "uma",
    "com", "der", "und", "ist", "nicht", "ein", "eine", "sich", "auf", "für", "wird", "sind",
    "auch", "het", "een", "niet", "zijn", "voor",
})


def load_article(
    source: str | None,
    *,
    stdin: BinaryIO | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_private_urls: bool = False,
) -> Article:
    """Load an article from a path, `-` (stdin), an http(s) URL, or None (the bundled sample).

    Raises:
        InputError: the source is missing, unreadable, or not an analysable article.
    """
    if source is None:
        return sample_article()
    if source == "-":
        if stdin is None:
            raise InputError("No standard input to read the article from.")
        return article_from_bytes(_read_capped(stdin, limits), source="stdin", limits=limits)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", source):
        from summarizer.fetch import fetch_url  # only URL users pay for the HTTP machinery

        page = fetch_url(source, max_bytes=limits.max_bytes, allow_private=allow_private_urls)
        return article_from_bytes(page.body, source=source, content_type=page.content_type,
                                  limits=limits)
    return article_from_file(Path(source), limits=limits)


def sample_article() -> Article:
    """The article the product was built around, shipped inside the package."""
    data = resources.files("summarizer").joinpath("data/sample_article.txt").read_bytes()
    return article_from_bytes(data, source=SAMPLE_SOURCE)


def stored_article(body: str, *, source: str, title: str | None = None,
                   date: str | None = None) -> Article:
    """An article kept by its body text (a bot's reading list, a saved digest) rebuilt as it
    was: the body was cleaned and split when the article was loaded, so it is split into the
    same paragraphs and sentences again, not loaded afresh (no title or credit detection)."""
    return Article(text=body, paragraphs=build_paragraphs(body), source=source, title=title,
                   date=date)


def article_from_file(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Article:
    try:
        exists = path.exists()
    except OSError as error:  # a name too long, a loop of links: not a file we can read
        raise InputError(f"Cannot open {path.name[:80]}: {_os_reason(error)}.") from error
    if not exists:
        raise InputError(f"No such file: {path.name}")
    if path.is_dir():
        raise InputError(f"{path.name} is a folder, not a text file.")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise InputError(
                f"{path.name} is {size:,} bytes; the limit is {limits.max_bytes:,} bytes."
            )
        with path.open("rb") as handle:
            data = _read_capped(handle, limits)
    except PermissionError as error:
        raise InputError(f"Cannot read {path.name}: permission denied.") from error
    except IsADirectoryError as error:
        raise InputError(f"{path.name} is a folder, not a text file.") from error
    except OSError as error:
        # Devices, sockets, unreadable special files: any other OS error is still a file the
        # user cannot give us, and must not surface as a traceback (with its full path).
        raise InputError(f"Cannot read {path.name}: {_os_reason(error)}.") from error
    # A saved web page goes through the same main-text extraction as a fetched URL, however
    # its first bytes look.
    content_type = "text/html" if path.suffix.lower() in _HTML_SUFFIXES else None
    return article_from_bytes(data, source=str(path), content_type=content_type, limits=limits)


def _os_reason(error: OSError) -> str:
    """The OS's reason without the path it names ("Input/output error")."""
    return (error.strerror or type(error).__name__).rstrip(".")


def _read_capped(handle: BinaryIO, limits: Limits) -> bytes:
    data = handle.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise InputError(f"The input is over {limits.max_bytes:,} bytes, the limit.")
    return data


def article_from_bytes(
    data: bytes,
    *,
    source: str,
    content_type: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Article:
    """Decode bytes (UTF-8, or UTF-16 with a byte-order mark) and load them as an article."""
    if not data.strip():
        raise InputError("The article is empty.")
    if len(data) > limits.max_bytes:
        raise InputError(f"The input is {len(data):,} bytes; the limit is {limits.max_bytes:,}.")
    declared_html = (content_type or "").startswith(("text/html", "application/xhtml"))
    return article_from_string(_decode(data), source=source, limits=limits,
                               html=True if declared_html else None)


def article_from_string(text: str, *, source: str, limits: Limits = DEFAULT_LIMITS,
                        html: bool | None = None) -> Article:
    """An article from text that may be HTML: the one rule every way in shares (a file,
    standard input, a URL's body, text pasted into the bot).

    Args:
        html: True when the source says it is HTML; None to decide from the text. A text
            that merely holds a few tag-like tokens ("<t:1700000000:R>", "</b>") but whose
            "page" has no article text is read as the text it is, never refused for it.
    """
    if html is None and not _looks_like_html(text):
        return article_from_text(text, source=source, limits=limits)
    try:
        return article_from_html(text, source=source, limits=limits)
    except InputError:
        if html or _HTML_HINT.match(text):
            raise  # a real page without an article: say so
        return article_from_text(text, source=source, limits=limits)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError("The input is not valid UTF-16 text.") from error
    if _looks_binary(data):
        raise InputError("The input looks like binary data, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"The input is not valid UTF-8 text (undecodable byte at offset {error.start:,})."
        ) from error


def _looks_binary(data: bytes) -> bool:
    # NUL counts like any other control byte: a stray NUL in a text is dropped by `_clean`
    # wherever it sits, while binary data (or UTF-16 without a byte-order mark) is full of
    # them. Refusing on a single NUL made the outcome depend on whether it fell in the
    # first 8 KB.
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(head) * 0.05


def _looks_like_html(text: str) -> bool:
    if _HTML_HINT.match(text):
        return True
    sample = text[:20_000]
    return len(_TAG.findall(sample)) >= 5 and "</" in sample


def article_from_html(html: str, *, source: str, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Extract the main text of a web page (boilerplate, scripts and menus dropped), one
    paragraph per block of the page (paragraph, heading, list item, quotation)."""
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True
    )
    if extracted is None:
        raise InputError("No article text was found in the HTML page.")
    title = getattr(extracted, "title", None)
    title = title.strip() if title else None
    blocks = _html_blocks(getattr(extracted, "body", None))
    if not blocks:  # no element tree: trafilatura's text has one block per line
        blocks = [line for line in (getattr(extracted, "text", None) or "").split("\n")]
    blocks = [block for block in blocks if block.strip()]
    if blocks and title and _same_words(blocks[0], title):
        blocks = blocks[1:]  # the page's <h1> repeats the title
    if not blocks:
        raise InputError("No article text was found in the HTML page.")
    date = getattr(extracted, "date", None)
    # Blank lines between the blocks: the text loader then keeps each block a paragraph.
    article = article_from_text("\n\n".join(blocks), source=source, limits=limits,
                                find_title=title is None)
    return replace(
        article,
        title=article.title or title,
        date=article.date or (date[:10] if date and re.match(r"\d{4}-\d{2}-\d{2}", date) else None),
    )


# trafilatura's output tree: <p>, <head> (headings), <list>/<item>, <quote>; each is a block.
_HTML_BLOCK_TAGS = frozenset({"p", "head", "item", "quote"})


def _html_blocks(body: object) -> list[str]:
    """The text of each block element of trafilatura's body tree, in document order."""
    iterate = getattr(body, "iter", None)
    if iterate is None:
        return []
    blocks = []
    for element in iterate():
        if element.tag not in _HTML_BLOCK_TAGS:
            continue
        if any(parent.tag in _HTML_BLOCK_TAGS for parent in element.iterancestors()):
            continue  # a <p> inside a <quote> is part of the quote's block
        blocks.append(re.sub(r"\s+", " ", "".join(element.itertext())).strip())
    return blocks


def _same_words(first: str, second: str) -> bool:
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())
    return words(first) == words(second)


def article_from_text(
    text: str, *, source: str = "text", limits: Limits = DEFAULT_LIMITS, find_title: bool = True
) -> Article:
    """Clean, check and split a text into an Article.

    Raises:
        InputError: empty, too long, not prose, or not English.
    """
    if len(text) > limits.max_chars:
        raise InputError(
            f"The article is {len(text):,} characters long; the limit is {limits.max_chars:,}."
        )
    text = _drop_script_elements(_clean(text))
    if not text.strip():
        raise InputError("The article is empty.")
    date, text = _strip_date_header(text)
    title, rest = _split_title(text) if find_title else (None, text)
    body, credits = _drop_credits(_normalise_paragraphs(rest))
    if title is not None and not body.strip():
        # A first line above nothing but credit lines is the story, not its headline.
        title, (body, credits) = None, _drop_credits(_normalise_paragraphs(text))
    _check_prose(body, limits)
    paragraphs = build_paragraphs(body)
    return Article(text=body, paragraphs=paragraphs, source=source, title=title, date=date,
                   credits=credits)


def _drop_credits(body: str) -> tuple[str, tuple[str, ...]]:
    """The body without its credit lines (bylines, "Reporting by ...", photo credits), and
    those lines: they are metadata, never the story (see `summarizer.credits`)."""
    kept: list[str] = []
    credits: list[str] = []
    for paragraph in body.split("\n\n"):
        text, found = split_credits(paragraph)
        credits.extend(found)
        if text.strip():
            kept.append(text)
    return "\n\n".join(kept), tuple(credits)


def _clean(text: str) -> str:
    text = _ANSI_ESCAPE.sub("", text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (NUL, escape sequences...) carry no meaning in an article; drop them
    # rather than refuse the whole text. Tabs and newlines are kept as layout.
    return "".join(
        ch for ch in text
        if ch in "\n\t" or not unicodedata.category(ch).startswith("C") or ch == "\u00ad"
    ).replace("\u00ad", "")


def _drop_script_elements(text: str) -> str:
    """Remove <script> and <style> elements from a text that was not taken for HTML (a few
    tags pasted into a plain text): their code is never the article's prose. An element left
    open is kept as written, since nothing says where it would end."""
    pieces = []
    position = 0
    while match := _SCRIPT_OPEN.search(text, position):
        close = re.compile(rf"</{match.group(1)}\s*>", re.IGNORECASE).search(text, match.end())
        if close is None:
            break  # str.find-like scans only: no backtracking over a long unclosed element
        pieces.append(text[position:match.start()])
        pieces.append(" ")
        position = close.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _strip_date_header(text: str) -> tuple[str | None, str]:
    match = _DATE_HEADER.match(text)
    if not match:
        return None, text
    return _iso_date(match), text[match.end():]


def _iso_date(match: re.Match[str]) -> str | None:
    if match.group("iso"):
        return match.group("iso")
    raw = (match.group("dmy") or match.group("mdy") or "").replace(",", " ").replace(".", " ")
    parts = raw.split()
    day = next((p for p in parts if p.isdigit() and len(p) <= 2), None)
    year = next((p for p in parts if p.isdigit() and len(p) == 4), None)
    month = next((_MONTH_NUMBERS[p[:3].lower()] for p in parts
                  if p[:3].lower() in _MONTH_NUMBERS), None)
    if not (day and year and month):
        return None
    return f"{year}-{month:02d}-{int(day):02d}"


def _split_title(text: str) -> tuple[str | None, str]:
    """A title is an explicit `title:`/`#` line, or a short first line standing alone above
    the body with no sentence-ending punctuation (the usual headline layout): above a blank
    line, or above the other lines of a text that puts one paragraph on each line."""
    explicit = _TITLE_HEADER.match(text)
    if explicit:
        return explicit.group("title").strip(), text[explicit.end():]
    stripped = text.lstrip()
    first_break = re.search(r"\n[ \t]*\n", stripped)
    if first_break:
        first, rest = stripped[: first_break.start()].strip(), stripped[first_break.end():]
    else:
        lines = stripped.split("\n", 1)
        if len(lines) < 2 or not _lines_are_paragraphs(_lines(lines[1])):
            return None, text
        first, rest = lines[0].strip(), lines[1]
    looks_like_headline = (
        "\n" not in first
        and 1 <= len(first.split()) <= 20
        and (not first.endswith((".", "!", "?", ":", ";", ",", '"', "”"))
             or _headline_with_full_stop(first, rest))
        and len(rest.split()) >= 3 * len(first.split())
        and not is_credit(first)  # "By Jane Smith" above the story is a byline
    )
    if looks_like_headline:
        return first, rest
    return None, text


# Some outlets end their headlines with a full stop ("Saudi prince mocks Trump on Twitter.",
# "Trump: 'We are going to win so much.'"); a first paragraph this short, one sentence long,
# above a lede of twenty words or more, is a headline too, unless it reports speech in the
# past tense, as stories do and headlines do not ("The minister said yes.").
_HEADLINE_MAX_WORDS_WITH_STOP = 14
_LEDE_MIN_WORDS = 20
_FINAL_STOP = re.compile(r"""[^.!?]\.['"’”]?\Z""")


def _headline_with_full_stop(first: str, rest: str) -> bool:
    body = first[:-1]
    lede = re.split(r"\n", rest.strip(), maxsplit=1)[0]
    return (len(first.split()) <= _HEADLINE_MAX_WORDS_WITH_STOP
            and len(lede.split()) >= max(_LEDE_MIN_WORDS, 2 * len(first.split()))
            and _FINAL_STOP.search(first) is not None
            and re.search(r"[.!?]['\"’”]?\s+[A-Z]", body) is None
            and re.search(r"\b(?:said|told)\b", first, re.IGNORECASE) is None)


def _normalise_paragraphs(text: str) -> str:
    """Paragraphs are blank-line separated; line breaks inside one are wrapping, so they become
    spaces. A text with no blank lines but lines that read as paragraphs (see
    `_lines_are_paragraphs`) has one paragraph per line."""
    blocks = re.split(r"\n[ \t]*\n", text.strip())
    if len(blocks) == 1 and _lines_are_paragraphs(_lines(blocks[0])):
        blocks = _lines(blocks[0])
    return "\n\n".join(
        re.sub(r"\s+", " ", block).strip() for block in blocks if block.strip()
    )


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _lines_are_paragraphs(lines: list[str]) -> bool:
    """Whether single lines are paragraphs rather than the wrapping of one: several lines,
    half of them long, or most of them ending a sentence (wrapped lines end mid-sentence)."""
    if len(lines) < 3:
        return False
    long_lines = sum(len(line.split()) >= 12 for line in lines)
    ended = sum(line.rstrip().endswith((".", "!", "?", '"', "”", "’", ")")) for line in lines)
    return long_lines >= len(lines) / 2 or ended >= 0.6 * len(lines)


def _check_prose(body: str, limits: Limits) -> None:
    words = body.split()
    longest = max((len(word) for word in words), default=0)
    if longest > limits.max_word_chars:
        raise InputError(
            f"The text contains a {longest:,}-character run with no spaces; it does not look "
            "like an article."
        )
    letters = [ch for ch in body if ch.isalpha()]
    latin = sum(1 for ch in letters if ch.isascii() or "LATIN" in unicodedata.name(ch, ""))
    if len(letters) >= 10 and latin < 0.6 * len(letters):
        raise InputError(_NOT_ENGLISH)
    lettered = [word for word in words if any(ch.isalpha() for ch in word)]
    if len(lettered) < limits.min_words:
        raise InputError(
            f"The text is too short to analyse: {len(lettered)} word"
            f"{'' if len(lettered) == 1 else 's'}, at least {limits.min_words} needed."
        )
    bare = [word.strip(".,;:!?\"'()“”‘’«»").lower() for word in lettered]
    english = sum(1 for word in bare if word in _ENGLISH_FUNCTION_WORDS)
    foreign = sum(1 for word in bare if word in _FOREIGN_FUNCTION_WORDS)
    if foreign >= 2 and foreign > english:
        raise InputError(_NOT_ENGLISH)
    # English prose is 30-50% function words; other languages share almost none of these.
    if len(lettered) >= 20 and english < 0.08 * len(lettered):
        raise InputError(_NOT_ENGLISH)
