"""/digest: the digest now — what is new since the last one, or the last 24 hours for a new subscriber."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.commands.context import Chat, subscriber
from bot.digest.service import digest_for
from bot.replies import Reply


def digest_command(session: Session, chat: Chat, _args: str) -> Reply:
    reply = digest_for(session, subscriber(session, chat), chat.clock(), send_empty=True)
    assert reply is not None
    return reply
