"""What the bot remembers, in one SQLite file: each channel's article, each server's daily
schedule (with the date last posted) and topic labels. WAL mode; a schema version in `meta`.

Calls are short single statements. Reads are made from the event loop on their own connection
(in WAL mode a writer never blocks them). Writes may wait for another process's lock (up to
`busy_timeout` seconds, SQLite retrying), so the bot makes them from a thread; when the lock
is still held after that, `StorageBusyError` says so to the user. `claim_post` is the one
atomic step that keeps a daily briefing from being posted twice, even by two processes sharing
the file.

A file that is not a database, or fails SQLite's quick check, is never overwritten: it is
renamed `<name>.corrupt-<UTC time>` (with its -wal/-shm files), the error is logged, and the
bot starts with an empty state. Closing checkpoints the WAL into the main file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bot.errors import BotError
from summarizer.text import build_paragraphs
from summarizer.types import Article

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS channel_articles (
    channel_id INTEGER PRIMARY KEY,
    guild_id INTEGER,
    source TEXT NOT NULL,
    title TEXT,
    date TEXT,
    body TEXT NOT NULL,
    set_by INTEGER,
    set_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS schedules (
    guild_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    time TEXT NOT NULL,
    timezone TEXT NOT NULL,
    last_posted TEXT,
    set_by INTEGER
);
CREATE TABLE IF NOT EXISTS guild_labels (
    guild_id INTEGER PRIMARY KEY,
    labels TEXT NOT NULL
);
"""


log = logging.getLogger(__name__)
READ_BUSY_TIMEOUT = 0.2  # reads run on the event loop: never wait long there


class StateError(RuntimeError):
    """The database cannot be used at all (a newer schema, cannot be opened)."""


class StorageBusyError(BotError):
    def __init__(self) -> None:
        super().__init__("The bot's storage is busy right now, so nothing was saved; "
                         "try again in a moment.")


@contextlib.contextmanager
def _busy_is_an_error() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise StorageBusyError() from error
        raise


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    time: str  # HH:MM, local to `timezone`
    timezone: str
    last_posted: str | None  # ISO date of the last occurrence posted (or skipped on set)


