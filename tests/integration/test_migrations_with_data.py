"""A store made by any earlier release keeps its data when it is upgraded: for every revision in
storage/migrations/versions (read from Alembic, so a new one is covered the day it is added), on
SQLite and on PostgreSQL, a database migrated only that far gets representative rows in every table
it has, is upgraded to the newest revision, and then still holds them, and the bot's queries
(/company, /following, search, digests, the extraction queue) work on them.

The rows are written through the tables as they exist at that revision (reflected from the
database, not the current models), with only the columns that revision has."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, func, select, text

from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.render.terminal import render_text
from storage import migrate
from storage.db import Database
from storage.digest import stories_between
from storage.facts import articles_to_extract
from storage.search import search_articles
from tests.conftest import POSTGRES_URL, _fresh_postgres

SCRIPTS = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
HEAD = SCRIPTS.get_current_head()
EARLIER = [script.revision for script in reversed(list(SCRIPTS.walk_revisions())) if script.revision != HEAD]

STORED = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
CHAT = Chat(id=77)
ARTICLE_TEXT = (
    "ASE Technology Holding said on Monday it would invest $2 billion in a packaging plant in Arizona, "
    "its chief financial officer Dong Hong-Szu told reporters."
)

# Every table and the rows an older release may have left in it; columns a revision lacks are left out.
ROWS: dict[str, list[dict[str, Any]]] = {
    "sources": [
        {
            "id": 1,
            "kind": "feed",
            "location": "https://news.example.com/feed.xml",
            "name": "Example News",
            "interval_minutes": 60,
            "state": "active",
            "failure_count": 0,
            "created_at": STORED,
            "last_success_at": STORED,
        }
    ],
    "articles": [
        {
            "id": 1,
            "canonical_url": "https://news.example.com/ase-arizona",
            "url": "https://news.example.com/ase-arizona?utm_source=rss",
            "content_hash": "a" * 64,
            "title": "ASE plans an Arizona packaging plant",
            "source_name": "Example News",
            "source_id": 1,
            "published_at": STORED - timedelta(hours=2),
            "ingested_at": STORED,
            "backfill": False,
            "text": ARTICLE_TEXT,
            "extracted_at": STORED,
            "extractor_version": 1,
            "key_points": ["ASE plans a $2 billion plant in Arizona."],
            "places": ["United States"],
            "extraction_notes": [],
            "ready_at": STORED,  # from 0005 on; before it, the migration fills it from extracted_at
        },
        {  # stored, facts not extracted yet: still in the extraction queue after the upgrade
            "id": 2,
            "content_hash": "b" * 64,
            "title": "Inventec results",
            "ingested_at": STORED,
            "backfill": True,
            "text": "Inventec reported its results for the quarter on Tuesday.",
        },
    ],
    "companies": [
        {"id": 1, "key": "ase-technology-holding", "name": "ASE Technology Holding", "created_at": STORED}
    ],
    "company_aliases": [
        {"id": 1, "company_id": 1, "alias": "ASE", "folded": "ase", "is_ticker": False},
        {"id": 2, "company_id": 1, "alias": "3711.TW", "folded": "3711.tw", "is_ticker": True},
    ],
    "article_companies": [
        {
            "article_id": 1,
            "company_id": 1,
            "mentions": 2,
            "salient": True,
            "surface_forms": ["ASE Technology Holding"],
        }
    ],
    "article_people": [
        {
            "id": 1,
            "article_id": 1,
            "name": "Dong Hong-Szu",
            "role": "chief financial officer",
            "company_id": 1,
        }
    ],
    "article_amounts": [
        {
            "id": 1,
            "article_id": 1,
            "text": "$2 billion",
            "value": 2e9,
            "currency": "USD",
            "company_id": 1,
            "sentence": ARTICLE_TEXT,
        }
    ],
    "facts": [
        {
            "id": 1,
            "article_id": 1,
            "position": 0,
            "kind": "investment",
            "company_id": 1,
            "amount_value": 2e9,
            "amount_currency": "USD",
            "place": "United States",
            "date": date(2026, 11, 30),
            "sentence": ARTICLE_TEXT,
        }
    ],
    "subscribers": [
        {
            "id": 1,
            "chat_id": CHAT.id,
            "subscribed": True,
            "active": True,
            "frequency": "daily",
            "weekday": 0,
            "digest_time": time(8, 0),
            "timezone": "Europe/Berlin",
            "send_empty": False,
            "cursor": STORED - timedelta(days=1),
            "created_at": STORED - timedelta(days=2),
            "next_digest_at": STORED + timedelta(hours=1),
        }
    ],
    "follows": [{"subscriber_id": 1, "company_id": 1, "created_at": STORED - timedelta(days=2)}],
    "deliveries": [
        {
            "id": 1,
            "subscriber_id": 1,
            "kind": "digest",
            "key": "daily:2026-11-29",
            "state": "sent",
            "due_at": STORED - timedelta(days=1),
            "send_after": STORED - timedelta(days=1),
            "reply": None,
            "parts_sent": 1,
            "attempts": 1,
            "created_at": STORED - timedelta(days=1),
            "sent_at": STORED - timedelta(days=1),
        }
    ],
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def unmigrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """An empty database without any migration applied: the `db` fixture of tests/conftest.py, one step
    earlier."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/digestbot.sqlite3"
    else:
        assert POSTGRES_URL
        url = POSTGRES_URL
        _fresh_postgres(url)
    database = Database(url)
    yield database
    database.dispose()


