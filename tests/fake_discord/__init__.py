"""A fake Discord (REST + websocket gateway) on 127.0.0.1 that the real discord.py client
logs into. It records every request so tests can assert on the payloads the bot sends."""

from tests.fake_discord.limits import embed_violations, message_violations
from tests.fake_discord.server import Exchange, FakeDiscord, Recorded

__all__ = ["Exchange", "FakeDiscord", "Recorded", "embed_violations", "message_violations"]
