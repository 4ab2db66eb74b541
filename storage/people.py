"""People in the news: who a name is as the stored articles give it (their roles and the companies
they are with) and the articles that name them. Names are compared folded (case, accents, spacing),
as company aliases are."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.companies import fold
from storage.models import Article, ArticlePerson, Company

MIN_PART = 4  # a part of a name ("Raimondo") finds the person from this many characters on


@dataclass(frozen=True)
class PersonInNews:
    name: str  # as the newest article writes it
    roles: tuple[tuple[str | None, int | None, str | None], ...]  # (role, company id, company name)
    article_ids: tuple[int, ...]  # newest stored first
    whole_name: bool  # the name asked for is the whole name, not a part of it ("Raimondo")


def people_named(session: Session, name: str, *, limit: int = 3, articles: int = 5) -> list[PersonInNews]:
    """The people called `name` (any case), most recently named first; when nobody is called
    exactly that, the people whose name has it as whole words ("Raimondo", "Hong-Szu"), if it is at
    least MIN_PART characters long. Each with their roles, newest first and each once, and the
    newest `articles` articles that name them."""
    folded = fold(name)
    words = folded.split()
    if not words:
        return []
    # A cheap first cut in SQL (any case, ASCII-wise on SQLite), then the folded comparison here.
    longest = max(name.split(), key=len)
    pattern = "%" + longest.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        select(ArticlePerson.name, ArticlePerson.role, ArticlePerson.company_id, Company.name, Article.id)
        .join(Article, Article.id == ArticlePerson.article_id)
        .outerjoin(Company, Company.id == ArticlePerson.company_id)
        .where(ArticlePerson.name.ilike(pattern, escape="\\"))
        .order_by(Article.ingested_at.desc(), Article.id.desc(), ArticlePerson.id)
    ).all()
    found: dict[str, _Found] = {}
    for person, role, company_id, company, article_id in rows:
        key = fold(person)
        whole = key == folded
        if not whole and not (len(folded) >= MIN_PART and _has_words(key.split(), words)):
            continue
        entry = found.setdefault(key, _Found(person, whole))
        if (role or company_id) and (role, company_id, company) not in entry.roles:
            entry.roles.append((role, company_id, company))
        if article_id not in entry.articles:
            entry.articles.append(article_id)
    people = [
        PersonInNews(e.name, tuple(e.roles), tuple(e.articles[:articles]), e.whole) for e in found.values()
    ]
    whole_named = [p for p in people if p.whole_name]
    return (whole_named or people)[:limit]


@dataclass
class _Found:
    name: str
    whole: bool
    roles: list[tuple[str | None, int | None, str | None]] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)


def _has_words(name: list[str], words: list[str]) -> bool:
    """True when `words` appear in `name` one after another, as whole words."""
    return any(name[i : i + len(words)] == words for i in range(len(name) - len(words) + 1))
