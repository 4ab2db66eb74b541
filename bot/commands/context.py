"""Who is asking: the chat a command comes from, and its subscriber row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy.orm import Session

from storage.models import Subscriber
from storage.subscribers import subscriber_for


@dataclass(frozen=True)
class Chat:
    """The chat (one per subscriber), whether it may run admin commands, and the defaults for a
    new subscription."""

    id: int
    admin: bool = False
    default_time: time = time(8, 0)
    default_zone: str = "UTC"


def subscriber(session: Session, chat: Chat) -> Subscriber:
    """The chat's subscriber row. A chat that talks to us can be reached again: one marked inactive
    after blocking the bot gets its digests and alerts again."""
    sub = subscriber_for(session, chat.id, default_time=chat.default_time, default_zone=chat.default_zone)
    if not sub.active:
        sub.active = True
    return sub
