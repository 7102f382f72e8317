"""The article each channel is talking about."""

from __future__ import annotations

from functools import partial

from cachetools import LRUCache

from bot.pools import Pools
from bot.state import Added, State
from summarizer.article import sample_article
from summarizer.types import Article

REMEMBERED_ARTICLES = 256  # channels' current articles kept parsed in memory


class ChannelArticles:
    """The article each channel is talking about: its reading list's current entry, parsed
    once and kept (the most recent `REMEMBERED_ARTICLES`), or the bundled sample."""

    def __init__(self, state: State, pools: Pools) -> None:
        self.state = state
        self.pools = pools
        # Least recently used channels go first once REMEMBERED_ARTICLES are kept.
        self._current: LRUCache[int, Article] = LRUCache(maxsize=REMEMBERED_ARTICLES)
        self._sample: Article | None = None

    def current(self, channel_id: int | None) -> Article:
        """The channel's article, or the sample when it has none (or there is no channel)."""
        if channel_id is not None:
            article = self._current.get(channel_id)
            if article is None:
                article = self.state.article(channel_id)
                if article is not None:
                    self._current[channel_id] = article
            if article is not None:
                return article
        return self.sample()

    def sample(self) -> Article:
        if self._sample is None:
            self._sample = sample_article()
        return self._sample

    async def set_current(self, channel_id: int, guild_id: int | None,
                          article: Article | None, set_by: int | None) -> Added | None:
        """Add `article` to the channel's list as its current article (or, with None, go
        back to the sample; the list stays)."""
        added = None
        if article is None:
            await self.pools.store(self.state.reset_article, channel_id)
        else:
            added = await self.pools.store(partial(self.state.add_entry, make_current=True),
                                           channel_id, guild_id, article, set_by)
        self.forget(channel_id)
        return added

    async def add(self, channel_id: int, guild_id: int | None, article: Article,
                  added_by: int | None, *, via: str = "command") -> Added:
        """Add `article` to the channel's reading list (the current article changes only
        when the channel had none)."""
        added = await self.pools.store(partial(self.state.add_entry, via=via),
                                       channel_id, guild_id, article, added_by)
        self.forget(channel_id)
        return added

    def forget(self, channel_id: int) -> None:
        """Drop the kept article after the channel's list changed."""
        self._current.pop(channel_id, None)
