"""Queries on sources: registering them, finding the ones due, recording how a fetch went.

Source health: a success resets the failure count and schedules the next fetch one interval later
(spread by ±10% so sources do not all fall due in the same minute); each consecutive failure doubles
the wait (at most a day), and after FAILING_AFTER of them an active source is shown as failing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Source, SourceKind, SourceState

FAILING_AFTER = 3  # consecutive failed fetches before a source is shown as failing
MAX_BACKOFF = timedelta(hours=24)


class SourceExists(Exception):
    def __init__(self, source: Source) -> None:
        super().__init__(f"already a source (#{source.id})")
        self.source = source


def add_source(
    session: Session, *, kind: SourceKind, location: str, name: str | None, interval_minutes: int
) -> Source:
    existing = session.scalar(select(Source).where(Source.location == location))
    if existing is not None:
        raise SourceExists(existing)
    source = Source(kind=kind, location=location, name=name, interval_minutes=interval_minutes)
    session.add(source)
    session.flush()
    return source


def ensure_source(
    session: Session, *, kind: SourceKind, location: str, name: str | None, interval_minutes: int
) -> Source:
    existing = session.scalar(select(Source).where(Source.location == location))
    return existing or add_source(
        session, kind=kind, location=location, name=name, interval_minutes=interval_minutes
    )


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def get_source(session: Session, source_id: int) -> Source | None:
    return session.get(Source, source_id)


def remove_source(session: Session, source_id: int) -> bool:
    source = session.get(Source, source_id)
    if source is None:
        return False
    session.delete(source)
    return True


def due_sources(session: Session, now: datetime) -> list[Source]:
    """Sources whose next fetch has come (or never happened); paused ones are left alone."""
    return list(
        session.scalars(
            select(Source)
            .where(Source.state != SourceState.PAUSED)
            .where(or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now))
            .order_by(Source.next_fetch_at.is_not(None), Source.next_fetch_at, Source.id)
        )
    )


def retry_delay(interval_minutes: int, failures: int) -> timedelta:
    """How long to wait after the `failures`-th consecutive failure: doubling, capped at a day."""
    return min(timedelta(minutes=interval_minutes) * 2 ** min(failures, 16), MAX_BACKOFF)


def record_fetch_success(
    session: Session, source_id: int, *, etag: str | None, last_modified: str | None, now: datetime
) -> None:
    source = session.get(Source, source_id)
    if source is None:  # removed while it was being fetched
        return
    source.etag, source.last_modified = etag, last_modified
    source.failure_count = 0
    source.last_error = None
    if source.state is SourceState.FAILING:
        source.state = SourceState.ACTIVE
    source.last_fetched_at = source.last_success_at = now
    source.next_fetch_at = now + timedelta(minutes=source.interval_minutes) * random.uniform(0.9, 1.1)


def record_fetch_failure(session: Session, source_id: int, reason: str, *, now: datetime) -> None:
    source = session.get(Source, source_id)
    if source is None:
        return
    source.failure_count += 1
    source.last_error = reason[:1000]
    source.last_fetched_at = now
    if source.failure_count >= FAILING_AFTER and source.state is SourceState.ACTIVE:
        source.state = SourceState.FAILING
    source.next_fetch_at = now + retry_delay(source.interval_minutes, source.failure_count)
