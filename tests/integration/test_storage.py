"""The store on SQLite and PostgreSQL: migrations match the models, an article is stored once,
times come back as aware UTC, and sources fall due in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from threading import Barrier, Thread

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.articles import add_article, count_articles, find_existing
from storage.db import Database
from storage.models import Base, SourceKind, SourceState
from storage.search import include_name
from storage.sources import SourceExists, add_source, due_sources


def article_fields(**overrides):
    fields = dict(
        canonical_url="https://news.example/a",
        content_hash="a" * 64,
        title="ASE weighs a U.S. plant",
        text="ASE Technology Holding said it is evaluating a production line in the U.S.",
        url="https://news.example/a?utm_source=x",
        source_name="Example News",
        source_id=None,
        author=None,
        published_at=None,
    )
    fields.update(overrides)
    return fields


def test_migrations_create_exactly_the_models_schema(db: Database):
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.engine.connect() as connection:
        # The full-text search objects live outside the models (see storage/search.py).
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
    assert {"sources", "articles", "alembic_version"} <= set(inspect(db.engine).get_table_names())


def test_upgrading_twice_is_harmless(db: Database):
    migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == migrate.head_revision()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/x.sqlite3")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_an_article_is_stored_once_by_canonical_url_then_by_content_hash(db: Database):
    with db.session() as session:
        first, created = add_article(session, **article_fields())
        assert created
    with db.session() as session:
        same_url, created_again = add_article(session, **article_fields(content_hash="b" * 64, text="edited"))
        same_text, created_third = add_article(
            session, **article_fields(canonical_url="https://mirror.example/x")
        )
    assert (created_again, created_third) == (False, False)
    assert same_url.id == first.id == same_text.id
    with db.session() as session:
        assert count_articles(session) == 1
        # A different URL *and* different text is a different article.
        _, created = add_article(
            session, **article_fields(canonical_url="https://news.example/b", content_hash="c" * 64)
        )
        assert created
        assert find_existing(session, "https://news.example/b", "z" * 64).content_hash == "c" * 64


def test_two_writers_storing_the_same_article_at_once_leave_one_row(db: Database):
    barrier = Barrier(2)
    results: list[bool] = []

    def writer() -> None:
        with db.session() as session:
            barrier.wait()
            results.append(add_article(session, **article_fields())[1])

    threads = [Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.session() as session:
        assert count_articles(session) == 1
    assert sorted(results) == [False, True]


def test_times_come_back_as_aware_utc(db: Database):
    taipei = timezone(timedelta(hours=8))
    with db.session() as session:
        article, _ = add_article(
            session, **article_fields(published_at=datetime(2025, 3, 26, 9, 30, tzinfo=taipei))
        )
        article_id = article.id
    with db.session() as session:
        from storage.models import Article

        stored = session.get(Article, article_id)
        assert stored.published_at == datetime(2025, 3, 26, 1, 30, tzinfo=UTC)
        assert stored.published_at.tzinfo is not None
        assert stored.ingested_at.tzinfo is not None
        assert abs(stored.ingested_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_naive_datetimes_are_refused(db: Database):
    with pytest.raises(Exception, match="naive datetime"), db.session() as session:
        add_article(session, **article_fields(published_at=datetime(2025, 1, 1)))


def test_sources_are_unique_by_location_and_fall_due_in_order(db: Database):
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    with db.session() as session:
        a = add_source(
            session, kind=SourceKind.FEED, location="https://a.example/rss", name=None, interval_minutes=30
        )
        b = add_source(
            session, kind=SourceKind.FEED, location="https://b.example/rss", name=None, interval_minutes=30
        )
        c = add_source(
            session, kind=SourceKind.PAGE, location="https://c.example/", name=None, interval_minutes=30
        )
        d = add_source(
            session, kind=SourceKind.FOLDER, location="/srv/news", name="seeds", interval_minutes=30
        )
        a.next_fetch_at = now - timedelta(minutes=5)
        b.next_fetch_at = now + timedelta(minutes=5)
        c.next_fetch_at = None  # never fetched: due at once
        d.state = SourceState.PAUSED
    with db.session() as session:
        assert [s.location for s in due_sources(session, now)] == [
            "https://c.example/",
            "https://a.example/rss",
        ]
        with pytest.raises(SourceExists):
            add_source(
                session, kind=SourceKind.FEED, location="https://a.example/rss", name=None, interval_minutes=5
            )
