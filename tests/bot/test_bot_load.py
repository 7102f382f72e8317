"""Load, compressed for CI: 200 interactions over 10 s from eight channels with different
articles (benchmarks/bench_bot_load.py runs the full 30 s and reports memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeAnalyzer, running_bot

from benchmarks.bench_bot_load import ACK_LIMIT, drive, set_articles
from tests.fake_discord import FakeDiscord

pytestmark = pytest.mark.slow


async def test_two_hundred_interactions_none_lost_all_acknowledged(
        fake: FakeDiscord, tmp_path: Path) -> None:
    analyzer = FakeAnalyzer(delay=0.1)
    async with running_bot(fake, analyzer, tmp_path / "s.db") as bot:
        await set_articles(fake, 8)
        result = await drive(fake, interactions=200, seconds=10, channels=8, settle=60)
        assert bot.services.worker.pending == 0 and bot.in_flight == 0
    print(result.summary())
    assert result.lost == []
    assert result.slow_acks == 0, sorted(result.acks)[-5:]
    assert result.acks and max(result.acks) < ACK_LIMIT
    assert result.errors == [] and result.violations == []
    # Eight articles x five distinct analyses: each ran once, the rest were shared/remembered.
    assert len({(digest, o.cache_key()) for digest, o in analyzer.calls}) == len(analyzer.calls)
