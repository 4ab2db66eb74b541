"""Stories across sources: when another outlet republishes a story lightly edited (its own headline,
a rewritten lead, sentences cut), the copy is stored as an article of its own and filed under the
first article of the story; unrelated articles, and copies that come days later, start stories of
their own."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.ingest.http import Fetcher
from bot.ingest.models import Status
from bot.ingest.pipeline import STORY_WINDOW, Ingestor
from storage.db import Database
from storage.models import Article, SourceKind, utcnow
from storage.sources import add_source
from tests.support.webserver import LOOPBACK, LocalWebServer
from tests.support.wikinews import WikinewsArticle, article_page, load_corpus, rss_feed

ESCAPE_ROOM = "Escape room fire kills five teen girls in Koszalin, Poland"
BUS_CRASH = "State-run bus crashes in Cuba en route to Havana, killing seven"


def corpus_article(title: str) -> WikinewsArticle:
    return next(a for a in load_corpus() if a.title == title)


def rewritten_copy(original: WikinewsArticle) -> WikinewsArticle:
    """Outlet B: its own headline, its own lead, the rest of the wire copy as it was."""
    lead = (
        "Five fifteen-year-old girls celebrating a birthday died on Friday afternoon when fire broke out "
        "at an escape room in the northern Polish town of Koszalin. A man was badly hurt, and the "
        "government has ordered checks of every escape room in the country."
    )
    return WikinewsArticle(
        url="https://outlet-b.example/world/polish-escape-room-fire",
        published=date(2019, 1, 5),
        title="Five teenagers die in fire at Polish escape room",
        text="\n\n".join([lead, *original.paragraphs[2:]]),
    )


def shortened_copy(original: WikinewsArticle) -> WikinewsArticle:
    """Outlet C: the wire copy under another headline, two sentences cut."""
    text = original.text.replace(" Kosiec revealed police have been unable to question him.", "").replace(
        " The enterprises have grown in popularity in recent years with reportedly over 1,000 in Poland "
        "which are especially patronised by teens.",
        "",
    )
    assert text != original.text
    return WikinewsArticle(
        url="https://outlet-c.example/2019/01/05/koszalin-fire",
        published=date(2019, 1, 5),
        title="Poland orders escape room checks after fire kills five girls",
        text=text,
    )


def serve_feed(web: LocalWebServer, outlet: str, articles: list[WikinewsArticle]) -> str:
    for article in articles:
        web.add(f"/{outlet}/{article.slug}", article_page(article))
    return web.add(
        f"/{outlet}.xml",
        rss_feed(articles, web.url(f"/{outlet}/{{slug}}")),
        content_type="application/rss+xml",
    )


def register_feed(db: Database, url: str) -> int:
    with db.session() as session:
        return add_source(session, kind=SourceKind.FEED, location=url, name=None, interval_minutes=30).id


def stored(db: Database) -> dict[str, Article]:
    with db.session() as session:
        return {a.title: a for a in session.scalars(select(Article))}


async def test_a_story_republished_by_other_outlets_is_filed_under_its_first_article(
    db: Database, web: LocalWebServer
):
    original, unrelated = corpus_article(ESCAPE_ROOM), corpus_article(BUS_CRASH)
    rewritten, shortened = rewritten_copy(original), shortened_copy(original)
    sources = [
        register_feed(db, serve_feed(web, "wire", [original, unrelated])),
        register_feed(db, serve_feed(web, "outlet-b", [rewritten])),
        register_feed(db, serve_feed(web, "outlet-c", [shortened])),
    ]
    async with Fetcher(timeout=2.0, max_bytes=1_000_000, attempts=1, allow_internal=LOOPBACK) as fetcher:
        ingestor = Ingestor(db, fetcher, max_file_bytes=1_000_000)
        summaries = [await ingestor.fetch_source(source_id) for source_id in sources]

    # Every copy is still stored (and searchable) as an article of its own ...
    assert [s.count(Status.NEW) for s in summaries] == [2, 1, 1]
    articles = stored(db)
    first = articles[original.title]
    # ... and both copies belong to the story of the article stored first, not to one another.
    assert articles[rewritten.title].story_id == first.id
    assert articles[shortened.title].story_id == first.id
    assert first.story_id is None
    assert articles[unrelated.title].story_id is None
    assert {articles[t].source_id for t in (original.title, rewritten.title, shortened.title)} == set(sources)


def write_markdown(folder: Path, article: WikinewsArticle) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{article.slug}.md").write_text(f"# {article.title}\n\n{article.text}\n", encoding="utf-8")


async def test_a_copy_that_comes_after_the_story_window_starts_a_story_of_its_own(
    db: Database, tmp_path: Path
):
    original = corpus_article(ESCAPE_ROOM)
    write_markdown(tmp_path / "wire", original)
    write_markdown(tmp_path / "outlet-b", rewritten_copy(original))
    write_markdown(tmp_path / "outlet-c", shortened_copy(original))
    later = utcnow() + STORY_WINDOW + timedelta(hours=1)
    async with Fetcher(timeout=1, attempts=1, allow_internal=LOOPBACK) as fetcher:
        now = Ingestor(db, fetcher, max_file_bytes=1_000_000)
        days_later = Ingestor(db, fetcher, max_file_bytes=1_000_000, clock=lambda: later)
        now.ingest_path(tmp_path / "wire")
        now.ingest_path(tmp_path / "outlet-b")
        days_later.ingest_path(tmp_path / "outlet-c")
    articles = stored(db)
    assert articles[rewritten_copy(original).title].story_id == articles[original.title].id
    assert articles[shortened_copy(original).title].story_id is None
