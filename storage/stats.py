"""What /stats counts: how much the store holds, and how many sources are in each state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.articles import count_articles
from storage.models import Company, Fact, Source, SourceState, Subscriber


@dataclass(frozen=True)
class StoreCounts:
    articles: int
    facts: int
    companies: int
    subscribers: int  # subscribed and reachable
    sources: dict[SourceState, int]  # every state, 0 where no source is in it


def store_counts(session: Session) -> StoreCounts:
    states = dict(session.execute(select(Source.state, func.count()).group_by(Source.state)).all())
    active = select(func.count()).select_from(Subscriber).where(Subscriber.subscribed, Subscriber.active)
    return StoreCounts(
        articles=count_articles(session),
        facts=session.scalar(select(func.count()).select_from(Fact)) or 0,
        companies=session.scalar(select(func.count()).select_from(Company)) or 0,
        subscribers=session.scalar(active) or 0,
        sources={state: states.get(state, 0) for state in SourceState},
    )
