"""Feeds in the bot, end to end through the real discord.py client and the fake Discord: a feed
served by a local HTTP server is added, polled (its items join the reading list), polled again
with a 304 (nothing fetched again), fails (the error in /feed list, the back-off growing, the
items kept) and recovers; permissions, bad URLs and the address guard; the schema-2 -> 3
migration and the poll timing as units."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from random import Random
from typing import Any

import pytest
from conftest import FakeAnalyzer, FakeClock, check_clean, description, option, running_bot, sub

import bot.feeds
from bot.app import BriefingBot
from bot.feeds import ITEMS_PER_POLL, MAX_BACKOFF, item_keys, poll_delay
from bot.state import FEEDS_PER_CHANNEL, SCHEMA_VERSION, State
from summarizer.article import article_from_text
from summarizer.feeds import FeedItem, fetch_feed
from tests.fake_discord import FakeDiscord
from tests.fake_discord.server import CHANNEL_ID, DEFAULT_MEMBER_PERMISSIONS, GUILD_ID
from tests.local_http import serving

MEMBER = DEFAULT_MEMBER_PERMISSIONS  # no Manage Server
START = datetime(2024, 5, 21, 6, 0, tzinfo=UTC)
PLACES = ["harbour", "bridge", "school", "library", "station", "market", "museum", "park"]


def story_html(number: int) -> bytes:
    place = PLACES[number % len(PLACES)]
    title = f"Town story {number}: the {place} reopens"
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>The old {place} reopened on Monday after a long renovation that cost the "
            f"town council more than it had planned, officials said in story {number}.</p>"
            f"<p>Residents welcomed the news, and the mayor said the {place} would host "
            "events for families every weekend during the summer months.</p>"
            "</article></body></html>").encode()


@dataclass
class Site:
    """The local news site: its feed (stories listed newest first), how it behaves now, and
    what it was asked."""

    stories: list[int] = field(default_factory=lambda: [2, 1])
    kind: str = "rss"
    mode: str = "ok"  # ok | fail (HTTP 500) | slow (answers after 3 s)
    conditions: list[tuple[str | None, str | None]] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(repr(self.stories).encode()).hexdigest()[:16] + '"'

    def feed(self) -> bytes:
        if self.kind == "atom":
            entries = "".join(f"<entry><title>Town story {n}</title><id>urn:town:{n}</id>"
                              f"<link href='/story/{n}'/></entry>" for n in self.stories)
            return (f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>"
                    f"<title>Town news</title>{entries}</feed>").encode()
        items = "".join(f"<item><title>Town story {n}</title><link>/story/{n}</link>"
                        f"<guid>town-{n}</guid></item>" for n in self.stories)
        return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Town news</title>"
                f"{items}</channel></rss>").encode()


def handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            return None

        def _send(self, status: int, body: bytes = b"", content_type: str = "",
                  **headers: str) -> None:
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", content_type or "text/plain")
                self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # the name is the http.server API
            with site.lock:
                site.hits[self.path] += 1
            if self.path.startswith("/story/"):
                self._send(200, story_html(int(self.path.rsplit("/", 1)[1])), "text/html")
            elif self.path == "/page":
                self._send(200, story_html(99), "text/html; charset=utf-8")
            elif self.path == "/broken":
                self._send(200, b"<rss version='2.0'><channel><item><title>cut",
                           "application/rss+xml")
            elif self.path != "/feed":
                self._send(404, b"not found")
            else:
                self._feed()

        def _feed(self) -> None:
            etag = self.headers.get("If-None-Match")
            with site.lock:
                site.conditions.append((etag, self.headers.get("If-Modified-Since")))
            if site.mode == "fail":
                self._send(500, b"oops")
            elif site.mode == "slow":
                time.sleep(3)
                self._send(200, site.feed(), "application/rss+xml")
            elif etag == site.etag:
                self._send(304, ETag=site.etag)
            else:
                kind = "application/atom+xml" if site.kind == "atom" else "application/rss+xml"
                self._send(200, site.feed(), kind, ETag=site.etag,
                           Last_Modified="Tue, 21 May 2024 05:00:00 GMT")

    return Handler


@pytest.fixture
def site() -> Site:
    return Site()


@pytest.fixture
def base(site: Site) -> Iterator[str]:
    with serving(handler_for(site)) as url:
        yield url


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


def feed_add(url: str) -> list[dict[str, Any]]:
    return sub("add", option("url", url))


def feed_remove(number: int) -> list[dict[str, Any]]:
    return sub("remove", option("number", number, kind=4))


def stamp(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:R>"


async def driven(bot: BriefingBot) -> BriefingBot:
    """Stop the poller's own loop: the test drives the polls (and the clock)."""
    await bot.services.feeds.stop()
    return bot


