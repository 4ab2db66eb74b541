"""People in the news: who a name is as the stored articles give it (their roles and the companies
they are with) and the articles that name them. Names are compared folded (case, accents, spacing),
as company aliases are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.companies import fold
from storage.models import ArticlePerson, Company, PersonNameWord

MIN_PART = 4  # a part of a name ("Raimondo") finds the person from this many characters on
ROWS_READ = 200  # a person's newest mentions read for their roles and articles


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
    newest `articles` articles that name them (of their newest ROWS_READ mentions)."""
    folded = fold(name)
    words = folded.split()
    if not words:
        return []
    exact = _person(session, folded, whole=True)
    if exact is not None:
        found = [exact]
    elif len(folded) >= MIN_PART:
        candidates = session.scalars(select(PersonNameWord.folded).where(PersonNameWord.word == words[0]))
        wholes = [whole for whole in candidates if _has_words(whole.split(), words)]
        found = [p for whole in wholes if (p := _person(session, whole, whole=False)) is not None]
    else:
        found = []
    found.sort(key=lambda e: -e.newest)
    return [PersonInNews(e.name, tuple(e.roles), tuple(e.articles[:articles]), e.whole) for e in found][
        :limit
    ]


def _person(session: Session, folded: str, *, whole: bool) -> _Found | None:
    """The person whose folded name is `folded`, from their newest ROWS_READ mentions; None when no
    article names them."""
    rows = session.execute(
        select(
            ArticlePerson.name,
            ArticlePerson.role,
            ArticlePerson.company_id,
            Company.name,
            ArticlePerson.article_id,
        )
        .outerjoin(Company, Company.id == ArticlePerson.company_id)
        .where(ArticlePerson.folded == folded)
        .order_by(ArticlePerson.article_id.desc(), ArticlePerson.id)
        .limit(ROWS_READ)
    ).all()
    if not rows:
        return None
    entry = _Found(rows[0][0], whole, newest=rows[0][4])
    for _name, role, company_id, company, article_id in rows:
        if (role or company_id) and (role, company_id, company) not in entry.roles:
            entry.roles.append((role, company_id, company))
        if article_id not in entry.articles:
            entry.articles.append(article_id)
    return entry


def add_name_words(session: Session, names: Iterable[str]) -> None:
    """Index the words of these folded names (`person_name_words`); words already there are kept,
    also when another process adds them at the same moment."""
    rows = [{"word": word, "folded": whole} for whole in sorted(set(names)) for word in set(whole.split())]
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(PersonNameWord).on_conflict_do_nothing(), rows)


@dataclass
class _Found:
    name: str  # as the newest article writes it
    whole: bool
    newest: int  # the newest article naming them
    roles: list[tuple[str | None, int | None, str | None]] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)


def _has_words(name: list[str], words: list[str]) -> bool:
    """True when `words` appear in `name` one after another, as whole words."""
    return any(name[i : i + len(words)] == words for i in range(len(name) - len(words) + 1))
