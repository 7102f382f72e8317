"""A digest of a channel's reading list, made the bot's way: each article briefed through the
bounded analysis worker (single flight, recent results in memory, the core's cache on disk),
then merged by the core (`summarizer.digest.build_digest`) off the event loop.

What the digest covered is kept per channel, so the next one can say what is new.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.errors import BotError
from bot.state import Entry
from summarizer.digest import (
    Digest,
    DigestOptions,
    SourceFailure,
    build_digest,
    previous_from_digest,
)
from summarizer.errors import BriefingError, ModelError
from summarizer.feeds import is_url
from summarizer.types import Article, Briefing

if TYPE_CHECKING:
    from bot.services import Services


async def make_digest(services: Services, channel_id: int, guild_id: int | None,
                      entries: Sequence[Entry]) -> Digest:
    """The digest of `entries` (in their order), compared with the channel's previous digest;
    remembers this one as the channel's previous digest.

    Raises:
        BotError: no entries, or every article failed.
    """
    if not entries:
        raise BotError("This channel's reading list is empty: add articles with "
                       "/article add, or “Brief this article” on a message.")
    options = services.options_for(guild_id)
    articles: list[Article | SourceFailure] = []
    for entry in entries:
        article = services.state.entry_article(entry.id)
        # Removed between listing and reading: kept in its place as a failure.
        articles.append(article if article is not None
                        else SourceFailure(entry.source, "removed from the list meanwhile"))
    # At most as many analyses in flight as the pool has threads: the rest wait here, not in
    # the worker's queue, so one digest of 50 articles never makes other users' commands
    # "busy", and the analyses still run in parallel where the cores allow.
    gate = asyncio.Semaphore(max(1, services.settings.workers))

    async def brief(item: Article | SourceFailure) -> Briefing | SourceFailure:
        if isinstance(item, SourceFailure):
            return item
        async with gate:
            try:
                return await services.worker.analyse(item, options)
            except ModelError:
                raise  # not this article's fault: the whole digest says so
            except BriefingError as error:
                return SourceFailure(item.source, str(error))

    results = await asyncio.gather(*(brief(item) for item in articles))
    if not any(isinstance(r, Briefing) for r in results):
        raise BotError("None of the articles on the list could be briefed.")
    previous = services.state.previous_digest(channel_id)
    digest = await asyncio.to_thread(
        build_digest, results, DigestOptions(analysis=options, previous=previous))
    covered = previous_from_digest(digest)
    # "Updated" (a source seen before with another text) is about web pages: every text a
    # user pastes has the same source ("text from Ann"), and a new paste is a new article.
    covered = replace(covered, sources=frozenset(s for s in covered.sources if is_url(s)))
    await services.pools.store(services.state.set_previous_digest, channel_id, covered)
    return digest
