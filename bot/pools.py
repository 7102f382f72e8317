"""Threads for the bot's blocking work that is not analysis: fetching links, and writing the
database. Each has its own pool, so neither waits behind the other."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from bot.errors import BotError

T = TypeVar("T")
FETCH_THREADS = 4  # links loaded at once, all users together (each has its own deadline)
FETCHES_PER_USER = 2
STORE_THREADS = 2


class Pools:
    """Threads for the blocking work that is not analysis. Fetching links and writing the
    database each get their own: a dozen slow-drip URLs once held every thread of the shared
    default pool, and another user's one-line /article text waited 19 s behind them."""

    def __init__(self) -> None:
        self._fetch = ThreadPoolExecutor(max_workers=FETCH_THREADS, thread_name_prefix="fetch")
        self._store = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="sqlite")
        self._fetching: dict[int, int] = {}  # user id -> links being loaded

    async def store(self, write: Callable[..., T], *args: Any) -> T:
        """Run a `State` write in a thread: waiting for another process's lock on the file
        (SQLite's busy timeout) must not stall the event loop and every other user."""
        return await asyncio.get_running_loop().run_in_executor(self._store, write, *args)

    async def fetch(self, load: Callable[..., T], *args: Any) -> T:
        """Run a fetch (`load(*args)`) in the fetch threads; callers bound their own share."""
        return await asyncio.get_running_loop().run_in_executor(self._fetch,
                                                                partial(load, *args))

    async def fetch_for(self, user_id: int, load: Callable[..., T], *args: Any) -> T:
        """Run a user's fetch, at most FETCHES_PER_USER of theirs at a time, so one user's
        slow links can neither fill the pool nor the queue.

        Raises:
            BotError: the user already has that many links loading.
        """
        if self._fetching.get(user_id, 0) >= FETCHES_PER_USER:
            raise BotError(f"You already have {FETCHES_PER_USER} links loading; try "
                           "again when they are done.")
        self._fetching[user_id] = self._fetching.get(user_id, 0) + 1
        try:
            return await self.fetch(load, *args)
        finally:
            self._fetching[user_id] -= 1
            if not self._fetching[user_id]:
                del self._fetching[user_id]

    def close(self) -> None:
        # A fetch stops by itself within its deadline; nothing waits for it here.
        self._fetch.shutdown(wait=False, cancel_futures=True)
        self._store.shutdown(wait=True)