def fill(database: Database) -> dict[str, int]:
    """Write ROWS into the tables the database has now; how many rows went into each."""
    written = {}
    with database.engine.begin() as conn:
        tables = MetaData()
        tables.reflect(bind=conn)
        for name, rows in ROWS.items():  # in foreign-key order
            if name not in tables.tables:
                continue
            table = tables.tables[name]
            for row in rows:
                conn.execute(table.insert().values({k: v for k, v in row.items() if k in table.c}))
            written[name] = len(rows)
            if database.backend == "postgresql" and "id" in table.c:  # as if the ids had been drawn
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
    return written


@pytest.mark.parametrize("revision", EARLIER)
def test_a_store_of_any_earlier_revision_upgrades_with_its_data(unmigrated: Database, revision: str):
    migrate.upgrade(unmigrated.engine, revision)
    assert migrate.current_revision(unmigrated.engine) == revision
    written = fill(unmigrated)

    migrate.upgrade(unmigrated.engine)
    assert migrate.current_revision(unmigrated.engine) == HEAD

    with unmigrated.engine.connect() as conn:
        tables = MetaData()
        tables.reflect(bind=conn, only=list(written))
        counts = {
            name: conn.scalar(select(func.count()).select_from(tables.tables[name])) for name in written
        }
    assert counts == written

    with unmigrated.session() as session:
        assert [hit.title for hit in search_articles(session, "packaging Arizona")] == [
            "ASE plans an Arizona packaging plant"
        ]
        news = stories_between(session, STORED - timedelta(minutes=1), STORED + timedelta(minutes=1))
        queue = [a.id for a in articles_to_extract(session, limit=10)]
        company = render_text(handle_text(session, CHAT, "/company 3711.TW"))
        following = render_text(handle_text(session, CHAT, "/following"))
        person = render_text(handle_text(session, CHAT, "Hong-Szu"))  # a part of a stored name
    if "facts" not in written:  # 0001: articles only, none extracted yet; all wait for the extractor
        assert (news, queue) == ([], [1, 2])
        assert "No company called" in company
        return
    # ready_at, added in 0005, is filled from extracted_at: the extracted story is news of its day
    assert [story.title for story in news] == ["ASE plans an Arizona packaging plant"]
    assert queue == [2]
    assert "ASE Technology Holding" in company  # found by its ticker, with its people and facts
    assert "Dong Hong-Szu" in company and "Arizona" in company
    assert "Dong Hong-Szu" in person and "chief financial officer" in person  # people folded in 0008
    if "follows" in written:
        assert "ASE Technology Holding" in following
    else:
        assert "You follow no company yet" in following
