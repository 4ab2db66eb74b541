"""Which addresses the bot may fetch: public http(s) addresses only, unless FETCH_ALLOW_INTERNAL
names the host or network.

A feed, a redirect or an item link pointing at 127.0.0.1, `localhost`, a private network or a cloud
metadata address would make the bot read an internal page and show its text to every user. So a
host is resolved once (`getaddrinfo`, off the event loop), every address it resolves to is judged
with `ipaddress` (IPv4 inside IPv6 unwrapped: `::ffff:127.0.0.1`, NAT64 and 6to4 forms are what
they carry), and the host is refused when any one is not public. What the resolver makes of
`2130706433`, `127.1` or `0x7f.1` (127.0.0.1, as a connection would) is what is judged. The caller
connects to the addresses returned, so no second lookup can answer differently (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

import httpx

from bot.ingest.models import IngestError

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

SETTING = "FETCH_ALLOW_INTERNAL"
_NAT64 = IPv6Network("64:ff9b::/96")
_SHARED = IPv4Network("100.64.0.0/10")  # carrier-grade NAT: not private, not public either
_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*"
)
_KINDS = (  # the first that fits names the address in the message; reserved before private (255.255.255.255)
    ("is_loopback", "a loopback address"),
    ("is_unspecified", "an unspecified address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_reserved", "a reserved address"),
    ("is_site_local", "a site-local address"),
    ("is_private", "a private address"),
)


class AddressRefused(IngestError):
    """The address is internal and not allowed; the message is the one line shown to the user."""


@dataclass(frozen=True)
class Allowlist:
    """Hosts (by name, as written in the URL) and networks allowed although internal."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        """From host names, IP addresses and CIDR networks; ValueError names a bad entry."""
        names: set[str] = set()
        networks: list[Network] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ip_network(entry.removeprefix("[").removesuffix("]"), strict=False))
                continue
            except ValueError:
                pass
            name = entry.rstrip(".")
            if not _HOST_NAME.fullmatch(name):
                raise ValueError(
                    "wanted host names, IP addresses or networks separated by commas, e.g. "
                    f"127.0.0.1,10.0.0.0/8,feeds.lan ({raw.strip()!r} is none of them)"
                )
            names.add(name)
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def allows_address(self, address: IPAddress) -> bool:
        inner = embedded_ipv4(address)
        return any(address in net or (inner is not None and inner in net) for net in self.networks)


def embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, NAT64 64:ff9b::/96, 6to4), if any."""
    if not isinstance(address, IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def non_public(address: IPAddress) -> str | None:
    """What makes an address internal ("a loopback address"); None when it is public."""
    inner = embedded_ipv4(address)
    judged = inner if inner is not None else address
    kind = next((kind for attribute, kind in _KINDS if getattr(judged, attribute, False)), None)
    if kind is None and judged in _SHARED:
        kind = "a shared (carrier-grade NAT) address"
    elif kind is None and not judged.is_global:
        kind = "a non-public address"
    if kind is None:
        return None
    return kind if inner is None else f"{kind} ({inner} inside it)"


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses `host` stands for: an IP literal as it is, anything else as the system
    resolver answers it (numeric spellings such as `2130706433` included), off the event loop.
    OSError (socket.gaierror) when it resolves to nothing."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    answers = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = list(dict.fromkeys(ip_address(str(sockaddr[0])) for *_rest, sockaddr in answers))
    if not found:
        raise socket.gaierror(f"{host} resolves to no address")
    return found


async def checked_addresses(host: str, port: int, allow: Allowlist) -> list[IPAddress]:
    """The addresses to connect to for `host`, every one allowed: AddressRefused when any is
    internal and neither the host nor the address is in `allow`."""
    addresses = await resolve(host, port)
    if allow.allows_name(host):
        return addresses
    for address in addresses:
        kind = non_public(address)
        if kind is not None and not allow.allows_address(address):
            said = f"is {kind}" if _literal(host) == address else f"resolves to {address}, {kind}"
            raise AddressRefused(f"refused: {host} {said} (set {SETTING} to allow it)")
    return addresses


async def check_url(url: str, allow: Allowlist) -> list[IPAddress]:
    """`checked_addresses` for the host of an http(s) URL; IngestError when it is not one."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise IngestError(f"invalid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        raise IngestError("not an http(s) URL")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return await checked_addresses(parsed.raw_host.decode("ascii"), port, allow)
