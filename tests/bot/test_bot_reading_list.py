"""The channel reading list, /digest, the scheduled digest and "Brief this article", end to end
through the real discord.py client and the fake Discord; the list's storage and its migration
from schema 1 as units."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import discord
import pytest
from conftest import (
    RESOLVED,
    FakeAnalyzer,
    FakeClock,
    check_clean,
    description,
    option,
    running_bot,
    schedule_set,
    sub,
)

from bot.commands.brief import NOTHING, first_link
from bot.state import LIST_LIMIT, SCHEMA_VERSION, State
from summarizer.api import AnalysisOptions
from summarizer.article import article_from_text
from summarizer.types import Article, Briefing, Quote
from tests.fake_discord import Exchange, FakeDiscord, message_violations
from tests.fake_discord.server import (
    DEFAULT_MEMBER_PERMISSIONS,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OWNER_ID,
)
from tests.local_http import serving

STORIES = {
    "ferry": "Title: Harbour council approves new ferry line\n\n"
             "The harbour council approved a new ferry line on Tuesday after a long debate "
             "about costs and the timetable for the service.\n\n"
             "Mayor Anna Berg said the line would open in the spring and would carry "
             "commuters across the bay in twenty minutes.",
    "bridge": "Title: Old bridge reopens after repairs\n\n"
              "The old bridge over the river reopened on Monday after two years of repairs, "
              "the city said in a statement.\n\n"
              "Engineers replaced the deck and strengthened the piers so that buses can use "
              "the bridge again from next month.",
    "school": "Title: New school opens in the north district\n\n"
              "A new primary school opened in the north district on Wednesday, with places "
              "for four hundred pupils and a sports hall.\n\n"
              "Parents had campaigned for the school for a decade, and the council finally "
              "found the money in last year's budget.",
}
MEMBER = DEFAULT_MEMBER_PERMISSIONS
ADDER = OWNER_ID + 11
OTHER_USER = OWNER_ID + 12


def add_text(text: str) -> list[dict[str, Any]]:
    return [{"name": "add", "type": 2, "options": sub("text", option("text", text))}]


async def all_pages(fake: FakeDiscord, exchange: Exchange) -> str:
    """The description of every page of a paged answer, pressing Next to the end."""
    pages = [description(exchange)]
    message = fake.messages[exchange.payload["_original_id"]] if exchange.final.get(
        "components") else None
    shown = exchange.final
    while message is not None:
        buttons = {b["label"]: b for row in shown["components"] for b in row["components"]}
        if buttons["Next"].get("disabled"):
            break
        pressed = await fake.press(message, buttons["Next"]["custom_id"],
                                   channel_id=int(exchange.payload["channel_id"]))
        assert pressed.callback is not None
        shown = pressed.callback.json["data"]
        assert message_violations(shown) == []
        pages.append(shown["embeds"][0]["description"])
    return "\n".join(pages)


def title(exchange: Exchange) -> str:
    return str(exchange.final["embeds"][0]["title"])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


# The list, by command -----------------------------------------------------------------------
async def test_add_list_remove_clear_with_permissions(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db) as bot:
        first = await fake.command("article", add_text(STORIES["ferry"]), user_id=ADDER,
                                   permissions=MEMBER)
        check_clean(first)
        assert title(first).startswith("Added to the reading list")
        assert f"1 of {LIST_LIMIT} on the list" in description(first)
        # A channel without a current article takes the first one added.
        summary = await fake.command("summary")
        assert "ferry" in description(summary)
        await fake.command("article", add_text(STORIES["bridge"]), user_id=OTHER_USER,
                           permissions=MEMBER)
        again = await fake.command("article", add_text(STORIES["ferry"]), user_id=OTHER_USER,
                                   permissions=MEMBER)
        assert "already on this channel's reading list" in description(again)
        # /article text makes its article the current one (and it joins the list).
        await fake.command("article", sub("text", option("text", STORIES["school"])),
                           user_id=OTHER_USER, permissions=MEMBER)
        assert "school" in description(await fake.command("summary"))

        listed = await fake.command("article", sub("list"))
        check_clean(listed)
        text = description(listed)
        assert title(listed) == f"Reading list (3 of {LIST_LIMIT})"
        lines = text.splitlines()
        assert lines[0].startswith("**1.** Harbour council approves new ferry line")
        assert f"by <@{ADDER}>" in lines[0] and "added <t:" in lines[0]
        assert "text from" in lines[0]  # the source
        assert lines[2].startswith("**3.** New school") and "**current**" in lines[2]

        # Removing: not someone else's entry without Manage Server; one's own, yes.
        refused = await fake.command("article", sub("remove", option("number", 1, kind=4)),
                                     user_id=OTHER_USER, permissions=MEMBER)
        assert refused.ephemeral and "Only whoever added" in refused.final["content"]
        missing = await fake.command("article", sub("remove", option("number", 9, kind=4)))
        assert missing.ephemeral and "no article 9" in missing.final["content"]
        choices = await fake.autocomplete("article", sub("remove", {
            "name": "number", "type": 4, "value": "bridge", "focused": True}))
        assert [c["value"] for c in choices.choices] == [2]
        removed = await fake.command("article", sub("remove", option("number", 1, kind=4)),
                                     user_id=ADDER, permissions=MEMBER)
        check_clean(removed)
        assert "Removed “Harbour council" in removed.final["content"]
        assert [e.title for e in bot.services.state.entries(fake_channel(first))] == [
            "Old bridge reopens after repairs", "New school opens in the north district"]

        # Clearing without Manage Server removes only one's own entries.
        own = await fake.command("article", sub("clear"), user_id=ADDER, permissions=MEMBER)
        assert own.final["content"].startswith("Removed 0 articles you added")
        everything = await fake.command("article", sub("clear"))
        assert everything.final["content"] == "Removed 2 articles from the reading list."
        empty = await fake.command("article", sub("list"))
        assert "The reading list is empty" in description(empty)
        # With the current article removed, the channel is back to the sample.
        shown = await fake.command("article", sub("show"))
        assert shown.final["embeds"][0]["fields"][1]["value"].startswith("sample")


def fake_channel(exchange: Exchange) -> int:
    return int(exchange.payload["channel_id"])


async def test_list_pages_and_survives_restart(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db) as bot:
        for number in range(20):
            article = article_from_text(f"Title: Story number {number}\n\n" + STORIES["ferry"]
                                        .split("\n\n", 1)[1] + f" Item {number}.")
            await bot.services.articles.add(OTHER_CHANNEL_ID, GUILD_ID, article, ADDER)
    async with running_bot(fake, FakeAnalyzer(), db):
        listed = await fake.command("article", sub("list"), channel_id=OTHER_CHANNEL_ID)
        check_clean(listed)
        first = listed.final
        assert "Story number 0" in first["embeds"][0]["description"]
        assert "page 1 of 2" in first["embeds"][0]["footer"]["text"]
        buttons = {b["label"]: b for row in first["components"] for b in row["components"]}
        message = fake.messages[listed.payload["_original_id"]]
        pressed = await fake.press(message, buttons["Next"]["custom_id"],
                                   channel_id=OTHER_CHANNEL_ID)
        assert pressed.callback is not None
        page = pressed.callback.json["data"]["embeds"][0]
        assert "**20.** Story number 19" in page["description"]


# Storage --------------------------------------------------------------------------------------
def test_list_is_bounded_oldest_first_keeping_the_current(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    articles = [article_from_text(f"Title: Story {n}\n\n" + STORIES["bridge"].split("\n\n", 1)[1]
                                  + f" Number {n}.") for n in range(6)]
    state.add_entry(7, 1, articles[0], 5, make_current=True)  # the current article
    dropped: list[str] = []
    for article in articles[1:]:
        dropped += state.add_entry(7, 1, article, 6, limit=3).dropped
    assert dropped == ["Story 1", "Story 2", "Story 3"]
    assert [e.title for e in state.entries(7)] == ["Story 0", "Story 4", "Story 5"]
    assert state.article(7) == articles[0]
    state.close()


def test_schema_1_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    article = article_from_text(STORIES["school"])
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE channel_articles (channel_id INTEGER PRIMARY KEY, guild_id INTEGER,
            source TEXT NOT NULL, title TEXT, date TEXT, body TEXT NOT NULL, set_by INTEGER,
            set_at TEXT NOT NULL DEFAULT (datetime('now')));
        CREATE TABLE schedules (guild_id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL,
            time TEXT NOT NULL, timezone TEXT NOT NULL, last_posted TEXT, set_by INTEGER);
        CREATE TABLE guild_labels (guild_id INTEGER PRIMARY KEY, labels TEXT NOT NULL);
    """)
    old.execute("INSERT INTO channel_articles (channel_id, guild_id, source, title, date, body, "
                "set_by) VALUES (?,?,?,?,?,?,?)",
                (10, 1, article.source, article.title, article.date, article.text, 5))
    old.commit()
    old.close()
    state = State(path)
    assert state.article(10) == article
    [entry] = state.entries(10)
    assert (entry.title, entry.added_by, entry.key) == (article.title, 5, article.digest)
    assert state.current_entry(10) == entry.id
    version = state._one("SELECT value FROM meta WHERE key='schema_version'", ())
    assert version == (str(SCHEMA_VERSION),)
    state.close()
    assert State(path).article(10) == article  # opening again changes nothing


