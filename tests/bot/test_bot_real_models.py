"""End to end with the real core Analyzer on the embedded models (loaded once per session)."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from pathlib import Path

import pytest
from conftest import running_bot

from summarizer.api import Analyzer
from tests.fake_discord import FakeDiscord, message_violations

pytestmark = pytest.mark.slow

ARTICLE = "\n\n".join([
    "Title: Port city votes to expand its tram network",
    "The city council of Norhaven voted on Tuesday to extend the tram network to the "
    "eastern districts, a project that will cost 240 million euros over six years.",
    "Mayor Clara Jensen said the new lines would cut commuting times in half for tens of "
    "thousands of residents. \"This is the biggest investment in public transport in a "
    "generation,\" she told reporters after the vote.",
    "The opposition leader, Henrik Dahl, argued that the money would be better spent on "
    "buses, which can be deployed faster and serve more neighbourhoods.",
    "The regional transport authority said construction would begin next spring, and the "
    "first line is expected to open in 2027.",
    "Local businesses welcomed the decision, saying that better transport links would bring "
    "more customers to the eastern districts.",
])


def clean(exchange) -> None:  # type: ignore[no-untyped-def]
    assert exchange.messages
    for message in exchange.messages:
        assert message_violations(message) == []


async def test_every_analysis_command_on_real_models(
    fake: FakeDiscord, tmp_path: Path, real_analyzer: Analyzer
) -> None:
    async with running_bot(fake, real_analyzer, tmp_path / "s.db"):
        briefing = await fake.command("briefing", timeout=120)
        clean(briefing)
        embed = briefing.final["embeds"][0]
        assert {f["name"] for f in embed["fields"]} == {"Summary", "Top topics", "Top actors",
                                                       "Top quotes"}
        assert "Putin" in str(embed)

        summary = await fake.command("summary", [{"name": "length", "type": 4, "value": 3}],
                                     timeout=120)
        clean(summary)
        assert summary.final["embeds"][0]["description"].count("•") == 3

        topics = await fake.autocomplete("topic", [{"name": "name", "type": 3, "value": "",
                                                    "focused": True}])
        names = [c["value"] for c in topics.choices]
        assert names
        topic = await fake.command("topic", [{"name": "name", "type": 3, "value": names[0]}],
                                   timeout=120)
        clean(topic)
        assert not topic.ephemeral and "¶" in topic.final["embeds"][0]["description"]

        people = await fake.command("actors", [{"name": "kind", "type": 3, "value": "person"}],
                                    timeout=120)
        clean(people)
        assert "Vladimir Putin" in people.final["embeds"][0]["description"]

        speakers = await fake.autocomplete("quotes", [{"name": "speaker", "type": 3,
                                                       "value": "", "focused": True}])
        assert speakers.choices
        quotes = await fake.command("quotes", [{"name": "speaker", "type": 3,
                                                "value": speakers.choices[0]["value"]}],
                                    timeout=120)
        clean(quotes)
        assert "¶" in str(quotes.final["embeds"])

        labelled = await fake.command("topics", [{"name": "labels", "type": 3,
                                                  "value": "diplomacy, sport, cooking"}],
                                      timeout=120)
        clean(labelled)
        assert "diplomacy" in labelled.final["embeds"][0]["description"]


async def test_heartbeats_and_acks_while_real_models_run(
    tmp_path: Path, real_analyzer: Analyzer
) -> None:
    # A 0.3 s heartbeat (Discord's is about 41 s): a loop stall of 0.3 s fails the test. Short,
    # because an analysis on the embedded models now takes well under a second.
    fake = await FakeDiscord(heartbeat_interval_ms=300).start()
    interval = fake.heartbeat_interval_ms / 1000
    # A text never analysed before (the session's on-disk cache holds ARTICLE's briefings):
    # every section runs on the models now.
    unseen = ARTICLE + f"\n\nThe vote was recorded as session {uuid.uuid4().hex[:8]}, 31 to 12."
    async with running_bot(fake, real_analyzer, tmp_path / "s.db"):
        await fake.command("article", [{"name": "text", "type": 1, "options": [
            {"name": "text", "type": 3, "value": unseen}]}])
        start = len(fake.heartbeats)
        names = itertools.cycle(["briefing", "summary", "topics", "actors", "quotes"])
        exchanges = await asyncio.gather(*(
            fake.command(next(names), user_id=700 + i, wait=False) for i in range(50)))
        await asyncio.gather(*(fake.wait_final(e, timeout=120) for e in exchanges))
        # When the work ends within one interval, no gap would be measured at all: wait
        # for two more beats, so the window always spans the work and the beats around it.
        await asyncio.sleep(2.5 * interval)
        beats = fake.heartbeats[max(0, start - 1):]
    await fake.stop()
    assert all(e.ack_latency is not None and e.ack_latency < 3.0 for e in exchanges)
    for exchange in exchanges:
        clean(exchange)
        assert not exchange.ephemeral
    assert "Clara Jensen" in str([e.final for e in exchanges])
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert gaps and max(gaps) <= 2 * interval, gaps
