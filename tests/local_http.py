"""A real HTTP server on loopback for the tests that fetch URLs (core and bot)."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    """A test server that does not print a traceback when a client hangs up early (which
    the fetcher does on purpose at its limits)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class QuietServerV6(QuietServer):
    address_family = socket.AF_INET6


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `handler` on a free port of `host` in a thread; yields the base URL.

    Raises:
        OSError: `host` cannot be bound (e.g. no IPv6 loopback).
    """
    server_class = QuietServerV6 if ":" in host else QuietServer
    httpd = server_class((host, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
