"""/sources for a member names each source safely (its name, else its web site: never a password, a
path or a query string, which may hold credentials) with its health as a plain word; the bot's admins
see the address and the last error, any password masked in both."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.render.terminal import render_text
from storage.db import Database
from storage.models import SourceKind, SourceState
from storage.sources import add_source

MEMBER = Chat(id=501)
ADMIN = Chat(id=900, admin=True)
SECRET_FEED = "https://user:secret@example.com/feed?token=abc"
ERROR = "HTTP 401 Unauthorized from https://user:secret@example.com/feed?token=abc (db01.internal)"


@pytest.fixture
def sources(db: Database) -> Database:
    with db.session() as session:
        failing = add_source(
            session, kind=SourceKind.FEED, location=SECRET_FEED, name=None, interval_minutes=30
        )
        failing.state = SourceState.FAILING
        failing.last_error = ERROR
        failing.last_success_at = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
        add_source(
            session,
            kind=SourceKind.FEED,
            location="https://news.example/private/k3y/rss.xml",
            name="Example News",
            interval_minutes=60,
        )
    return db


def sources_for(db: Database, chat: Chat) -> str:
    with db.session() as session:
        reply = handle_text(session, chat, "/sources")
        assert reply is not None
        return render_text(reply)


def test_a_member_sees_the_site_and_a_plain_health_word_but_no_credentials_or_error(sources: Database):
    shown = sources_for(sources, MEMBER)
    assert "example.com" in shown and "Example News" in shown
    for hidden in ("secret", "user:", "token=abc", "/feed", "k3y", "401", "Unauthorized", "internal"):
        assert hidden not in shown
    assert "failing (last worked 2026-11-30 08:00 UTC)" in shown
    assert "— ok" in shown


def test_an_admin_sees_the_address_with_its_password_masked_and_the_last_error(sources: Database):
    shown = sources_for(sources, ADMIN)
    assert "https://user:***@example.com/feed?token=abc" in shown
    assert "HTTP 401 Unauthorized from https://user:***@example.com/feed?token=abc" in shown
    assert "secret" not in shown
    assert "Example News https://news.example/private/k3y/rss.xml" in shown
