from __future__ import annotations

from pathlib import Path

from conftest import FakeAnalyzer, running_bot

from tests.fake_discord import FakeDiscord, message_violations


async def test_login_and_summary(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "state.db"):
        exchange = await fake.command("summary", [{"name": "length", "type": 4, "value": 3}])
    assert exchange.callback is not None and exchange.callback.json["type"] == 5
    final = exchange.final
    assert message_violations(final) == []
    assert "¶1" in final["embeds"][0]["description"]
