"""Digest sources: a folder is walked with its subfolders (a corpus kept by category)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from summarizer.feeds import folder_files


def _write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")


def test_subfolders_are_walked_in_path_order(tmp_path: Path) -> None:
    for name in ("sport/002.txt", "sport/001.txt", "business/010.html", "top.md",
                 "business/notes.csv", ".git/HEAD.txt", "tech/.draft.txt"):
        _write(tmp_path / name)
    found = [p.relative_to(tmp_path).as_posix() for p in folder_files(tmp_path)]
    assert found == ["business/010.html", "sport/001.txt", "sport/002.txt", "top.md"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_back_to_the_folder_is_not_followed(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "story.txt")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [p.name for p in folder_files(tmp_path)] == ["story.txt"]


def test_the_walk_is_bounded(tmp_path: Path) -> None:
    for n in range(30):
        _write(tmp_path / f"d{n % 3}" / f"{n:03}.txt")
    assert len(folder_files(tmp_path, limit=10)) == 10
