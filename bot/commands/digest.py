"""/digest: the digest now — what is new since the last one, or the last 24 hours for a new subscriber."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from bot.commands.context import Chat, subscriber
from bot.digest.compose import compose_digest
from bot.replies import Reply
from storage.digest import articles_since
from storage.models import utcnow
from storage.subscribers import followed_companies

FIRST_DIGEST_WINDOW = timedelta(hours=24)


def digest_command(session: Session, chat: Chat, _args: str) -> Reply:
    sub = subscriber(session, chat)
    now = utcnow()
    since = sub.cursor or now - FIRST_DIGEST_WINDOW
    followed = {c.id: c.name for c in followed_companies(session, sub)}
    reply = compose_digest(articles_since(session, since), followed, since=since, send_empty=True)
    sub.cursor = now
    assert reply is not None
    return reply
