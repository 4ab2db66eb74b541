"""Storing what extraction found in an article: its companies (through the alias table), people,
amounts, facts, places and key points. Saving again replaces the article's previous facts, which is
how re-extraction after an improvement works.

What is saved is read through the Protocols below, the stored shape of an article's facts: the
extractor's dataclasses (bot.extract.models) match them, and storage needs nothing from `bot`."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from storage.articles import source_name
from storage.companies import ensure_company, fold
from storage.models import Article, ArticleAmount, ArticleCompany, ArticlePerson, Company, Fact, Source
from storage.people import add_name_words


class FoundCompany(Protocol):
    @property
    def name(self) -> str: ...  # canonical
    @property
    def aliases(self) -> Sequence[str]: ...  # the surface forms in this article
    @property
    def mentions(self) -> int: ...
    @property
    def salient(self) -> bool: ...
    @property
    def gazetteer_id(self) -> str | None: ...


class FoundPerson(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def organization(self) -> str | None: ...  # a FoundCompany's name


class FoundMoney(Protocol):
    @property
    def value(self) -> float: ...
    @property
    def currency(self) -> str: ...  # ISO 4217


class FoundAmount(FoundMoney, Protocol):
    @property
    def text(self) -> str: ...
    @property
    def company(self) -> str | None: ...
    @property
    def sentence(self) -> str: ...


class FoundFact(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def company(self) -> str | None: ...
    @property
    def amount(self) -> FoundMoney | None: ...
    @property
    def place(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...  # YYYY-MM-DD
    @property
    def sentence(self) -> str: ...


class FoundFacts(Protocol):
    """An article's facts as the extractor hands them over (bot.extract.models.ArticleFacts)."""

    @property
    def companies(self) -> Sequence[FoundCompany]: ...
    @property
    def people(self) -> Sequence[FoundPerson]: ...
    @property
    def places(self) -> Sequence[str]: ...
    @property
    def amounts(self) -> Sequence[FoundAmount]: ...
    @property
    def facts(self) -> Sequence[FoundFact]: ...
    @property
    def key_points(self) -> Sequence[str]: ...
    @property
    def notes(self) -> Sequence[str]: ...


def save_facts(session: Session, article: Article, facts: FoundFacts, *, version: int, now: datetime) -> None:
    for table in (ArticleCompany, ArticlePerson, ArticleAmount, Fact):
        session.execute(delete(table).where(table.article_id == article.id))
    companies: dict[str, Company] = {}
    for found in facts.companies:
        company = ensure_company(
            session, name=found.name, aliases=found.aliases, gazetteer_id=found.gazetteer_id
        )
        companies[found.name] = company
        session.add(
            ArticleCompany(
                article_id=article.id,
                company_id=company.id,
                mentions=found.mentions,
                salient=found.salient,
                surface_forms=list(found.aliases),
            )
        )

    def company_id(name: str | None) -> int | None:
        return companies[name].id if name in companies else None

    folded_names = set()
    for person in facts.people:
        name = person.name[:300]
        folded_names.add(folded := fold(name))
        session.add(
            ArticlePerson(
                article_id=article.id,
                name=name,
                folded=folded,
                role=person.role,
                company_id=company_id(person.organization),
            )
        )
    add_name_words(session, folded_names)
    for amount in facts.amounts:
        session.add(
            ArticleAmount(
                article_id=article.id,
                text=amount.text[:200],
                value=amount.value,
                currency=amount.currency,
                company_id=company_id(amount.company),
                sentence=amount.sentence,
            )
        )
    for position, fact in enumerate(facts.facts):
        session.add(
            Fact(
                article_id=article.id,
                position=position,
                kind=fact.kind,
                company_id=company_id(fact.company),
                amount_value=fact.amount.value if fact.amount else None,
                amount_currency=fact.amount.currency if fact.amount else None,
                place=fact.place,
                date=date.fromisoformat(fact.date) if fact.date else None,
                sentence=fact.sentence,
            )
        )
    article.key_points = list(facts.key_points)
    article.places = list(facts.places)
    article.extraction_notes = list(facts.notes)
    article.extracted_at = now
    article.extraction_attempts = 0
    article.extraction_error = None
    if article.ready_at is None:
        article.ready_at = now
    article.extractor_version = version
    session.flush()


# Failed tries after which an article is left without facts (until `mark_all_for_extraction`).
MAX_EXTRACTION_ATTEMPTS = 3


