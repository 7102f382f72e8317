"""URL loading against a real HTTP server on 127.0.0.1, and the address checks."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from summarizer.article import load_article
from summarizer.errors import FetchError
from summarizer.fetch import fetch_url, refused_reason
from tests.local_http import serving

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

    def do_GET(self) -> None:  # the name is the http.server API
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
        with contextlib.suppress(BrokenPipeError):  # the client gave up first, as expected
            self._send(200, ARTICLE_HTML.encode())


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(_Handler) as url:
        yield url


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


@pytest.mark.parametrize(("url", "message"), [
    ("http://no-such-host.invalid/story", "could not be found"),
    ("ftp://example.com/story", "Only http and https"),
    ("http://user:secret@example.com/story", "user name or password"),
])
def test_dead_url_and_bad_scheme(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        fetch_url(url)


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
        # IPv6 forms that carry an IPv4 address are judged by the address they reach.
        ("2002:7f00:1::", "loopback"),
        ("2002:a9fe:a9fe::", "link-local"),
        ("2002:c0a8:101::1", "private"),
        ("2002:5db8:d822::", None),
        ("64:ff9b::7f00:1", "loopback"),
        ("64:ff9b::a01:203", "private"),
        ("64:ff9b::5db8:d822", None),
        ("fec0::1", "site-local"),
        ("feff::1", "site-local"),
    ],
)
def test_address_checks(address: str, reason: str | None) -> None:
    assert refused_reason(address) == reason


def test_private_addresses_allowed_only_when_asked() -> None:
    assert refused_reason("127.0.0.1", allow_private=True) is None
    assert refused_reason("224.0.0.1", allow_private=True) == "multicast"


# --- redirects, IPv6, several addresses, caps without a Content-Length -----------------


class _HostileHandler(BaseHTTPRequestHandler):
    """Redirects to refused places, a chunked body with no length, a server that drips."""

    protocol_version = "HTTP/1.1"  # chunked transfer encoding needs 1.1

    def log_message(self, *args: object) -> None:
        return

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # the name is the http.server API
        if self.path.startswith("/to?"):
            self._redirect(self.path[len("/to?"):])
        elif self.path == "/chunked":
            self._chunked(b"word " * 2000, chunks=100)
        elif self.path == "/chunked-small":
            self._chunked(ARTICLE_HTML.encode(), chunks=3)
        elif self.path == "/drip":
            self._drip()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _chunked(self, body: bytes, chunks: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for _ in range(chunks):
                self.wfile.write(f"{len(body):x}\r\n".encode() + body + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap, as it should

    def _drip(self) -> None:
        """A byte every 0.2 s: each wait is far under any socket timeout, the whole is not."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with serving(_HostileHandler) as url:
        yield url


@pytest.fixture()
def public_name(monkeypatch: pytest.MonkeyPatch, hostile: str) -> dict[str, list[str]]:
    """`news.example` resolves to a public address, and connections to that address reach the
    local test server: a public site whose redirects we control, offline. Returns the log of
    the addresses connected to."""
    import socket

    import summarizer.fetch as fetch

    real_getaddrinfo = socket.getaddrinfo
    server_port = int(hostile.rsplit(":", 1)[1])
    connected: dict[str, list[str]] = {"addresses": []}

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> Sequence[object]:
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]

    real_connect = fetch._connect

    def connect(scheme: str, host: str, address: str, port: int,
                timeout: float) -> object:
        connected["addresses"].append(address)
        if address == "93.184.216.34":
            return real_connect("http", "127.0.0.1", "127.0.0.1", server_port, timeout)
        return real_connect(scheme, host, address, port, timeout)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch, "_connect", connect)
    return connected


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[fd00::1]/", "private"),
        ("http://127.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://10.0.0.5:8080/admin", "private"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://localhost/", "loopback"),
    ],
)
def test_redirect_from_a_public_host_to_a_refused_address_is_refused(
        public_name: dict[str, list[str]], target: str, reason: str) -> None:
    with pytest.raises(FetchError, match=f"Refused to fetch .* {reason} address"):
        fetch_url(f"http://news.example/to?{target}")
    # The first hop went out (to the public address); the refused one never did.
    assert public_name["addresses"] == ["93.184.216.34"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("file:///etc/passwd", "Only http and https"),
        ("gopher://news.example/", "Only http and https"),
        ("http://user:pw@news.example/", "user name or password"),
    ],
)
def test_redirect_to_another_scheme_or_credentials_is_refused(
        public_name: dict[str, list[str]], target: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        fetch_url(f"http://news.example/to?{target}")


def test_redirect_between_allowed_hosts_is_followed(public_name: dict[str, list[str]]) -> None:
    page = fetch_url("http://news.example/to?/chunked-small")
    assert page.url == "http://news.example/chunked-small"
    assert b"fishing boats" in page.body


@pytest.mark.parametrize(
    ("addresses", "reason"),
    [
        (["93.184.216.34", "10.0.0.1"], "private"),
        (["10.0.0.1", "93.184.216.34"], "private"),
        (["2606:4700::1111", "::1"], "loopback"),
        (["93.184.216.34", "fe80::1%eth0"], "link-local"),
        (["93.184.216.34", "::ffff:169.254.169.254"], "link-local"),
    ],
)
def test_a_host_with_any_refused_address_is_refused(
        monkeypatch: pytest.MonkeyPatch, addresses: list[str], reason: str) -> None:
    import socket

    import summarizer.fetch as fetch

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in addresses]

    def no_connection(*args: object) -> object:
        raise AssertionError("a refused host must not be connected to")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch, "_connect", no_connection)
    with pytest.raises(FetchError, match=f"resolves to a {reason} address"):
        fetch_url("http://mixed.example/story")


