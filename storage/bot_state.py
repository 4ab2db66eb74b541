"""The bot's own small values kept across restarts (`bot_state`, one row a name): read one, or keep
the first one made when there is none yet."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import BotState

WEBHOOK_SECRET = "webhook_secret"


def get_value(session: Session, key: str) -> str | None:
    row = session.get(BotState, key)
    return row.value if row is not None else None


def get_or_create(session: Session, key: str, make: Callable[[], str]) -> str:
    """The value kept under `key`; made with `make` and kept when there is none. When two processes
    make one at once, the first one stored wins and both return it."""
    value = get_value(session, key)
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.add(BotState(key=key, value=make()))
    except IntegrityError:  # another process stored one first: theirs is the one
        session.expire_all()
    return session.get_one(BotState, key).value
