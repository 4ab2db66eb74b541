"""Finding the company a user means: exact names, aliases and tickers in any case first, then
tolerance for typos in long names ("Taiwan Semiconducter"), with a choice when several fit and the
closest known names when none does."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.companies import companies_named, fold
from storage.models import Company, CompanyAlias

MAX_QUERY = 100
FUZZY_MIN_LENGTH = 5  # short names must be exact: "ASE" is not "ASX"
FUZZY_ACCEPT = 85
SUGGEST_MIN = 55


@dataclass(frozen=True)
class Match:
    company_id: int
    name: str


@dataclass
class Resolution:
    query: str
    matches: list[Match] = field(default_factory=list)  # one: found; several: ask which
    suggestions: list[str] = field(default_factory=list)  # none found: the closest known names

    @property
    def company(self) -> Match | None:
        return self.matches[0] if len(self.matches) == 1 else None


def similarity(query: str, alias: str, **_: object) -> float:
    """Edit similarity of the whole names, or of the query and the start of a longer name (a typo
    in "Taiwan Semiconducter" still finds "Taiwan Semiconductor Manufacturing"). A much shorter
    alias never scores high by being contained in the query ("ter" in "semiconducter")."""
    whole = fuzz.ratio(query, alias)
    if len(alias) > len(query):
        return max(whole, fuzz.ratio(query, alias[: len(query)]))
    return whole


def resolve_company(session: Session, query: str) -> Resolution:
    query = " ".join(query.split())[:MAX_QUERY]
    resolution = Resolution(query)
    if not query:
        return resolution
    exact = companies_named(session, query)
    if exact:
        resolution.matches = [Match(c.id, c.name) for c in exact]
        return resolution
    aliases = session.execute(select(CompanyAlias.folded, Company.id, Company.name).join(Company)).all()
    choices = {folded: (company_id, name) for folded, company_id, name in aliases}
    folded_query = fold(query)
    # A word-for-word start of a longer name: "ASE Technology" -> "ASE Technology Holding".
    starts = {choices[f] for f in choices if f.startswith(folded_query + " ")}
    if starts:
        resolution.matches = [Match(cid, name) for cid, name in sorted(starts, key=lambda x: x[1])]
        return resolution
    scored = process.extract(folded_query, list(choices), scorer=similarity, limit=10)
    best: dict[int, tuple[float, str]] = {}
    for alias, score, _ in scored:
        company_id, name = choices[alias]
        if score > best.get(company_id, (0.0, ""))[0]:
            best[company_id] = (score, name)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    if len(folded_query) >= FUZZY_MIN_LENGTH:
        accepted = [(cid, name, score) for cid, (score, name) in ranked if score >= FUZZY_ACCEPT]
        if accepted:
            top = accepted[0][2]
            resolution.matches = [Match(cid, name) for cid, name, score in accepted if score >= top - 3]
            return resolution
    resolution.suggestions = [name for _, (score, name) in ranked[:3] if score >= SUGGEST_MIN]
    return resolution