def test_ipv6_literal_urls(hostile: str) -> None:
    with pytest.raises(FetchError, match="loopback"):
        fetch_url("http://[::1]/story")
    with pytest.raises(FetchError, match="loopback"):
        fetch_url("https://[0:0:0:0:0:0:0:1]:8443/story")
    with pytest.raises(FetchError, match="link-local"):
        fetch_url("http://[fe80::1%eth0]/story")
    with pytest.raises(FetchError, match=r"link-local|could not be found"):
        fetch_url("http://[fe80::1%25eth0]/story")  # the zone id percent-encoded (RFC 6874)


@pytest.mark.parametrize(
    "url",
    ["http://[::1/story", "http://news.example:99999/", "http://news.example:port/",
     "http://\u2100.com/", "http://[not-an-address]/"],
)
def test_malformed_urls_are_fetch_errors(url: str) -> None:
    with pytest.raises(FetchError, match=r"malformed|could not be found"):
        fetch_url(url)


def test_redirect_to_a_malformed_url_is_a_fetch_error(public_name: dict[str, list[str]]) -> None:
    with pytest.raises(FetchError, match="malformed"):
        fetch_url("http://news.example/to?http://[::1/x")


def test_ipv6_literal_url_is_fetched_when_loopback_is_allowed() -> None:
    with contextlib.ExitStack() as stack:
        try:
            base = stack.enter_context(serving(_HostileHandler, host="::1"))
        except OSError:
            pytest.skip("no IPv6 loopback here")
        page = fetch_url(f"{base}/chunked-small", allow_private=True)
    assert b"fishing boats" in page.body


def test_byte_cap_holds_without_a_content_length(hostile: str) -> None:
    # 100 chunks of 10,000 bytes, no Content-Length: only the running count can stop it.
    with pytest.raises(FetchError, match="over 100,000 bytes"):
        fetch_url(f"{hostile}/chunked", allow_private=True, max_bytes=100_000)
    page = fetch_url(f"{hostile}/chunked", allow_private=True, max_bytes=2_000_000)
    assert len(page.body) == 1_000_000


