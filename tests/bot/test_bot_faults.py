"""Faults: the analysis raising, models failing to load, a locked or corrupt database, the
gateway dropping, shutting down with replies in flight, and secrets kept out of logs and
user-facing errors."""

from __future__ import annotations

import asyncio
import base64
import itertools
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TOKEN, FakeAnalyzer, running_bot

from bot.errors import BusyError, user_message
from bot.settings import SecretStr
from bot.state import State, StateError, StorageBusyError
from summarizer.errors import FetchError, InputError, ModelError
from summarizer.types import Article, Briefing
from tests.fake_discord import Exchange, FakeDiscord, message_violations
from tests.fake_discord.server import BOT_ID, OTHER_CHANNEL_ID, OWNER_ID

ARTICLE = (
    "Title: Harbour council approves new ferry line\n\n"
    "The harbour council approved a new ferry line on Tuesday after a long debate about "
    "costs and the timetable for the service.\n\n"
    "Mayor Anna Berg said the line would open in the spring and would carry commuters "
    "across the bay in twenty minutes."
)
GENERIC = "Something went wrong on our side; please try again later."
MODELS_DOWN = "The analysis models are not available right now; the bot owner has been told."


def sub(name: str, **values: str) -> list[dict[str, Any]]:
    return [{"name": name, "type": 1,
             "options": [{"name": k, "type": 3, "value": v} for k, v in values.items()]}]


def set_text(text: str = ARTICLE) -> tuple[str, list[dict[str, Any]]]:
    return "article", sub("text", text=text)


def succeeded(exchange: Exchange) -> bool:
    return not exchange.ephemeral and all(message_violations(m) == [] for m in exchange.messages)


def assert_checkpointed(db: Path) -> None:
    """The database was closed cleanly: the WAL was checkpointed into the main file, and
    SQLite removes the -wal and -shm files when the last connection closes after that."""
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name)) == [
        db.name]


def max_gap(beats: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(beats)), default=0.0)


