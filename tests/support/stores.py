"""Stores set up the way several tests need them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.console import CONSOLE_CHAT_ID
from storage.db import Database
from storage.models import Article, Follow, Subscriber, utcnow


def digest_due(url: str, chat_id: int = CONSOLE_CHAT_ID) -> None:
    """The chat (the terminal's by default) follows ASE and its daily digest fell due five minutes
    ago, after the stored articles became news and the follow began: the next dispatch sends it."""
    db = Database(url)
    with db.session() as session:
        handle_text(session, Chat(id=chat_id), "/subscribe 08:00 UTC")
        handle_text(session, Chat(id=chat_id), "/follow ASE")
        a_while_ago = utcnow() - timedelta(minutes=5)
        session.execute(update(Subscriber).values(next_digest_at=a_while_ago))
        session.execute(update(Follow).values(created_at=a_while_ago - timedelta(minutes=1)))
        session.execute(update(Article).values(ready_at=a_while_ago))
    db.dispose()
