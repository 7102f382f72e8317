"""Per-user cooldowns of the heavy commands (BRIEFING_COOLDOWN), bounded in memory.

    cooldowns = Cooldowns(Cooldown(rate=3, per=30))
    cooldowns.charge(user_id)  # raises CommandOnCooldown when the user has no turn left

Only users whose window opened in the last `per` seconds have a bucket, and at most
MAX_TRACKED_USERS of them: memory and the time a charge takes stay flat however many users
come.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TTLCache
from discord import app_commands

from bot.settings import Cooldown

# Users with a live bucket at once. Past this, the least recently charged user's bucket is
# dropped (their window starts over): a flood of distinct users costs at most this many
# buckets, about 4 MB, instead of one per user ever seen.
MAX_TRACKED_USERS = 10_000


class Cooldowns:
    """Each user's bucket of the shared cooldown. Kept per bot, not in a decorator, so two
    bots in one process (tests, a restart) never share them.

    A bucket lives `per` seconds from the charge that opened its window: by then it would
    hold every turn again, so forgetting it changes nothing for the user.
    """

    def __init__(self, setting: Cooldown, *, max_users: int = MAX_TRACKED_USERS,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self.setting = setting
        self._timer = timer  # monotonic: a change of the wall clock neither frees nor locks
        self._buckets: TTLCache[int, app_commands.Cooldown] = TTLCache(
            maxsize=max_users, ttl=setting.per, timer=timer)

    def __len__(self) -> int:
        """Users with a live bucket (expired ones are dropped first)."""
        return len(self._buckets)

    def __contains__(self, user_id: int) -> bool:
        return user_id in self._buckets

    def charge(self, user_id: int) -> None:
        """Take one turn from the user's cooldown. The analysis commands call it only once
        they know the answer is not already at hand, so asking /summary, /topics, /actors and
        /quotes about an article analysed a moment ago costs nothing.

        Raises:
            CommandOnCooldown: none is left.
        """
        if self.setting.rate == 0:
            return
        now = self._timer()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            # Stored once, when its window opens: the entry expires exactly when the window
            # ends (re-storing it on each charge would push the expiry later).
            bucket = app_commands.Cooldown(self.setting.rate, self.setting.per)
            self._buckets[user_id] = bucket
        retry_after = bucket.update_rate_limit(now)
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)