class QuotingAnalyzer(FakeAnalyzer):
    """The fake briefing, with quotes long enough for a digest to pick (six words or more)."""

    def analyse(self, article: Article, options: AnalysisOptions | None = None) -> Briefing:
        briefing = super().analyse(article, options)
        if briefing.quotes is None:
            return briefing
        words = "Relations between the two countries have never been better than they are today"
        return replace(briefing, quotes=(
            Quote("Vladimir Putin", "said", words, "direct", 2),
            Quote("Xi Jinping", "told", f"reporters that {article.title} mattered a lot to "
                                        "everyone in the region", "reported", 1)))


# /digest ----------------------------------------------------------------------------------------
async def test_digest_of_three_articles_then_what_is_new(fake: FakeDiscord, db: Path) -> None:
    analyzer = QuotingAnalyzer()
    async with running_bot(fake, analyzer, db):
        empty = await fake.command("digest")
        assert empty.ephemeral and "reading list is empty" in empty.final["content"]
        for name in ("ferry", "bridge"):
            await fake.command("article", add_text(STORIES[name]))
        digest = await fake.command("digest")
        check_clean(digest)
        assert digest.callback is not None and digest.callback.json["type"] == 5  # at once
        text = await all_pages(fake, digest)
        assert "**#1 Harbour council approves new ferry line** (#1 title)" in text
        assert "• The harbour council approved" in text and "(#1 ¶1)" in text
        assert "__**Recurring actors**__" in text
        assert "**Vladimir Putin** · person, 2 articles" in text and "#1 ¶1–3; #2 ¶1–3" in text
        assert "__**Dominant topics**__" in text and "__**Notable quotes**__" in text
        assert "**Vladimir Putin** said: “Relations between the two countries have never been " \
               "better than they are today” (#1 ¶2)" in text
        assert "New since" not in text  # the first digest of this channel
        # Every article line and every line under a heading cites an article and paragraph.
        lines = [line for line in text.splitlines() if not line.startswith("__")]
        # Two articles (a line and two bullets each), four actors, four topics, two quotes.
        assert len(lines) == 16, "\n".join(lines)
        assert [line for line in lines if "(#" not in line] == []

        await fake.command("article", add_text(STORIES["school"]))
        second = await fake.command("digest")
        check_clean(second)
        text = await all_pages(fake, second)
        assert "__**New since the previous digest**__" in text
        assert "New: New school opens in the north district (#3 title)" in text
        assert "New: Harbour" not in text
        # Each article was analysed once: the second digest reused the first's results.
        assert len(analyzer.calls) == 3


