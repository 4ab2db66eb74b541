"""Queries on subscribers and what they follow."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import time
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import chunks
from storage.models import Company, Follow, Subscriber


def find_subscriber(session: Session, chat_id: int) -> Subscriber | None:
    """The chat's subscriber row, if the chat ever talked to the bot."""
    return session.scalar(select(Subscriber).where(Subscriber.chat_id == chat_id))


def subscriber_for(session: Session, chat_id: int, *, default_time: time, default_zone: str) -> Subscriber:
    """The chat's subscriber row, created (not yet subscribed) on first contact."""
    subscriber = find_subscriber(session, chat_id)
    if subscriber is not None:
        return subscriber
    subscriber = Subscriber(chat_id=chat_id, digest_time=default_time, timezone=default_zone)
    try:
        with session.begin_nested():
            session.add(subscriber)
    except IntegrityError:  # created by a concurrent update from the same chat
        return session.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id)).one()
    return subscriber


def follow(session: Session, subscriber: Subscriber, company: Company) -> bool:
    """True when newly followed."""
    if session.get(Follow, (subscriber.id, company.id)) is not None:
        return False
    session.add(Follow(subscriber_id=subscriber.id, company_id=company.id))
    session.flush()
    return True


def unfollow(session: Session, subscriber: Subscriber, company_id: int) -> bool:
    result = session.execute(
        delete(Follow).where(Follow.subscriber_id == subscriber.id, Follow.company_id == company_id)
    )
    # Session.execute is typed as returning a Result; a DML statement's is a CursorResult, which has rowcount.
    return bool(cast(CursorResult[Any], result).rowcount)


def followed_companies(session: Session, subscriber: Subscriber) -> list[Company]:
    return list(
        session.scalars(
            select(Company)
            .join(Follow, Follow.company_id == Company.id)
            .where(Follow.subscriber_id == subscriber.id)
            .order_by(Company.name)
        )
    )


def followed_by(session: Session, subscriber_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """The companies each subscriber follows ({subscriber id: {company id: name}}), for many at once."""
    follows: dict[int, dict[int, str]] = defaultdict(dict)
    for chunk in chunks(subscriber_ids):
        for subscriber_id, company_id, name in session.execute(
            select(Follow.subscriber_id, Company.id, Company.name)
            .join(Company, Company.id == Follow.company_id)
            .where(Follow.subscriber_id.in_(chunk))
        ):
            follows[subscriber_id][company_id] = name
    return dict(follows)
