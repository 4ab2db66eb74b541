"""Stores set up the way several tests need them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.console import CONSOLE_CHAT_ID
from storage.db import Database
from storage.models import Article, Follow, Subscriber, utcnow


def terminal_digest_due(url: str) -> None:
    """The terminal chat follows ASE and its daily digest fell due five minutes ago, after the stored
    articles became news and the follow began: the next dispatch sends it."""
    db = Database(url)
    with db.session() as session:
        handle_text(session, Chat(id=CONSOLE_CHAT_ID), "/subscribe 08:00 UTC")
        handle_text(session, Chat(id=CONSOLE_CHAT_ID), "/follow ASE")
        a_while_ago = utcnow() - timedelta(minutes=5)
        session.execute(update(Subscriber).values(next_digest_at=a_while_ago))
        session.execute(update(Follow).values(created_at=a_while_ago - timedelta(minutes=1)))
        session.execute(update(Article).values(ready_at=a_while_ago))
    db.dispose()
