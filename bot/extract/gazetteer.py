"""The company gazetteer (`seeds/companies.jsonl`): canonical names, aliases and tickers of the
companies we know, as EntityRuler phrase patterns (see `nlp.build_nlp`) and as a lookup table.

Matching rules: a one-word alias or a ticker matches only as written ("ASE" is not "ase", and never
part of "ASEAN": spaCy matches whole tokens); longer aliases match in any case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "seeds" / "companies.jsonl"
COMPANY_LABEL = "ORG"
# Tickers that are everyday words in capitals (headlines, acronyms) are not matched as tickers.
_TICKER_STOPLIST = {
    "ON",
    "A",
    "AN",
    "IT",
    "ALL",
    "NOW",
    "ARE",
    "BIG",
    "CAN",
    "FOR",
    "KEY",
    "NEW",
    "ONE",
    "TWO",
}


def matchable_ticker(ticker: str) -> bool:
    """Whether a ticker is looked for in running text: three characters or more, and not an
    everyday word in capitals ("ON", "NOW")."""
    return len(ticker) >= 3 and ticker.upper() not in _TICKER_STOPLIST


@dataclass(frozen=True)
class KnownCompany:
    id: str
    name: str
    aliases: tuple[str, ...]
    tickers: tuple[str, ...]
    country: str | None


class Gazetteer:
    def __init__(self, companies: list[KnownCompany], path: Path = DEFAULT_PATH) -> None:
        self.path = path
        self.companies = companies
        self.by_id = {c.id: c for c in companies}
        self._by_lower: dict[str, KnownCompany] = {}
        for company in companies:
            for form in (company.name, *company.aliases, *company.tickers):
                self._by_lower.setdefault(form.casefold(), company)

    @classmethod
    @lru_cache(maxsize=8)
    def load(cls, path: Path = DEFAULT_PATH) -> Gazetteer:
        """The gazetteer in `path` (read once per process)."""
        companies = []
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip() or line.lstrip().startswith("//"):
                    continue
                try:
                    raw: dict[str, Any] = json.loads(line)
                    companies.append(
                        KnownCompany(
                            id=raw["id"],
                            name=raw["name"],
                            aliases=tuple(raw.get("aliases", [])),
                            tickers=tuple(raw.get("tickers", [])),
                            country=raw.get("country"),
                        )
                    )
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"{path}:{number}: not a gazetteer entry ({exc})") from None
        return cls(companies, path)

    def lookup(self, name: str) -> KnownCompany | None:
        """The known company with this name, alias or ticker, in any case."""
        return self._by_lower.get(name.strip().casefold())

    @cached_property
    def phrases(self) -> list[tuple[str, str, bool]]:
        """(company id, form, one word) for every name, alias and usable ticker; one-word forms are
        matched exactly as written, longer ones in any case."""
        found: list[tuple[str, str, bool]] = []
        seen: set[tuple[str, str]] = set()
        for company in self.companies:
            forms = [company.name, *company.aliases]
            forms += [t for t in company.tickers if matchable_ticker(t)]
            for form in forms:
                form = form.strip()
                if form and (company.id, form) not in seen:
                    seen.add((company.id, form))
                    found.append((company.id, form, len(form.split()) == 1))
        return found
