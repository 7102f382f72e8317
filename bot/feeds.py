"""Feeds a channel follows (/feed add): polled politely, their new items joining the channel's
reading list.

- Each feed is polled at most every `interval` (BRIEFING_FEED_POLL_MINUTES, at least 15), plus
  up to a tenth more at random, so feeds added together drift apart; and with a conditional
  GET (the ETag and Last-Modified of the previous answer), so an unchanged feed costs its
  server a 304 and no body.
- Every fetch (the feed, each item's page) goes through the core's SSRF-guarded fetcher in
  the bot's fetch threads, at most `FEED_FETCHES` of the poller's at a time (what one user may
  have loading), so feeds never fill the pool that users' links need. Parsing happens in the
  same thread; database writes in the store threads; the event loop only reads and waits.
- An item's page is fetched once: its id and link are remembered per feed whether the page
  loaded or not. At most `ITEMS_PER_POLL` new items join per poll, the newest; the other new
  ones are remembered as seen, so a feed added with twenty items brings its newest few, not a
  backlog. Items join like /article add: the same bound, the oldest dropped first.
- A poll that fails changes nothing but the feed's failure record (its items stay on the list,
  its validators and seen items are kept) and is retried after the interval doubled per
  failure in a row, at most `MAX_BACKOFF`; /feed list shows the error, when, and the next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from bot.errors import BotError
from bot.state import FollowedFeed
from summarizer.article import load_article
from summarizer.errors import BriefingError
from summarizer.feeds import FeedFetch, FeedItem, fetch_feed
from summarizer.types import Article

if TYPE_CHECKING:
    from bot.articles import ChannelArticles
    from bot.pools import Pools
    from bot.schedule import Clock
    from bot.state import State

log = logging.getLogger(__name__)
T = TypeVar("T")

ITEMS_PER_POLL = 5  # new items that join the list per poll (the newest)
FEED_FETCHES = 2  # the poller's fetches at once: one user's worth (FETCHES_PER_USER)
FEEDS_PER_PASS = 50  # due feeds polled per pass; the rest wait for the next pass
MAX_BACKOFF = timedelta(hours=6)
JITTER = 0.1  # up to this share of the delay is added at random
TICK_SECONDS = 60.0  # how often the poller looks for due feeds
FAILED = "The feed could not be checked (an error on our side)."


def poll_delay(interval: timedelta, failures: int, rng: random.Random) -> timedelta:
    """The wait before the next poll: `interval` after a success; after `failures` failures in
    a row, the interval doubled per failure after the first, at most MAX_BACKOFF. Plus up to
    JITTER of it at random, never less."""
    base = interval if failures <= 0 else min(interval * 2 ** (failures - 1), MAX_BACKOFF)
    return base + base * (JITTER * rng.random())


def item_keys(item: FeedItem) -> tuple[str, ...]:
    """What identifies an item across polls: its id and its link (either seen means seen, so a
    feed that rewrites one of them does not bring the item twice). Hashed: a hostile feed's
    ten-kilobyte id is stored as 32 characters."""
    values = ([f"id:{item.id}"] if item.id else []) + [f"link:{item.link}"]
    return tuple(hashlib.sha256(v.encode("utf-8", "replace")).hexdigest()[:32] for v in values)


def iso(moment: datetime) -> str:
    """The stored form of a time: ISO, UTC, to the second (so it sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PollResult:
    """What one poll did."""

    feed_title: str | None = None
    added: tuple[str, ...] = ()  # the labels of the articles that joined the list
    dropped: tuple[str, ...] = ()  # the oldest entries dropped to keep the list bounded
    skipped: int = 0  # new items not taken (past ITEMS_PER_POLL), remembered as seen
    failed_items: int = 0  # item pages that did not load (remembered as seen all the same)
    listed: int = 0  # items the feed lists
    error: str | None = None  # the feed itself failed
    next_poll: datetime | None = None


class FeedPoller:
    """Polls the feeds that are due, every TICK_SECONDS, with the bot's threads and store."""

    def __init__(self, state: State, pools: Pools, articles: ChannelArticles, *,
                 allow_private: bool, clock: Clock, interval: timedelta) -> None:
        self.state = state
        self.pools = pools
        self.articles = articles
        self.allow_private = allow_private
        self.clock = clock
        self.interval = interval
        self.rng = random.Random()
        self._fetches = asyncio.Semaphore(FEED_FETCHES)
        self._polling: set[int] = set()  # feeds being polled now: never two polls of one
        self._task: asyncio.Task[None] | None = None
        self._passing = asyncio.Lock()

    # The loop ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="feed-poller")

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop, letting a pass in progress finish first (up to `timeout`); a poll
        cut short is simply done again later (its items are not yet marked seen, and the list
        takes an article once)."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._passing.acquire()
                self._passing.release()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _loop(self) -> None:
        # The first pass runs at once: feeds that fell due while the bot was down.
        while True:
            try:
                await self.run_due()
            except BotError as error:  # the storage was busy: the next pass tries again
                log.warning("the feed poll pass was skipped: %s", error)
            except Exception:
                log.exception("the feed poll pass failed")
            await asyncio.sleep(TICK_SECONDS)

    async def run_due(self) -> int:
        """Poll every feed that is due (at most FEEDS_PER_PASS), a few at once; returns how
        many were polled."""
        async with self._passing:
            due = [f for f in self.state.due_feeds(iso(self.clock()), FEEDS_PER_PASS)
                   if f.id not in self._polling]
            # The fetch gate bounds the network work; this only keeps one slow feed from
            # holding up the others' turn.
            gate = asyncio.Semaphore(FEED_FETCHES)

            async def one(feed: FollowedFeed) -> None:
                async with gate:
                    await self.poll(feed)

            await asyncio.gather(*(one(feed) for feed in due))
            return len(due)

    # One feed ---------------------------------------------------------------------------
    async def fetch(self, load: Callable[..., T], *args: Any) -> T:
        """Run a fetch in the bot's fetch threads, FEED_FETCHES of the poller's at a time."""
        async with self._fetches:
            return await self.pools.fetch(load, *args)

    async def poll(self, feed: FollowedFeed, fetched: FeedFetch | None = None) -> PollResult:
        """Poll `feed` (or take `fetched`, a fetch just made of it) and add its new items to
        the channel's list. Never raises for the feed's own failures: they are recorded."""
        if feed.id in self._polling:
            return PollResult(feed_title=feed.title)
        self._polling.add(feed.id)
        try:
            return await self._poll(feed, fetched)
        finally:
            self._polling.discard(feed.id)

    async def _poll(self, feed: FollowedFeed, fetched: FeedFetch | None) -> PollResult:
        try:
            if fetched is None:
                fetched = await self.fetch(partial(
                    fetch_feed, feed.url, etag=feed.etag, last_modified=feed.last_modified,
                    allow_private=self.allow_private))
            return await self._take(feed, fetched)
        except (BriefingError, BotError) as error:  # BotError: the storage was busy
            return await self._failed(feed, str(error))
        except Exception:
            log.exception("polling feed %s failed", feed.id)
            return await self._failed(feed, FAILED)

    async def _failed(self, feed: FollowedFeed, error: str) -> PollResult:
        now = self.clock()
        retry = now + poll_delay(self.interval, feed.failures + 1, self.rng)
        log.info("feed %s failed (%d in a row), next try %s: %s", feed.id, feed.failures + 1,
                 iso(retry), error)
        try:
            await self.pools.store(partial(self.state.feed_failed, feed.id, error=error,
                                         failed_at=iso(now), next_poll=iso(retry)))
        except BotError as busy:  # the file is locked: the feed stays due, tried next pass
            log.warning("could not record feed %s's failure: %s", feed.id, busy)
        return PollResult(feed_title=feed.title, error=error, next_poll=retry)

    async def _take(self, feed: FollowedFeed, fetched: FeedFetch) -> PollResult:
        state = self.state
        now = self.clock()
        following = now + poll_delay(self.interval, 0, self.rng)
        record = partial(state.feed_checked, feed.id, checked_at=iso(now),
                         next_poll=iso(following), etag=fetched.etag,
                         last_modified=fetched.last_modified)
        if fetched.feed is None:  # 304 Not Modified
            await self.pools.store(record)
            return PollResult(feed_title=feed.title, next_poll=following)
        items = fetched.feed.items
        keys = {item: item_keys(item) for item in items}
        seen = state.seen_items(feed.id, (k for ks in keys.values() for k in ks))
        new = [item for item in items if not seen.intersection(keys[item])]
        taken = new[:ITEMS_PER_POLL]  # feeds list the newest first
        pages = await asyncio.gather(*(self._load(item) for item in taken))
        added: list[str] = []
        dropped: list[str] = []
        failed = 0
        # Oldest first, so the list ends with the newest item, as if people had added them.
        for article in reversed(pages):
            if article is None:
                failed += 1
                continue
            if state.feed(feed.id) is None:  # removed meanwhile: add nothing more
                break
            entry = await self.pools.store(partial(
                state.add_entry, feed.channel_id, feed.guild_id, article, feed.added_by,
                via="feed", feed_id=feed.id))
            if not entry.existed:
                added.append(article.title or article.source)
            dropped.extend(entry.dropped)
        if added:
            self.articles.forget(feed.channel_id)
        await self.pools.store(partial(record, title=fetched.feed.title,
                                     seen=[k for item in new for k in keys[item]],
                                     added=len(added)))
        return PollResult(feed_title=fetched.feed.title or feed.title,
                          added=tuple(reversed(added)), dropped=tuple(dropped),
                          skipped=len(new) - len(taken), failed_items=failed,
                          listed=len(items), next_poll=following)

    async def _load(self, item: FeedItem) -> Article | None:
        """The item's article, or None when its page does not load (logged, not retried)."""
        try:
            return await self.fetch(partial(load_article, item.link,
                                            allow_private_urls=self.allow_private))
        except BriefingError as error:
            log.info("a feed item's page did not load: %s", error)
        except Exception:
            log.exception("loading a feed item's page failed")
        return None

