"""Queries on stored articles: storing one only once, and finding what is already known."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Article


def find_existing(session: Session, canonical_url: str | None, content_hash: str) -> Article | None:
    """The stored article with this canonical URL, else with this content hash."""
    condition = Article.content_hash == content_hash
    if canonical_url:
        condition = or_(Article.canonical_url == canonical_url, condition)
    found = session.scalars(select(Article).where(condition)).all()
    by_url = [a for a in found if canonical_url and a.canonical_url == canonical_url]
    return (by_url or found or [None])[0]


def known_urls(session: Session, canonical_urls: Iterable[str]) -> set[str]:
    urls = list(set(canonical_urls))
    known: set[str] = set()
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        known.update(session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk))))
    return known


def add_article(
    session: Session,
    *,
    canonical_url: str | None,
    content_hash: str,
    title: str,
    text: str,
    url: str | None,
    source_name: str | None,
    source_id: int | None,
    author: str | None,
    published_at: datetime | None,
    backfill: bool = False,
) -> tuple[Article, bool]:
    """Store the article unless it is known; returns (article, created). Safe against a concurrent
    writer storing the same article: the unique constraints decide and the loser gets the winner's."""
    existing = find_existing(session, canonical_url, content_hash)
    if existing is not None:
        return existing, False
    article = Article(
        canonical_url=canonical_url,
        content_hash=content_hash,
        title=title[:1000],
        text=text,
        url=url,
        source_name=source_name[:200] if source_name else None,
        source_id=source_id,
        author=author[:500] if author else None,
        published_at=published_at,
        backfill=backfill,
    )
    try:
        with session.begin_nested():
            session.add(article)
    except IntegrityError:
        existing = find_existing(session, canonical_url, content_hash)
        if existing is None:
            raise
        return existing, False
    return article, True


def count_articles(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Article)) or 0
