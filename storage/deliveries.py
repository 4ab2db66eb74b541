"""The delivery ledger: preparing digests and alerts once, and recording each message Telegram took.

A delivery is prepared (its reply composed, its unique key claimed) in the same transaction that
moves the subscriber's cursor and schedule on; sending then renders the reply and advances
`parts_sent` one message at a time. So a crash loses nothing (pending rows are sent after a restart) and repeats at most the one
message that Telegram accepted just before the crash, before its `parts_sent` was committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import cast as typing_cast

from sqlalchemy import ColumnElement, String, and_, cast, insert, literal, null, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from storage.articles import story_key
from storage.db import chunks
from storage.models import (
    Article,
    ArticleCompany,
    Delivery,
    DeliveryKind,
    DeliveryState,
    Follow,
    Subscriber,
)


@dataclass(frozen=True)
class Outgoing:
    """A delivery with messages still to send."""

    id: int
    subscriber_id: int
    chat_id: int
    kind: DeliveryKind
    reply: dict[str, Any]
    parts_sent: int


def _digest_due(now: datetime, chat_id: int | None) -> list[ColumnElement[bool]]:
    """Subscribed and reachable, with the digest due (in one chat, when `chat_id` is given)."""
    due = [Subscriber.subscribed.is_(True), Subscriber.active.is_(True), Subscriber.next_digest_at <= now]
    if chat_id is not None:
        due.append(Subscriber.chat_id == chat_id)
    return due


def due_subscribers(
    session: Session, now: datetime, *, limit: int, chat_id: int | None = None
) -> list[Subscriber]:
    """Subscribed, reachable subscribers whose digest is due, the longest-waiting first."""
    query = (
        select(Subscriber)
        .where(*_digest_due(now, chat_id))
        .order_by(Subscriber.next_digest_at, Subscriber.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def due_cursors(
    session: Session, now: datetime, *, chat_id: int | None = None
) -> list[tuple[datetime | None, Any]]:
    """(cursor, frequency) of every subscriber whose digest is due: how far back the news must be read."""
    query = select(Subscriber.cursor, Subscriber.frequency).where(*_digest_due(now, chat_id))
    return [(cursor, frequency) for cursor, frequency in session.execute(query)]


def unscheduled_subscribers(session: Session, *, chat_id: int | None = None) -> list[Subscriber]:
    """Subscribed rows without a due time (from before schedules were stored)."""
    query = select(Subscriber).where(Subscriber.subscribed.is_(True), Subscriber.next_digest_at.is_(None))
    if chat_id is not None:
        query = query.where(Subscriber.chat_id == chat_id)
    return list(session.scalars(query))


def claimed_keys(
    session: Session, kind: DeliveryKind, pairs: Iterable[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Which (subscriber id, key) pairs already have a ledger row."""
    found: set[tuple[int, str]] = set()
    for batch in chunks(pairs):
        chunk = set(batch)
        ids = {sid for sid, _ in chunk}
        keys = {key for _, key in chunk}
        rows = session.execute(
            select(Delivery.subscriber_id, Delivery.key).where(
                Delivery.kind == kind, Delivery.subscriber_id.in_(ids), Delivery.key.in_(keys)
            )
        )
        found.update((sid, key) for sid, key in rows if (sid, key) in chunk)
    return found