# End to end ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rss", "atom"])
async def test_feed_added_polled_not_modified_failing_and_recovering(
        fake: FakeDiscord, db: Path, site: Site, base: str, kind: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    site.kind = kind
    # A short fetch deadline, so that a feed that hangs fails within the test.
    monkeypatch.setattr(bot.feeds, "fetch_feed", partial(fetch_feed, timeout=1.0))
    clock = FakeClock(START)
    async with running_bot(fake, FakeAnalyzer(), db, clock=clock) as briefing_bot:
        poller = (await driven(briefing_bot)).services.feeds
        state = briefing_bot.services.state

        added = await fake.command("feed", feed_add(f"{base}/feed"))
        check_clean(added)
        embed = added.final["embeds"][0]
        assert embed["title"] == "Following: Town news"
        assert "Added to the reading list now (2):" in embed["description"]
        assert "• Town story 2: the school reopens" in embed["description"]
        entries = state.entries(CHANNEL_ID)
        # Oldest first, as if people had added them; marked as coming from a feed.
        assert [(e.title, e.via) for e in entries] == [
            ("Town story 1: the bridge reopens", "feed"),
            ("Town story 2: the school reopens", "feed")]
        assert site.hits["/story/1"] == site.hits["/story/2"] == 1
        [feed] = state.feeds(CHANNEL_ID)
        assert feed.etag == site.etag
        first_next = datetime.fromisoformat(feed.next_poll)
        assert START + timedelta(minutes=15) <= first_next <= START + timedelta(minutes=16.5)

        # Not due yet: nothing is fetched before the interval has passed.
        clock.now = START + timedelta(minutes=14)
        assert await poller.run_due() == 0
        assert len(site.conditions) == 1

        # Due, unchanged: a conditional GET, a 304, no item fetched again.
        clock.now = START + timedelta(minutes=17)
        assert await poller.run_due() == 1
        assert site.conditions[-1] == (site.etag, "Tue, 21 May 2024 05:00:00 GMT")
        assert site.hits["/story/1"] == site.hits["/story/2"] == 1
        assert len(state.entries(CHANNEL_ID)) == 2

        # A new item: only its page is fetched.
        site.stories = [3, 2, 1]
        clock.now += timedelta(minutes=17)
        assert await poller.run_due() == 1
        assert site.conditions[-1][0] != site.etag  # the old ETag was sent, the feed changed
        assert [site.hits[f"/story/{n}"] for n in (1, 2, 3)] == [1, 1, 1]
        assert state.entries(CHANNEL_ID)[-1].title == "Town story 3: the library reopens"

        # It fails: first it hangs past the deadline, then it answers 500.
        site.mode = "slow"
        clock.now += timedelta(minutes=17)
        assert await poller.run_due() == 1
        [feed] = state.feeds(CHANNEL_ID)
        assert (feed.failures, feed.last_error) == (1, "The URL took too long to answer.")
        first_retry = datetime.fromisoformat(feed.next_poll) - clock.now
        assert timedelta(minutes=15) <= first_retry <= timedelta(minutes=16.5)
        listed = await fake.command("feed", sub("list"), permissions=MEMBER)
        check_clean(listed)
        text = description(listed)
        assert "⚠️ **failing** (once, last " in text
        assert "The URL took too long to answer" in text
        assert f"next try {stamp(datetime.fromisoformat(feed.next_poll))}" in text
        assert "3 on the list" in text

        site.mode = "fail"
        clock.now += timedelta(minutes=10)
        assert await poller.run_due() == 0  # not retried before its time
        clock.now = datetime.fromisoformat(feed.next_poll)
        assert await poller.run_due() == 1
        [feed] = state.feeds(CHANNEL_ID)
        assert (feed.failures, feed.last_error) == (
            2, "The server answered HTTP 500 for that URL.")
        second_retry = datetime.fromisoformat(feed.next_poll) - clock.now
        assert timedelta(minutes=30) <= second_retry <= timedelta(minutes=33)  # it grows
        assert feed.etag is not None  # the validators are kept for when it comes back
        text = description(await fake.command("feed", sub("list")))
        assert "(2 times in a row, last " in text and "HTTP 500" in text
        # The items it brought stay on the list.
        assert len(state.entries(CHANNEL_ID)) == 3

        # It recovers, with a new item.
        site.mode, site.stories = "ok", [4, 3, 2, 1]
        clock.now = datetime.fromisoformat(feed.next_poll)
        assert await poller.run_due() == 1
        [feed] = state.feeds(CHANNEL_ID)
        assert (feed.failures, feed.last_error, feed.items_added) == (0, None, 4)
        assert [site.hits[f"/story/{n}"] for n in (1, 2, 3, 4)] == [1, 1, 1, 1]
        text = description(await fake.command("feed", sub("list")))
        assert "failing" not in text and "checked " in text and "4 on the list" in text

    # A restart keeps the feed, its validators and the list; the poll after it is conditional.
    async with running_bot(fake, FakeAnalyzer(), db, clock=clock) as briefing_bot:
        poller = (await driven(briefing_bot)).services.feeds
        listed = await fake.command("feed", sub("list"))
        assert "**1.** Town news" in description(listed)
        clock.now += timedelta(minutes=17)
        assert await poller.run_due() == 1
        assert site.conditions[-1][0] == site.etag
        assert sum(site.hits[f"/story/{n}"] for n in (1, 2, 3, 4)) == 4

        removed = await fake.command("feed", feed_remove(1))
        check_clean(removed)
        assert removed.final["content"] == ("Stopped following “Town news”. The 4 articles it "
                                             "brought stay on the reading list.")
        assert briefing_bot.services.state.feeds(CHANNEL_ID) == []
        assert len(briefing_bot.services.state.entries(CHANNEL_ID)) == 4


async def test_a_new_feed_brings_only_its_newest_items(fake: FakeDiscord, db: Path, site: Site,
                                                       base: str) -> None:
    site.stories = list(range(12, 0, -1))
    async with running_bot(fake, FakeAnalyzer(), db, clock=FakeClock(START)) as briefing_bot:
        await driven(briefing_bot)
        added = await fake.command("feed", feed_add(f"{base}/feed"))
        text = added.final["embeds"][0]["description"]
        assert f"Added to the reading list now ({ITEMS_PER_POLL}):" in text
        assert f"{12 - ITEMS_PER_POLL} older items were left out." in text
        titles = [e.title or "" for e in briefing_bot.services.state.entries(CHANNEL_ID)]
        assert [t.split(":")[0] for t in titles] == [f"Town story {n}" for n in (8, 9, 10, 11,
                                                                                12)]
        # The older ones are remembered as seen: never fetched, not even later.
        assert site.hits["/story/1"] == 0
        feed = briefing_bot.services.state.feeds(CHANNEL_ID)[0]
        assert len(briefing_bot.services.state.seen_items(feed.id, [
            k for n in range(1, 13) for k in item_keys(FeedItem(
                title=None, link=f"{base}/story/{n}", id=f"town-{n}"))])) == 24


async def test_permissions_bad_urls_and_limits(fake: FakeDiscord, db: Path, site: Site,
                                               base: str) -> None:
    async with running_bot(fake, FakeAnalyzer(), db, clock=FakeClock(START)) as briefing_bot:
        await driven(briefing_bot)
        state = briefing_bot.services.state
        refused = await fake.command("feed", feed_add(f"{base}/feed"), permissions=MEMBER)
        assert refused.ephemeral
        assert refused.final["content"] == "You need the Manage Server permission to do that."
        assert site.conditions == []  # refused before anything was fetched

        for url, message in [
            ("ftp://example.org/feed", "Give a link starting with http:// or https://."),
            (f"{base}/page", "is a web page, not an RSS or Atom feed. To add one article, use "
                             "/article add url."),
            (f"{base}/broken", "is malformed: no item could be read"),
            (f"{base}/missing", "The server answered HTTP 404 for that URL."),
        ]:
            answer = await fake.command("feed", feed_add(url))
            assert answer.ephemeral, url
            assert message in answer.final["content"], answer.final["content"]
        assert state.feeds(CHANNEL_ID) == []

        await fake.command("feed", feed_add(f"{base}/feed"))
        again = await fake.command("feed", feed_add(f"{base}/feed"))
        assert again.ephemeral and "already follows that feed" in again.final["content"]

        listed = await fake.command("feed", sub("list"), permissions=MEMBER)  # anyone may list
        assert "**1.** Town news" in description(listed)
        not_yours = await fake.command("feed", feed_remove(1), permissions=MEMBER)
        assert not_yours.final["content"] == "You need the Manage Server permission to do that."
        missing = await fake.command("feed", feed_remove(4))
        assert missing.ephemeral and "There is no feed 4" in missing.final["content"]
        choices = await fake.autocomplete("feed", sub("remove", {
            "name": "number", "type": 4, "value": "town", "focused": True}))
        assert [c["value"] for c in choices.choices] == [1]

        # At the cap, a further feed is refused before it is fetched.
        for number in range(FEEDS_PER_CHANNEL - 1):
            state.add_feed(CHANNEL_ID, GUILD_ID, f"https://news.example/{number}.rss", None,
                           None, next_poll="2099-01-01T00:00:00+00:00")
        before = len(site.conditions)
        full = await fake.command("feed", feed_add(f"{base}/feed?another"))
        assert full.ephemeral
        assert f"follows {FEEDS_PER_CHANNEL} feeds, the most it can" in full.final["content"]
        assert len(site.conditions) == before


async def test_the_address_guard_applies_to_feeds(fake: FakeDiscord, db: Path, site: Site,
                                                  base: str) -> None:
    async with running_bot(fake, FakeAnalyzer(), db, clock=FakeClock(START),
                           allow_private_urls=False) as briefing_bot:
        poller = (await driven(briefing_bot)).services.feeds
        refused = await fake.command("feed", feed_add(f"{base}/feed"))
        assert refused.ephemeral
        assert "it resolves to a loopback address" in refused.final["content"]
        assert site.conditions == []  # no request reached the server
        # A feed already stored (say, its host's address changed since): each poll checks
        # the address again, and the refusal is the feed's error.
        briefing_bot.services.state.add_feed(CHANNEL_ID, GUILD_ID, f"{base}/feed", "Town news",
                                             None, next_poll="2024-05-21T05:00:00+00:00")
        assert await poller.run_due() == 1
        [feed] = briefing_bot.services.state.feeds(CHANNEL_ID)
        assert feed.failures == 1 and "loopback address" in (feed.last_error or "")
        assert site.conditions == [] and briefing_bot.services.state.entries(CHANNEL_ID) == []


# Units ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("failures", "base"),
                         [(0, 15), (1, 15), (2, 30), (3, 60), (4, 120), (5, 240)])
