"""Queries on sources: registering them, finding the ones due, recording how a fetch went."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Source, SourceKind, SourceState


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