async def test_digest_pages_stay_within_limits(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(many=30, hostile=True), db) as bot:
        for number in range(12):
            article = article_from_text(f"Title: Story {number} <@123> @everyone\n\n"
                                        + STORIES["bridge"].split("\n\n", 1)[1]
                                        + f" Number {number}.")
            await bot.services.articles.add(fake_channel_id(), GUILD_ID, article, ADDER)
        digest = await fake.command("digest")
        check_clean(digest)
        first = digest.final
        assert first.get("components"), "a long digest pages with buttons"
        assert "@everyone" not in str(first["embeds"]).replace("@\u200beveryone", "")


def fake_channel_id() -> int:
    from tests.fake_discord.server import CHANNEL_ID

    return CHANNEL_ID


# The scheduled digest ------------------------------------------------------------------------
SCHEDULE = schedule_set("UTC")


def posts(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests_to("POST", f"/channels/{OTHER_CHANNEL_ID}/messages")]


async def test_scheduled_post_is_a_digest_when_several_articles_are_new(
        fake: FakeDiscord, db: Path) -> None:
    clock = FakeClock(datetime(2024, 5, 21, 8, 0, tzinfo=UTC))
    async with running_bot(fake, FakeAnalyzer(), db, clock=clock) as bot:
        await fake.command("schedule", SCHEDULE, resolved=RESOLVED)
        for name in ("ferry", "bridge"):
            await fake.command("article", add_text(STORIES[name]), channel_id=OTHER_CHANNEL_ID)
        clock.now = datetime(2024, 5, 21, 9, 0, 5, tzinfo=UTC)
        assert await bot.scheduler.run_due() == 1
        digest = posts(fake)
        assert len(digest) == 1  # two short articles: one page
        assert message_violations(digest[0]) == []
        embed = digest[0]["embeds"][0]
        assert embed["title"] == "Daily briefing 2024-05-21: digest"
        assert "#2 Old bridge reopens" in embed["description"]
        # The next day one article is new: the post is that channel's briefing, as before.
        await fake.command("article", add_text(STORIES["school"]), channel_id=OTHER_CHANNEL_ID)
        clock.now = datetime(2024, 5, 22, 9, 1, tzinfo=UTC)
        assert await bot.scheduler.run_due() == 1
        briefing = posts(fake)[len(digest)]
        assert len(posts(fake)) == len(digest) + 1
        assert message_violations(briefing) == []
        assert briefing["embeds"][0]["title"].startswith("Daily briefing 2024-05-22: Harbour")
        assert {f["name"] for f in briefing["embeds"][0]["fields"]} == {
            "Summary", "Top topics", "Top actors", "Top quotes"}


