"""What the daily briefing posts: a digest when more than one article joined the channel's
reading list since the last post, otherwise the briefing of the channel's article.
(`bot.schedule` decides when; this module, what.)"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.digests import make_digest
from bot.formatting import QUIET, briefing_embed, digest_pages
from bot.state import Schedule

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
MAX_POSTED_PAGES = 5  # a daily digest posts at most this many messages


async def post_daily_briefing(services: Services, channel: discord.abc.Messageable,
                              schedule: Schedule, day: date) -> None:
    """Post `schedule`'s briefing for `day` to `channel`, and remember what it covered."""
    channel_id = schedule.channel_id
    state = services.state
    since = state.posted_through(channel_id)
    entries = state.entries(channel_id)
    fresh = [e for e in entries if e.id > since]
    heading = f"Daily briefing {day.isoformat()}"
    if len(fresh) > 1:
        digest = await make_digest(services, channel_id, schedule.guild_id, fresh)
        pages = digest_pages(digest, heading=f"{heading}: digest")
        # One message per page (each page is within one message's limits); a very long
        # digest is cut, and the last message says so.
        for page in pages[:MAX_POSTED_PAGES]:
            await channel.send(embed=page, allowed_mentions=QUIET)
        if len(pages) > MAX_POSTED_PAGES:
            await channel.send(f"{len(pages) - MAX_POSTED_PAGES} more pages: use /digest "
                               "to page through all of it.", allowed_mentions=QUIET)
    else:
        article = services.articles.current(channel_id)
        briefing = await services.worker.analyse(article, services.options_for(schedule.guild_id))
        await channel.send(embed=briefing_embed(briefing, heading=heading),
                           allowed_mentions=QUIET)
    if entries:
        await services.pools.store(state.set_posted_through, channel_id, entries[-1].id)
    log.info("posted the daily briefing for guild %s", schedule.guild_id)
