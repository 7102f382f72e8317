"""Fetching an article from an http(s) URL, safely.

The bot fetches URLs that anyone in a server chooses, so this refuses to become a way into
the host's network: the host name is resolved once, every address is checked (loopback,
private, link-local, multicast, reserved: IPv4 and IPv6), and the connection goes to the
checked address, so a second DNS answer cannot swap in another. Redirects are followed by
hand, each hop checked again. Time, bytes and redirects are capped, and only HTML or text
content is accepted.

A caller that polls (feeds) sends the validators of its previous fetch (`If-None-Match`,
`If-Modified-Since`); a 304 Not Modified then comes back as a `Page` with no body, and every
page carries the ETag and Last-Modified it was served with.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from summarizer.errors import FetchError, printable

USER_AGENT = "article-briefing/0.1 (+https://github.com/article-briefing)"
_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# Headers a caller may add: the conditional-GET validators. The others stay the fetcher's own
# (Host is the checked URL's; Accept-Encoding identity, since bodies are never decoded here).
_CALLER_HEADERS = ("if-none-match", "if-modified-since")
# A validator is echoed back to the server on the next poll and stored until then: a value
# that is long or not printable ASCII is a hostile server's, and is not kept.
MAX_VALIDATOR_CHARS = 512


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    content_type: str
    status: int = 200
    etag: str | None = None  # the response's validators, for the next conditional fetch
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A 304 to a conditional fetch: what the caller has is still current (no body)."""
        return self.status == 304


def fetch_url(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
    accept: tuple[str, ...] = _ACCEPTED_TYPES,
    headers: Mapping[str, str] | None = None,
) -> Page:
    """Fetch `url` and return its body.

    Args:
        allow_private: allow loopback and private addresses (tests and local use only).
        accept: the content types (prefixes) taken; pages by default, feeds add theirs.
        headers: conditional-GET validators to send (`If-None-Match`, `If-Modified-Since`),
            on every hop; with one of them, a 304 answer is a `Page` whose `not_modified`
            is true and whose body is empty.

    Raises:
        FetchError: bad scheme, refused address, network failure, HTTP error, wrong content
            type, too large, too slow, too many redirects, or a 304 to a plain request.
        ValueError: `headers` names a header other than the two validators.
    """
    extra = _caller_headers(headers or {})
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(max_redirects + 1):
        response_status, received, body = _get_once(current, deadline, max_bytes,
                                                    allow_private, extra)
        if response_status in (301, 302, 303, 307, 308):
            location = received.get("location")
            if not location:
                raise FetchError(f"The server redirected without a location ({response_status}).")
            try:
                current = urljoin(current, location)
            except ValueError as error:  # a malformed location ("http://[::1/"), see below
                raise FetchError("The server redirected to a malformed URL.") from error
            continue
        etag = _validator(received.get("etag"))
        last_modified = _validator(received.get("last-modified"))
        if response_status == 304:
            if not extra:
                raise FetchError("The server answered 304 Not Modified to a plain request.")
            # The validators sent are still the current ones when the 304 does not repeat them.
            return Page(url=current, body=b"", content_type="", status=304,
                        etag=etag or extra.get("If-None-Match"),
                        last_modified=last_modified or extra.get("If-Modified-Since"))
        if response_status >= 400:
            raise FetchError(f"The server answered HTTP {response_status} for that URL.")
        content_type = received.get("content-type", "").split(";")[0].strip().lower()
        if content_type and not content_type.startswith(accept):
            # The header is the server's text: made printable and cut before it is echoed.
            raise FetchError(
                f"The URL returned {printable(content_type, 60)}, not an HTML or text page."
            )
        return Page(url=current, body=body, content_type=content_type or "text/html",
                    status=response_status, etag=etag, last_modified=last_modified)
    raise FetchError(f"Too many redirects (more than {max_redirects}).")


def _caller_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The validators to send, by their canonical names. A value that `_validator` would
    not keep is left out, so no stored value can smuggle a line break into the request."""
    extra: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() not in _CALLER_HEADERS:
            raise ValueError(f"fetch_url sends only {', '.join(_CALLER_HEADERS)}, not {name!r}")
        kept = _validator(value)
        if kept is not None:
            canonical = "If-None-Match" if name.lower() == "if-none-match" else "If-Modified-Since"
            extra[canonical] = kept
    return extra


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth keeping: printable ASCII, not too long."""
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > MAX_VALIDATOR_CHARS or not all(
            " " <= c <= "~" for c in value):
        return None
    return value


