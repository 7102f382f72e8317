"""Unit tests of the pure parts: formatting within limits, state, schedule rules, worker,
settings."""

from __future__ import annotations

import ast
import asyncio
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FakeAnalyzer
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import formatting
from bot.errors import BotError, BusyError, user_message
from bot.schedule import due_date, last_occurrence_date, parse_time, parse_timezone
from bot.settings import Cooldown, Settings, SettingsError
from bot.state import SCHEMA_VERSION, Schedule, State, StateError
from bot.worker import AnalysisWorker
from summarizer.api import AnalysisOptions
from summarizer.article import article_from_text, sample_article
from summarizer.errors import InputError
from summarizer.types import Actor, Briefing, Bullet, ModelInfo, Quote, Topic
from tests.fake_discord import message_violations

MODELS = ModelInfo("s", "t", "e")
text_st = st.text(min_size=0, max_size=3000)


def payload(embeds: list) -> dict:
    return {"embeds": [e.to_dict() for e in embeds], "allowed_mentions": {"parse": []}}


@pytest.mark.parametrize(("numbers", "expected"), [
    ((1,), "¶1"), ((3, 1, 2), "¶1–3"), ((1, 2, 3, 7), "¶1–3, 7"), ((5, 5, 9, 10), "¶5, 9–10"),
    ((), "¶?"),
])
def test_paragraph_references(numbers: tuple[int, ...], expected: str) -> None:
    assert formatting.paragraphs_ref(numbers) == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(text_st, max_size=40), st.text(max_size=400))
def test_pages_always_fit_the_limits(lines: list[str], title: str) -> None:
    pages = formatting.paginate(title, lines, sample_article(), empty="none")
    assert pages
    for page in pages:
        assert message_violations(payload([page])) == []


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(text_st, st.text(min_size=1, max_size=300)), max_size=30),
       st.text(min_size=1, max_size=500))
def test_briefing_embed_fits_whatever_the_content(items: list[tuple[str, str]],
                                                  name: str) -> None:
    article = sample_article()
    briefing = Briefing(
        article=article, models=MODELS,
        summary=tuple(Bullet(text, (1, 2)) for text, _ in items),
        topics=tuple(Topic(label, 0.5, (1,), (Bullet(text, (3,)),)) for text, label in items),
        actors=tuple(Actor(label, "person", text, (name,), 3, (1, 4)) for text, label in items),
        quotes=tuple(Quote(label, "said", text, "direct", 2) for text, label in items),
    )
    embed = formatting.briefing_embed(briefing)
    assert message_violations(payload([embed])) == []  # the 6,000 total included
    for pages in (formatting.summary_pages(briefing), formatting.topics_pages(briefing),
                  formatting.actors_pages(briefing), formatting.quotes_pages(briefing, name)):
        assert pages  # an empty section still answers, with one page saying so
        for page in pages:
            assert message_violations(payload([page])) == []


def test_every_line_names_its_paragraphs() -> None:
    assert formatting.bullet_line(Bullet("Shares fell.", (2, 3))).endswith("(¶2–3)")
    actor = Actor("Ann Lee", "person", "minister", ("Lee",), 2, (1, 4))
    assert "(¶1, 4)" in formatting.actor_line(actor)
    quote = Quote("Ann Lee", "said", "We will act", "direct", 5)
    assert formatting.quote_line(quote).endswith("(¶5)")


def test_markdown_and_mentions_are_neutralised() -> None:
    line = formatting.bullet_line(Bullet("**Loud** @everyone <@123456789012345678>", (1,)))
    assert "**Loud**" not in line and "@everyone" not in line
    assert "<@123456789012345678>" not in line


def test_choices_are_capped_and_prefix_first() -> None:
    names = [f"topic {i}" for i in range(40)] + ["a" * 101, "economy", "the economy"]
    picked = formatting.choices(names, "eco")
    assert picked == ["economy", "the economy"]
    assert len(formatting.choices(names, "")) == 25


