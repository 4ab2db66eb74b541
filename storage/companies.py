"""Companies and their aliases in the store: the gazetteer synced in, companies first seen in an
article added, and names resolved through one alias table (what `/company` uses too)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import chunks
from storage.models import Company, CompanyAlias


def fold(name: str) -> str:
    """The form aliases are compared in: case, accents and spacing folded."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip()


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:200] or "company"


def companies_named(session: Session, name: str) -> list[Company]:
    """Companies with this exact name, alias or ticker (any case)."""
    rows = session.scalars(
        select(Company)
        .join(CompanyAlias)
        .where(CompanyAlias.folded == fold(name))
        .distinct()
        .order_by(Company.id)
    )
    return list(rows)


def company_by_id(session: Session, company_id: int) -> Company | None:
    """The company with this id, None when there is none (any more)."""
    return session.get(Company, company_id)


def alias_table(session: Session) -> dict[str, tuple[int, str]]:
    """Every alias and ticker by its folded form, with its company's id and canonical name: what a
    name that none goes by exactly is compared with for typos."""
    rows = session.execute(select(CompanyAlias.folded, Company.id, Company.name).join(Company))
    return {folded: (company_id, name) for folded, company_id, name in rows}


class AliasMatch(NamedTuple):
    folded: str
    alias: str  # as the company writes it ("TSMC", "Apple")
    is_ticker: bool
    company_id: int
    company: str  # the company's canonical name


def aliases_folded_as(session: Session, forms: Iterable[str]) -> list[AliasMatch]:
    """The aliases and tickers whose folded form is one of `forms` (already folded), with their
    company; looked up through the index on the folded column, a few hundred forms at a time."""
    wanted = sorted(set(forms))
    found: list[AliasMatch] = []
    for chunk in chunks(wanted):
        rows = session.execute(
            select(CompanyAlias.folded, CompanyAlias.alias, CompanyAlias.is_ticker, Company.id, Company.name)
            .join(Company)
            .where(CompanyAlias.folded.in_(chunk))
            .order_by(Company.id, CompanyAlias.id)
        )
        found += [AliasMatch(*row) for row in rows]
    return found


def add_aliases(session: Session, company: Company, aliases: Iterable[str], *, tickers: bool = False) -> None:
    known = {a.folded for a in company.aliases}
    for alias in aliases:
        folded = fold(alias)
        if folded and folded not in known and len(folded) <= 300:
            company.aliases.append(CompanyAlias(alias=alias.strip(), folded=folded, is_ticker=tickers))
            known.add(folded)


def ensure_company(
    session: Session,
    *,
    name: str,
    aliases: Iterable[str] = (),
    gazetteer_id: str | None = None,
    country: str | None = None,
    tickers: Iterable[str] = (),
) -> Company:
    """The stored company for a gazetteer entry or an extracted name, created if new. A company the
    gazetteer does not know joins an existing one that already goes by its name or an alias."""
    aliases = list(aliases)
    company = None
    if gazetteer_id is not None:
        company = session.scalar(select(Company).where(Company.key == gazetteer_id))
    else:
        for form in (name, *aliases):
            if found := companies_named(session, form):
                company = found[0]
                break
    if company is None:
        key = gazetteer_id or slug(name)
        if gazetteer_id is None and session.scalar(select(Company.id).where(Company.key == key)) is not None:
            key = f"{key}-{len(name)}"
        company = Company(key=key, name=name, gazetteer_id=gazetteer_id, country=country)
        session.add(company)
    add_aliases(session, company, [name, *aliases])
    add_aliases(session, company, tickers, tickers=True)
    session.flush()
    return company


def sync_gazetteer(session: Session, entries: Iterable[GazetteerEntry]) -> int:
    """Make every gazetteer company and alias present in the store; returns how many were new."""
    existing = {c.key: c for c in session.scalars(select(Company))}
    added = 0
    for entry in entries:
        company = existing.get(entry.id)
        if company is None:
            company = Company(key=entry.id, name=entry.name, gazetteer_id=entry.id, country=entry.country)
            session.add(company)
            added += 1
        else:
            company.name, company.country = entry.name, entry.country
        add_aliases(session, company, [entry.name, *entry.aliases])
        add_aliases(session, company, entry.tickers, tickers=True)
    session.flush()
    return added


class GazetteerEntry(Protocol):
    """What sync_gazetteer reads of a gazetteer company (bot.extract.gazetteer.KnownCompany). Read-only
    properties: a frozen dataclass's fields cannot be set, so plain attributes would not match it."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def tickers(self) -> tuple[str, ...]: ...
    @property
    def country(self) -> str | None: ...
