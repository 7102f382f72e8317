"""One atomic-write helper: a reader sees the old file or the new one, a failed write
leaves nothing behind, files are owner-only, and nothing else in the code base renames
temporary files over targets by itself."""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

import pytest

from summarizer import files
from summarizer.files import (
    STALE_TEMP_SECONDS,
    TEMP_SUFFIX,
    create_owner_only,
    remove_stale_temps,
    replacing,
    write_atomic,
)

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("content", ["texte «ü» ✓\n", b"\x00\xffbytes"])
def test_write_atomic_writes_the_content_owner_only(tmp_path: Path,
                                                    content: str | bytes) -> None:
    target = tmp_path / "entry.json"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, content)
    written = target.read_text(encoding="utf-8") if isinstance(content, str) \
        else target.read_bytes()
    assert written == content
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.json"]


def test_an_error_while_writing_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "model.onnx"
    target.write_text("old", encoding="utf-8")

    with pytest.raises(RuntimeError, match="exporter failed"), replacing(target) as temp:
        temp.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("exporter failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]


def test_a_failed_rename_keeps_the_old_file_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "vectors.npz"
    target.write_text("old", encoding="utf-8")

    def disk_full(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.npz"]


def test_the_temporary_file_sits_beside_the_target_and_is_marked(tmp_path: Path) -> None:
    target = tmp_path / "entry.json"
    with replacing(target) as temp:
        assert temp.parent == tmp_path
        assert temp.name.endswith(TEMP_SUFFIX)
        assert stat.S_IMODE(temp.stat().st_mode) == 0o600
        assert not target.exists()  # nothing is visible under the target's name yet
    assert target.exists()


def test_remove_stale_temps_spares_live_writers_and_entries(tmp_path: Path) -> None:
    stale, live, entry = (tmp_path / "a.tmp", tmp_path / "b.tmp", tmp_path / "c.json")
    for path in (stale, live, entry):
        path.write_text("x", encoding="utf-8")
    old = time.time() - STALE_TEMP_SECONDS - 1
    os.utime(stale, (old, old))
    os.utime(entry, (old, old))
    assert remove_stale_temps(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tmp", "c.json"]


def test_create_owner_only_creates_private_and_leaves_an_existing_file(tmp_path: Path) -> None:
    fresh, existing = tmp_path / "state.sqlite3", tmp_path / "kept.sqlite3"
    existing.write_text("data", encoding="utf-8")
    existing.chmod(0o640)
    create_owner_only(fresh)
    create_owner_only(existing)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert fresh.read_bytes() == b""
    assert existing.read_text(encoding="utf-8") == "data"
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640


_OWN_WRITES = re.compile(r"\bos\.replace\(|\bmkstemp\(|\bNamedTemporaryFile\(")


def test_every_atomic_write_goes_through_the_helper() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("summarizer", "bot")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "summarizer" / "files.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _OWN_WRITES.search(line)
    ]
    assert offenders == []
