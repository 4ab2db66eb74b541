"""Who is asking: the chat a command comes from, its subscriber row, and the clock commands read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy.orm import Session

from storage.models import Subscriber, utcnow
from storage.subscribers import subscriber_for


@dataclass(frozen=True)
class Chat:
    """The chat (one per subscriber), whether it may run admin commands, whether the sender may
    change the chat's state, and the defaults for a new subscription.

    `may_change` is False for a member of a group who is not one of the group's admins: the router
    then refuses the commands and buttons that change the chat (see `bot.commands.router.changes_chat`).
    The transport finds it out (Telegram's getChatMember) only for those; private chats and the
    terminal may always change their own.

    `clock` is what "now" is for the commands (when the next digest falls due, what /digest covers),
    as `bot.delivery.dispatch.Dispatcher.clock` is for deliveries; tests give a fixed one."""

    id: int
    admin: bool = False
    may_change: bool = True
    default_time: time = time(8, 0)
    default_zone: str = "UTC"
    clock: Callable[[], datetime] = field(default=utcnow, compare=False, repr=False)


def subscriber(session: Session, chat: Chat) -> Subscriber:
    """The chat's subscriber row. A chat that talks to us can be reached again: one marked inactive
    after blocking the bot gets its digests and alerts again."""
    sub = subscriber_for(session, chat.id, default_time=chat.default_time, default_zone=chat.default_zone)
    if not sub.active:
        sub.active = True
    return sub
