"""One article that breaks extraction holds back no other: a feed item dated 9999-12-31 that says
"next Wednesday" gets its facts like the rest; an article on which the extractor fails is noted with
its error, tried again a few times in later runs, then left alone, while every other article gets
its facts; `reextract` gives it another chance."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.extract.installed import ModelNotInstalled
from bot.extract.models import ArticleFacts
from bot.extract.pipeline import ArticleText, Extractor
from bot.extraction_job import extract_pending
from bot.render.terminal import render_text
from storage.articles import add_article
from storage.db import Database
from storage.facts import MAX_EXTRACTION_ATTEMPTS, extraction_failures, mark_all_for_extraction
from storage.models import Article, Source, SourceKind
from storage.sources import add_source
from tests.support.webserver import LOOPBACK_SETTING, LocalWebServer

ITEM = """<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>
<description>{text}</description><content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>"""
TEXT = (
    "Foxconn said on Monday it will open a new plant in Vietnam next Wednesday, investing $300 million "
    "in the project. The company expects the plant to employ 2,000 people by the end of next year. "
)


def rss(web: LocalWebServer, items: list[tuple[str, str]]) -> str:
    body = "".join(
        ITEM.format(title=title, link=web.url(f"/{n}"), date=date, text=TEXT + f"Item {n}: {title}.")
        for n, (title, date) in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Odd dates</title><link>{web.url('/')}</link>{body}</channel></rss>"
    )


def test_articles_dated_at_the_ends_of_the_calendar_get_their_facts(
    db: Database, web: LocalWebServer, monkeypatch: pytest.MonkeyPatch
):
    items = [
        ("Plant news from the end of time", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("Plant news from the first year", "Mon, 01 Jan 0001 00:00:00 GMT"),
        ("Plant news from an ordinary day", "Tue, 01 Dec 2026 08:00:00 GMT"),
    ]
    url = web.add("/feed.xml", rss(web, items), content_type="application/rss+xml")
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", LOOPBACK_SETTING)
    assert main(["ingest", url]) == 0
    with db.session() as session:
        articles = session.scalars(select(Article)).all()
        assert len(articles) == 3
        assert all(a.extracted_at is not None and a.extraction_error is None for a in articles)


class BrokenOn(Extractor):
    """The real extractor, with a bug that shows on one article's title."""

    def __init__(self, extractor: Extractor, title: str) -> None:
        self.__dict__.update(extractor.__dict__)
        self.title = title

    def extract_many(self, articles: Iterable[ArticleText], batch_size: int = 16) -> Iterator[ArticleFacts]:
        for article in articles:
            if article.title == self.title:
                raise ValueError(f"cannot read {article.title!r}")
            yield from super().extract_many([article], batch_size)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def store(db: Database, *titles: str) -> None:
    """Articles from the folder source "inbox"."""
    with db.session() as session:
        source = session.scalars(select(Source)).first() or add_source(
            session, kind=SourceKind.FOLDER, location="/srv/inbox", name="inbox", interval_minutes=30
        )
        for title in titles:
            add_article(
                session,
                canonical_url=None,
                content_hash=title,
                title=title,
                text=TEXT + f"{title}.",
                url=None,
                source_name=None,
                source_id=source.id,
                author=None,
                published_at=None,
            )


def test_an_article_that_breaks_extraction_holds_back_no_other(
    db: Database, extractor: Extractor, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("DATABASE_URL", db.url)
    store(db, "Plant news one", "Poison", "Plant news two")
    broken = BrokenOn(extractor, "Poison")
    assert extract_pending(db, broken) == 2
    with db.session() as session:
        by_title = {a.title: a for a in session.scalars(select(Article))}
        assert by_title["Plant news one"].extracted_at and by_title["Plant news two"].extracted_at
        poison = by_title["Poison"]
        assert poison.extracted_at is None and poison.extraction_attempts == 1
        assert poison.extraction_error == "ValueError: cannot read 'Poison'"
        assert extraction_failures(session) == {}  # it will be tried again

    store(db, "Plant news three")
    for _ in range(MAX_EXTRACTION_ATTEMPTS - 1):  # later runs try it again, a few times at most
        extract_pending(db, broken)
    assert extract_pending(db, broken) == 0  # given up: no more tries
    with db.session() as session:
        poison = session.scalars(select(Article).where(Article.title == "Poison")).one()
        assert poison.extraction_attempts == MAX_EXTRACTION_ATTEMPTS
        assert extraction_failures(session) == {poison.source_id: (1, "ValueError: cannot read 'Poison'")}
        assert session.scalars(select(Article).where(Article.title == "Plant news three")).one().extracted_at
        stats = render_text(handle_text(session, Chat(id=1, admin=True), "/stats"))
    # Admins see it: in /stats and in `digestbot sources list`.
    assert "Articles whose extraction failed: 1 (for example ValueError: cannot read 'Poison')" in stats
    capsys.readouterr()
    assert main(["sources", "list"]) == 0
    assert (
        "1 article(s) without facts, extraction failed: ValueError: cannot read 'Poison'"
        in capsys.readouterr().out
    )

    with db.session() as session:  # `reextract`, after a fix: every article gets another chance
        mark_all_for_extraction(session)
    assert extract_pending(db, extractor) == 4
    with db.session() as session:
        poison = session.scalars(select(Article).where(Article.title == "Poison")).one()
        assert poison.extracted_at is not None and poison.extraction_error is None
        assert extraction_failures(session) == {}


def test_a_model_that_cannot_be_loaded_ends_the_run_and_no_article_is_blamed(db: Database, tmp_path):
    """NLP_MODEL names a folder that is not a spaCy pipeline: the start-time check passes (the folder
    is there), loading fails at the first extraction; that run ends with the reason, and the
    articles keep every try for when the model is fixed."""
    store(db, "Plant news one", "Plant news two")
    (tmp_path / "model").mkdir()
    with pytest.raises(ModelNotInstalled, match="model"):
        extract_pending(db, Extractor(str(tmp_path / "model")))
    with db.session() as session:
        articles = session.scalars(select(Article)).all()
        assert [(a.extraction_attempts, a.extraction_error) for a in articles] == [(0, None), (0, None)]
        assert extraction_failures(session) == {}