def test_poll_delay_is_polite_and_backs_off(failures: int, base: int) -> None:
    rng = Random(7)
    delays = [poll_delay(timedelta(minutes=15), failures, rng) for _ in range(200)]
    low, high = timedelta(minutes=base), timedelta(minutes=base * 1.1)
    assert [d for d in delays if not low <= d <= high] == []
    assert len(set(delays)) > 100  # jittered: feeds added together drift apart


def test_poll_delay_backs_off_to_a_cap() -> None:
    delay = poll_delay(timedelta(minutes=15), 30, Random(7))
    assert MAX_BACKOFF <= delay <= MAX_BACKOFF * 1.1


def test_item_keys_are_short_and_match_on_id_or_link() -> None:
    long_id = FeedItem(title=None, link="https://news.example/a", id="x" * 10_000)
    id_key, link_key = item_keys(long_id)
    assert len(id_key) == len(link_key) == 32 and id_key != link_key
    moved = FeedItem(title=None, link="https://news.example/moved", id="x" * 10_000)
    # Same id, new link: the id's key is shared, so the item counts as seen.
    assert set(item_keys(long_id)) & set(item_keys(moved)) == {id_key}
    assert len(item_keys(FeedItem(title=None, link="https://news.example/b"))) == 1


def test_feed_cap_and_seen_items_are_bounded(tmp_path: Path) -> None:
    with State(tmp_path / "s.db") as state:
        first = state.add_feed(1, 2, "https://a.example/rss", "A", 5, next_poll="x", limit=2)
        assert first is not None and not first.existed
        again = state.add_feed(1, 2, "https://a.example/rss", "A", 5, next_poll="x", limit=2)
        assert again is not None and again.existed and again.feed.id == first.feed.id
        assert state.add_feed(1, 2, "https://b.example/rss", None, 5, next_poll="x",
                              limit=2) is not None
        assert state.add_feed(1, 2, "https://c.example/rss", None, 5, next_poll="x",
                              limit=2) is None
        feed_id = first.feed.id
        keys = [f"key-{n}" for n in range(700)]
        state.feed_checked(feed_id, checked_at="t", next_poll="n", etag=None,
                           last_modified=None, seen=keys)
        assert state.seen_items(feed_id, keys) == set(keys[-500:])  # the newest 500 kept
        assert state.remove_feed(1, feed_id)
        assert state.seen_items(feed_id, keys) == set()