def _get_once(
    url: str, deadline: float, max_bytes: int, allow_private: bool,
    extra_headers: Mapping[str, str],
) -> tuple[int, dict[str, str], bytes]:
    try:
        # urlsplit and .port raise ValueError on an unclosed "[::1", a port out of range or
        # not a number, or a host that changes under NFKC: the user's URL, not our bug.
        parts = urlsplit(url)
        explicit_port = parts.port
    except ValueError as error:
        raise FetchError("The URL is malformed (check its host name and port).") from error
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"Only http and https URLs can be fetched, not {parts.scheme or 'this'}.")
    if not parts.hostname:
        raise FetchError("The URL has no host name.")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are not fetched.")
    port = explicit_port or (443 if parts.scheme == "https" else 80)
    address = resolve_checked(parts.hostname, port, allow_private)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("The URL took too long to answer.")
    connection = _connect(parts.scheme, parts.hostname, address, port, remaining)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # The socket timeout bounds each wait, not the whole exchange: a server that drips a
    # byte at a time (in the headers or the body) would never trip it. The watchdog shuts
    # the socket down at the deadline, which ends any read in progress.
    expired = threading.Event()
    watchdog = threading.Timer(remaining, _expire, (connection, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        if expired.is_set():
            raise FetchError("The URL took too long to answer.")
        connection.request(
            "GET",
            path,
            headers={
                "Host": parts.netloc.rsplit("@", 1)[-1],
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
                "Accept-Encoding": "identity",
                **extra_headers,
            },
        )
        response = connection.getresponse()
        headers = {key.lower(): value for key, value in response.getheaders()}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"The page is {int(declared):,} bytes; the limit is {max_bytes:,}.")
        body = bytearray()
        # read1, not read: read(n) waits until it has all n bytes.
        while chunk := response.read1(65536):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise FetchError(f"The page is over {max_bytes:,} bytes, the limit.")
            if time.monotonic() > deadline:
                raise FetchError("The URL took too long to answer.")
        if expired.is_set():  # the watchdog's shutdown reads as the end of the body
            raise FetchError("The URL took too long to answer.")
        return response.status, headers, bytes(body)
    except TimeoutError as error:
        raise FetchError("The URL took too long to answer.") from error
    except (OSError, http.client.HTTPException) as error:
        if expired.is_set():
            raise FetchError("The URL took too long to answer.") from error
        raise FetchError(f"Could not fetch the URL: {type(error).__name__}.") from error
    finally:
        watchdog.cancel()
        connection.close()


def _expire(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    sock = connection.sock
    if sock is not None:
        # The plain socket's shutdown, also for TLS: it unblocks the reading thread without
        # touching the TLS state that thread is using. OSError: it was closed already.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def resolve_checked(host: str, port: int, allow_private: bool) -> str:
    """Resolve `host` and return one address that is safe to connect to.

    Raises:
        FetchError: the name does not resolve, or any address it resolves to is refused.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"The host {host!r} could not be found.") from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"The host {host!r} could not be found.")
    for address in addresses:
        reason = refused_reason(address, allow_private)
        if reason:
            raise FetchError(f"Refused to fetch from {host!r}: it resolves to a {reason} address.")
    return addresses[0]


def refused_reason(address: str, allow_private: bool = False) -> str | None:
    """Why an address may not be fetched from, or None when it may."""
    ip = _embedded_ipv4(ipaddress.ip_address(address.split("%", 1)[0]))
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if allow_private and (ip.is_loopback or ip.is_private or ip.is_link_local):
        return None
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address
                   ) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 address carries and routes to, when it carries one:
    IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002:AABB:CCDD::) and NAT64 (64:ff9b::a.b.c.d).
    Checking the IPv6 form alone would let 2002:7f00:1:: reach 127.0.0.1."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def _connect(
    scheme: str, host: str, address: str, port: int, timeout: float
) -> http.client.HTTPConnection:
    if scheme == "http":
        return http.client.HTTPConnection(address, port, timeout=timeout)
    return _PinnedHTTPSConnection(host, address, port, timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate still verified for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = sock  # for the watchdog to shut down during a handshake that drags on
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(sock, server_hostname=self.host)
