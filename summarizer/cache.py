"""An on-disk cache of briefings.

Keyed by the article text's SHA-256, the names of the models that ran, the options and the
cache format: never by URL or file name, so an edited file or a changed page is analysed
afresh, and the same text from two places is analysed once. Entries are JSON files written
atomically (temp file + rename), so a crash or a concurrent writer never leaves half a file;
an unreadable entry is treated as a miss. The oldest entries are pruned past `max_entries`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from summarizer.types import Article, Briefing, ModelInfo

# Part of every key: raise it whenever the analyses change what they return, so a briefing
# cached by an older version is analysed afresh rather than served (2: entities, calibrated
# topics, news-aware summaries, credit lines).
CACHE_FORMAT = 2
# A temporary file this old is a dead writer's leftover (a write takes milliseconds).
STALE_TEMP_SECONDS = 600


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
        from summarizer.render import briefing_from_dict

        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            briefing = briefing_from_dict(data, article)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            # Unreadable, damaged, planted or absurdly nested: a miss, and the next put
            # writes a good entry over it.
            with self._lock:
                self._misses += 1
            return None
        with self._lock:
            self._hits += 1
        return briefing

    def put(self, key: str, briefing: Briefing) -> None:
        from summarizer.render import briefing_to_dict

        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = json.dumps(briefing_to_dict(briefing, full=True), ensure_ascii=False)
            handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError:
            # A read-only or full disk makes the cache useless, not the analysis wrong.
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
            os.replace(temp, path)
        except OSError:
            # A full disk fails the write: the half-written file must not stay behind.
            Path(temp).unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        # Temporary files older than any write can take were left by a process that died
        # mid-write; they are not entries, so the count below would never remove them.
        cutoff = time.time() - STALE_TEMP_SECONDS
        for temp in self.directory.glob("*/*.tmp"):
            with contextlib.suppress(OSError):
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()
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
