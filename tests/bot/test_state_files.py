"""The bot's SQLite file is private to its owner, whatever the process umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.state import State


def test_database_and_its_wal_are_created_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the common default, which would give 0644
    try:
        with State(tmp_path / "state.db") as state:
            state.set_labels(1, ("economy", "war"))
            files = [p for p in tmp_path.iterdir() if p.name.startswith("state.db")]
            # WAL mode while open: the write-ahead log and its shared-memory index.
            assert sorted(p.name for p in files) == ["state.db", "state.db-shm", "state.db-wal"]
            for path in files:
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    finally:
        os.umask(previous)


def test_an_existing_database_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with State(path) as state:
        state.set_labels(7, ("sport",))
    with State(path) as reopened:
        assert reopened.labels(7) == ("sport",)