# "Brief this article" ------------------------------------------------------------------------
PAGE = ("<html><head><title>Tram line extended to the airport</title></head><body><article>"
        "<h1>Tram line extended to the airport</h1>"
        "<p>The city's tram line will be extended to the airport by 2027, the transport "
        "authority announced on Thursday after years of planning.</p>"
        "<p>The extension adds six stops and is expected to carry ten thousand passengers a day "
        "once it opens, officials said at a news conference.</p>"
        "<p>Local businesses welcomed the plan, while residents near the route asked for "
        "measures against noise during the construction work.</p>"
        "</article></body></html>")


def deferred_flags(exchange: Exchange) -> int:
    assert exchange.callback is not None and exchange.callback.json["type"] == 5
    return int((exchange.callback.json.get("data") or {}).get("flags") or 0)


class Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return None


async def test_brief_this_article_link_attachment_and_nothing(fake: FakeDiscord,
                                                              db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db) as bot:
        assert "Brief this article" in {c.name for c in bot.tree.get_commands(
            type=discord.AppCommandType.message)}
        with serving(Page) as base:
            message = fake.user_message(f"Worth a read (see <{base}/tram>), thoughts?")
            linked = await fake.message_command("Brief this article", message)
        check_clean(linked)
        assert deferred_flags(linked) & 64  # by default only the user sees it
        embed = linked.final["embeds"][0]
        assert embed["title"] == "Brief: Tram line extended to the airport"
        assert "Added to this channel's reading list." in embed["description"]
        assert {f["name"] for f in embed["fields"]} == {"Summary", "Top topics", "Top actors",
                                                         "Top quotes"}

        story = fake.add_file("story.md", STORIES["bridge"].encode(), "text/markdown")
        image = fake.add_file("photo.png", b"\x89PNG\r\n", "image/png")
        attached = await fake.message_command(
            "Brief this article", fake.user_message("", attachments=[image, story]))
        check_clean(attached)
        assert "Old bridge reopens" in attached.final["embeds"][0]["title"]

        nothing = await fake.message_command("Brief this article",
                                             fake.user_message("no link here", attachments=[image]))
        assert nothing.ephemeral and nothing.final["content"] == NOTHING

        entries = bot.services.state.entries(fake_channel_id())
        assert [(e.title, e.via) for e in entries] == [
            ("Tram line extended to the airport", "message"),
            ("Old bridge reopens after repairs", "message")]
        assert entries[0].source.endswith("/tram")


async def test_brief_this_article_can_answer_publicly(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db, brief_public=True):
        story = fake.add_file("story.txt", STORIES["school"].encode(), "text/plain")
        exchange = await fake.message_command("Brief this article",
                                              fake.user_message("", attachments=[story]))
        check_clean(exchange)
        assert not deferred_flags(exchange) & 64


@pytest.mark.parametrize(("content", "link"), [
    ("see https://example.org/a.", "https://example.org/a"),
    ("<https://example.org/b?x=1>", "https://example.org/b?x=1"),
    ("(https://en.wikipedia.org/wiki/Bridge_(structure))", "https://en.wikipedia.org/wiki/Bridge_(structure)"),
    ("(https://example.org/c)", "https://example.org/c"),
    ("first http://a.example/x then https://b.example/y", "http://a.example/x"),
    ("no link, just https:// and text", None),
    ("ftp://example.org/file", None),
])
def test_first_link(content: str, link: str | None) -> None:
    assert first_link(content) == link
