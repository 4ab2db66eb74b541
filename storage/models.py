"""The database schema as SQLAlchemy 2.x typed ORM models.

Times are stored as timezone-aware UTC. `Article.ingested_at` is our clock (what per-subscriber cursors
use); `Article.published_at` is only what the source claims. Changing a model means adding an Alembic
revision in `storage/migrations/versions/`.
"""

from __future__ import annotations

import datetime as dt
import enum
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
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
    # Set when facts were extracted; None means the extraction job still has to read it.
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Failed tries at extracting it since it last had facts, and the last failure's reason: an
    # article that breaks the extractor is retried a few times, then left alone (shown to admins).
    extraction_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extraction_error: Mapped[str | None] = mapped_column(Text)
    # When the article first had its facts and so became news for digests and alerts (our clock; a
    # re-extraction leaves it alone). Digest cursors compare against this.
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The first stored article of the same story (a near-duplicate from another source); None when
    # this article is the first. A story's key is story_id or, for the first, its own id.
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    extractor_version: Mapped[int | None] = mapped_column(Integer)
    key_points: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    places: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    extraction_notes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    source: Mapped[Source | None] = relationship(back_populates="articles")


class Company(Base):
    """A company, known from the gazetteer or first seen in an article; found again by its aliases."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # gazetteer id, or a slug of the name
    name: Mapped[str] = mapped_column(String(300))
    gazetteer_id: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    aliases: Mapped[list[CompanyAlias]] = relationship(back_populates="company", cascade="all, delete-orphan")


class CompanyAlias(Base):
    """Every name, alias and ticker a company goes by; `folded` is the case-folded form looked up."""

    __tablename__ = "company_aliases"
    __table_args__ = (UniqueConstraint("company_id", "folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300), index=True)
    is_ticker: Mapped[bool] = mapped_column(default=False)

    company: Mapped[Company] = relationship(back_populates="aliases")


class ArticleCompany(Base):
    """A company in an article: how often it is named and whether the article is about it."""

    __tablename__ = "article_companies"
    # A company's articles, newest first, read in order (the primary key serves an article's).
    __table_args__ = (Index("ix_article_companies_company_article", "company_id", "article_id"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    mentions: Mapped[int] = mapped_column(Integer, default=1)
    salient: Mapped[bool] = mapped_column(default=False)
    surface_forms: Mapped[list[str]] = mapped_column(JSON, default=list)


class ArticlePerson(Base):
    """A person named in an article, with the role and company the article gives."""

    __tablename__ = "article_people"
    # A person's rows and a company's people, newest stored article first, without a sort.
    __table_args__ = (
        Index("ix_article_people_folded_article", "folded", "article_id"),
        Index("ix_article_people_company_article", "company_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300), server_default="")  # storage.companies.fold(name)
    role: Mapped[str | None] = mapped_column(String(300))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))


class PersonNameWord(Base):
    """Each word of each folded person name: how a part of a name ("raimondo") finds the whole names
    it is in without reading every person row."""

    __tablename__ = "person_name_words"

    word: Mapped[str] = mapped_column(String(300), primary_key=True)
    folded: Mapped[str] = mapped_column(String(300), primary_key=True)


class ArticleAmount(Base):
    """A money amount in an article and the company it belongs to."""

    __tablename__ = "article_amounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    sentence: Mapped[str] = mapped_column(Text)


class Fact(Base):
    """A typed event from one sentence: what kind, which company, how much, where, when."""

    __tablename__ = "facts"
    # A company's facts, newest stored article first: the page reads its first rows, no sort.
    __table_args__ = (Index("ix_facts_company_article", "company_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    amount_value: Mapped[float | None] = mapped_column(Float)
    amount_currency: Mapped[str | None] = mapped_column(String(3))
    place: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[dt.date | None] = mapped_column(Date)
    sentence: Mapped[str] = mapped_column(Text)


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class Subscriber(Base):
    """A chat that talks to the bot: its digest schedule (local time in an IANA zone), whether it is
    still reachable, and how far its digests have got (our ingestion time, never a feed's date)."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    subscribed: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)  # False once Telegram says blocked or gone
    frequency: Mapped[Frequency] = mapped_column(_str_enum(Frequency), default=Frequency.DAILY)
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday = 0, for weekly digests
    digest_time: Mapped[dt.time] = mapped_column(Time, default=dt.time(8, 0))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_start: Mapped[dt.time | None] = mapped_column(Time)
    quiet_end: Mapped[dt.time | None] = mapped_column(Time)
    send_empty: Mapped[bool] = mapped_column(default=False)  # a "nothing new" note when there is none
    cursor: Mapped[datetime | None] = mapped_column(UTCDateTime())  # articles ready after this are new
    # The UTC instant the next scheduled digest falls due; set whenever the schedule changes and after
    # each digest, so the dispatcher (and a restart) reads it back. None: not scheduled yet.
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    follows: Mapped[list[Follow]] = relationship(back_populates="subscriber", cascade="all, delete-orphan")


class Follow(Base):
    """A company a subscriber wants first in digests and as alerts."""

    __tablename__ = "follows"

    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    subscriber: Mapped[Subscriber] = relationship(back_populates="follows")


class DeliveryKind(enum.StrEnum):
    DIGEST = "digest"
    ALERT = "alert"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # prepared; some or all of its messages still to send
    SENT = "sent"  # every message accepted by Telegram
    EMPTY = "empty"  # a digest period with nothing to say (nothing sent, the period is done)
    FAILED = "failed"  # given up: the chat is gone or the messages were refused


class Delivery(Base):
    """The delivery ledger: one row per subscriber and digest period (or story, for alerts).

    The row is written, with the reply as composed, in the same transaction that advances the
    subscriber's cursor; the reply is rendered (deterministically) when sent, and `parts_sent` goes up
    one message at a time, each only after Telegram accepted it. The unique key is what makes a digest
    or alert impossible to prepare twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("subscriber_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    kind: Mapped[DeliveryKind] = mapped_column(_str_enum(DeliveryKind))
    key: Mapped[str] = mapped_column(String(64))  # "daily:2026-11-30", "weekly:2026-11-30", "story:123"
    state: Mapped[DeliveryState] = mapped_column(_str_enum(DeliveryState), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the scheduled instant, or when news came
    send_after: Mapped[datetime] = mapped_column(UTCDateTime())  # later than due_at in quiet hours
    # The reply as composed (bot.reply_data), rendered for the transport when sent; None when empty.
    reply: Mapped[dict | None] = mapped_column(JSON)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BotState(Base):
    """Small values the bot keeps for itself across restarts, by name (the webhook's generated secret
    token: Telegram must keep sending the one it was given)."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
