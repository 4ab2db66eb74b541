"""Queries on stored articles: storing one only once, finding what is already known, and the recent
articles a new one may be a copy of (stories)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import chunks
from storage.models import Article, Source


def source_name() -> ColumnElement[str | None]:
    """An article's source name for what replies show: the one stored with it (site line, feed
    title), else the name of the source it was fetched from. Select it with
    `.outerjoin(Source, Source.id == Article.source_id)`; `bot.extract.card.source_label` words it."""
    return func.coalesce(Article.source_name, Source.name)


def story_key() -> ColumnElement[int]:
    """An article's story: its `story_id` (the story's first article), or its own id when it is that
    first article. Digests, alerts and story grouping all key stories by it."""
    return func.coalesce(Article.story_id, Article.id)


def news_date() -> ColumnElement[datetime]:
    """When an article's news is from: the date its source claims, unless it claims none or one after
    we stored it (a feed's clock or zone gone wrong); then when we stored it."""
    return case(
        (Article.published_at <= Article.ingested_at, Article.published_at), else_=Article.ingested_at
    )


def find_existing(session: Session, canonical_url: str | None, content_hash: str) -> Article | None:
    """The stored article with this canonical URL, else with this content hash."""
    condition = Article.content_hash == content_hash
    if canonical_url:
        condition = or_(Article.canonical_url == canonical_url, condition)
    found = session.scalars(select(Article).where(condition)).all()
    by_url = [a for a in found if canonical_url and a.canonical_url == canonical_url]
    candidates = by_url or found
    return candidates[0] if candidates else None


def known_urls(session: Session, canonical_urls: Iterable[str]) -> set[str]:
    urls = list(set(canonical_urls))
    known: set[str] = set()
    for chunk in chunks(urls):
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


class StoryCandidate(NamedTuple):
    story: int  # the story's key: story_id, or the article's own id for a story's first article
    title: str
    text: str  # the first characters only


def recent_titles(
    session: Session, since: datetime, *, exclude_id: int | None = None, limit: int = 2000
) -> list[tuple[int, str]]:
    """(id, title) of the articles stored after `since`, newest first, at most `limit`: what a new
    article may be a copy of. Ids and titles only, so thousands cost little (on SQLite, columns after
    the text, such as story_id, are read only by walking the text's overflow pages)."""
    query = (
        select(Article.id, Article.title)
        .where(Article.ingested_at > since)
        .order_by(Article.ingested_at.desc(), Article.id.desc())
        .limit(limit)
    )
    if exclude_id is not None:
        query = query.where(Article.id != exclude_id)
    return [(article_id, title) for article_id, title in session.execute(query)]


def story_candidates(session: Session, ids: Sequence[int], text_chars: int) -> list[StoryCandidate]:
    """These articles' story keys, titles and first `text_chars` characters of text (cut by the
    database), in the order of `ids`."""
    found: dict[int, StoryCandidate] = {}
    for chunk in chunks(ids):
        rows = session.execute(
            select(
                Article.id,
                story_key(),
                Article.title,
                func.substr(Article.text, 1, text_chars),
            ).where(Article.id.in_(chunk))
        )
        found.update(
            (article_id, StoryCandidate(story, title, text)) for article_id, story, title, text in rows
        )
    return [found[i] for i in ids if i in found]
