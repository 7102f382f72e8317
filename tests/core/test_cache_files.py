"""The cache leaves no stray files, keeps entries private, keeps every field of a briefing
and treats any entry it did not write (damaged, planted, of another format) as a miss."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summarizer import files
from summarizer.cache import CACHE_FORMAT, STALE_TEMP_SECONDS, BriefingCache
from summarizer.types import Actor, Article, Briefing, Bullet, ModelInfo, Quote, Topic

Damage = Callable[[dict[str, Any]], None]


def _briefing(article: Article) -> Briefing:
    return Briefing(article=article, models=ModelInfo("s", "t", "e"),
                    summary=(Bullet("A line.", (1,)),))


def _full_briefing(article: Article) -> Briefing:
    """Every section present and every field away from its default."""
    return Briefing(
        article=article,
        models=ModelInfo("summary-model", "topic-model", "entity-model"),
        summary=(Bullet("A line.", (1, 2)),),
        topics=(Topic("Space", 0.25, (2,), (Bullet("Rockets.", (2,)),)),),
        actors=(Actor("Jane Doe", "person", "minister", ("Doe",), 3, (1, 3)),),
        quotes=(Quote("Jane Doe", "said", "we will go", "reported", 3, start=10, end=20),),
    )


def _stored(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    (entry,) = tmp_path.rglob("*.json")
    return entry, json.loads(entry.read_text(encoding="utf-8"))


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, sample: Article,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)
    BriefingCache(tmp_path).put("key", _briefing(sample))
    folders = [p for p in tmp_path.rglob("*") if p.is_dir()]
    assert folders, "the write must have got as far as the rename"
    assert list(tmp_path.rglob("*")) == folders


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
    assert not stale.exists()
    assert fresh.exists()


def test_entries_are_owner_only(tmp_path: Path, sample: Article) -> None:
    cache = BriefingCache(tmp_path)
    cache.put("key", _briefing(sample))
    (entry,) = tmp_path.rglob("*.json")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_every_field_survives_the_cache(tmp_path: Path, sample: Article) -> None:
    cache = BriefingCache(tmp_path)
    full = _full_briefing(sample)
    cache.put("key", full)
    back = cache.get("key", sample)
    assert back == full
    assert back is not None and back.quotes is not None
    assert (back.quotes[0].start, back.quotes[0].end) == (10, 20)  # offsets are kept too
    assert cache.stats().hits == 1


def test_the_entry_holds_the_format_and_not_the_article(tmp_path: Path, sample: Article) -> None:
    BriefingCache(tmp_path).put("key", _full_briefing(sample))
    _, data = _stored(tmp_path)
    assert data["format"] == CACHE_FORMAT
    assert set(data["briefing"]) == {"models", "summary", "topics", "actors", "quotes"}
    assert sample.text[:200] not in json.dumps(data)


_DAMAGES: list[tuple[str, Damage]] = [
    ("summary not a list", lambda b: b.update(summary="not a list")),
    ("text not a string", lambda b: b.update(summary=[{"text": 5, "paragraphs": [1]}])),
    ("paragraph past the article", lambda b: b.update(
        summary=[{"text": "x", "paragraphs": [999]}])),
    ("paragraph zero", lambda b: b.update(summary=[{"text": "x", "paragraphs": [0]}])),
    ("paragraph as a string", lambda b: b.update(summary=[{"text": "x", "paragraphs": ["1"]}])),
    ("paragraph as a bool", lambda b: b.update(summary=[{"text": "x", "paragraphs": [True]}])),
    ("models missing", lambda b: b.update(models=None)),
    ("a model name missing", lambda b: b["models"].pop("topics")),
    ("unknown actor type", lambda b: b["actors"][0].update(type="planet")),
    ("mentions as a float", lambda b: b["actors"][0].update(mentions=1.5)),
    ("unknown quote kind", lambda b: b["quotes"][0].update(kind="sung")),
    ("quote paragraph past the article", lambda b: b["quotes"][0].update(paragraph=999)),
    ("quote offsets missing", lambda b: b["quotes"][0].pop("start")),
    ("score as a string", lambda b: b["topics"][0].update(score="high")),
    ("a field nobody wrote", lambda b: b["actors"][0].update(planted="x")),
    ("the article planted", lambda b: b.update(article={"text": "other"})),
]


@pytest.mark.parametrize("damage", [d for _, d in _DAMAGES], ids=[n for n, _ in _DAMAGES])
def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path: Path, sample: Article,
                                                   damage: Damage) -> None:
    cache = BriefingCache(tmp_path)
    good = _full_briefing(sample)
    cache.put("key", good)
    entry, data = _stored(tmp_path)
    damage(data["briefing"])
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert cache.get("key", sample) is None
    assert cache.stats().misses == 1
    cache.put("key", good)
    assert cache.get("key", sample) == good


@pytest.mark.parametrize("entry", [
    {"format": CACHE_FORMAT - 1, "briefing": {}},
    {"briefing": {}},
    {"format": CACHE_FORMAT},
    [],
    None,
])
def test_an_entry_of_another_format_is_a_miss(tmp_path: Path, sample: Article,
                                               entry: object) -> None:
    cache = BriefingCache(tmp_path)
    cache.put("key", _full_briefing(sample))
    path, data = _stored(tmp_path)
    if isinstance(entry, dict) and "briefing" in entry:
        entry = {**entry, "briefing": data["briefing"]}  # a good briefing, a wrong wrapper
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert cache.get("key", sample) is None


def test_an_entry_written_by_the_previous_format_is_a_miss(tmp_path: Path,
                                                           sample: Article) -> None:
    # Format 2 stored the schema-1 JSON of `summarizer brief --json`.
    cache = BriefingCache(tmp_path)
    cache.put("key", _briefing(sample))
    path, _ = _stored(tmp_path)
    path.write_text(json.dumps({
        "schema": 1, "article": {"title": None}, "models": {"summary": "s", "topics": "t",
                                                            "entities": "e"},
        "summary": [{"text": "A line.", "paragraphs": [1]}]}), encoding="utf-8")
    assert cache.get("key", sample) is None


def test_a_deeply_nested_entry_is_a_miss(tmp_path: Path, sample: Article) -> None:
    cache = BriefingCache(tmp_path)
    cache.put("key", _briefing(sample))
    (entry,) = tmp_path.rglob("*.json")
    entry.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cache.get("key", sample) is None


def test_the_cache_does_not_import_the_presentation_module() -> None:
    # A fresh interpreter: in this one the tests have imported everything already.
    code = ("import sys, summarizer.cache; "
            "print(sorted(m for m in sys.modules if m.startswith('summarizer.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parents[2])
    loaded = result.stdout
    assert "'summarizer.serialize'" in loaded
    assert "'summarizer.render'" not in loaded
