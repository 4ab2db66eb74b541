"""What a digest reads: the articles stored after a cursor, with their salient companies and top fact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleCompany, Company
from storage.search import TopFact, top_facts


@dataclass
class DigestArticle:
    id: int
    title: str
    url: str | None
    source_name: str | None
    ingested_at: datetime
    companies: list[tuple[int, str]] = field(default_factory=list)  # salient (id, name)
    fact: TopFact | None = None


def articles_since(session: Session, since: datetime, *, limit: int = 200) -> list[DigestArticle]:
    """Articles we stored after `since` (our clock, not the feed's), newest first, first fetches of
    new sources left out, each with the companies it is about and its top fact."""
    rows = session.execute(
        select(Article.id, Article.title, Article.url, Article.source_name, Article.ingested_at)
        .where(Article.ingested_at > since, Article.backfill.is_(False), Article.extracted_at.is_not(None))
        .order_by(Article.ingested_at.desc(), Article.id.desc())
        .limit(limit)
    ).all()
    articles = {row.id: DigestArticle(*row) for row in rows}
    if not articles:
        return []
    for article_id, company_id, name in session.execute(
        select(ArticleCompany.article_id, Company.id, Company.name)
        .join(Company, Company.id == ArticleCompany.company_id)
        .where(ArticleCompany.article_id.in_(articles), ArticleCompany.salient.is_(True))
        .order_by(ArticleCompany.article_id, Company.name)
    ):
        articles[article_id].companies.append((company_id, name))
    for article_id, fact in top_facts(session, list(articles)).items():
        articles[article_id].fact = fact
    return list(articles.values())