class BrokenModels(FakeAnalyzer):
    """Models that cannot be loaded: warm-up and every analysis raise ModelError."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = True
        self.warm_ups = 0

    def warm_up(self) -> None:
        self.warm_ups += 1
        if self.broken:
            raise ModelError("Cannot load /opt/models/bart-large-cnn/model.safetensors")

    def analyse(self, article: Article, options: Any = None) -> Briefing:
        if self.broken:
            raise ModelError("Cannot load /opt/models/bart-large-cnn/model.safetensors")
        return super().analyse(article, options)


# The analysis raising ---------------------------------------------------------------------

async def test_analysis_raising_is_a_generic_error_and_others_are_served(
        fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, tmp_path / "s.db"):
        analyzer.error = ZeroDivisionError(f"division by zero in {tmp_path}/analysis.py")
        failed = await fake.command("briefing")
        assert failed.ephemeral and failed.final["content"] == GENERIC
        light = await fake.command("article", sub("show"))
        assert succeeded(light)
        analyzer.error = None
        other = await fake.command("summary", user_id=OWNER_ID + 99)
        assert succeeded(other)
    # The owner gets the whole story in the log, the user none of it.
    assert "ZeroDivisionError" in caplog.text


async def test_models_failing_at_warm_up_and_first_use(
        fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    analyzer = BrokenModels()
    async with running_bot(fake, analyzer, tmp_path / "s.db") as bot:
        await asyncio.wait_for(asyncio.shield(bot._warm_up_task), 5)  # type: ignore[arg-type]
        assert analyzer.warm_ups == 1
        summary = await fake.command("summary")
        assert summary.ephemeral and summary.final["content"] == MODELS_DOWN
        assert "/opt/models" not in str(summary.messages)
        shown = await fake.command("article", sub("show"))  # no model needed: still works
        assert succeeded(shown)
        analyzer.broken = False  # the models come back (a later load succeeds)
        again = await fake.command("summary", user_id=OWNER_ID + 5)
        assert succeeded(again)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("models failed to load" in r.getMessage() for r in errors)
    assert "never retrieved" not in caplog.text


# The database -----------------------------------------------------------------------------

async def test_locked_database_waits_then_says_so(fake: FakeDiscord, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    async with running_bot(fake, FakeAnalyzer(), db, busy_timeout=1.5) as bot:
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        beats = len(fake.heartbeats)
        blocked = await fake.command(*set_text())
        gaps = fake.heartbeats[max(0, beats - 1):]
        assert blocked.ephemeral
        assert blocked.final["content"] == StorageBusyError().args[0]
        # The wait was off the event loop: heartbeats kept their rhythm and others were served.
        assert max_gap(gaps) < 1.5 * fake.heartbeat_interval_ms / 1000, gaps
        other.execute("COMMIT")

        # A lock released within the busy timeout is waited out: the write succeeds.
        other.execute("BEGIN EXCLUSIVE")
        threading.Timer(0.5, other.execute, ("COMMIT",)).start()
        waited = await fake.command(*set_text())
        assert succeeded(waited)
        assert bot.services.state.article(int(waited.payload["channel_id"])) is not None
        other.close()
    with State(db) as reopened:
        assert reopened.article(int(waited.payload["channel_id"])) is not None


def test_state_write_under_lock_is_storage_busy(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db", busy_timeout=0.2)
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StorageBusyError):
        state.set_labels(1, ("a",))
    assert state.labels(1) is None  # reads go on meanwhile (WAL)
    other.execute("ROLLBACK")
    state.set_labels(1, ("a",))
    assert state.labels(1) == ("a",)
    other.close()
    state.close()


@pytest.mark.parametrize("damage", ["garbage", "overwritten-pages"])
def test_corrupt_database_is_kept_aside_and_the_bot_starts_fresh(
        tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "s.db"
    if damage == "garbage":
        db.write_bytes(os.urandom(8192))
    else:
        state = State(db)
        for guild in range(200):
            state.set_labels(guild, tuple(f"label {i}" for i in range(20)))
        state.close()
        data = bytearray(db.read_bytes())
        data[4096:len(data)] = os.urandom(len(data) - 4096)  # keep the header, ruin the rest
        db.write_bytes(bytes(data))
    original = db.read_bytes()
    state = State(db)
    assert state.moved_aside is not None and state.moved_aside.read_bytes() == original
    assert state.moved_aside.name.startswith("s.db.corrupt-")
    assert state.labels(1) is None  # a fresh, working state
    state.set_labels(1, ("ok",))
    state.close()
    assert State(db).labels(1) == ("ok",)
    assert any(r.levelno == logging.ERROR and "corrupt" in r.getMessage()
               and state.moved_aside.name in r.getMessage() for r in caplog.records)


async def test_bot_starts_on_a_corrupt_database(fake: FakeDiscord, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    db.write_bytes(b"this is not a database" * 100)
    async with running_bot(fake, FakeAnalyzer(), db) as bot:
        assert bot.services.state.moved_aside is not None
        done = await fake.command(*set_text())
        assert succeeded(done)


def test_database_that_cannot_be_opened_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "s.db"
    folder.mkdir()  # a folder where the file should be
    with pytest.raises(StateError, match=r"Cannot open the database s\.db"):
        State(folder)
    assert folder.is_dir()  # nothing moved, nothing deleted


# The gateway ------------------------------------------------------------------------------

async def test_gateway_reconnect_and_drop_resume_without_losing_anything(
        fake: FakeDiscord, tmp_path: Path) -> None:
    analyzer = FakeAnalyzer(delay=1.0)
    async with running_bot(fake, analyzer, tmp_path / "s.db") as bot:
        assert succeeded(await fake.command(*set_text()))
        in_flight = await fake.command("summary", wait=False)
        await fake.wait_for(lambda: in_flight.callback, timeout=5)

        await fake.reconnect()  # op 7 RECONNECT while an analysis runs
        await fake.wait_for(lambda: len(fake.resumes) == 1, timeout=15)
        await fake.wait_final(in_flight, timeout=15)
        assert succeeded(in_flight) and "ferry" in in_flight.final["embeds"][0]["description"]

        await fake.drop(4000)  # the socket closes with a resumable code
        await fake.wait_for(lambda: len(fake.resumes) == 2, timeout=15)
        await fake.ready.wait()
        later = await fake.command("article", sub("show"))
        assert succeeded(later)
        assert later.final["embeds"][0]["fields"][0]["value"] == (
            "Harbour council approves new ferry line")  # the channel's article survived
        assert bot.is_ready()
    assert len(fake.identifies) == 1  # resumed both times, never a new session
    assert all(r["session_id"] == "fake-session" and r["token"] for r in fake.resumes)


# Shutting down ----------------------------------------------------------------------------

async def test_shutdown_finishes_replies_in_flight_and_refuses_new_ones(
        fake: FakeDiscord, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    async with running_bot(fake, FakeAnalyzer(delay=1.5), db) as bot:
        assert succeeded(await fake.command(*set_text()))
        in_flight = await fake.command("briefing", wait=False)
        await fake.wait_for(lambda: in_flight.callback, timeout=5)
        stopping = asyncio.create_task(bot.shutdown(grace=10))
        await asyncio.sleep(0.1)
        late = await fake.command("summary", user_id=OWNER_ID + 3, timeout=5)
        assert late.ephemeral and "restarting" in late.final["content"]
        await asyncio.wait_for(stopping, 15)
        assert succeeded(in_flight) and in_flight.final["embeds"][0]["fields"]
        assert bot.is_closed()
    assert_checkpointed(db)
    with State(db) as reopened:
        assert reopened.article(int(in_flight.payload["channel_id"])) is not None


SIGTERM_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    sys.path[:0] = [{root!r}, {tests!r}]
    from conftest import FakeAnalyzer, make_settings
    from bot.__main__ import serve
    from bot.app import BriefingBot, discord_endpoints
    from bot.state import State

    async def main():
        settings = make_settings(Path({db!r}), shutdown_grace_seconds=10)
        bot = BriefingBot(settings, analyzer=FakeAnalyzer(delay=2.0), state=State(Path({db!r})),
                          guild_ready_timeout=0.05)
        with discord_endpoints({api!r}, {gateway!r}):
            await serve(bot, settings.token.get_secret_value(), grace=10)
        print("closed" if bot.services.state.closed else "open", flush=True)

    asyncio.run(main())
""")


