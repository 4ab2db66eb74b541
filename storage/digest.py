"""What digests and alerts read: the stories that became news in a window of our clock.

An article becomes news when its facts are first stored (`Article.ready_at`). Of a new source's
first fetch (`backfill`) only recent news counts, and only for digests: each story says how old its
published date was when we fetched it (`archive_age`), and a digest leaves out what is older than
its period (bot.digest.select); alerts never come from a first fetch. Near-duplicates from other
sources share a story (`Article.story_id`); a story is news once, at the moment its first article
became news, and later copies only add "also reported by" sources to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.articles import source_name, story_key
from storage.db import chunks
from storage.models import Article, ArticleCompany, Company, Source
from storage.search import TopFact, top_facts

# Copies of a story are looked for this far back: a near-duplicate is only grouped with a story
# stored within the ingest-side grouping window (bot.ingest.stories), three days, plus slack.
STORY_SPAN = timedelta(days=4)
# The longest digest period (weekly): first-fetch articles published longer than this before the
# fetch are a new source's archive for every subscriber.
LONGEST_PERIOD = timedelta(days=7)


@dataclass
class DigestStory:
    """One story: the article that broke it, the companies it is about, its top fact, and how many
    other sources carried it."""

    key: int  # the story's first article id
    article_id: int  # the article shown (the first that was news)
    title: str
    url: str | None
    source_name: str | None  # the article's own, else its source's (storage.articles.source_name)
    news_at: datetime  # when the story first became news (our clock)
    companies: list[tuple[int, str]] = field(default_factory=list)  # salient (id, name), by name
    fact: TopFact | None = None
    other_sources: int = 0  # distinct other sources that carried it
    # For a story that only a new source's first fetch brought: how long before that fetch it was
    # published (zero when it has no date). None when a regular fetch carried it.
    archive_age: timedelta | None = None

    @property
    def company_ids(self) -> frozenset[int]:
        return frozenset(cid for cid, _ in self.companies)


def stories_between(session: Session, since: datetime, until: datetime) -> list[DigestStory]:
    """Stories that became news after `since` and up to `until`, oldest first."""
    rows = session.execute(
        select(
            story_key().label("key"),
            Article.id,
            Article.title,
            Article.url,
            source_name(),
            Article.ready_at,
            Article.backfill,
            Article.published_at,
            Article.ingested_at,
        )
        .outerjoin(Source, Source.id == Article.source_id)
        .where(Article.ready_at > since - STORY_SPAN, Article.ready_at <= until)
        .order_by(Article.ready_at, Article.id)
    ).all()
    stories: dict[int, DigestStory] = {}
    sources: dict[int, set[str]] = {}
    for key, article_id, title, url, name, ready_at, backfill, published_at, ingested_at in rows:
        age = _archive_age(backfill, published_at, ingested_at)
        if age is not None and age > LONGEST_PERIOD:
            continue  # a new source's archive
        story = stories.get(key)
        if story is None:
            assert ready_at is not None  # the WHERE on ready_at leaves NULLs out
            stories[key] = DigestStory(key, article_id, title, url, name, ready_at, archive_age=age)
            sources[key] = {name or f"#{article_id}"}
        else:
            sources[key].add(name or f"#{article_id}")
            if story.archive_age is not None:  # a regular fetch brought a copy: news for everyone
                story.archive_age = None if age is None else min(story.archive_age, age)
    fresh = {key: s for key, s in stories.items() if s.news_at > since}
    for key, story in fresh.items():
        story.other_sources = len(sources[key]) - 1
    _add_companies(session, fresh, since, until)
    by_article = {s.article_id: s for s in fresh.values()}
    for ids in chunks(by_article):
        for article_id, fact in top_facts(session, ids).items():
            by_article[article_id].fact = fact
    return sorted(fresh.values(), key=lambda s: (s.news_at, s.article_id))


def latest_news(session: Session, until: datetime) -> datetime | None:
    """When the newest article up to `until` became news."""
    return session.scalar(
        select(func.max(Article.ready_at)).where(Article.ready_at <= until, Article.backfill.is_(False))
    )


def _add_companies(
    session: Session, stories: dict[int, DigestStory], since: datetime, until: datetime
) -> None:
    """The salient companies of every copy of each story (a copy may name one the first missed)."""
    seen: dict[int, set[int]] = {key: set() for key in stories}
    for key, company_id, name in session.execute(
        select(story_key(), Company.id, Company.name)
        .join(ArticleCompany, ArticleCompany.article_id == Article.id)
        .join(Company, Company.id == ArticleCompany.company_id)
        .where(
            Article.ready_at > since - STORY_SPAN,
            Article.ready_at <= until,
            ArticleCompany.salient.is_(True),
        )
        .order_by(Company.name)
    ):
        if key in seen and company_id not in seen[key]:
            seen[key].add(company_id)
            stories[key].companies.append((company_id, name))


def _archive_age(backfill: bool, published_at: datetime | None, ingested_at: datetime) -> timedelta | None:
    if not backfill:
        return None
    if published_at is None:
        return timedelta(0)
    return max(ingested_at - published_at, timedelta(0))
