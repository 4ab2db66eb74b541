"""HTTP fetching with the limits every source needs: timeouts, a size cap, a redirect limit,
conditional GET, a short retry for errors that are worth retrying, and only public addresses.

Every TCP connection, the first and each redirect's, goes through `_CheckedBackend`: the host is
resolved once and judged (`bot.ingest.addresses`), and the socket goes to an address that was
judged, so no second lookup can answer differently; TLS still verifies the host name (SNI and
certificate), as the connection pool starts TLS with the name from the URL.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from bot.ingest.addresses import Allowlist, checked_addresses
from bot.ingest.models import IngestError
from bot.text import cut

MAX_REDIRECTS = 5
RETRY_STATUSES = {502, 503, 504}


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return self.content.decode(self.charset or "utf-8", errors="replace")

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'")
        return None


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own network backend, connecting only to addresses `checked_addresses` allowed
    (AddressRefused otherwise, which passes through httpcore and httpx as it is)."""

    def __init__(self, allow: Allowlist) -> None:
        self._allow = allow
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await checked_addresses(host, port, self._allow)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no address for {host} within {timeout:g} s") from None
        except OSError as exc:  # the name does not resolve
            raise httpcore.ConnectError(str(exc)) from exc
        *others, last = addresses  # tried in the resolver's order, as a connection by name would
        for address in others:
            with contextlib.suppress(httpcore.ConnectError):
                return await self._backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
        return await self._backend.connect_tcp(str(last), port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool on `_CheckedBackend`. httpx 0.28 takes no network
    backend (encode/httpx#3749 adds one), so the pool it builds is replaced by one built alike."""

    def __init__(self, allow: Allowlist) -> None:
        super().__init__()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,  # httpx's default limits
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_CheckedBackend(allow),
        )


class Fetcher:
    """One shared async HTTP client. `get` returns a Response or raises IngestError with one line.
    Only public addresses are fetched, and those `allow_internal` names (host names, IP addresses,
    CIDR networks: FETCH_ALLOW_INTERNAL); an internal one raises AddressRefused."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 5_000_000,
        user_agent: str = "digestbot",
        attempts: int = 2,
        concurrency: int = 8,
        allow_internal: Iterable[str] = (),
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.attempts = attempts
        self._limit = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(
            transport=_CheckedTransport(Allowlist.parse(allow_internal)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": user_agent},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=4),
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            reraise=True,
        )
        try:
            async with self._limit:
                async for attempt in retrying:
                    with attempt:
                        return await self._get_once(url, headers)
        except _Retryable as exc:
            raise IngestError(exc.reason) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        try:
            # A total deadline as well: the per-read timeout alone lets a trickling server hold us.
            async with asyncio.timeout(self.timeout * 2):
                return await self._stream(url, headers)
        except TimeoutError:
            raise IngestError(f"no complete answer within {self.timeout * 2:g} s") from None
        except httpx.TooManyRedirects:
            raise IngestError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
        except httpx.TimeoutException:
            raise IngestError(f"the server did not answer within {self.timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise _Retryable(f"could not connect: {_short(exc)}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"the connection broke: {_short(exc)}") from None
        except httpx.UnsupportedProtocol:
            raise IngestError("not an http(s) URL") from None
        except httpx.InvalidURL as exc:
            raise IngestError(f"invalid URL: {_short(exc)}") from None
        except httpx.HTTPError as exc:
            raise IngestError(f"HTTP error: {_short(exc)}") from None

    async def _stream(self, url: str, headers: dict[str, str]) -> Response:
        async with self._client.stream("GET", url, headers=headers) as response:
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(f"HTTP {response.status_code} {response.reason_phrase}")
            if response.status_code >= 400:
                raise IngestError(f"HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise IngestError(
                    f"too large: {_megabytes(int(declared))}, the cap is {_megabytes(self.max_bytes)}"
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise IngestError(f"too large: over the {_megabytes(self.max_bytes)} cap")
                chunks.append(chunk)
            return Response(
                url=str(response.url),
                status=response.status_code,
                content=b"".join(chunks),
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return cut(text, 200)