@pytest.mark.slow
async def test_sigterm_finishes_the_reply_in_flight_and_closes_the_database(
        fake: FakeDiscord, tmp_path: Path) -> None:
    from pathlib import PurePath

    db = tmp_path / "s.db"
    script = SIGTERM_SCRIPT.format(root=str(ROOT), tests=str(PurePath(__file__).parent),
                                   db=str(db), api=fake.api_base, gateway=fake.gateway_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        ready = asyncio.ensure_future(fake.ready.wait())
        exited = asyncio.ensure_future(process.wait())
        await asyncio.wait({ready, exited}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            exited.cancel()
            process.kill()
            raise AssertionError((await process.communicate())[1].decode()[-3000:])
        assert succeeded(await fake.command(*set_text()))
        in_flight = await fake.command("briefing", wait=False)
        await fake.wait_for(lambda: in_flight.callback, timeout=10)
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == "closed"
    assert b"Traceback" not in err
    assert succeeded(in_flight) and in_flight.final["embeds"][0]["fields"]
    assert_checkpointed(db)
    with State(db) as reopened:
        assert reopened.article(int(in_flight.payload["channel_id"])) is not None


# Secrets ----------------------------------------------------------------------------------

def realistic_token() -> str:
    """Shaped like a real bot token: base64(user id) . base64(timestamp) . HMAC."""
    user = base64.b64encode(str(BOT_ID).encode()).decode().rstrip("=")
    return f"{user}.GhYk2Q.{base64.urlsafe_b64encode(os.urandom(27)).decode().rstrip('=')}"


async def test_logs_never_contain_the_token(fake: FakeDiscord, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    token = realistic_token()
    caplog.set_level(logging.DEBUG)
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, tmp_path / "s.db", token=SecretStr(token),
                           queue_limit=1) as bot:
        assert succeeded(await fake.command(*set_text()))
        assert succeeded(await fake.command("summary"))
        analyzer.error = RuntimeError("boom")
        failed = await fake.command("actors")
        assert failed.ephemeral and failed.final["content"] == GENERIC
        analyzer.error = ModelError("no model")
        no_model = await fake.command("quotes")
        assert no_model.ephemeral and no_model.final["content"] == MODELS_DOWN
        analyzer.error = None
        bad_link = await fake.command("article", sub("url", link="http://127.0.0.1:1/x"))
        assert bad_link.ephemeral and bad_link.final["content"] == (
            "Could not fetch the URL: ConnectionRefusedError.")
        await fake.drop(4000)
        await fake.wait_for(lambda: fake.resumes, timeout=15)
        await bot.shutdown(grace=1)
    text = caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    assert len(caplog.records) > 20  # DEBUG really was captured
    for secret in (token, *token.split(".")):
        assert secret not in text, f"a part of the token was logged: {secret[:4]}…"
    assert TOKEN not in text


@pytest.mark.parametrize(("error", "expected"), [
    (RuntimeError("/home/bot/.cache/huggingface/model.bin is corrupt"), GENERIC),
    (OSError(2, "No such file or directory", "/srv/briefing/state.db"), GENERIC),
    (sqlite3.OperationalError("unable to open database file /srv/briefing/state.db"), GENERIC),
    (KeyError("DISCORD_TOKEN"), GENERIC),
    (ModelError("Could not load /opt/models/x.safetensors (BRIEFING_MODELS=hub)"), MODELS_DOWN),
    (ValueError(f"bad token {TOKEN}"), GENERIC),
])
def test_user_errors_never_show_internals(error: Exception, expected: str) -> None:
    message = user_message(error)
    assert message == expected
    for leak in ("/", "\\", "Traceback", "File ", "DISCORD_", "BRIEFING_", TOKEN, ".db"):
        assert leak not in message


@pytest.mark.parametrize(("error", "expected"), [
    (InputError("The article is empty."), "The article is empty."),
    (FetchError("The server answered HTTP 404 for that URL."),
     "The server answered HTTP 404 for that URL."),
    (BusyError(), "The bot is busy with other analyses right now; try again in a minute."),
    (StorageBusyError(), "The bot's storage is busy right now, so nothing was saved; try "
                         "again in a moment."),
])
def test_user_errors_that_are_the_users_are_specific(error: Exception, expected: str) -> None:
    assert user_message(error) == expected


async def test_busy_queue_answers_instead_of_timing_out(fake: FakeDiscord,
                                                        tmp_path: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(delay=1.0), tmp_path / "s.db", queue_limit=2,
                           workers=1):
        running = [await fake.command(name, wait=False, user_id=OWNER_ID + i)
                   for i, name in enumerate(("summary", "actors"))]
        refused = await fake.command("quotes", user_id=OWNER_ID + 9, channel_id=OTHER_CHANNEL_ID)
        assert refused.ephemeral and refused.final["content"] == BusyError().args[0]
        assert refused.ack_latency is not None and refused.ack_latency < 3
        for exchange in running:
            await fake.wait_final(exchange)
            assert succeeded(exchange)


async def test_the_bot_says_it_is_ready_only_once_the_models_are_loaded(
        fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    analyzer = BrokenModels()
    async with running_bot(fake, analyzer, tmp_path / "s.db") as bot:
        await asyncio.wait_for(asyncio.shield(bot._warm_up_task), 5)  # type: ignore[arg-type]
        assert "ready to analyse" not in caplog.text  # the load failed
    analyzer = FakeAnalyzer()
    async with running_bot(fake, analyzer, tmp_path / "s.db") as bot:
        await asyncio.wait_for(asyncio.shield(bot._warm_up_task), 5)  # type: ignore[arg-type]
    assert "models loaded: ready to analyse" in caplog.text


def test_the_real_bot_routes_model_progress_to_its_log(tmp_path: Path) -> None:
    from bot.__main__ import build_bot
    from bot.settings import Settings

    settings = Settings.from_environ({"DISCORD_TOKEN": "abc.def",
                                      "BRIEFING_DB_PATH": str(tmp_path / "s.db")})
    bot = build_bot(settings)
    progress = bot.services.analyzer.backends.progress  # type: ignore[attr-defined]
    assert getattr(progress, "__self__", None) is logging.getLogger("bot.models")
    bot.services.state.close()
