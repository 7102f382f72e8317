"""What the bot remembers, in one SQLite file: each channel's article, each server's daily
schedule (with the date last posted) and topic labels. WAL mode; a schema version in `meta`.

Calls are short single statements, made from the event loop under a lock (sub-millisecond
with WAL and synchronous=NORMAL). `claim_post` is the one atomic step that keeps a daily
briefing from being posted twice, even by two processes sharing the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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


class StateError(RuntimeError):
    pass


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    time: str  # HH:MM, local to `timezone`
    timezone: str
    last_posted: str | None  # ISO date of the last occurrence posted (or skipped on set)


class State:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        with self._lock:
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)",
                                 (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StateError(
                    f"The database {path.name} was written by a newer version of the bot."
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _one(self, sql: str, args: tuple[object, ...]) -> tuple[object, ...] | None:
        with self._lock:
            row: tuple[object, ...] | None = self._db.execute(sql, args).fetchone()
            return row

    def _write(self, sql: str, args: tuple[object, ...]) -> int:
        with self._lock:
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
        with self._lock:
            rows = self._db.execute(
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