def test_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.db"
    state = State(path)
    article = article_from_text("Title: Dock strike ends\n\n" + "Workers at the dock voted "
                                "to end their strike on Friday after a new offer. " * 4)
    state.add_entry(10, 1, article, 5, make_current=True)
    state.set_labels(1, ("ports", "labour"))
    state.set_schedule(Schedule(1, 10, "08:00", "UTC", None), set_by=5)
    state.close()
    again = State(path)
    restored = again.article(10)
    assert restored == article
    assert again.labels(1) == ("ports", "labour") and again.labels(2) is None
    assert again.schedule(1) == Schedule(1, 10, "08:00", "UTC", None)
    assert again.reset_article(10) and again.article(10) is None
    again.set_labels(1, None)
    assert again.labels(1) is None
    again.close()


def test_claim_post_is_atomic_across_threads(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.set_schedule(Schedule(1, 10, "08:00", "UTC", None), set_by=None)
    wins: list[bool] = []
    threads = [threading.Thread(target=lambda: wins.append(state.claim_post(1, date(2024, 5, 1))))
               for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1
    assert not state.claim_post(1, date(2024, 4, 30))  # never an older day after a newer one
    assert state.claim_post(1, date(2024, 5, 2))


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state._db.execute("UPDATE meta SET value=? WHERE key='schema_version'",
                      (str(SCHEMA_VERSION + 1),))
    state.close()
    with pytest.raises(StateError, match="newer version"):
        State(tmp_path / "s.db")


GRACE = timedelta(hours=1)


@pytest.mark.parametrize(("now", "last", "expected"), [
    (datetime(2024, 5, 21, 6, 59, tzinfo=UTC), None, None),               # 08:59 Paris
    (datetime(2024, 5, 21, 7, 0, tzinfo=UTC), None, date(2024, 5, 21)),   # on time
    (datetime(2024, 5, 21, 8, 0, tzinfo=UTC), None, date(2024, 5, 21)),   # end of grace
    (datetime(2024, 5, 21, 8, 1, tzinfo=UTC), None, None),                # too late
    (datetime(2024, 5, 21, 7, 30, tzinfo=UTC), "2024-05-21", None),       # already posted
    (datetime(2024, 5, 21, 7, 30, tzinfo=UTC), "2024-05-20", date(2024, 5, 21)),
    (datetime(2024, 1, 15, 8, 30, tzinfo=UTC), None, date(2024, 1, 15)),  # winter: UTC+1
])
def test_due_dates(now: datetime, last: str | None, expected: date | None) -> None:
    schedule = Schedule(1, 10, "09:00", "Europe/Paris", last)
    assert due_date(schedule, now, GRACE) == expected


def test_due_across_midnight() -> None:
    schedule = Schedule(1, 10, "23:50", "UTC", "2024-05-20")
    assert due_date(schedule, datetime(2024, 5, 22, 0, 20, tzinfo=UTC), GRACE) == date(2024, 5, 21)


def test_set_skips_an_occurrence_already_past() -> None:
    now = datetime(2024, 5, 21, 10, 0, tzinfo=UTC)
    assert last_occurrence_date("09:00", "UTC", now) == date(2024, 5, 21)
    assert last_occurrence_date("11:00", "UTC", now) == date(2024, 5, 20)


@pytest.mark.parametrize("value", ["24:00", "9", "09:60", "nine", ""])
def test_bad_times(value: str) -> None:
    with pytest.raises(BotError, match="HH:MM"):
        parse_time(value)


def test_time_zones() -> None:
    assert parse_timezone("utc").key == "UTC"
    assert parse_timezone(" Asia/Tokyo ").key == "Asia/Tokyo"
    with pytest.raises(BotError, match="IANA"):
        parse_timezone("../etc/passwd")


async def test_worker_single_flight_and_memory() -> None:
    analyzer = FakeAnalyzer(delay=0.3)
    worker = AnalysisWorker(analyzer, threads=2)
    article, options = sample_article(), AnalysisOptions(length=3)
    results = await asyncio.gather(*(worker.analyse(article, options) for _ in range(10)))
    assert len(analyzer.calls) == 1 and all(r is results[0] for r in results)
    assert worker.peek(article, options) is results[0]
    assert await worker.analyse(article, options) is results[0]
    assert len(analyzer.calls) == 1 and worker.shared == 9
    worker.close()


async def test_worker_remembers_a_bounded_number_of_answers_least_recent_first() -> None:
    analyzer = FakeAnalyzer(delay=0.0)
    worker = AnalysisWorker(analyzer, threads=1, remember=3)
    article = sample_article()
    asked = [AnalysisOptions(length=n) for n in range(1, 5)]
    for options in asked[:3]:
        await worker.analyse(article, options)
    await worker.analyse(article, asked[0])  # asked again: now the most recent
    await worker.analyse(article, asked[3])  # a fourth answer pushes out the least recent
    assert [worker.peek(article, o) is not None for o in asked] == [True, False, True, True]
    assert len(analyzer.calls) == 4
    worker.close()


async def test_worker_errors_reach_every_waiter_and_are_not_remembered() -> None:
    analyzer = FakeAnalyzer(delay=0.1)
    analyzer.error = InputError("nope")
    worker = AnalysisWorker(analyzer)
    article, options = sample_article(), AnalysisOptions()
    results = await asyncio.gather(*(worker.analyse(article, options) for _ in range(3)),
                                   return_exceptions=True)
    assert [type(r) for r in results] == [InputError] * 3
    analyzer.error = None
    assert (await worker.analyse(article, options)).summary is not None
    worker.close()


async def test_worker_refuses_when_full_and_keeps_loop_free() -> None:
    worker = AnalysisWorker(FakeAnalyzer(delay=0.5), threads=1, queue_limit=2)
    article = sample_article()
    first = asyncio.ensure_future(worker.analyse(article, AnalysisOptions(length=1)))
    second = asyncio.ensure_future(worker.analyse(article, AnalysisOptions(length=2)))
    await asyncio.sleep(0)
    with pytest.raises(BusyError):
        await worker.analyse(article, AnalysisOptions(length=3))
    started = time.perf_counter()
    await asyncio.sleep(0.05)  # the loop is not blocked by the analysis threads
    assert time.perf_counter() - started < 0.3
    await asyncio.gather(first, second)
    worker.close()


def test_settings_from_the_environment() -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is not set"):
        Settings.from_environ({})
    loaded = Settings.from_environ({
        "DISCORD_TOKEN": " abc.def ", "DISCORD_GUILD_ID": "123", "BRIEFING_DB_PATH": "x.db",
        "BRIEFING_ALLOW_PRIVATE_URLS": "1", "BRIEFING_COOLDOWN": "5/10", "LOG_LEVEL": "debug",
        "DISCORD_API_BASE": "http://127.0.0.1:1/api/v10/", "BRIEFING_MODELS": "hub",
    })
    assert loaded.token.get_secret_value() == "abc.def" and loaded.guild_id == 123
    assert loaded.allow_private_urls and loaded.cooldown == Cooldown(5, 10)
    assert loaded.log_level == "DEBUG" and loaded.db_path == Path("x.db")
    assert loaded.api_base == "http://127.0.0.1:1/api/v10"
    assert loaded.to_model_config().models == "hub"


def test_the_token_is_never_shown() -> None:
    loaded = Settings.from_environ({"DISCORD_TOKEN": "abc.def"})
    for shown in (repr(loaded), str(loaded), str(loaded.token), loaded.model_dump_json()):
        assert "abc.def" not in shown
    # Built directly by a program, a bad token's error does not show it either.
    with pytest.raises(SettingsError) as caught:
        Settings(token="abc.def\nxyz")
    assert "abc.def" not in str(caught.value)


@pytest.mark.parametrize(("bad", "message"), [
    ({"DISCORD_GUILD_ID": "x"}, "DISCORD_GUILD_ID must be a numeric Discord ID."),
    ({"BRIEFING_COOLDOWN": "fast"}, "BRIEFING_COOLDOWN must look like 3/30 (commands/seconds)."),
    ({"BRIEFING_COOLDOWN": "-1/30"}, "BRIEFING_COOLDOWN must look like 3/30"),
    ({"BRIEFING_COOLDOWN": "3/0"}, "BRIEFING_COOLDOWN must look like 3/30"),
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG."),
    ({"BRIEFING_WORKERS": "0"}, "BRIEFING_WORKERS must be at least 1."),
    ({"BRIEFING_QUEUE_LIMIT": "many"}, "BRIEFING_QUEUE_LIMIT must be a whole number."),
    ({"BRIEFING_BRIEF_PUBLIC": "perhaps"}, "BRIEFING_BRIEF_PUBLIC must be 1 or 0"),
])
def test_bad_settings_are_refused_by_name(bad: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_environ({"DISCORD_TOKEN": "abc.def", **bad})
    assert str(caught.value).startswith(message)
    assert "abc.def" not in str(caught.value)


def test_user_messages() -> None:
    assert user_message(InputError("The article is empty.")) == "The article is empty."
    assert user_message(BusyError()).startswith("The bot is busy")
    assert "went wrong" in user_message(KeyError("/home/bot/.cache/x"))
    assert len(user_message(InputError("x " * 500))) <= 300


@pytest.mark.parametrize(("text", "absent", "present"), [
    ("@everyone @here", ["@everyone", "@here"], ["@\u200beveryone", "@\u200bhere"]),
    ("<@123456789012345678> <@!1> <@&456> <#789> </ban:1>",
     ["<@", "<#", "</"], ["<\u200b@\u200b123456789012345678>", "<\u200b#789>"]),
    ("```py\nimport os", ["```"], ["\\`\\`\\`py import os"]),
    ("**b** __u__ ~~s~~ ||x|| [l](https://e.example)", ["**b**", "[l]"], ["\\*\\*b\\*\\*"]),
    ("# heading", [], ["\\# heading"]),
    ("> quote", [], ["\\> quote"]),
    ("1. item", [], ["1\\. item"]),
    ("12.5 million and a - b", ["\\"], ["12.5 million and a - b"]),
])
def test_safe_makes_markdown_and_mentions_inert(text: str, absent: list[str],
                                                present: list[str]) -> None:
    shown = formatting.safe(text)
    for piece in absent:
        assert piece not in shown
    for piece in present:
        assert piece in shown


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\\*`@<#>_ \n", max_size=60), st.integers(2, 40))
def test_clip_never_leaves_a_dangling_escape(text: str, limit: int) -> None:
    safe = formatting.safe(text)
    clipped = formatting.clip(safe, limit)
    assert len(clipped) <= limit
    # Cut or whole, an escape never dangles: backslashes at the end come in pairs.
    body = clipped.removesuffix("…")
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0
    assert clipped.endswith("…") == (len(safe) > limit)


async def test_stopping_the_scheduler_lets_a_claimed_post_finish(tmp_path: Path) -> None:
    from bot.schedule import Scheduler

    state = State(tmp_path / "s.db")
    state.set_schedule(Schedule(1, 10, "08:00", "UTC", None), set_by=None)
    started, posted = asyncio.Event(), []

    async def slow_post(schedule: Schedule, day: date) -> None:
        started.set()
        await asyncio.sleep(0.5)  # the HTTP request to Discord, say
        posted.append(day)

    scheduler = Scheduler(state, slow_post, clock=lambda: datetime(2024, 5, 21, 8, 5,
                                                                   tzinfo=UTC))
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await scheduler.stop()  # as a SIGTERM would, mid-post
    assert posted == [date(2024, 5, 21)]  # the claimed day was posted, not lost
    assert state.schedule(1).last_posted == "2024-05-21"
    state.close()


def test_actors_pages_show_the_key_actors_unless_all_are_asked_for() -> None:
    actors = tuple(Actor(f"Person Number{i}", "person", None, (), 20 - i, (1,))
                   for i in range(20))
    briefing = Briefing(article=sample_article(), models=MODELS, actors=actors)
    key = "\n".join(page.description or "" for page in formatting.actors_pages(briefing))
    assert "Person Number11" in key and "Person Number12" not in key
    assert "8 more, less prominent" in key
    everyone = "\n".join(page.description or ""
                         for page in formatting.actors_pages(briefing, everyone=True))
    assert "Person Number19" in everyone and "more, less prominent" not in everyone


@pytest.mark.parametrize("name", ["**loud**", "_quiet_", "~~gone~~", "`code`", "a*b_c"])
def test_user_given_names_in_titles_are_shown_as_written(name: str) -> None:
    briefing = Briefing(article=sample_article(), models=MODELS,
                        topics=(Topic(name, 0.5, (1,), ()),),
                        quotes=(Quote(name, "said", "We will act", "direct", 2),))
    titles = [formatting.topic_pages(briefing, briefing.topics[0])[0].title or "",
              formatting.quotes_pages(briefing, name)[0].title or ""]
    for title in titles:
        assert name in title.replace("\\", "")  # the reader sees the name as typed
        unescaped = [i for i, c in enumerate(title) if c in "*_~`" and title[i - 1] != "\\"]
        assert unescaped == [], title


@pytest.mark.parametrize("token", ["abc.def\nxyz", "abc.def xyz", "abc.\x1bdef", "abc\u200bdef"])
def test_a_token_that_cannot_be_sent_is_refused_clearly(token: str) -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN contains") as caught:
        Settings.from_environ({"DISCORD_TOKEN": token})
    assert "abc" not in str(caught.value)  # never echoed


@pytest.mark.parametrize(("zone", "message"), [
    ("A" * 10_000, "not a time zone"),
    ("Europe/Nowhere", "Unknown time zone"),
    ("../../etc/passwd", "Unknown time zone"),
])
def test_bad_time_zones_get_a_specific_refusal(zone: str, message: str) -> None:
    from bot.errors import BotError
    from bot.schedule import parse_timezone

    with pytest.raises(BotError, match=message):
        parse_timezone(zone)


# The import graph ------------------------------------------------------------------------
BOT = Path(__file__).resolve().parents[2] / "bot"


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at run time or for type checking alone."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted(p for p in BOT.rglob("*.py") if p.name != "__main__.py"),
                         ids=lambda p: p.relative_to(BOT).as_posix())
def test_only_the_entry_point_imports_the_bot_class(path: Path) -> None:
    """The command modules get what they need from `Services`: no import circle through the
    bot class, not even for type checking. (`__main__` builds the bot.)"""
    assert "bot.app" not in _imports(path)


def test_the_command_modules_were_scanned() -> None:
    commands = {p.name for p in (BOT / "commands").glob("*.py")}
    assert {"analysis.py", "article.py", "feed.py", "sync.py"} <= commands
    assert "bot.services" in _imports(BOT / "commands" / "analysis.py")


def test_the_bot_has_no_import_circle() -> None:
    """Counting imports made for type checking alone: a circle there is a circle in the design."""
    modules = {".".join(p.relative_to(BOT.parent).with_suffix("").parts)
               .removesuffix(".__init__"): p for p in BOT.rglob("*.py")}
    graph = {name: _imports(path) & modules.keys() - {name} for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path[path.index(name):], name))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, (*path, name))
        done.add(name)

    assert len(graph) >= 15 and graph["bot.app"], "the scan found the modules and their imports"
    for name in sorted(graph):
        visit(name, ())