def delivery_row(
    subscriber_id: int,
    kind: DeliveryKind,
    key: str,
    *,
    due_at: datetime,
    send_after: datetime,
    reply: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """A ledger row for `add_deliveries`: pending, or done at once when there is nothing to send."""
    return {
        "subscriber_id": subscriber_id,
        "kind": kind,
        "key": key,
        "state": DeliveryState.PENDING if reply is not None else DeliveryState.EMPTY,
        "due_at": due_at,
        "send_after": send_after,
        "reply": reply,
        "parts_sent": 0,
        "attempts": 0,
        "created_at": now,
        "sent_at": None if reply is not None else now,
    }


def add_deliveries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write ledger rows in one statement (a batch of digests is thousands of rows)."""
    if rows:
        session.execute(insert(Delivery), rows)


def outgoing(session: Session, now: datetime, *, limit: int, chat_id: int | None = None) -> list[Outgoing]:
    """Pending deliveries whose time has come, to reachable subscribers, oldest first."""
    query = (
        select(Delivery, Subscriber.chat_id)
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(
            Delivery.state == DeliveryState.PENDING,
            Delivery.send_after <= now,
            Subscriber.active.is_(True),
        )
        .order_by(Delivery.send_after, Delivery.id)
        .limit(limit)
    )
    if chat_id is not None:
        query = query.where(Subscriber.chat_id == chat_id)
    return [
        Outgoing(d.id, d.subscriber_id, chat, d.kind, d.reply or {"blocks": []}, d.parts_sent)
        for d, chat in session.execute(query)
    ]


def record_sent(session: Session, delivery_id: int, parts_sent: int, *, done: bool, now: datetime) -> None:
    """Telegram accepted message number `parts_sent` (counting from 1)."""
    values: dict[str, Any] = {"parts_sent": parts_sent}
    if done:
        values.update(state=DeliveryState.SENT, sent_at=now)
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


def record_failure(session: Session, delivery_id: int, error: str, *, give_up_after: int) -> bool:
    """Count a failed attempt; True when the delivery was given up."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return True
    delivery.attempts += 1
    delivery.last_error = error[:500]
    if delivery.attempts >= give_up_after:
        delivery.state = DeliveryState.FAILED
    return delivery.state is DeliveryState.FAILED


def deactivate(session: Session, subscriber_id: int, reason: str) -> None:
    """The chat is gone (blocked, kicked, deactivated): stop sending, give up what was pending."""
    session.execute(update(Subscriber).where(Subscriber.id == subscriber_id).values(active=False))
    session.execute(
        update(Delivery)
        .where(Delivery.subscriber_id == subscriber_id, Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.FAILED, last_error=reason[:500])
    )


def move_chat(session: Session, subscriber_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup: the subscription follows it. False when the new chat already has a
    subscription of its own (then the old one is retired)."""
    taken = session.scalar(select(Subscriber.id).where(Subscriber.chat_id == new_chat_id))
    if taken is not None and taken != subscriber_id:
        deactivate(session, subscriber_id, f"the chat moved to {new_chat_id}, which has its own subscription")
        return False
    session.execute(update(Subscriber).where(Subscriber.id == subscriber_id).values(chat_id=new_chat_id))
    return True


@dataclass(frozen=True)
class AlertCandidate:
    subscriber_id: int
    story_key: int
    article_id: int
    company_id: int
    quiet_start: Any
    quiet_end: Any
    timezone: str


def alert_candidates(
    session: Session, since: datetime, until: datetime, *, chat_id: int | None = None
) -> list[AlertCandidate]:
    """(subscriber, story) pairs where an article that became news in the window is about (salient) a
    company the subscriber followed before the article became news, and no alert for the story exists."""
    story = story_key()
    already = (
        select(Delivery.id)
        .where(
            Delivery.subscriber_id == Subscriber.id,
            Delivery.kind == DeliveryKind.ALERT,
            Delivery.key == literal("story:", String).concat(cast(story, String)),
        )
        .exists()
    )
    query = (
        select(
            Subscriber.id,
            story,
            Article.id,
            ArticleCompany.company_id,
            Subscriber.quiet_start,
            Subscriber.quiet_end,
            Subscriber.timezone,
        )
        .join(ArticleCompany, ArticleCompany.article_id == Article.id)
        .join(
            Follow,
            and_(Follow.company_id == ArticleCompany.company_id, Follow.created_at <= Article.ready_at),
        )
        .join(Subscriber, Subscriber.id == Follow.subscriber_id)
        .where(
            Article.ready_at > since,
            Article.ready_at <= until,
            Article.backfill.is_(False),
            ArticleCompany.salient.is_(True),
            Subscriber.active.is_(True),
            ~already,
        )
        .order_by(Article.ready_at, Article.id, Subscriber.id)
    )
    if chat_id is not None:
        query = query.where(Subscriber.chat_id == chat_id)
    seen: set[tuple[int, int]] = set()
    found: list[AlertCandidate] = []
    for row in session.execute(query):
        candidate = AlertCandidate(*row)
        if (candidate.subscriber_id, candidate.story_key) not in seen:
            seen.add((candidate.subscriber_id, candidate.story_key))
            found.append(candidate)
    return found


def alert_key(story_key: int) -> str:
    return f"story:{story_key}"


def forget_old_replies(session: Session, before: datetime) -> int:
    """Drop the reply of deliveries finished before `before`: the row (its unique key, its state) is
    what keeps a period or story from being sent again; the text is not needed once it went out."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.state.in_((DeliveryState.SENT, DeliveryState.FAILED)),
            Delivery.created_at < before,
            Delivery.reply.is_not(None),
        )
        .values(reply=null())  # SQL NULL: a None would be stored as the JSON value null
    )
    # Session.execute is typed as returning a Result; a DML statement's is a CursorResult, which has
    # rowcount (typing_cast: `cast` here is SQL's).
    return typing_cast(CursorResult[Any], result).rowcount or 0