def test_schema_2_is_migrated_to_3(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    article = article_from_text("Title: Harbour reopens\n\nThe old harbour reopened on Monday "
                                "after a two-year renovation, the council said.")
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '2');
        CREATE TABLE reading_list (id INTEGER PRIMARY KEY AUTOINCREMENT,
            channel_id INTEGER NOT NULL, guild_id INTEGER, key TEXT NOT NULL,
            source TEXT NOT NULL, title TEXT, date TEXT, body TEXT NOT NULL, added_by INTEGER,
            added_at TEXT NOT NULL, via TEXT NOT NULL DEFAULT 'command',
            UNIQUE (channel_id, key));
        CREATE INDEX reading_list_channel ON reading_list (channel_id, id);
        CREATE TABLE channel_current (channel_id INTEGER PRIMARY KEY, entry_id INTEGER NOT NULL);
        CREATE TABLE channel_digests (channel_id INTEGER PRIMARY KEY, previous TEXT,
            posted_through INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE schedules (guild_id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL,
            time TEXT NOT NULL, timezone TEXT NOT NULL, last_posted TEXT, set_by INTEGER);
        CREATE TABLE guild_labels (guild_id INTEGER PRIMARY KEY, labels TEXT NOT NULL);
        INSERT INTO schedules VALUES (1, 10, '09:00', 'UTC', '2024-05-20', 5);
        INSERT INTO channel_current VALUES (10, 1);
    """)
    old.execute("INSERT INTO reading_list (channel_id, guild_id, key, source, title, date, body, "
                "added_by, added_at) VALUES (10, 1, ?, ?, ?, ?, ?, 5, '2024-05-20T08:00:00+00:00')",
                (article.digest, article.source, article.title, article.date, article.text))
    old.commit()
    old.close()
    with State(path) as state:
        assert state._one("SELECT value FROM meta WHERE key='schema_version'", ()) == (
            str(SCHEMA_VERSION),)
        assert SCHEMA_VERSION == 3
        [entry] = state.entries(10)
        assert (entry.title, entry.added_by, entry.via) == ("Harbour reopens", 5, "command")
        assert state.article(10) == article
        assert state.schedule(1) is not None and state.schedule(1).last_posted == "2024-05-20"
        # The new tables and column work on the migrated file.
        added = state.add_feed(10, 1, "https://news.example/rss", "News", 5,
                               next_poll="2024-05-21T06:00:00+00:00")
        assert added is not None
        other = article_from_text("Title: Ferries return\n\nFerries will return to the harbour "
                                  "in the summer, the harbour master said on Tuesday.")
        state.add_entry(10, 1, other, 5, via="feed", feed_id=added.feed.id)
        assert state.feed_entries(10) == {added.feed.id: 1}
    with State(path) as reopened:  # opening again changes nothing
        assert len(reopened.entries(10)) == 2 and len(reopened.feeds(10)) == 1


@pytest.mark.parametrize(("environ", "minutes"), [
    ({}, 15), ({"BRIEFING_FEED_POLL_MINUTES": "30"}, 30),
])
def test_poll_interval_setting(environ: dict[str, str], minutes: int) -> None:
    from bot.settings import Settings

    settings = Settings.from_environ({"DISCORD_TOKEN": "x.y.z", **environ})
    assert settings.feed_poll_minutes == minutes


@pytest.mark.parametrize(("value", "error"), [("5", "at least 15"), ("soon", "whole number")])
def test_bad_poll_intervals_are_refused(value: str, error: str) -> None:
    from bot.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match=f"BRIEFING_FEED_POLL_MINUTES must be .*{error}"):
        Settings.from_environ({"DISCORD_TOKEN": "x.y.z", "BRIEFING_FEED_POLL_MINUTES": value})