def articles_to_extract(session: Session, *, limit: int, skip: Collection[int] = ()) -> list[Article]:
    """Articles whose facts have not been extracted yet and that have not failed too often, oldest
    first; none of `skip` (those that failed in this run)."""
    query = (
        select(Article)
        .where(Article.extracted_at.is_(None), Article.extraction_attempts < MAX_EXTRACTION_ATTEMPTS)
        .order_by(Article.id)
        .limit(limit)
    )
    if skip:
        query = query.where(Article.id.not_in(list(skip)))
    return list(session.scalars(query))


def record_extraction_failure(session: Session, article: Article, error: str) -> bool:
    """Note a failed try; True when it was the last one the job makes."""
    article.extraction_attempts = (article.extraction_attempts or 0) + 1
    article.extraction_error = error[:1000]
    return article.extraction_attempts >= MAX_EXTRACTION_ATTEMPTS


def extraction_failures(session: Session) -> dict[int | None, tuple[int, str]]:
    """The articles of each source (by id; None for no source) left without facts because extracting
    them failed every time it was tried: how many, and one of their errors."""
    rows = session.execute(
        select(Article.source_id, func.count(), func.max(Article.extraction_error))
        .where(Article.extracted_at.is_(None), Article.extraction_attempts >= MAX_EXTRACTION_ATTEMPTS)
        .group_by(Article.source_id)
    )
    return {source_id: (count, error or "") for source_id, count, error in rows}


def mark_all_for_extraction(session: Session) -> int:
    """Queue every article for extraction again (after the extractor improved), failed ones too."""
    result = session.execute(update(Article).values(extracted_at=None, extraction_attempts=0))
    # Session.execute is typed as returning a Result; a DML statement's is a CursorResult, which has rowcount.
    return cast(CursorResult[Any], result).rowcount or 0


@dataclass(frozen=True)
class FactRow:
    kind: str
    amount_value: float | None
    amount_currency: str | None
    place: str | None
    date: date | None
    sentence: str
    article_id: int
    title: str
    url: str | None
    source_name: str | None  # the article's own, else its source's (`storage.articles.source_name`)
    ingested_at: datetime


def company_facts(session: Session, company_id: int, *, offset: int = 0, limit: int = 5) -> list[FactRow]:
    """A company's facts, newest stored article first (statements after events of the same article)."""
    rows = session.execute(
        select(
            Fact.kind,
            Fact.amount_value,
            Fact.amount_currency,
            Fact.place,
            Fact.date,
            Fact.sentence,
            Article.id,
            Article.title,
            Article.url,
            source_name(),
            Article.ingested_at,
        )
        .join(Article, Article.id == Fact.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(Fact.company_id == company_id)
        # Newest stored first is the highest id: ix_facts_company_article gives the rows in order.
        .order_by(Fact.article_id.desc(), (Fact.kind == "statement"), Fact.position)
        .offset(offset)
        .limit(limit)
    )
    return [FactRow(*row) for row in rows]


def company_people(session: Session, company_id: int, *, limit: int = 5) -> list[tuple[str, str | None]]:
    """People quoted for a company with their roles, most recent first, each once."""
    rows = session.execute(
        select(ArticlePerson.name, ArticlePerson.role)
        .where(ArticlePerson.company_id == company_id)
        .order_by(ArticlePerson.article_id.desc(), ArticlePerson.id)
        .limit(limit * 4)
    ).all()
    seen: dict[str, str | None] = {}
    for name, role in rows:
        if name not in seen or (seen[name] is None and role):
            seen[name] = role
    return list(seen.items())[:limit]


RELATED_OVER = 500  # a company's newest articles read for the companies that appear with it


def related_companies(session: Session, company_id: int, *, limit: int = 5) -> list[str]:
    """Companies that appear in the same articles (the company's newest RELATED_OVER), most shared
    articles first: recent company, and a bounded read however much the store holds."""
    mine = (
        select(ArticleCompany.article_id)
        .where(ArticleCompany.company_id == company_id)
        .order_by(ArticleCompany.article_id.desc())
        .limit(RELATED_OVER)
    )
    shared = func.count(ArticleCompany.article_id)
    rows = session.execute(
        select(Company.name, shared)
        .join(ArticleCompany, ArticleCompany.company_id == Company.id)
        .where(ArticleCompany.article_id.in_(mine), Company.id != company_id)
        .group_by(Company.id, Company.name)
        .order_by(shared.desc(), Company.name)
        .limit(limit)
    )
    return [name for name, _ in rows]


def company_article_count(session: Session, company_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(ArticleCompany).where(ArticleCompany.company_id == company_id)
        )
        or 0
    )
