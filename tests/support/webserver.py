"""A real HTTP server on 127.0.0.1 that tests program route by route.

It behaves like the servers ingestion meets: conditional GET (ETag / Last-Modified answered with
304), errors, redirects, slow or silent servers, and huge bodies. Every request is recorded so a
test can check what the client sent.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HANG_LIMIT_SECONDS = 30  # a "silent" route never answers, but never holds a thread past this
# The allowlist (Fetcher(allow_internal=...), FETCH_ALLOW_INTERNAL) a test needs to fetch from this server:
# the bot refuses internal addresses by default.
LOOPBACK = ("127.0.0.1", "::1", "localhost")
LOOPBACK_SETTING = ",".join(LOOPBACK)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    redirect_to: str | None = None
    hang: bool = False
    stream_bytes: int = 0  # send this many bytes without a Content-Length
    declare_length: int | None = None  # a Content-Length header that may lie
    headers: dict[str, str] = field(default_factory=dict)
    held: threading.Event | None = None  # answer only once the test sets it (at most HANG_LIMIT_SECONDS)


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class LocalWebServer:
    def __init__(self, *, tls: tuple[Path, Path] | None = None) -> None:
        """`tls`: a certificate and its key file, to serve https instead of http."""
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._answer(self, route)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes | str = b"", **kwargs: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> LocalWebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler, route: Route | None) -> None:
        if route is None:
            self._send(handler, 404, b"not found", "text/plain")
            return
        if route.hang:
            self._stopping.wait(HANG_LIMIT_SECONDS)
            return
        if route.held is not None:
            route.held.wait(HANG_LIMIT_SECONDS)
        if route.redirect_to is not None:
            handler.send_response(302)
            handler.send_header("Location", route.redirect_to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            self._send(handler, 304, b"", None)
            return
        if route.last_modified and handler.headers.get("If-Modified-Since") == route.last_modified:
            self._send(handler, 304, b"", None)
            return
        if route.stream_bytes:
            handler.send_response(route.status)
            handler.send_header("Content-Type", route.content_type)
            handler.send_header("Connection", "close")
            handler.end_headers()
            chunk = b"<p>" + b"x" * 65_530 + b"</p>"
            sent = 0
            deadline = time.monotonic() + HANG_LIMIT_SECONDS
            while sent < route.stream_bytes and time.monotonic() < deadline and not self._stopping.is_set():
                handler.wfile.write(chunk)
                sent += len(chunk)
            handler.close_connection = True
            return
        extra = dict(route.headers)
        if route.etag:
            extra["ETag"] = route.etag
        if route.last_modified:
            extra["Last-Modified"] = route.last_modified
        self._send(handler, route.status, route.body, route.content_type, extra, route.declare_length)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str] | None = None,
        declare_length: int | None = None,
    ) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header(
            "Content-Length", str(declare_length if declare_length is not None else len(body))
        )
        handler.end_headers()
        if status != 304 and body:
            handler.wfile.write(body)
        if declare_length is not None:
            handler.close_connection = True


def resolving(monkeypatch: pytest.MonkeyPatch, name: str, *answers: str | list[str]) -> list[int]:
    """The system resolver answering `name` (no DNS, no internet): with `answers` in turn when each
    is a list of addresses (the last one again after that), else with all of `answers` at once.
    Returns the list of threads it was asked in, one entry per lookup."""
    real = socket.getaddrinfo
    rounds = [a for a in answers if isinstance(a, list)] or [[a for a in answers if isinstance(a, str)]]
    asked: list[int] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host != name:
            return real(host, port, *args, **kwargs)
        asked.append(threading.get_ident())
        addresses = rounds[min(len(asked), len(rounds)) - 1]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked
