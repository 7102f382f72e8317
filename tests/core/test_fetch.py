"""URL loading against a real HTTP server on 127.0.0.1, and the address checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarizer.article import load_article
from summarizer.errors import FetchError
from summarizer.fetch import fetch_url, refused_reason

ARTICLE_HTML = (
    "<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>"
    "<p>The old harbour reopened on Monday after a two-year renovation that cost the city "
    "more than it had planned.</p><p>The harbour master said that fishing boats would return "
    "next month, and ferries would follow in the summer.</p></article></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str = "text/html",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        routes = {
            "/article": lambda: self._send(200, ARTICLE_HTML.encode(), "text/html; charset=utf-8"),
            "/plain": lambda: self._send(200, ARTICLE_HTML.replace("<", " <").encode(),
                                         "text/plain"),
            "/image": lambda: self._send(200, b"\x89PNG\r\n", "image/png"),
            "/missing": lambda: self._send(404, b"not found"),
            "/redirect": lambda: self._send(302, b"", headers={"Location": "/article"}),
            "/loop": lambda: self._send(302, b"", headers={"Location": "/loop"}),
            "/huge": lambda: self._send(200, b"a " * 3_000_000, "text/plain"),
            "/slow": self._slow,
        }
        routes.get(self.path, lambda: self._send(404, b""))()

    def _slow(self) -> None:
        time.sleep(3)
        try:
            self._send(200, ARTICLE_HTML.encode())
        except BrokenPipeError:
            pass  # the client gave up first, as the test expects


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_html_article_from_url(server: str) -> None:
    article = load_article(f"{server}/article", allow_private_urls=True)
    assert article.title == "Harbour reopens"
    assert "fishing boats would return" in article.text
    assert article.source == f"{server}/article"


def test_redirects_are_followed(server: str) -> None:
    page = fetch_url(f"{server}/redirect", allow_private=True)
    assert page.url.endswith("/article")


@pytest.mark.parametrize(
    ("path", "message", "options"),
    [
        ("/missing", "HTTP 404", {}),
        ("/image", "image/png, not an HTML or text page", {}),
        ("/loop", "Too many redirects", {}),
        ("/huge", "limit", {"max_bytes": 100_000}),
        ("/slow", "too long", {"timeout": 0.5}),
    ],
)
def test_fetch_failures_are_specific(server: str, path: str, message: str,
                                     options: dict[str, float]) -> None:
    with pytest.raises(FetchError, match=message):
        fetch_url(f"{server}{path}", allow_private=True, **options)  # type: ignore[arg-type]


def test_loopback_is_refused_by_default(server: str) -> None:
    with pytest.raises(FetchError, match="loopback"):
        load_article(f"{server}/article")


def test_dead_url_and_bad_scheme() -> None:
    with pytest.raises(FetchError, match="could not be found"):
        fetch_url("http://no-such-host.invalid/story")
    with pytest.raises(FetchError, match="Only http and https"):
        fetch_url("ftp://example.com/story")
    with pytest.raises(FetchError, match="user name or password"):
        fetch_url("http://user:secret@example.com/story")


def test_closed_port_is_a_fetch_error() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="Could not fetch"):
        fetch_url(f"http://127.0.0.1:{port}/", allow_private=True)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::5", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-public"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_checks(address: str, reason: str | None) -> None:
    assert refused_reason(address) == reason


def test_private_addresses_allowed_only_when_asked() -> None:
    assert refused_reason("127.0.0.1", allow_private=True) is None
    assert refused_reason("224.0.0.1", allow_private=True) == "multicast"