class State:
    """The bot's SQLite state.

    Args:
        busy_timeout: seconds a write waits (SQLite retrying) for another connection's lock
            before `StorageBusyError`.

    Raises:
        StateError: the file was written by a newer version, or cannot be opened at all.
    """

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.moved_aside: Path | None = None  # where a corrupt file was put, if one was
        self.closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # the write connection, used from threads
        self._read_lock = threading.Lock()
        try:
            self._db = self._open_checked()
        except sqlite3.OperationalError as error:
            raise StateError(f"Cannot open the database {path.name}: {error}.") from None
        except sqlite3.DatabaseError as error:
            self.moved_aside = self._move_aside(error)
            self._db = self._open_checked()
        self._reader = self._connect(READ_BUSY_TIMEOUT)

    def _connect(self, busy_timeout: float) -> sqlite3.Connection:
        # Created owner-only (SQLite gives its -wal and -shm files the same mode): the file
        # holds the servers' channels, articles and schedules.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=busy_timeout)
        db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        return db

    def _open_checked(self) -> sqlite3.Connection:
        db = self._connect(self.busy_timeout)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            problems = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"quick_check: {'; '.join(problems[:3])}")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)",
                           (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StateError(
                    f"The database {self.path.name} was written by a newer version of the bot."
                )
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self, error: sqlite3.DatabaseError) -> Path:
        """Keep a corrupt file (and its -wal/-shm) under a new name; never delete it."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        log.error("the database %s is corrupt (%s); it was kept as %s and the bot starts with "
                  "an empty state", self.path.name, error, target.name)
        return target

    def __enter__(self) -> State:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close; safe to call twice."""
        with self._lock, self._read_lock:
            if self.closed:
                return
            self.closed = True
            self._reader.close()
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as error:  # another process reading: closing still syncs
                log.warning("could not checkpoint the database on close: %s", error)
            self._db.close()

    def _one(self, sql: str, args: tuple[object, ...]) -> tuple[object, ...] | None:
        with self._read_lock, _busy_is_an_error():
            row: tuple[object, ...] | None = self._reader.execute(sql, args).fetchone()
            return row

    def _write(self, sql: str, args: tuple[object, ...]) -> int:
        with self._lock, _busy_is_an_error():
            return self._db.execute(sql, args).rowcount

    # Articles -----------------------------------------------------------------------------
    def set_article(self, channel_id: int, guild_id: int | None, article: Article,
                    set_by: int | None) -> None:
        self._write(
            "INSERT OR REPLACE INTO channel_articles "
            "(channel_id, guild_id, source, title, date, body, set_by) VALUES (?,?,?,?,?,?,?)",
            (channel_id, guild_id, article.source, article.title, article.date, article.text,
             set_by),
        )

    def article(self, channel_id: int) -> Article | None:
        row = self._one(
            "SELECT source, title, date, body FROM channel_articles WHERE channel_id=?",
            (channel_id,),
        )
        if row is None:
            return None
        source, title, day, body = (str(v) if v is not None else None for v in row)
        assert source is not None and body is not None
        # The body was cleaned and split when it was set: rebuild it as it was, not re-parse it.
        return Article(text=body, paragraphs=build_paragraphs(body), source=source, title=title,
                       date=day)

    def reset_article(self, channel_id: int) -> bool:
        return self._write("DELETE FROM channel_articles WHERE channel_id=?", (channel_id,)) > 0

    # Labels -------------------------------------------------------------------------------
    def set_labels(self, guild_id: int, labels: tuple[str, ...] | None) -> None:
        if labels is None:
            self._write("DELETE FROM guild_labels WHERE guild_id=?", (guild_id,))
        else:
            self._write("INSERT OR REPLACE INTO guild_labels VALUES (?, ?)",
                        (guild_id, json.dumps(list(labels))))

    def labels(self, guild_id: int | None) -> tuple[str, ...] | None:
        if guild_id is None:
            return None
        row = self._one("SELECT labels FROM guild_labels WHERE guild_id=?", (guild_id,))
        return tuple(json.loads(str(row[0]))) if row else None

    # Schedules ----------------------------------------------------------------------------
    def set_schedule(self, schedule: Schedule, set_by: int | None) -> None:
        self._write(
            "INSERT OR REPLACE INTO schedules VALUES (?,?,?,?,?,?)",
            (schedule.guild_id, schedule.channel_id, schedule.time, schedule.timezone,
             schedule.last_posted, set_by),
        )

    def schedule(self, guild_id: int) -> Schedule | None:
        row = self._one(
            "SELECT guild_id, channel_id, time, timezone, last_posted FROM schedules "
            "WHERE guild_id=?", (guild_id,))
        return _schedule(row) if row else None

    def schedules(self) -> list[Schedule]:
        with self._read_lock, _busy_is_an_error():
            rows = self._reader.execute(
                "SELECT guild_id, channel_id, time, timezone, last_posted FROM schedules"
            ).fetchall()
        return [_schedule(row) for row in rows]

    def remove_schedule(self, guild_id: int) -> bool:
        return self._write("DELETE FROM schedules WHERE guild_id=?", (guild_id,)) > 0

    def claim_post(self, guild_id: int, day: date) -> bool:
        """Mark `day`'s briefing as posted; True only for the one caller that changed it."""
        iso = day.isoformat()
        return self._write(
            "UPDATE schedules SET last_posted=? WHERE guild_id=? "
            "AND (last_posted IS NULL OR last_posted < ?)",
            (iso, guild_id, iso),
        ) == 1


def _schedule(row: tuple[object, ...]) -> Schedule:
    guild_id, channel_id, time, timezone, last_posted = row
    return Schedule(int(str(guild_id)), int(str(channel_id)), str(time), str(timezone),
                    str(last_posted) if last_posted is not None else None)
