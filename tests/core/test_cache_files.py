"""The cache leaves no stray files and keeps entries private."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from summarizer import cache as cache_module
from summarizer.cache import STALE_TEMP_SECONDS, BriefingCache
from summarizer.types import Article, Briefing, Bullet, ModelInfo


def _briefing(article: Article) -> Briefing:
    return Briefing(article=article, models=ModelInfo("s", "t", "e"),
                    summary=(Bullet("A line.", (1,)),))


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, sample: Article,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module.os, "replace", disk_full)
    BriefingCache(tmp_path).put("key", _briefing(sample))
    assert list(tmp_path.rglob("*")) == [p for p in tmp_path.rglob("*") if p.is_dir()]


def test_pruning_removes_stale_temporary_files_only(tmp_path: Path, sample: Article) -> None:
    cache = BriefingCache(tmp_path)
    cache.put("first", _briefing(sample))
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    stale, fresh = folder / "dead-writer.tmp", folder / "live-writer.tmp"
    stale.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    cache.put("second", _briefing(sample))
    assert not stale.exists() and fresh.exists()


def test_entries_are_owner_only(tmp_path: Path, sample: Article) -> None:
    cache = BriefingCache(tmp_path)
    cache.put("key", _briefing(sample))
    (entry,) = tmp_path.rglob("*.json")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


@pytest.mark.parametrize("damage", [
    lambda d: d.update(summary="not a list"),
    lambda d: d.update(summary=[{"text": 5, "paragraphs": [1]}]),
    lambda d: d.update(summary=[{"text": "x", "paragraphs": [999]}]),
    lambda d: d.update(summary=[{"text": "x", "paragraphs": ["1"]}]),
    lambda d: d.update(models=None),
    lambda d: d.update(actors=[{"name": "A", "type": "planet", "role": None, "aliases": [],
                                "mentions": 1, "paragraphs": [1]}]),
    lambda d: d.update(quotes=[{"speaker": None, "cue": "said", "text": "x", "kind": "sung",
                                "paragraph": 1}]),
    lambda d: d.update(topics=[{"label": "x", "score": "high", "paragraphs": [1],
                                "summary": []}]),
    lambda d: d.update(schema=99),
])
def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path: Path, sample: Article,
                                                   damage: object) -> None:
    cache = BriefingCache(tmp_path)
    good = _briefing(sample)
    cache.put("key", good)
    (entry,) = tmp_path.rglob("*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    damage(data)  # type: ignore[operator]
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert cache.get("key", sample) is None
    cache.put("key", good)
    assert cache.get("key", sample) == good


def test_a_deeply_nested_entry_is_a_miss(tmp_path: Path, sample: Article) -> None:
    cache = BriefingCache(tmp_path)
    cache.put("key", _briefing(sample))
    (entry,) = tmp_path.rglob("*.json")
    entry.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cache.get("key", sample) is None
