"""Digest sources from the network: RSS and Atom feeds served on loopback, each item's page
fetched once through the guarded fetcher; malformed and hostile feeds give clear errors."""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest

from summarizer.backends import Backends
from summarizer.cli import main
from summarizer.digest import SourceFailure
from summarizer.errors import FetchError
from summarizer.feeds import (
    NotAFeedError,
    fetch_feed,
    folder_files,
    load_sources,
    looks_like_feed,
    parse_feed,
)
from summarizer.types import Article
from tests.local_http import serving

STORIES = {
    "/story/1": ("Harbour reopens", "The old harbour reopened on Monday after a two-year "
                 "renovation that cost the city more than it had planned."),
    "/story/2": ("Ferries return", "Ferries will return to the harbour in the summer, the "
                 "harbour master Anna Berg said on Tuesday at a meeting with the owners."),
}
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Town news</title><link>/</link>
<item><title>Harbour reopens</title><link>/story/1</link></item>
<item><title>Ferries return</title><link>/story/2</link></item>
<item><title>Ferries return (again)</title><link>/story/2</link></item>
<item><title>Broken link</title><link>/story/missing</link></item>
<item><title>No web link</title><link>mailto:desk@example.com</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Town news (Atom)</title>
<entry><title>Harbour reopens</title><link rel="alternate" href="/story/1"/>
<updated>2024-05-21T09:00:00Z</updated></entry>
<entry><title>Ferries return</title><link href="/story/2"/></entry>
</feed>"""


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[Counter[str]] = Counter()
    lock = threading.Lock()

    def log_message(self, *args: object) -> None:
        return

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # the name is the http.server API
        with self.lock:
            self.hits[self.path] += 1
        if self.path in STORIES:
            title, text = STORIES[self.path]
            html = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                    f"<p>{text}</p><p>{text} It was a busy week for the town.</p>"
                    "</article></body></html>")
            self._send(html.encode(), "text/html; charset=utf-8")
        elif self.path == "/rss":
            self._send(RSS.encode(), "application/rss+xml")
        elif self.path == "/atom":
            self._send(ATOM.encode(), "application/atom+xml; charset=utf-8")
        elif self.path == "/xml-feed":  # a feed sent as plain XML: sniffed
            self._send(RSS.encode(), "text/xml")
        elif self.path == "/broken":
            self._send(b"<rss version='2.0'><channel><item><title>cut of", "application/rss+xml")
        elif self.path == "/garbage":
            self._send(b"\x00\x01 not a feed at all", "application/rss+xml")
        elif self.path == "/empty":
            self._send(b"<rss version='2.0'><channel><title>x</title></channel></rss>",
                       "application/rss+xml")
        elif self.path == "/image":
            self._send(b"\x89PNG\r\n", "image/png")
        else:
            self._send(b"not found", "text/plain", 404)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(_Handler) as url:
        yield url


# The RSS feeds list a dead link as well: reported in its place, the others go through.
@pytest.mark.parametrize(("path", "dead_links"), [
    ("/rss", ["/story/missing"]),
    ("/atom", []),
    ("/xml-feed", ["/story/missing"]),
])
def test_feed_items_are_fetched_once(server: str, path: str, dead_links: list[str]) -> None:
    _Handler.hits.clear()
    loaded = load_sources([f"{server}{path}"], allow_private=True)
    articles = [item for item in loaded if isinstance(item, Article)]
    assert [a.title for a in articles] == ["Harbour reopens", "Ferries return"]
    assert [a.source for a in articles] == [f"{server}/story/1", f"{server}/story/2"]
    assert _Handler.hits["/story/1"] == _Handler.hits["/story/2"] == 1
    failures = [item for item in loaded if isinstance(item, SourceFailure)]
    assert [(f.source, "HTTP 404" in f.error) for f in failures] == [
        (f"{server}{link}", True) for link in dead_links]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/broken", "malformed"),
        ("/garbage", "not a valid RSS or Atom feed"),
        ("/empty", "no items"),
        ("/image", "image/png"),
        ("/nowhere", "HTTP 404"),
    ],
)
def test_bad_feeds_give_clear_errors(server: str, path: str, message: str) -> None:
    loaded = load_sources([f"{server}{path}", f"{server}/story/1"], allow_private=True)
    assert isinstance(loaded[0], SourceFailure)
    assert message in loaded[0].error
    assert isinstance(loaded[1], Article)


def test_private_addresses_refused_by_default(server: str) -> None:
    (failure,) = load_sources([f"{server}/rss"])
    assert isinstance(failure, SourceFailure) and "loopback" in failure.error


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<rss version='2.0'></rss>", "application/octet-stream", True),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- hi -->\n<feed xmlns='x'>", "text/xml", True),
        (b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='x'>", "application/xml", True),
        (b"<html><body>news</body></html>", "text/html", False),
        (b"<?xml version='1.0'?><urlset>", "application/xml", False),
        (b"anything", "application/atom+xml; charset=utf-8", True),
    ],
)
def test_looks_like_feed(body: bytes, content_type: str, expected: bool) -> None:
    assert looks_like_feed(body, content_type) is expected


def test_parse_feed_resolves_dedupes_and_caps() -> None:
    feed = parse_feed(RSS.encode(), "https://news.example/feeds/rss", max_items=2)
    assert feed.title == "Town news"
    assert [i.link for i in feed.items] == ["https://news.example/story/1",
                                            "https://news.example/story/2"]
    assert len(parse_feed(RSS.encode(), "https://news.example/rss").items) == 3  # no mailto


def test_folder_files(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "c.html", "d.htm", "e.csv", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in folder_files(tmp_path)] == ["a.md", "b.txt", "c.html", "d.htm"]


def test_cli_digest_of_a_feed(server: str, backends: Backends) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["digest", f"{server}/atom", "--json", "--no-cache", "-q"], stdout=out,
                stderr=err, environ={"BRIEFING_ALLOW_PRIVATE_URLS": "1"}, backends=backends)
    assert code == 0, err.getvalue()
    data = json.loads(out.getvalue())
    assert [a["title"] for a in data["articles"]] == ["Harbour reopens", "Ferries return"]
    assert all("briefing" in a for a in data["articles"])


def test_sources_past_the_cap_are_reported_skipped(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Story {name}: the council met on Monday to talk about "
                                     "the harbour and the town.", encoding="utf-8")
    loaded = load_sources([str(tmp_path), str(tmp_path / "a.txt")], max_articles=2)
    assert [type(item).__name__ for item in loaded] == ["Article", "Article", "SourceFailure"]
    assert isinstance(loaded[2], SourceFailure) and "at most 2 articles" in loaded[2].error


# --- polling a feed: conditional GET, item ids, pages that are not feeds -------------------
GUIDS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Town news</title>
<item><title>Harbour reopens</title><link>/story/1</link><guid>town-1</guid></item>
<item><title>Ferries return</title><link>/story/2</link></item>
</channel></rss>"""


