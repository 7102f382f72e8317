"""Every command and option through the real discord.py client and the fake Discord."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from conftest import (
    TOKEN,
    FakeAnalyzer,
    check_clean,
    description,
    option,
    running_bot,
    sub,
)

from summarizer.errors import InputError
from tests.fake_discord import Exchange, FakeDiscord, message_violations
from tests.fake_discord.server import (
    CHANNEL_ID,
    DEFAULT_MEMBER_PERMISSIONS,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OWNER_ID,
)

ARTICLE = (
    "Title: Harbour council approves new ferry line\n\n"
    "The harbour council approved a new ferry line on Tuesday after a long debate about "
    "costs and the timetable for the service.\n\n"
    "Mayor Anna Berg said the line would open in the spring and would carry commuters "
    "across the bay in twenty minutes.\n\n"
    "Opponents argued that the money should go to the bus network instead, which serves "
    "more people every day."
)


def fields(exchange: Exchange) -> dict[str, str]:
    return {f["name"]: f["value"] for e in exchange.final["embeds"] for f in e.get("fields", [])}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


async def test_analysis_commands_and_options(fake: FakeDiscord, db: Path) -> None:
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, db):
        summary = await fake.command("summary", [option("length", 2, kind=4)])
        assert summary.callback is not None and summary.callback.json["type"] == 5
        assert description(summary).count("•") == 2

        # A member's own labels apply to that reply only.
        mine = await fake.command("topics", [option("labels", "ports, rivers, roads")])
        assert "rivers" in description(mine)
        assert "rivers" not in description(await fake.command("topics"))
        topics = await fake.command("topics", [option("labels", "economy, war, diplomacy"),
                                               option("save", True, kind=5)])
        assert "diplomacy" in description(topics)
        # Saved (with Manage Server), they are this server's: /topics and /briefing use them.
        again = await fake.command("topics")
        assert "economy" in description(again)
        reset = await fake.command("topics", [option("labels", "default"),
                                              option("save", True, kind=5)])
        assert "politics" in description(reset)

        topic = await fake.command("topic", [option("name", "business")])
        assert topic.final["embeds"][0]["title"] == "Topic: business"
        assert "¶" in description(topic)
        missing = await fake.command("topic", [option("name", "cooking")])
        assert missing.ephemeral and "no topic called" in missing.final["content"]

        people = await fake.command("actors", [option("kind", "person")])
        assert "Putin" in description(people) and "Kremlin" not in description(people)
        everyone = await fake.command("actors")
        assert "Kremlin" in description(everyone) and "¶5" in description(everyone)

        quotes = await fake.command("quotes", [option("speaker", "Xi Jinping")])
        assert "partnership" in description(quotes) and "Relations" not in description(quotes)
        assert "¶4" in description(quotes)

        briefing = await fake.command("briefing")
        assert set(fields(briefing)) == {"Summary", "Top topics", "Top actors", "Top quotes"}

        for exchange in (summary, mine, topics, again, reset, topic, missing, people, everyone,
                         quotes, briefing):
            check_clean(exchange)
    asked = [options.labels for _, options in analyzer.calls if options.labels]
    assert asked[:2] == [("ports", "rivers", "roads"), ("economy", "war", "diplomacy")]


async def test_autocomplete_topics_and_speakers(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(many=40), db):
        topics = await fake.autocomplete("topic", [option("name", "b", focused=True)])
        # "b" begins one label and is inside none of the others.
        assert [c["name"] for c in topics.choices] == ["business"]
        everything = await fake.autocomplete("topic", [option("name", "", focused=True)])
        assert len(everything.choices) == 25
        speakers = await fake.autocomplete("quotes", [option("speaker", "xi", focused=True)])
        assert [c["value"] for c in speakers.choices] == ["Xi Jinping"]
        zones = await fake.autocomplete(
            "schedule", sub("set", option("timezone", "Europe/Par", focused=True)))
        assert [c["value"] for c in zones.choices] == ["Europe/Paris"]


async def test_long_list_pages_with_buttons(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(many=40), db):
        quotes = await fake.command("quotes")
        check_clean(quotes)
        first = quotes.final
        buttons = {b["label"]: b for row in first["components"] for b in row["components"]}
        assert buttons["Previous"]["disabled"] is True and not buttons["Next"].get("disabled")
        assert "page 1 of" in first["embeds"][0]["footer"]["text"]

        message = fake.messages[quotes.payload["_original_id"]]
        pressed = await fake.press(message, buttons["Next"]["custom_id"])
        assert pressed.callback is not None and pressed.callback.json["type"] == 7
        page = pressed.callback.json["data"]
        assert "page 2 of" in page["embeds"][0]["footer"]["text"]
        assert message_violations(page) == []
        assert page["embeds"][0]["description"] != first["embeds"][0]["description"]


async def test_article_text_show_reset(fake: FakeDiscord, db: Path) -> None:
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, db):
        shown = await fake.command("article", sub("show"))
        # No article set yet: the bundled sample, which opens on Putin's visit.
        assert "Putin" in fields(shown)["Opening (¶1)"]
        text = await fake.command("article", sub("text", option("text", ARTICLE)))
        check_clean(text)
        assert fields(text)["Title"] == "Harbour council approves new ferry line"
        assert fields(text)["Size"].startswith("3 paragraphs")
        summary = await fake.command("summary")
        assert "ferry" in description(summary)
        # Another channel still talks about the sample article.
        other = await fake.command("article", sub("show"), channel_id=OTHER_CHANNEL_ID)
        assert fields(other)["Source"].startswith("sample")
        reset = await fake.command("article", sub("reset"))
        assert fields(reset)["Source"].startswith("sample")
        bad = await fake.command("article", sub("text", option("text", "too short")))
        assert bad.ephemeral and "too short" in bad.final["content"]


async def test_article_file_attachment(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db):
        good = fake.add_file("story.txt", ARTICLE.encode(), "text/plain; charset=utf-8")
        exchange = await fake.command(
            "article", sub("file", option("attachment", good["id"], kind=11)),
            resolved={"attachments": {good["id"]: good}})
        check_clean(exchange)
        assert fields(exchange)["Source"] == "file story.txt"
        assert any(r.path == "/attachments/story.txt" for r in fake.requests)

        image = fake.add_file("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        refused = await fake.command(
            "article", sub("file", option("attachment", image["id"], kind=11)),
            resolved={"attachments": {image["id"]: image}})
        assert refused.ephemeral and "Only text files" in refused.final["content"]

        fake.attachment_size_limit = 100
        big = fake.add_file("big.txt", ARTICLE.encode(), "text/plain")
        too_big = await fake.command(
            "article", sub("file", option("attachment", big["id"], kind=11)),
            resolved={"attachments": {big["id"]: big}})
        assert too_big.ephemeral and "the limit is 100 bytes" in too_big.final["content"]
        assert not any(r.path == "/attachments/big.txt" for r in fake.requests)


async def test_article_url_from_local_server(fake: FakeDiscord, db: Path) -> None:
    html = ("<html><head><title>Ferry line approved</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:])
            + "</article></body></html>")

    async def page(_: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/story", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with running_bot(fake, FakeAnalyzer(), db):
            exchange = await fake.command(
                "article", sub("url", option("link", f"http://127.0.0.1:{port}/story")))
            check_clean(exchange)
            assert "ferry" in fields(exchange)["Opening (¶1)"].lower()
            assert fields(exchange)["Source"] == f"http://127.0.0.1:{port}/story"
            missing = await fake.command(
                "article", sub("url", option("link", f"http://127.0.0.1:{port}/nothing")))
            assert missing.ephemeral and "HTTP 404" in missing.final["content"]
            scheme = await fake.command("article", sub("url", option("link", "ftp://x/y")))
            assert scheme.ephemeral and "http://" in scheme.final["content"]
        # With the setting off (the default), loopback addresses are refused.
        async with running_bot(fake, FakeAnalyzer(), db, allow_private_urls=False):
            refused = await fake.command(
                "article", sub("url", option("link", f"http://127.0.0.1:{port}/story")))
            assert refused.ephemeral and "loopback address" in refused.final["content"]
    finally:
        await runner.cleanup()


async def test_schedule_commands_and_permission(fake: FakeDiscord, db: Path) -> None:
    channel = {"id": str(OTHER_CHANNEL_ID), "type": 0, "name": "briefings",
               "guild_id": str(GUILD_ID), "permissions": "0", "position": 1}
    resolved = {"channels": {str(OTHER_CHANNEL_ID): channel}}
    options = sub("set", option("channel", str(OTHER_CHANNEL_ID), kind=7),
                  option("time", "08:30"), option("timezone", "Europe/Paris"))
    async with running_bot(fake, FakeAnalyzer(), db) as bot:
        refused = await fake.command("schedule", options, resolved=resolved,
                                     permissions=DEFAULT_MEMBER_PERMISSIONS)
        assert refused.ephemeral
        assert refused.final["content"] == "You need the Manage Server permission to do that."
        assert bot.services.state.schedule(GUILD_ID) is None

        done = await fake.command("schedule", options, resolved=resolved)
        check_clean(done)
        assert "08:30 (Europe/Paris)" in done.final["content"]
        assert bot.services.state.schedule(GUILD_ID) is not None

        shown = await fake.command("schedule", sub("show"))
        assert shown.ephemeral and "08:30" in shown.final["content"]
        bad_time = await fake.command("schedule", sub(
            "set", option("channel", str(OTHER_CHANNEL_ID), kind=7), option("time", "25:00"),
            option("timezone", "UTC")), resolved=resolved)
        assert bad_time.ephemeral and "HH:MM" in bad_time.final["content"]
        bad_zone = await fake.command("schedule", sub(
            "set", option("channel", str(OTHER_CHANNEL_ID), kind=7), option("time", "07:00"),
            option("timezone", "Mars/Olympus")), resolved=resolved)
        assert bad_zone.ephemeral and "time zone" in bad_zone.final["content"]

        off = await fake.command("schedule", sub("off"))
        assert off.final["content"] == "Daily briefing turned off."
        assert bot.services.state.schedule(GUILD_ID) is None


async def test_about_and_owner_sync(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db):
        about = await fake.command("about")
        check_clean(about)
        values = fields(about)
        assert "fake-summary" in values["Models"] and "3 briefings" in values["Cache"]

        refused = await fake.command("sync")
        assert refused.ephemeral and "owner" in refused.final["content"]
        assert str(GUILD_ID) not in fake.commands

        synced = await fake.command("sync", user_id=OWNER_ID)
        assert "Synced" in synced.final["content"]
        names = {c["name"] for c in fake.commands[str(GUILD_ID)]}
        assert {"summary", "topics", "topic", "actors", "quotes", "briefing", "article",
                "schedule", "about", "sync"} <= names
        schedule = next(c for c in fake.commands[str(GUILD_ID)] if c["name"] == "schedule")
        assert int(schedule["default_member_permissions"]) == 1 << 5


async def test_errors_are_short_ephemeral_and_quiet(
    fake: FakeDiscord, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, db):
        analyzer.error = InputError("The article is empty.")
        known = await fake.command("summary")
        assert known.ephemeral and known.final["content"] == "The article is empty."
        assert message_violations(known.final) == []
        # The public "thinking" placeholder is removed so only the user sees the error.
        assert any(r.method == "DELETE" for r in known.requests)

        analyzer.error = RuntimeError(f"/secret/path/model.bin failed {db}")
        unknown = await fake.command("actors")
        assert unknown.ephemeral
        assert unknown.final["content"] == (
            "Something went wrong on our side; please try again later.")
    assert "do-not-log-me" not in caplog.text


async def test_cooldown_on_heavy_commands(fake: FakeDiscord, db: Path) -> None:
    from bot.settings import Cooldown

    async with running_bot(fake, FakeAnalyzer(), db, cooldown=Cooldown(rate=2, per=60)):
        first = await fake.command("summary")
        second = await fake.command("actors")
        third = await fake.command("quotes")
        assert not first.ephemeral and not second.ephemeral
        assert third.ephemeral and third.final["content"].startswith("Slow down")
        other_user = await fake.command("quotes", user_id=OWNER_ID + 7)
        assert not other_user.ephemeral
        light = await fake.command("article", sub("show"))
        assert not light.ephemeral


async def test_answers_already_at_hand_cost_no_cooldown(fake: FakeDiscord, db: Path) -> None:
    from bot.settings import Cooldown

    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, db, cooldown=Cooldown(rate=2, per=60)):
        assert not (await fake.command("summary")).ephemeral  # fresh: charged (1 of 2)
        for _ in range(3):  # the same answer again: served from memory, free
            assert not (await fake.command("summary")).ephemeral
        actors = await fake.command("actors")
        assert not actors.ephemeral, actors.final  # fresh: charged (2 of 2)
        assert not (await fake.command("summary")).ephemeral  # still free
        refused = await fake.command("quotes")  # fresh, and no turn left
        assert refused.ephemeral and refused.final["content"].startswith("Slow down")
    assert len(analyzer.calls) == 2


async def test_article_text_cannot_ping(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(hostile=True), db):
        for name in ("summary", "topics", "quotes", "briefing"):
            exchange = await fake.command(name)
            check_clean(exchange)
            assert not exchange.ephemeral, exchange.final
            text = str(exchange.final["embeds"])
            assert "@everyone" not in text and "<@123456789012345678>" not in text


async def test_commands_in_direct_messages(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db):
        summary = await fake.command("summary", guild_id=None, channel_id=CHANNEL_ID + 50)
        check_clean(summary)
        assert not summary.ephemeral, summary.final
        # No article set in this conversation: the bundled sample's first five paragraphs.
        assert description(summary).count("•") == 5 and "(¶1)" in description(summary)


async def test_saving_server_labels_needs_manage_server(fake: FakeDiscord, db: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), db) as bot:
        refused = await fake.command("topics", [option("labels", "cats, dogs"),
                                                option("save", True, kind=5)],
                                     permissions=0)
        assert refused.ephemeral and "Manage Server" in refused.final["content"]
        assert bot.services.state.labels(GUILD_ID) is None
        nothing = await fake.command("topics", [option("save", True, kind=5)])
        assert nothing.ephemeral and "Give the labels to save" in nothing.final["content"]


async def test_debug_logs_hold_no_tokens_and_no_article_text(fake: FakeDiscord, db: Path) -> None:
    import io
    import logging

    from bot.__main__ import RedactingFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(TOKEN))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    pasted = ("The harbour board approved the new ferry terminal on Tuesday after a long "
              "debate about costs, the chair said. " * 3)
    try:
        async with running_bot(fake, FakeAnalyzer(), db):
            exchange = await fake.command("article", sub("text", option("text", pasted)))
            await fake.command("summary")
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    logged = stream.getvalue()
    assert "WebSocket Event" in logged and "characters left out" in logged  # DEBUG was on
    assert TOKEN not in logged
    assert exchange.token not in logged  # the interaction's token, valid for 15 minutes
    assert "ferry terminal" not in logged
