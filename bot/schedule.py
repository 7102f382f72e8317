"""Daily briefings: which schedules are due, and a loop that posts them.

A schedule is due for the occurrence on local date D when its time on D has passed by at most
the grace period and D is later than the date last posted. The same rule runs on start-up, so
a bot that was down at the scheduled time posts once when it comes back within the grace
period, and not at all after it. The date is claimed in SQLite before posting: never twice.
The clock is injected, so tests drive time instead of sleeping for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import BotError
from bot.state import Schedule, State

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Post = Callable[[Schedule, date], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(value: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BotError("Give the time as HH:MM on a 24-hour clock, e.g. 08:30.")
    return time(int(match.group(1)), int(match.group(2)))


# The longest IANA zone name is under 40 characters; a longer value is never one, and a
# 10,000-character one made the zone lookup fail with an OS error ("File name too long").
MAX_TIMEZONE_CHARS = 64


def parse_timezone(value: str) -> ZoneInfo:
    name = value.strip()
    unknown = "Unknown time zone: use an IANA name such as Europe/Paris or America/New_York."
    if len(name) > MAX_TIMEZONE_CHARS:
        raise BotError(f"That is not a time zone (over {MAX_TIMEZONE_CHARS} characters). "
                       + unknown.split(": ", 1)[1].capitalize())
    try:
        if name and "/" not in name and name.upper() == "UTC":
            return ZoneInfo("UTC")
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BotError(unknown) from None


def timezone_choices(prefix: str, limit: int = 25) -> list[str]:
    prefix = prefix.strip().lower()
    names = sorted(available_timezones())
    starts = [n for n in names if n.lower().startswith(prefix)]
    contains = [n for n in names if prefix in n.lower() and n not in starts]
    return (starts + contains)[:limit]


def occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def last_occurrence_date(schedule_time: str, zone_name: str, now: datetime) -> date:
    """The local date of the most recent occurrence at or before `now`."""
    zone = ZoneInfo(zone_name)
    at = parse_time(schedule_time)
    today = now.astimezone(zone).date()
    return today if occurrence(today, at, zone) <= now else today - timedelta(days=1)


def due_date(schedule: Schedule, now: datetime, grace: timedelta) -> date | None:
    """The occurrence of `schedule` to post now, or None."""
    zone = ZoneInfo(schedule.timezone)
    at = parse_time(schedule.time)
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        when = occurrence(day, at, zone)
        late = now - when
        if timedelta(0) <= late <= grace and (
            schedule.last_posted is None or schedule.last_posted < day.isoformat()
        ):
            return day
    return None


class Scheduler:
    def __init__(
        self,
        state: State,
        post: Post,
        *,
        clock: Clock = utc_now,
        grace: timedelta = timedelta(hours=1),
        interval: float = 30.0,
    ) -> None:
        self.state = state
        self.post = post
        self.clock = clock
        self.grace = grace
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        # Held while a pass claims and posts: a day is claimed before it is posted (never
        # twice), so stopping in between would lose that day's briefing for good.
        self._passing = asyncio.Lock()

    async def run_due(self) -> int:
        """Post every due briefing once; returns how many were posted."""
        now = self.clock()
        count = 0
        for schedule in self.state.schedules():
            try:
                day = due_date(schedule, now, self.grace)
            except (BotError, ZoneInfoNotFoundError, ValueError):
                log.warning("skipping a malformed schedule for guild %s", schedule.guild_id)
                continue
            # A write: in a thread, since another process may hold the file's lock a while.
            if day is None or not await asyncio.to_thread(self.state.claim_post,
                                                          schedule.guild_id, day):
                continue
            try:
                await self.post(schedule, day)
            except Exception:
                log.exception("posting the daily briefing for guild %s failed",
                              schedule.guild_id)
                continue
            count += 1
        return count

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="daily-briefings")

    async def stop(self, timeout: float = 20.0) -> None:
        """Stop the loop, first letting a pass that is posting finish (up to `timeout`)."""
        if self._task is None:
            return
        finished = False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._passing.acquire(), timeout)
            finished = True
        if not finished:
            log.warning("stopping in the middle of posting a daily briefing")
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if finished:
            self._passing.release()

    async def _loop(self) -> None:
        # The first pass runs at once: that is the start-up catch-up within the grace period.
        while True:
            async with self._passing:
                try:
                    await self.run_due()
                except Exception:
                    log.exception("the schedule check failed")
            await asyncio.sleep(self.interval)
