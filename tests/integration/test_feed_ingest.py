"""Feeds: every format read, full text fetched when the feed has only a summary, conditional GET
honoured, one broken feed never stopping the others, and nothing stored twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.ingest.http import Fetcher
from bot.ingest.models import Status
from bot.ingest.pipeline import Ingestor
from bot.ingest.report import summary_lines
from storage.articles import count_articles
from storage.db import Database
from storage.models import Article, Source, SourceKind, SourceState
from storage.sources import FAILING_AFTER, add_source
from tests.support.webserver import LOOPBACK, LOOPBACK_SETTING, LocalWebServer
from tests.support.wikinews import article_page, load_corpus, rss_feed

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def fetcher() -> Fetcher:
    return Fetcher(timeout=2.0, max_bytes=1_000_000, attempts=1, allow_internal=LOOPBACK)


def serve_fixture(web: LocalWebServer, name: str, content_type: str = "application/xml") -> str:
    body = (FEEDS / name).read_text(encoding="utf-8").replace("{base}", web.url(""))
    return web.add(
        f"/{name}",
        body.encode("latin-1" if "ISO-8859-1" in body[:60] else "utf-8"),
        content_type=content_type,
    )


def register_feed(db: Database, url: str) -> int:
    with db.session() as session:
        return add_source(session, kind=SourceKind.FEED, location=url, name=None, interval_minutes=30).id


def stored(db: Database) -> list[Article]:
    with db.session() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


async def test_wikinews_corpus_served_as_a_feed_is_stored_once(db: Database, web: LocalWebServer):
    """The whole corpus as one feed: every article with text stored, the empty test page reported
    as skipped with its reason (the lines `digestbot ingest` prints); a second run stores nothing
    and fetches no stored item's page again. Storing only: extracting is the next test's."""
    corpus = load_corpus()
    for article in corpus:
        web.add(f"/news/{article.slug}", article_page(article))
    feed_url = web.add(
        "/wikinews.xml", rss_feed(corpus, web.url("/news/{slug}")), content_type="application/rss+xml"
    )
    async with fetcher() as f:
        ingestor = Ingestor(db, f, max_file_bytes=1_000_000)
        first = "\n".join(summary_lines(await ingestor.ingest_targets([feed_url])))
        assert "Ingested 295 input(s): 294 new, 1 skipped" in first
        assert "test-page-self-publish-yesterday: no article text found" in first
        assert len(stored(db)) == 294

        second = "\n".join(summary_lines(await ingestor.ingest_targets([feed_url])))
        assert "0 new, 294 duplicate, 1 skipped" in second
        assert len(stored(db)) == 294
    # Pages of stored items are not fetched again: 295 on the first run, the skipped one again.
    assert sum(len(web.hits(f"/news/{a.slug}")) for a in corpus) == 296


def test_digestbot_ingest_of_a_feed_stores_and_extracts_its_items(
    db: Database, web: LocalWebServer, monkeypatch, capsys
):
    corpus = [a for a in load_corpus() if a.text.strip()][:3]
    for article in corpus:
        web.add(f"/news/{article.slug}", article_page(article))
    feed_url = web.add(
        "/feed.xml", rss_feed(corpus, web.url("/news/{slug}")), content_type="application/rss+xml"
    )
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", LOOPBACK_SETTING)

    assert main(["ingest", feed_url]) == 0
    out = capsys.readouterr().out
    assert "Ingested 3 input(s): 3 new" in out
    assert "Extracted the facts of 3 article(s)." in out
    assert [a.title for a in stored(db)] == [a.title for a in corpus]
    assert all(a.extracted_at is not None for a in stored(db))


def test_summary_only_feed_items_get_their_full_text_from_the_page(db: Database, web: LocalWebServer):
    article = load_corpus()[0]
    web.add(f"/news/{article.slug}", article_page(article))
    feed_url = web.add(
        "/feed.xml", rss_feed([article], web.url("/news/{slug}")), content_type="application/rss+xml"
    )

    async def run():
        async with fetcher() as f:
            return await Ingestor(db, f, max_file_bytes=1_000_000).ingest_url(feed_url)

    import asyncio

    summary = asyncio.run(run())
    assert [o.status for o in summary.outcomes] == [Status.NEW]
    (row,) = stored(db)
    assert row.title == article.title
    assert row.source_name == "Wikinews"
    assert row.published_at is not None and row.published_at.date() == article.published
    last_paragraph = article.paragraphs[-1]
    assert last_paragraph[:60] in row.text  # far beyond the one-paragraph summary
    assert "Main page" not in row.text  # the site's navigation is not article text


@pytest.mark.parametrize(
    ("fixture", "title", "words"),
    [
        ("atom.xml", "Amkor breaks ground on Arizona packaging campus", "Peoria, Arizona"),
        ("rss1.rdf", "UMC opens second phase of Singapore fab", "US$5 billion"),
    ],
)
async def test_atom_and_rss1_feeds_with_full_content(
    db: Database, web: LocalWebServer, fixture, title, words
):
    url = serve_fixture(web, fixture)
    async with fetcher() as f:
        summary = await Ingestor(db, f, max_file_bytes=1_000_000).ingest_url(url)
    assert [o.status for o in summary.outcomes] == [Status.NEW]
    (row,) = stored(db)
    assert row.title == title
    assert words in row.text
    assert row.published_at is not None
    # Full text came from the feed itself: no page was requested.
    assert [r.path for r in web.requests] == [f"/{fixture}"]


async def test_rss091_item_whose_page_has_no_article_falls_back_to_the_description(
    db: Database, web: LocalWebServer
):
    url = serve_fixture(web, "rss091.xml", content_type="text/xml")
    web.add("/nanya-loss", "<html><body><nav>Home</nav></body></html>")
    async with fetcher() as f:
        summary = await Ingestor(db, f, max_file_bytes=1_000_000).ingest_url(url)
    assert [o.status for o in summary.outcomes] == [Status.NEW]
    (row,) = stored(db)
    assert "NT$1.2 billion" in row.text
    assert "Café" in row.text  # declared ISO-8859-1, decoded right
    assert row.canonical_url == web.url("/nanya-loss")


async def test_second_fetch_of_an_unchanged_feed_gets_304_and_stores_nothing(
    db: Database, web: LocalWebServer
):
    url = serve_fixture(web, "atom.xml")
    web.routes["/atom.xml"].etag = '"v1"'
    web.routes["/atom.xml"].last_modified = "Thu, 27 Mar 2025 09:00:00 GMT"
    source_id = register_feed(db, url)
    async with fetcher() as f:
        ingestor = Ingestor(db, f, max_file_bytes=1_000_000)
        first = await ingestor.fetch_source(source_id)
        second = await ingestor.fetch_source(source_id)
    assert [o.status for o in first.outcomes] == [Status.NEW]
    assert second.outcomes == []
    conditional = web.hits("/atom.xml")[1].headers
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == "Thu, 27 Mar 2025 09:00:00 GMT"
    assert count_articles_in(db) == 1
    with db.session() as session:
        source = session.get(Source, source_id)
        assert source.etag == '"v1"' and source.failure_count == 0 and source.last_success_at is not None


async def test_last_modified_alone_is_enough_for_a_304(db: Database, web: LocalWebServer):
    url = serve_fixture(web, "rss1.rdf")
    web.routes["/rss1.rdf"].last_modified = "Tue, 11 Feb 2025 03:00:00 GMT"
    source_id = register_feed(db, url)
    async with fetcher() as f:
        ingestor = Ingestor(db, f, max_file_bytes=1_000_000)
        await ingestor.fetch_source(source_id)
        assert (await ingestor.fetch_source(source_id)).outcomes == []
    assert "if-none-match" not in web.hits("/rss1.rdf")[1].headers


async def test_a_broken_feed_does_not_stop_the_others(db: Database, web: LocalWebServer):
    good = serve_fixture(web, "atom.xml")
    failing = web.add("/down.xml", "oops", status=500, content_type="text/plain")
    malformed = web.add(
        "/bad.xml",
        "<?xml version='1.0'?><rss><channel><title>Broken &&& </channel>",
        content_type="application/xml",
    )
    ids = [register_feed(db, url) for url in (failing, malformed, good)]
    async with fetcher() as f:
        summary = await Ingestor(db, f, max_file_bytes=1_000_000).fetch_due()
    assert summary.count(Status.NEW) == 1
    reasons = {o.target: o.reason for o in summary.of(Status.FAILED)}
    assert reasons[failing] == "HTTP 500 Internal Server Error"
    assert reasons[malformed].startswith("malformed feed")
    with db.session() as session:
        down, bad, ok = (session.get(Source, i) for i in ids)
        assert (down.failure_count, bad.failure_count, ok.failure_count) == (1, 1, 0)
        assert down.last_error == "HTTP 500 Internal Server Error"
        assert ok.last_error is None


async def test_a_feed_that_keeps_failing_is_marked_failing_and_backs_off(
    db: Database, web: LocalWebServer, capsys, monkeypatch
):
    url = web.add("/down.xml", "oops", status=500, content_type="text/plain")
    source_id = register_feed(db, url)
    async with fetcher() as f:
        ingestor = Ingestor(db, f, max_file_bytes=1_000_000)
        delays = []
        for _ in range(FAILING_AFTER):
            await ingestor.fetch_source(source_id)
            with db.session() as session:
                source = session.get(Source, source_id)
                delays.append(source.next_fetch_at - source.last_fetched_at)
    assert delays[0] < delays[1] < delays[2]  # back-off grows
    with db.session() as session:
        assert session.get(Source, source_id).state is SourceState.FAILING
    # Shown as failing, never silently dropped:
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["sources", "list"]) == 0
    listing = capsys.readouterr().out
    assert "failing" in listing and "HTTP 500 Internal Server Error" in listing and "3 in a row" in listing

    # When the feed comes back, the source recovers.
    web.add(
        "/down.xml",
        (FEEDS / "atom.xml").read_text().replace("{base}", web.url("")),
        content_type="application/xml",
    )
    async with fetcher() as f:
        summary = await Ingestor(db, f, max_file_bytes=1_000_000).fetch_source(source_id)
    assert summary.count(Status.NEW) == 1
    with db.session() as session:
        source = session.get(Source, source_id)
        assert (source.state, source.failure_count, source.last_error) == (SourceState.ACTIVE, 0, None)


async def test_first_fetch_of_a_new_source_is_marked_backfill_later_items_are_not(
    db: Database, web: LocalWebServer
):
    corpus = load_corpus()
    for article in corpus[:3]:
        web.add(f"/news/{article.slug}", article_page(article))
    web.add("/feed.xml", rss_feed(corpus[:2], web.url("/news/{slug}")), content_type="application/rss+xml")
    source_id = register_feed(db, web.url("/feed.xml"))
    async with fetcher() as f:
        ingestor = Ingestor(db, f, max_file_bytes=1_000_000)
        await ingestor.fetch_source(source_id)
        web.add(
            "/feed.xml", rss_feed(corpus[:3], web.url("/news/{slug}")), content_type="application/rss+xml"
        )
        await ingestor.fetch_source(source_id)
    assert [a.backfill for a in stored(db)] == [True, True, False]
    assert all(a.source_id == source_id for a in stored(db))


async def test_the_same_story_from_two_feeds_is_stored_once(db: Database, web: LocalWebServer):
    """Another URL (tracking parameters) is caught by the canonical URL, another site with the
    same text by the content hash."""
    article = load_corpus()[5]
    web.add(f"/news/{article.slug}", article_page(article))
    web.add(f"/mirror/{article.slug}", article_page(article).replace("<nav>", "<nav>Mirror site "))
    web.add("/a.xml", rss_feed([article], web.url("/news/{slug}")), content_type="application/rss+xml")
    web.add(
        "/b.xml",
        rss_feed([article], web.url("/news/{slug}?utm_source=rss&utm_medium=feed")),
        content_type="application/rss+xml",
    )
    web.add("/c.xml", rss_feed([article], web.url("/mirror/{slug}")), content_type="application/rss+xml")
    async with fetcher() as f:
        ingestor = Ingestor(db, f, max_file_bytes=1_000_000)
        statuses = [
            (await ingestor.ingest_url(web.url(p))).outcomes[0].status for p in ("/a.xml", "/b.xml", "/c.xml")
        ]
    assert statuses == [Status.NEW, Status.DUPLICATE, Status.DUPLICATE]
    assert len(stored(db)) == 1
    # The tracking-parameter copy was recognised without fetching its page.
    assert len(web.hits(f"/news/{article.slug}?utm_source=rss&utm_medium=feed")) == 0


def count_articles_in(db: Database) -> int:
    with db.session() as session:
        return count_articles(session)
