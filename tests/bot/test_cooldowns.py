"""The per-user cooldowns of the heavy commands: turns per window, buckets that expire with
their window, and a bound on how many users are tracked at once. (That answers already at
hand are not charged is tested end to end in test_bot_commands.py.)"""

from __future__ import annotations

import tracemalloc

import pytest
from discord import app_commands

from bot.cooldowns import MAX_TRACKED_USERS, Cooldowns
from bot.settings import Cooldown

RULE = Cooldown(rate=2, per=30)


class FakeTimer:
    """Monotonic seconds, moved by hand. Never 0: discord.py's Cooldown reads a time of 0 as
    "none given" and takes the wall clock instead."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_user_gets_rate_turns_per_window() -> None:
    timer = FakeTimer()
    cooldowns = Cooldowns(RULE, timer=timer)
    cooldowns.charge(1)
    cooldowns.charge(1)
    timer.now += 10
    with pytest.raises(app_commands.CommandOnCooldown) as refused:
        cooldowns.charge(1)
    assert refused.value.retry_after == pytest.approx(20)  # the window opened 10 s ago
    cooldowns.charge(2)  # another user has turns of their own
    assert len(cooldowns) == 2


def test_an_expired_cooldown_is_gone() -> None:
    timer = FakeTimer()
    cooldowns = Cooldowns(RULE, timer=timer)
    cooldowns.charge(1)
    cooldowns.charge(1)
    timer.now += 29.5
    assert 1 in cooldowns and len(cooldowns) == 1
    with pytest.raises(app_commands.CommandOnCooldown):
        cooldowns.charge(1)
    timer.now += 0.5  # the window that opened with the first charge is over
    assert 1 not in cooldowns and len(cooldowns) == 0
    cooldowns.charge(1)  # a whole new window: two turns again, then none
    cooldowns.charge(1)
    with pytest.raises(app_commands.CommandOnCooldown):
        cooldowns.charge(1)


def test_charging_within_a_window_does_not_extend_it() -> None:
    timer = FakeTimer()
    cooldowns = Cooldowns(Cooldown(rate=3, per=30), timer=timer)
    cooldowns.charge(1)
    timer.now += 20
    cooldowns.charge(1)  # a later turn of the same window
    timer.now += 10
    assert 1 not in cooldowns  # gone 30 s after the window opened, not after the last turn


def test_many_distinct_users_are_tracked_up_to_the_bound_most_recent_kept() -> None:
    timer = FakeTimer()
    cooldowns = Cooldowns(RULE, max_users=100, timer=timer)
    for user in range(5000):
        cooldowns.charge(user)
        timer.now += 0.001  # all inside one window: none expires by itself
    assert len(cooldowns) == 100
    assert [user for user in range(5000) if user in cooldowns] == list(range(4900, 5000))


def test_memory_stays_flat_however_many_users_come() -> None:
    timer = FakeTimer()
    cooldowns = Cooldowns(RULE, timer=timer)
    tracemalloc.start()
    try:
        # Full, then as many users again: the cache's tables reach their working size.
        for user in range(2 * MAX_TRACKED_USERS):
            cooldowns.charge(user)
        settled, _ = tracemalloc.get_traced_memory()
        for user in range(2 * MAX_TRACKED_USERS, 5 * MAX_TRACKED_USERS):
            cooldowns.charge(user)
        later, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(cooldowns) == MAX_TRACKED_USERS
    # Half as many users again as were ever seen, and not a byte more (one bucket per user
    # ever seen would have grown it by 150%).
    assert later <= 1.01 * settled, (settled, later)


def test_a_rate_of_zero_tracks_no_one() -> None:
    cooldowns = Cooldowns(Cooldown(rate=0, per=1), timer=FakeTimer())
    for _ in range(10):
        cooldowns.charge(1)
    assert len(cooldowns) == 0