class _PolledHandler(BaseHTTPRequestHandler):
    conditions: ClassVar[list[tuple[str | None, str | None]]] = []

    def log_message(self, *args: object) -> None:
        return

    def do_GET(self) -> None:  # the name is the http.server API
        etag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        self.conditions.append((etag, since))
        if self.path == "/page":
            body, content_type, status = b"<html><body><p>Hello</p></body></html>", "text/html", 200
        elif etag == '"rev-7"':
            body, content_type, status = b"", "", 304
        else:
            body, content_type, status = GUIDS.encode(), "application/rss+xml", 200
        self.send_response(status)
        self.send_header("ETag", '"rev-7"')
        self.send_header("Last-Modified", "Tue, 21 May 2024 09:00:00 GMT")
        if status == 200:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def polled() -> Iterator[str]:
    with serving(_PolledHandler) as url:
        yield url


def test_fetch_feed_then_not_modified(polled: str) -> None:
    _PolledHandler.conditions.clear()
    first = fetch_feed(f"{polled}/feed", allow_private=True)
    assert not first.not_modified and first.feed is not None
    assert [(i.id, i.link) for i in first.feed.items] == [
        ("town-1", f"{polled}/story/1"), (None, f"{polled}/story/2")]
    assert (first.etag, first.last_modified) == ('"rev-7"', "Tue, 21 May 2024 09:00:00 GMT")
    second = fetch_feed(f"{polled}/feed", etag=first.etag, last_modified=first.last_modified,
                        allow_private=True)
    assert second.not_modified and second.feed is None
    assert second.etag == first.etag
    assert _PolledHandler.conditions == [
        (None, None), ('"rev-7"', "Tue, 21 May 2024 09:00:00 GMT")]


def test_fetch_feed_of_a_web_page_says_so(polled: str) -> None:
    with pytest.raises(NotAFeedError, match="is a web page, not an RSS or Atom feed"):
        fetch_feed(f"{polled}/page", allow_private=True)


def test_fetch_feed_refuses_private_addresses(polled: str) -> None:
    with pytest.raises(FetchError, match="loopback"):
        fetch_feed(f"{polled}/feed")
