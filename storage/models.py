"""The database schema as SQLAlchemy 2.x typed ORM models.

Times are stored as timezone-aware UTC. `Article.ingested_at` is our clock (what per-subscriber cursors
use); `Article.published_at` is only what the source claims. Changing a model means adding an Alembic
revision in `storage/migrations/versions/`.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _str_enum(cls: type[enum.StrEnum]) -> Enum:
    """Store an enum's values as short strings, not a native database type (easy to extend)."""
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class SourceKind(enum.StrEnum):
    FOLDER = "folder"
    FEED = "feed"
    PAGE = "page"


class SourceState(enum.StrEnum):
    ACTIVE = "active"
    FAILING = "failing"
    PAUSED = "paused"


class Source(Base):
    """Something we fetch articles from on a schedule: a folder, a feed or a single page."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SourceKind] = mapped_column(_str_enum(SourceKind))
    location: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    interval_minutes: Mapped[int] = mapped_column(Integer, default=30)
    state: Mapped[SourceState] = mapped_column(_str_enum(SourceState), default=SourceState.ACTIVE)
    last_error: Mapped[str | None] = mapped_column(Text)
    failure_count: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One stored article: stored once, found again by canonical URL or by content hash."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    source_name: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # True for what a source's first fetch brought in: stored and searchable, never pushed as news.
    backfill: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)

    source: Mapped[Source | None] = relationship(back_populates="articles")
