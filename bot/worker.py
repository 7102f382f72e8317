"""Analyses off the event loop: a bounded thread pool with single flight.

Identical requests (same article text and options) that arrive while one is running share it;
recent results are kept in memory, and older ones come from the core's on-disk cache. When
more distinct analyses are waiting than `queue_limit`, new ones are refused with `BusyError`
instead of queueing without end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from cachetools import LRUCache

from bot.errors import BusyError
from summarizer.api import AnalysisOptions
from summarizer.types import Article, Briefing

log = logging.getLogger(__name__)
T = TypeVar("T")
Key = tuple[str, str | None, str | None, str]


class SupportsAnalyse(Protocol):
    def analyse(self, article: Article, options: AnalysisOptions | None = None) -> Briefing: ...


def request_key(article: Article, options: AnalysisOptions) -> Key:
    return (article.digest, article.title, article.date, options.cache_key())


class AnalysisWorker:
    def __init__(
        self,
        analyzer: SupportsAnalyse,
        *,
        threads: int = 2,
        queue_limit: int = 32,
        remember: int = 64,
    ) -> None:
        self.analyzer = analyzer
        self.queue_limit = queue_limit
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="analysis")
        self._in_flight: dict[Key, asyncio.Future[Briefing]] = {}
        # The answers most recently asked for, so /summary then /quotes costs one analysis.
        self._recent: LRUCache[Key, Briefing] = LRUCache(maxsize=remember)
        self.started = 0
        self.shared = 0

    @property
    def pending(self) -> int:
        return len(self._in_flight)

    def peek(self, article: Article, options: AnalysisOptions) -> Briefing | None:
        """A result already in memory, or None; never starts work."""
        return self._recent.get(request_key(article, options))

    async def analyse(self, article: Article, options: AnalysisOptions) -> Briefing:
        key = request_key(article, options)
        done = self._recent.get(key)
        if done is not None:
            return done
        future = self._in_flight.get(key)
        if future is None:
            if len(self._in_flight) >= self.queue_limit:
                raise BusyError()
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._executor, self.analyzer.analyse, article, options)
            self._in_flight[key] = future
            self.started += 1
            future.add_done_callback(lambda f: self._finished(key, f))
        else:
            self.shared += 1
        # shield: a cancelled caller (a closed interaction) must not cancel the shared work.
        return await asyncio.shield(future)

    def _finished(self, key: Key, future: asyncio.Future[Briefing]) -> None:
        self._in_flight.pop(key, None)
        if future.cancelled() or future.exception() is not None:
            return
        self._recent[key] = future.result()

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """Run other blocking work (loading models, fetching a URL) in the same pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
