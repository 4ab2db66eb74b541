"""The bot fetches no internal address unless FETCH_ALLOW_INTERNAL allows it: not a feed, not the
target of a redirect, not an item's link, not a source added by `digestbot sources add` or
/addsource; and it connects to the address it checked, TLS still verifying the host name.
Real HTTP(S) on loopback, on both databases; names other than `localhost` are answered by a
stand-in resolver, never by DNS."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.ingest.http import Fetcher
from bot.ingest.models import IngestError, Status
from bot.ingest.pipeline import Ingestor
from bot.ingest.report import headline
from bot.render.terminal import render_text
from storage.articles import count_articles
from storage.db import Database
from tests.support.webserver import LocalWebServer, resolving
from tests.support.wikinews import article_page, load_corpus, rss_feed

HINT = "(set FETCH_ALLOW_INTERNAL to allow it)"
RSS = "application/rss+xml"
ADMIN = Chat(id=900, admin=True)


def serve_feed(web: LocalWebServer, path: str = "/feed.xml") -> str:
    article = load_corpus()[0]
    web.add(f"/news/{article.slug}", article_page(article))
    return web.add(path, rss_feed([article], web.url("/news/{slug}")), content_type=RSS)


@pytest.fixture
def no_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FETCH_ALLOW_INTERNAL", raising=False)


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost resolves to 127.0.0.1, a loopback address"),
        ("2130706433", "2130706433 resolves to 127.0.0.1, a loopback address"),
        ("127.1", "127.1 resolves to 127.0.0.1, a loopback address"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address (127.0.0.1 inside it)"),
    ],
)
async def test_a_feed_on_an_internal_address_is_refused_in_one_line_and_never_requested(
    db: Database, web: LocalWebServer, host: str, said: str
):
    url = serve_feed(web).replace("127.0.0.1", host)
    async with Fetcher(timeout=2, attempts=1) as fetcher:
        summary = await Ingestor(db, fetcher, max_file_bytes=1_000_000).ingest_url(url)
    [outcome] = summary.outcomes
    assert (outcome.status, outcome.reason) == (Status.FAILED, f"refused: {said} {HINT}")
    assert web.requests == []
    with db.session() as session:
        assert count_articles(session) == 0


@pytest.mark.parametrize(
    ("allowed", "start", "target", "said"),
    [
        ("127.0.0.1", "127.0.0.1", "[::1]", "::1 is a loopback address"),
        ("localhost", "localhost", "127.0.0.1", "127.0.0.1 is a loopback address"),
    ],
)
async def test_a_redirect_from_an_allowed_host_to_an_internal_one_is_refused(
    web: LocalWebServer, allowed: str, start: str, target: str, said: str
):
    serve_feed(web)
    web.add("/moved", redirect_to=f"http://{target}:{web.port}/feed.xml")
    async with Fetcher(timeout=2, attempts=1, allow_internal=(allowed,)) as fetcher:
        with pytest.raises(IngestError) as refused:
            await fetcher.get(f"http://{start}:{web.port}/moved")
    assert str(refused.value) == f"refused: {said} {HINT}"
    assert len(web.hits("/moved")) == 1 and web.hits("/feed.xml") == []


async def test_a_redirect_to_an_allowed_host_is_followed_to_the_end(web: LocalWebServer):
    serve_feed(web)
    web.add("/moved", redirect_to=web.url("/feed.xml"))
    async with Fetcher(timeout=2, attempts=1, allow_internal=("localhost", "127.0.0.1")) as fetcher:
        response = await fetcher.get(f"http://localhost:{web.port}/moved")
    assert (response.status, response.url) == (200, web.url("/feed.xml"))


async def test_an_item_linking_to_an_internal_address_is_skipped_and_the_rest_stored(
    db: Database, web: LocalWebServer
):
    corpus = load_corpus()[:3]
    for article in corpus:
        web.add(f"/news/{article.slug}", article_page(article))
    allowed = f"http://localhost:{web.port}"  # the feed's host, as the allowlist names it
    by_ip = web.url(f"/news/{corpus[1].slug}")  # the same server, spelled otherwise
    by_number = f"http://2130706433:{web.port}/news/{corpus[2].slug}"
    feed = rss_feed(corpus, allowed + "/news/{slug}")
    feed = feed.replace(f"{allowed}/news/{corpus[1].slug}", by_ip)
    feed = feed.replace(f"{allowed}/news/{corpus[2].slug}", by_number)
    web.add("/feed.xml", feed, content_type=RSS)

    async with Fetcher(timeout=2, attempts=1, allow_internal=("localhost",)) as fetcher:
        summary = await Ingestor(db, fetcher, max_file_bytes=1_000_000).ingest_url(f"{allowed}/feed.xml")

    assert headline(summary) == "Ingested 3 input(s): 1 new, 2 skipped"
    reasons = {o.target: (o.status, o.reason) for o in summary.outcomes}
    assert reasons[f"{allowed}/news/{corpus[0].slug}"] == (Status.NEW, None)
    assert reasons[by_ip] == (Status.SKIPPED, f"refused: 127.0.0.1 is a loopback address {HINT}")
    assert reasons[by_number] == (
        Status.SKIPPED,
        f"refused: 2130706433 resolves to 127.0.0.1, a loopback address {HINT}",
    )
    assert web.hits(f"/news/{corpus[1].slug}") == [] and web.hits(f"/news/{corpus[2].slug}") == []
    with db.session() as session:
        assert count_articles(session) == 1


def test_sources_add_refuses_an_internal_url_with_exit_2_unless_allowed(
    db: Database, web: LocalWebServer, monkeypatch: pytest.MonkeyPatch, capsys, no_allowlist
):
    monkeypatch.setenv("DATABASE_URL", db.url)
    feed = serve_feed(web)
    for flags in ([], ["--no-check"], ["--page"]):
        assert main(["sources", "add", feed, *flags]) == 2
        assert (
            capsys.readouterr().err == f"Not added: {feed}: refused: 127.0.0.1 is a loopback address {HINT}\n"
        )
    assert web.requests == []
    assert main(["sources", "list"]) == 0
    assert "No sources yet" in capsys.readouterr().out

    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", "127.0.0.0/8")
    assert main(["sources", "add", feed]) == 0
    assert f"Added source #1 (feed, every 30 min): {feed}" in capsys.readouterr().out


def test_a_bad_allowlist_stops_the_bot_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", "127.0.0.1, http://feeds.lan")
    assert main(["sources", "list"]) == 2
    assert capsys.readouterr().err == (
        "digestbot: setting FETCH_ALLOW_INTERNAL: wanted host names, IP addresses or networks separated "
        "by commas, e.g. 127.0.0.1,10.0.0.0/8,feeds.lan ('http://feeds.lan' is none of them)\n"
    )


def test_addsource_refuses_an_internal_address_unless_allowed(
    db: Database, web: LocalWebServer, monkeypatch: pytest.MonkeyPatch, no_allowlist
):
    feed = serve_feed(web)

    def say(text: str) -> str:
        with db.session() as session:
            reply = handle_text(session, ADMIN, text)
            assert reply is not None
            return render_text(reply)

    assert f"Not added: {feed}: refused: 127.0.0.1 is a loopback address {HINT}." in say(f"/addsource {feed}")
    assert web.requests == []
    assert "No sources yet" in say("/sources")
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", "127.0.0.1")
    assert "Added source #1" in say(f"/addsource {feed}")


async def test_the_connection_goes_to_the_address_that_was_checked(
    web: LocalWebServer, monkeypatch: pytest.MonkeyPatch
):
    serve_feed(web)
    # DNS rebinding: the first answer is allowed (127.0.0.1 standing in for a public address), any
    # later one internal (127.0.0.2, where nothing listens). One lookup, and the fetch uses it.
    asked = resolving(monkeypatch, "feeds.example", ["127.0.0.1"], ["127.0.0.2"])
    url = f"http://feeds.example:{web.port}/feed.xml"
    async with Fetcher(timeout=2, attempts=1, allow_internal=("127.0.0.1",)) as fetcher:
        response = await fetcher.get(url)
    assert (response.status, response.url) == (200, url)
    assert len(asked) == 1
    assert web.requests[0].headers["host"] == f"feeds.example:{web.port}"  # spoken to by name


async def test_a_name_resolving_to_an_internal_address_first_is_never_connected_to(
    web: LocalWebServer, monkeypatch: pytest.MonkeyPatch
):
    serve_feed(web)
    resolving(monkeypatch, "feeds.example", ["127.0.0.2"], ["127.0.0.1"])
    async with Fetcher(timeout=2, attempts=1, allow_internal=("127.0.0.1",)) as fetcher:
        with pytest.raises(IngestError) as refused:
            await fetcher.get(f"http://feeds.example:{web.port}/feed.xml")
    assert str(refused.value) == f"refused: feeds.example resolves to 127.0.0.2, a loopback address {HINT}"
    assert web.requests == []


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cert, key = self_signed(tmp_path, "feeds.example")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted, for feeds.example only
    resolving(monkeypatch, "feeds.example", "127.0.0.1")
    resolving(monkeypatch, "other.example", "127.0.0.1")
    server = LocalWebServer(tls=(cert, key)).start()
    try:
        server.add("/feed.xml", "<rss version='2.0'><channel><title>x</title></channel></rss>")
        async with Fetcher(timeout=2, attempts=1, allow_internal=("127.0.0.1",)) as fetcher:
            response = await fetcher.get(f"https://feeds.example:{server.port}/feed.xml")
            assert response.status == 200
            with pytest.raises(IngestError, match=r"could not connect: .*certificate verify failed"):
                await fetcher.get(f"https://other.example:{server.port}/feed.xml")
    finally:
        server.stop()