def test_deadline_holds_against_a_server_that_drips(hostile: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        fetch_url(f"{hostile}/drip", allow_private=True, timeout=1.0)
    assert time.monotonic() - started < 3.0  # the drip alone would take 8 s


# --- conditional GET (feed polling): validators sent, 304 seen, guards kept -------------

ETAG = '"v1-abc"'
LAST_MODIFIED = "Tue, 21 May 2024 09:00:00 GMT"


class _ConditionalHandler(BaseHTTPRequestHandler):
    """/etag answers 304 when its ETag comes back; /dated the same for Last-Modified;
    /lies answers 304 to anything; /odd-etag sends a validator not worth keeping."""

    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *args: object) -> None:
        return

    def do_GET(self) -> None:  # the name is the http.server API
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        if self.path == "/etag" and self.headers.get("If-None-Match") == ETAG:
            self._answer(304, b"", {"ETag": ETAG})
        elif self.path == "/etag":
            self._answer(200, ARTICLE_HTML.encode(), {"ETag": ETAG,
                                                      "Last-Modified": LAST_MODIFIED})
        elif self.path == "/dated" and self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self._answer(304, b"", {})  # no validators repeated: the client keeps its own
        elif self.path == "/dated":
            self._answer(200, ARTICLE_HTML.encode(), {"Last-Modified": LAST_MODIFIED})
        elif self.path == "/lies":
            self._answer(304, b"", {})
        elif self.path == "/odd-etag":
            self._answer(200, ARTICLE_HTML.encode(), {"ETag": '"' + "x" * 600 + '"'})
        else:
            self._answer(404, b"", {})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(body)


@pytest.fixture(scope="module")
def conditional() -> Iterator[str]:
    with serving(_ConditionalHandler) as url:
        yield url


def test_a_page_carries_its_validators(conditional: str) -> None:
    page = fetch_url(f"{conditional}/etag", allow_private=True)
    assert (page.status, page.not_modified) == (200, False)
    assert (page.etag, page.last_modified) == (ETAG, LAST_MODIFIED)
    assert b"fishing boats" in page.body


def test_etag_sent_back_gives_not_modified(conditional: str) -> None:
    _ConditionalHandler.seen.clear()
    page = fetch_url(f"{conditional}/etag", allow_private=True,
                     headers={"If-None-Match": ETAG})
    assert page.not_modified and page.body == b""
    assert page.etag == ETAG
    assert _ConditionalHandler.seen[-1]["if-none-match"] == ETAG
    # The fetcher's own headers are still its own.
    assert _ConditionalHandler.seen[-1]["accept-encoding"] == "identity"


def test_last_modified_sent_back_and_kept_when_the_304_does_not_repeat_it(
        conditional: str) -> None:
    page = fetch_url(f"{conditional}/dated", allow_private=True,
                     headers={"if-modified-since": LAST_MODIFIED, "If-None-Match": ""})
    assert page.not_modified
    assert (page.etag, page.last_modified) == (None, LAST_MODIFIED)
    assert "if-none-match" not in _ConditionalHandler.seen[-1]  # empty: not sent


def test_a_stale_validator_gets_the_page(conditional: str) -> None:
    page = fetch_url(f"{conditional}/etag", allow_private=True,
                     headers={"If-None-Match": '"v0-old"'})
    assert page.status == 200 and b"fishing boats" in page.body and page.etag == ETAG


def test_304_to_a_plain_request_is_an_error(conditional: str) -> None:
    with pytest.raises(FetchError, match="304 Not Modified to a plain request"):
        fetch_url(f"{conditional}/lies", allow_private=True)


def test_validators_not_worth_keeping_are_dropped(conditional: str) -> None:
    assert fetch_url(f"{conditional}/odd-etag", allow_private=True).etag is None
    # A stored value with a line break is never sent (it would split the request).
    _ConditionalHandler.seen.clear()
    page = fetch_url(f"{conditional}/etag", allow_private=True,
                     headers={"If-None-Match": '"a"\r\nX-Injected: 1'})
    assert page.status == 200
    assert "x-injected" not in _ConditionalHandler.seen[-1]
    assert "if-none-match" not in _ConditionalHandler.seen[-1]


def test_only_validators_may_be_added() -> None:
    with pytest.raises(ValueError, match="not 'Host'"):
        fetch_url("http://news.example/", headers={"Host": "internal"})


def test_conditional_fetch_keeps_every_guard(conditional: str, hostile: str,
                                            public_name: dict[str, list[str]]) -> None:
    validators = {"If-None-Match": ETAG}
    with pytest.raises(FetchError, match="loopback"):
        fetch_url(f"{conditional}/etag", headers=validators)
    with pytest.raises(FetchError, match="private address"):
        fetch_url("http://news.example/to?http://10.0.0.5/feed", headers=validators)
    assert public_name["addresses"] == ["93.184.216.34"]
    with pytest.raises(FetchError, match="over 100,000 bytes"):
        fetch_url(f"{hostile}/chunked", allow_private=True, max_bytes=100_000,
                  headers=validators)
