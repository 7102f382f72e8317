"""What the bot remembers, in one SQLite file: each channel's reading list (and which entry is
its current article), each server's daily schedule (with the date last posted), topic labels,
per channel what its previous digest covered, and the feeds each channel follows (with their
validators, poll times, failures and the items already seen). WAL mode; a schema version in
`meta`.

Schema 2 replaced schema 1's one article per channel (`channel_articles`) by a reading list:
opening a schema-1 file migrates it in one transaction, each channel's article becoming the
first entry of its list and its current article. Schema 3 added feeds (`feeds`,
`feed_items_seen`) and, on the reading list, which feed an entry came from (`feed_id`): a
schema-2 file gains the column and the tables in one transaction, its data untouched.

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
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bot.errors import BotError
from summarizer.article import stored_article
from summarizer.digest import PreviousDigest
from summarizer.files import create_owner_only
from summarizer.types import Article

SCHEMA_VERSION = 3
# The most entries a channel's list keeps: a team's day or two of links, and what one digest
# can brief (summarizer.digest.MAX_DIGEST_ARTICLES). Beyond it the oldest go first.
LIST_LIMIT = 50
# The most feeds one channel follows: each is polled every 15 minutes or so, and a channel's
# list (LIST_LIMIT) could not hold the news of many more.
FEEDS_PER_CHANNEL = 10
# Item keys remembered per feed (two per item: id and link). A feed lists at most 20 items
# that are read, so an item older than the last few hundred seen never comes back.
SEEN_PER_FEED = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reading_list (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL,
    guild_id INTEGER,
    key TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    date TEXT,
    body TEXT NOT NULL,
    added_by INTEGER,
    added_at TEXT NOT NULL,
    via TEXT NOT NULL DEFAULT 'command',
    feed_id INTEGER,
    UNIQUE (channel_id, key)
);
CREATE INDEX IF NOT EXISTS reading_list_channel ON reading_list (channel_id, id);
CREATE TABLE IF NOT EXISTS channel_current (
    channel_id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_digests (
    channel_id INTEGER PRIMARY KEY,
    previous TEXT,
    posted_through INTEGER NOT NULL DEFAULT 0
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
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL,
    guild_id INTEGER,
    url TEXT NOT NULL,
    title TEXT,
    added_by INTEGER,
    added_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_poll TEXT NOT NULL,
    last_checked TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at TEXT,
    items_added INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel_id, url)
);
CREATE INDEX IF NOT EXISTS feeds_due ON feeds (next_poll);
CREATE TABLE IF NOT EXISTS feed_items_seen (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    UNIQUE (feed_id, key)
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


@dataclass(frozen=True)
class Entry:
    """One article of a channel's reading list (without its body)."""

    id: int
    channel_id: int
    key: str  # the article's content hash
    source: str
    title: str | None
    added_by: int | None
    added_at: str  # ISO time, UTC
    via: str  # "command", "message" (Brief this article) or "feed"

    @property
    def label(self) -> str:
        return self.title or self.source


@dataclass(frozen=True)
class FollowedFeed:
    """A feed a channel follows, and how its polling goes. Times are ISO, UTC."""

    id: int
    channel_id: int
    guild_id: int | None
    url: str
    title: str | None
    added_by: int | None
    added_at: str
    etag: str | None
    last_modified: str | None
    next_poll: str
    last_checked: str | None  # the last poll that succeeded (a 304 included)
    failures: int  # polls failed in a row; 0 once one succeeds
    last_error: str | None
    last_error_at: str | None
    items_added: int

    @property
    def label(self) -> str:
        return self.title or self.url


@dataclass(frozen=True)
class FeedAdded:
    """What `State.add_feed` did: the feed, and whether the channel followed it already."""

    feed: FollowedFeed
    existed: bool


