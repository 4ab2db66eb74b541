"""Which addresses the bot may fetch: internal ones are refused however they are spelled, public
ones are fetched, and FETCH_ALLOW_INTERNAL allows exactly the hosts and networks it names.
No test here needs the internet: literals need no lookup, and `localhost` is the only name resolved
for real (others are answered by a stand-in resolver)."""

from __future__ import annotations

import threading
from ipaddress import ip_address

import pytest

from bot.ingest.addresses import AddressRefused, Allowlist, check_url, checked_addresses
from bot.ingest.models import IngestError
from tests.support.webserver import resolving

NOTHING = Allowlist()
HINT = "(set FETCH_ALLOW_INTERNAL to allow it)"


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.1", "a loopback address"),  # short form
        ("2130706433", "a loopback address"),  # decimal
        ("0177.0.0.1", "a loopback address"),  # octal
        ("0x7f.1", "a loopback address"),  # hex
        ("0x7f000001", "a loopback address"),
        ("localhost", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address (127.0.0.1 inside it)"),  # IPv4-mapped
        ("64:ff9b::7f00:1", "a loopback address (127.0.0.1 inside it)"),  # NAT64
        ("2002:7f00:1::", "a loopback address (127.0.0.1 inside it)"),  # 6to4
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.254", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fc00::1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata
        ("fe80::1", "a link-local address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("255.255.255.255", "a reserved address"),
        ("240.0.0.1", "a reserved address"),
        ("::ffff:10.0.0.1", "a private address (10.0.0.1 inside it)"),
    ],
)
async def test_internal_addresses_are_refused_however_spelled(host: str, kind: str):
    with pytest.raises(AddressRefused) as refused:
        await checked_addresses(host, 80, NOTHING)
    message = str(refused.value)
    assert message.startswith(f"refused: {host} ") and message.endswith(f"{kind} {HINT}")
    assert "\n" not in message


async def test_the_message_says_what_a_name_resolves_to():
    with pytest.raises(AddressRefused) as refused:
        await checked_addresses("localhost", 80, NOTHING)
    assert str(refused.value) == f"refused: localhost resolves to 127.0.0.1, a loopback address {HINT}"
    with pytest.raises(AddressRefused) as refused:
        await checked_addresses("2130706433", 80, NOTHING)
    assert str(refused.value) == f"refused: 2130706433 resolves to 127.0.0.1, a loopback address {HINT}"
    with pytest.raises(AddressRefused) as refused:
        await checked_addresses("169.254.169.254", 80, NOTHING)
    assert str(refused.value) == f"refused: 169.254.169.254 is a link-local address {HINT}"


@pytest.mark.parametrize(
    "host",
    [
        "93.184.215.14",
        "2606:4700::1111",
        "64:ff9b::5db8:d70e",  # NAT64 of 93.184.215.14
        "::ffff:93.184.215.14",
        "2002:5db8:d70e::",  # 6to4 of 93.184.215.14
    ],
)
async def test_public_addresses_are_fetched_and_returned_to_connect_to(host: str):
    assert await checked_addresses(host, 443, NOTHING) == [ip_address(host)]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://2130706433/feed.xml", "refused: 2130706433 resolves to 127.0.0.1"),
        ("http://127.1:8080/feed.xml", "refused: 127.1 resolves to 127.0.0.1"),
        ("https://0x7f.1/", "refused: 0x7f.1 resolves to 127.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "refused: ::ffff:127.0.0.1 is a loopback address"),
        ("http://LOCALHOST:8000/", "refused: localhost resolves to 127.0.0.1"),
        # httpx itself rejects a dotted-quad spelling with leading zeros: never fetched either.
        ("http://0177.0.0.1/", "invalid URL: Invalid IPv4 address"),
        ("ftp://93.184.215.14/feed.xml", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
    ],
)
async def test_a_url_is_judged_by_its_host_as_httpx_reads_it(url: str, reason: str):
    with pytest.raises(IngestError) as refused:
        await check_url(url, NOTHING)
    assert str(refused.value).startswith(reason)


async def test_a_public_url_passes():
    assert await check_url("https://[2606:4700::1111]:8443/feed", NOTHING) == [ip_address("2606:4700::1111")]


async def test_an_allowed_host_name_allows_that_name_only():
    allow = Allowlist.parse(["localhost"])
    assert await checked_addresses("localhost", 80, allow) == [ip_address("127.0.0.1")]
    for other_spelling in ("127.0.0.1", "127.1", "2130706433", "::1"):
        with pytest.raises(AddressRefused):
            await checked_addresses(other_spelling, 80, allow)


async def test_an_allowed_ip_address_allows_that_address_however_reached():
    allow = Allowlist.parse(["127.0.0.1"])
    for spelling in ("127.0.0.1", "127.1", "2130706433", "::ffff:127.0.0.1"):
        assert await checked_addresses(spelling, 80, allow)
    for other in ("127.0.0.2", "::1", "10.0.0.1"):
        with pytest.raises(AddressRefused):
            await checked_addresses(other, 80, allow)


async def test_an_allowed_network_allows_the_addresses_in_it():
    allow = Allowlist.parse(["10.0.0.0/8", "fd00::/8", "[::1]"])
    for inside in ("10.0.0.1", "10.255.255.254", "fd12::1", "::1"):
        assert await checked_addresses(inside, 80, allow)
    for outside in ("172.16.0.1", "192.168.0.1", "fc00::1", "127.0.0.1", "169.254.169.254"):
        with pytest.raises(AddressRefused):
            await checked_addresses(outside, 80, allow)


@pytest.mark.parametrize("entry", ["http://feeds.lan", "10.0.0.0/33", "feeds lan", "feeds.lan:8080", "-x"])
def test_a_bad_allowlist_entry_is_named(entry: str):
    with pytest.raises(ValueError, match="wanted host names, IP addresses or networks") as bad:
        Allowlist.parse([entry])
    assert repr(entry) in str(bad.value)


async def test_a_name_is_refused_when_any_of_its_addresses_is_internal(monkeypatch: pytest.MonkeyPatch):
    resolving(monkeypatch, "news.example", "93.184.215.14", "10.0.0.7")
    with pytest.raises(AddressRefused) as refused:
        await checked_addresses("news.example", 80, NOTHING)
    assert str(refused.value) == f"refused: news.example resolves to 10.0.0.7, a private address {HINT}"


async def test_names_are_resolved_off_the_event_loop(monkeypatch: pytest.MonkeyPatch):
    threads = resolving(monkeypatch, "news.example", "93.184.215.14", "2606:4700::1111")
    addresses = await checked_addresses("news.example", 80, NOTHING)
    assert addresses == [ip_address("93.184.215.14"), ip_address("2606:4700::1111")]
    assert len(threads) == 1 and threads[0] != threading.get_ident()
