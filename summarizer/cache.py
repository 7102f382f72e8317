"""An on-disk cache of briefings.

Keyed by the article text's SHA-256, the names of the models that ran, the options and the
cache format: never by URL or file name, so an edited file or a changed page is analysed
afresh, and the same text from two places is analysed once. An entry is the briefing less
its article (the caller has the article: its text is what the key was made from), stored
by `summarizer.serialize`, so every field of every result type is kept; it is checked on
reading (types, and paragraph numbers the article has), and a bad entry is a miss that the
next `put` replaces. Entries are written atomically (`summarizer.files`), so a crash or a
concurrent writer never leaves half a file. The oldest entries are pruned past `max_entries`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import threading
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.files import STALE_TEMP_SECONDS, TEMP_SUFFIX, remove_stale_temps, write_atomic
from summarizer.serialize import DataError, from_data, to_data
from summarizer.types import Article, Briefing, ModelInfo

__all__ = ["CACHE_FORMAT", "STALE_TEMP_SECONDS", "BriefingCache", "CacheStats"]

# Part of every key and of every entry: raise it whenever the analyses change what they
# return or the stored form changes, so a briefing cached by an older version is analysed
# afresh rather than served (2: entities, calibrated topics, news-aware summaries, credit
# lines; 3: entries written by `summarizer.serialize`, every field of every type; 4: actors
# marked minor, places settled by a gazetteer; 5: no form of address in a role, plural
# acronyms and prizes not actors).
CACHE_FORMAT = 5


@dataclass(frozen=True)
class CacheStats:
    entries: int
    bytes: int
    hits: int
    misses: int


class BriefingCache:
    def __init__(self, directory: Path, max_entries: int = 2000) -> None:
        self.directory = directory
        self.max_entries = max_entries
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(article: Article, models: ModelInfo, options: str) -> str:
        material = json.dumps(
            [CACHE_FORMAT, article.digest, article.title, article.date,
             models.summary, models.topics, models.entities, options],
            ensure_ascii=False,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, article: Article) -> Briefing | None:
        """The cached briefing for `key`, rebuilt around `article` (whose text it was made from)."""
        try:
            briefing = _read_entry(self._path(key).read_text(encoding="utf-8"), article)
        except (OSError, ValueError, RecursionError):
            # Unreadable, damaged, planted, absurdly nested or from another format
            # (DataError is a ValueError): a miss, and the next put writes a good entry.
            with self._lock:
                self._misses += 1
            return None
        with self._lock:
            self._hits += 1
        return briefing

    def put(self, key: str, briefing: Briefing) -> None:
        path = self._path(key)
        entry = {"format": CACHE_FORMAT, "briefing": to_data(briefing, omit=("article",))}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(entry, ensure_ascii=False))
        except OSError:
            # A read-only or full disk makes the cache useless, not the analysis wrong
            # (and the failed write left no temporary file behind).
            return
        # Another process may prune the same folder at the same moment: a file that went
        # between listing and removal is no failure of this write.
        with contextlib.suppress(OSError):
            self._prune()

    def _prune(self) -> None:
        # Temporary files older than any write can take were left by a process that died
        # mid-write; they are not entries, so the count below would never remove them.
        remove_stale_temps(self.directory, f"*/*{TEMP_SUFFIX}")
        files = list(self.directory.glob("*/*.json"))
        if len(files) <= self.max_entries:
            return
        files.sort(key=lambda f: f.stat().st_mtime)
        for stale in files[: len(files) - self.max_entries]:
            stale.unlink(missing_ok=True)

    def stats(self) -> CacheStats:
        files = list(self.directory.glob("*/*.json"))
        size = sum(f.stat().st_size for f in files if f.exists())
        with self._lock:
            return CacheStats(entries=len(files), bytes=size, hits=self._hits, misses=self._misses)

    def clear(self) -> None:
        for entry in self.directory.glob("*/*.json"):
            entry.unlink(missing_ok=True)


def _read_entry(text: str, article: Article) -> Briefing:
    """The briefing stored in `text` for `article`.

    Raises:
        ValueError: not an entry of this format, a value of the wrong type (DataError), or
            a paragraph number the article does not have; RecursionError: absurd nesting.
    """
    entry = json.loads(text)
    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT or set(entry) != {
            "format", "briefing"}:
        raise DataError("not a briefing entry of this cache format")
    briefing = from_data(Briefing, entry["briefing"], given={"article": article})
    _check_citations(briefing, len(article.paragraphs))
    return briefing


def _check_citations(value: Any, paragraphs: int) -> None:
    """Raise DataError unless every paragraph number in `value` is one of the article's.

    Every result type names its paragraphs in a field called `paragraph` or `paragraphs`
    (`summarizer.types`); found from the types' fields, so a new result type is checked too.
    """
    if isinstance(value, tuple):
        for item in value:
            _check_citations(item, paragraphs)
        return
    if value is None:
        return
    single, several, nested = _citation_fields(value.__class__)
    for name in single:
        number = getattr(value, name)
        if type(number) is not int or not 1 <= number <= paragraphs:
            raise DataError(f"paragraph {number} is outside 1-{paragraphs}")
    for name in several:
        if not all(type(number) is int and 1 <= number <= paragraphs
                   for number in getattr(value, name)):
            raise DataError(f"a paragraph number outside 1-{paragraphs}")
    for name in nested:
        _check_citations(getattr(value, name), paragraphs)


@functools.lru_cache(maxsize=64)
def _citation_fields(kind: type) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The dataclass `kind`'s fields that cite one paragraph, several, or hold results that
    may cite some (the article is the caller's, not the entry's, and is left alone)."""
    single, several, nested = [], [], []
    for field in dataclasses.fields(kind):
        hint = typing.get_type_hints(kind)[field.name]
        if field.name == "paragraph":
            single.append(field.name)
        elif field.name == "paragraphs":
            several.append(field.name)
        elif hint is not Article and _holds_dataclass(hint):
            nested.append(field.name)
    return tuple(single), tuple(several), tuple(nested)


def _holds_dataclass(hint: Any) -> bool:
    return dataclasses.is_dataclass(hint) or any(
        _holds_dataclass(arg) for arg in typing.get_args(hint))