@dataclass(frozen=True)
class Added:
    """What `State.add_entry` did: the entry, whether it was there already, and the titles of
    the oldest entries dropped to keep the list bounded."""

    entry_id: int
    existed: bool
    dropped: tuple[str, ...]


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
        create_owner_only(self.path)
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
            db.execute("CREATE TABLE IF NOT EXISTS meta "
                       "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is not None and int(row[0]) > SCHEMA_VERSION:
                raise StateError(
                    f"The database {self.path.name} was written by a newer version of the bot."
                )
            db.execute("BEGIN IMMEDIATE")
            try:
                # Statement by statement: executescript would commit the transaction.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                if row is not None and int(row[0]) < 2:
                    _migrate_v1(db)
                if row is not None and int(row[0]) < 3:
                    _migrate_v2(db)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                           (str(SCHEMA_VERSION),))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
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

    # Reading lists ------------------------------------------------------------------------
    def add_entry(self, channel_id: int, guild_id: int | None, article: Article,
                  added_by: int | None, *, via: str = "command", make_current: bool = False,
                  limit: int = LIST_LIMIT, feed_id: int | None = None) -> Added:
        """Add `article` to the channel's list (once: the same text again is the entry already
        there), drop the oldest entries beyond `limit`, and with `make_current` (or when the
        channel has no current article) make it the channel's current article. `feed_id`:
        the feed it came from.

        The current article is never the one dropped: a channel keeps what it is talking about.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, _busy_is_an_error():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT id FROM reading_list WHERE channel_id=? AND key=?",
                                 (channel_id, article.digest)).fetchone()
                existed = row is not None
                if row is None:
                    cursor = db.execute(
                        "INSERT INTO reading_list (channel_id, guild_id, key, source, title, "
                        "date, body, added_by, added_at, via, feed_id) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (channel_id, guild_id, article.digest, article.source, article.title,
                         article.date, article.text, added_by, now, via, feed_id))
                    entry_id = int(cursor.lastrowid or 0)
                else:
                    entry_id = int(row[0])
                current = db.execute("SELECT entry_id FROM channel_current WHERE channel_id=?",
                                     (channel_id,)).fetchone()
                if make_current or current is None:
                    db.execute("INSERT OR REPLACE INTO channel_current VALUES (?, ?)",
                               (channel_id, entry_id))
                    current = (entry_id,)
                over = db.execute(
                    "SELECT id, title, source FROM reading_list WHERE channel_id=? AND id<>? "
                    "ORDER BY id DESC LIMIT -1 OFFSET ?",
                    (channel_id, current[0], max(0, limit - 1))).fetchall()
                for old_id, _, _ in over:
                    db.execute("DELETE FROM reading_list WHERE id=?", (old_id,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        dropped = tuple(str(title or source) for _, title, source in reversed(over))
        return Added(entry_id=entry_id, existed=existed, dropped=dropped)

    def entries(self, channel_id: int) -> list[Entry]:
        """The channel's list, oldest first (positions 1, 2, ... in `/article list`)."""
        with self._read_lock, _busy_is_an_error():
            rows = self._reader.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM reading_list WHERE channel_id=? ORDER BY id",
                (channel_id,)).fetchall()
        return [_entry(row) for row in rows]

    def entry_article(self, entry_id: int) -> Article | None:
        row = self._one("SELECT source, title, date, body FROM reading_list WHERE id=?",
                        (entry_id,))
        return _article(row) if row is not None else None

    def remove_entry(self, channel_id: int, entry_id: int) -> bool:
        with self._lock, _busy_is_an_error():
            removed = self._db.execute("DELETE FROM reading_list WHERE channel_id=? AND id=?",
                                       (channel_id, entry_id)).rowcount > 0
            self._db.execute("DELETE FROM channel_current WHERE channel_id=? AND entry_id=?",
                             (channel_id, entry_id))
        return removed

    def clear_entries(self, channel_id: int, added_by: int | None = None) -> int:
        """Remove the channel's entries (only those `added_by` added, when given)."""
        with self._lock, _busy_is_an_error():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                if added_by is None:
                    count = db.execute("DELETE FROM reading_list WHERE channel_id=?",
                                       (channel_id,)).rowcount
                else:
                    count = db.execute("DELETE FROM reading_list WHERE channel_id=? "
                                       "AND added_by=?", (channel_id, added_by)).rowcount
                db.execute("DELETE FROM channel_current WHERE channel_id=? AND entry_id NOT IN "
                           "(SELECT id FROM reading_list WHERE channel_id=?)",
                           (channel_id, channel_id))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(count)

    # The current article (what /summary, /topics, ... read) -------------------------------
    def article(self, channel_id: int) -> Article | None:
        row = self._one(
            "SELECT r.source, r.title, r.date, r.body FROM channel_current c "
            "JOIN reading_list r ON r.id = c.entry_id WHERE c.channel_id=?", (channel_id,))
        return _article(row) if row is not None else None

    def current_entry(self, channel_id: int) -> int | None:
        row = self._one("SELECT entry_id FROM channel_current WHERE channel_id=?", (channel_id,))
        return int(str(row[0])) if row is not None else None

    def reset_article(self, channel_id: int) -> bool:
        """Forget which entry is current (the list stays); True when one was."""
        return self._write("DELETE FROM channel_current WHERE channel_id=?", (channel_id,)) > 0

    # Digests ------------------------------------------------------------------------------
    def previous_digest(self, channel_id: int) -> PreviousDigest | None:
        row = self._one("SELECT previous FROM channel_digests WHERE channel_id=?",
                        (channel_id,))
        if row is None or row[0] is None:
            return None
        data = json.loads(str(row[0]))
        return PreviousDigest(**{k: frozenset(data.get(k, ())) for k in _PREVIOUS_FIELDS})

    def set_previous_digest(self, channel_id: int, previous: PreviousDigest) -> None:
        value = json.dumps({k: sorted(getattr(previous, k)) for k in _PREVIOUS_FIELDS})
        self._write("INSERT INTO channel_digests (channel_id, previous) VALUES (?, ?) "
                    "ON CONFLICT (channel_id) DO UPDATE SET previous=excluded.previous",
                    (channel_id, value))

    def posted_through(self, channel_id: int) -> int:
        """The newest entry id the channel's last scheduled post covered (0: none yet)."""
        row = self._one("SELECT posted_through FROM channel_digests WHERE channel_id=?",
                        (channel_id,))
        return int(str(row[0])) if row is not None else 0

    def set_posted_through(self, channel_id: int, entry_id: int) -> None:
        self._write("INSERT INTO channel_digests (channel_id, posted_through) VALUES (?, ?) "
                    "ON CONFLICT (channel_id) DO UPDATE SET posted_through="
                    "max(posted_through, excluded.posted_through)", (channel_id, entry_id))

    # Feeds --------------------------------------------------------------------------------
    def add_feed(self, channel_id: int, guild_id: int | None, url: str, title: str | None,
                 added_by: int | None, *, next_poll: str,
                 limit: int = FEEDS_PER_CHANNEL) -> FeedAdded | None:
        """Follow `url` in the channel (once: the same URL again is the feed already there);
        None when the channel already follows `limit` feeds."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, _busy_is_an_error():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE channel_id=? "
                                 "AND url=?", (channel_id, url)).fetchone()
                if row is not None:
                    db.execute("COMMIT")
                    return FeedAdded(_feed(row), existed=True)
                count = db.execute("SELECT count(*) FROM feeds WHERE channel_id=?",
                                   (channel_id,)).fetchone()[0]
                if count >= limit:
                    db.execute("COMMIT")
                    return None
                cursor = db.execute(
                    "INSERT INTO feeds (channel_id, guild_id, url, title, added_by, added_at, "
                    "next_poll) VALUES (?,?,?,?,?,?,?)",
                    (channel_id, guild_id, url, title, added_by, now, next_poll))
                row = db.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id=?",
                                 (cursor.lastrowid,)).fetchone()
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return FeedAdded(_feed(row), existed=False)

    def feeds(self, channel_id: int) -> list[FollowedFeed]:
        """The channel's feeds, in the order they were added (numbers in `/feed list`)."""
        with self._read_lock, _busy_is_an_error():
            rows = self._reader.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE channel_id=? ORDER BY id",
                (channel_id,)).fetchall()
        return [_feed(row) for row in rows]

    def feed(self, feed_id: int) -> FollowedFeed | None:
        row = self._one(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id=?", (feed_id,))
        return _feed(row) if row is not None else None

    def due_feeds(self, now: str, limit: int) -> list[FollowedFeed]:
        """Feeds whose next poll is at or before `now` (ISO, UTC), the longest waiting first."""
        with self._read_lock, _busy_is_an_error():
            rows = self._reader.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE next_poll<=? "
                "ORDER BY next_poll, id LIMIT ?", (now, limit)).fetchall()
        return [_feed(row) for row in rows]

    def seen_items(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """Which of `keys` the feed has seen already."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        marks = ",".join("?" * len(wanted))
        with self._read_lock, _busy_is_an_error():
            rows = self._reader.execute(
                f"SELECT key FROM feed_items_seen WHERE feed_id=? AND key IN ({marks})",
                (feed_id, *wanted)).fetchall()
        return {str(row[0]) for row in rows}

    def feed_checked(self, feed_id: int, *, checked_at: str, next_poll: str,
                     etag: str | None, last_modified: str | None, title: str | None = None,
                     seen: Sequence[str] = (), added: int = 0) -> None:
        """Record a poll that succeeded (a 304 included): the validators for the next one,
        the items now seen (only the newest SEEN_PER_FEED keys are kept), the failure count
        back to 0 (the last error forgotten)."""
        with self._lock, _busy_is_an_error():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "UPDATE feeds SET etag=?, last_modified=?, title=coalesce(?, title), "
                    "next_poll=?, last_checked=?, failures=0, last_error=NULL, "
                    "last_error_at=NULL, items_added=items_added+? WHERE id=?",
                    (etag, last_modified, title, next_poll, checked_at, added, feed_id))
                db.executemany("INSERT OR IGNORE INTO feed_items_seen (feed_id, key) "
                               "VALUES (?, ?)", [(feed_id, key) for key in seen])
                if seen:
                    db.execute("DELETE FROM feed_items_seen WHERE feed_id=? AND id NOT IN "
                               "(SELECT id FROM feed_items_seen WHERE feed_id=? "
                               "ORDER BY id DESC LIMIT ?)", (feed_id, feed_id, SEEN_PER_FEED))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def feed_failed(self, feed_id: int, *, error: str, failed_at: str, next_poll: str) -> int:
        """Record a poll that failed (validators and seen items kept); returns the failures
        in a row, this one included."""
        with self._lock, _busy_is_an_error():
            self._db.execute(
                "UPDATE feeds SET failures=failures+1, last_error=?, last_error_at=?, "
                "next_poll=? WHERE id=?", (error, failed_at, next_poll, feed_id))
            row = self._db.execute("SELECT failures FROM feeds WHERE id=?",
                                   (feed_id,)).fetchone()
        return int(row[0]) if row is not None else 0

    def remove_feed(self, channel_id: int, feed_id: int) -> bool:
        """Stop following a feed; the articles it brought stay on the list."""
        with self._lock, _busy_is_an_error():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                removed = db.execute("DELETE FROM feeds WHERE channel_id=? AND id=?",
                                     (channel_id, feed_id)).rowcount > 0
                db.execute("DELETE FROM feed_items_seen WHERE feed_id=?", (feed_id,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return removed

    def feed_entries(self, channel_id: int) -> dict[int, int]:
        """feed id -> how many of the channel's list entries came from it."""
        with self._read_lock, _busy_is_an_error():
            rows = self._reader.execute(
                "SELECT feed_id, count(*) FROM reading_list WHERE channel_id=? "
                "AND feed_id IS NOT NULL GROUP BY feed_id", (channel_id,)).fetchall()
        return {int(feed_id): int(count) for feed_id, count in rows}

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


_ENTRY_COLUMNS = "id, channel_id, key, source, title, added_by, added_at, via"
_FEED_COLUMNS = ("id, channel_id, guild_id, url, title, added_by, added_at, etag, last_modified, "
                 "next_poll, last_checked, failures, last_error, last_error_at, items_added")
_PREVIOUS_FIELDS = ("keys", "sources", "actors", "topics")


def _entry(row: tuple[object, ...]) -> Entry:
    entry_id, channel_id, key, source, title, added_by, added_at, via = row
    return Entry(int(str(entry_id)), int(str(channel_id)), str(key), str(source),
                 str(title) if title is not None else None,
                 int(str(added_by)) if added_by is not None else None, str(added_at), str(via))


def _feed(row: tuple[object, ...]) -> FollowedFeed:
    (feed_id, channel_id, guild_id, url, title, added_by, added_at, etag, last_modified,
     next_poll, last_checked, failures, last_error, last_error_at, items_added) = row

    def text(value: object) -> str | None:
        return str(value) if value is not None else None

    def number(value: object) -> int | None:
        return int(str(value)) if value is not None else None

    return FollowedFeed(
        id=int(str(feed_id)), channel_id=int(str(channel_id)), guild_id=number(guild_id),
        url=str(url), title=text(title), added_by=number(added_by), added_at=str(added_at),
        etag=text(etag), last_modified=text(last_modified), next_poll=str(next_poll),
        last_checked=text(last_checked), failures=int(str(failures)),
        last_error=text(last_error), last_error_at=text(last_error_at),
        items_added=int(str(items_added)))


def _article(row: tuple[object, ...]) -> Article:
    source, title, day, body = (str(v) if v is not None else None for v in row)
    assert source is not None and body is not None
    return stored_article(body, source=source, title=title, date=day)


def _migrate_v1(db: sqlite3.Connection) -> None:
    """Schema 1 -> 2: each channel's one article becomes its list's first, current entry."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                        "AND name='channel_articles'").fetchone()
    if exists is None:
        return
    rows = db.execute("SELECT channel_id, guild_id, source, title, date, body, set_by, set_at "
                      "FROM channel_articles ORDER BY channel_id").fetchall()
    for channel_id, guild_id, source, title, day, body, set_by, set_at in rows:
        article = _article((source, title, day, body))
        added_at = datetime.fromisoformat(str(set_at)).replace(tzinfo=UTC) \
            .isoformat(timespec="seconds") if set_at else datetime.now(UTC).isoformat()
        cursor = db.execute(
            "INSERT OR IGNORE INTO reading_list (channel_id, guild_id, key, source, title, date, "
            "body, added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (channel_id, guild_id, article.digest, source, title, day, body, set_by, added_at))
        db.execute("INSERT OR REPLACE INTO channel_current VALUES (?, ?)",
                   (channel_id, cursor.lastrowid))
    db.execute("DROP TABLE channel_articles")
    log.info("migrated %d channel articles to reading lists (schema 1 -> 2)", len(rows))


def _migrate_v2(db: sqlite3.Connection) -> None:
    """Schema 2 -> 3: the reading list records which feed an entry came from (none did yet);
    the feed tables themselves are created with the rest of the schema."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(reading_list)")}
    if "feed_id" not in columns:
        db.execute("ALTER TABLE reading_list ADD COLUMN feed_id INTEGER")
    log.info("added feeds to the database (schema 2 -> 3)")


def _schedule(row: tuple[object, ...]) -> Schedule:
    guild_id, channel_id, time, timezone, last_posted = row
    return Schedule(int(str(guild_id)), int(str(channel_id)), str(time), str(timezone),
                    str(last_posted) if last_posted is not None else None)
