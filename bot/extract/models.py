"""The facts of one article as plain dataclasses; `ArticleFacts.to_json()` is the public JSON schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FACT_KINDS = ("investment", "expansion", "funding", "earnings", "approval", "plan", "statement")
FACT_LABELS = {
    "investment": "Investment",
    "expansion": "New site or expansion",
    "funding": "Funding or subsidy",
    "earnings": "Revenue or earnings",
    "approval": "Approval",
    "plan": "Plan or evaluation",
    "statement": "Statement",
}


@dataclass
class Company:
    name: str  # canonical
    aliases: list[str]  # surface forms seen in this article
    mentions: int
    salient: bool
    gazetteer_id: str | None = None  # set when the company is in the gazetteer


@dataclass(frozen=True)
class Person:
    name: str
    role: str | None
    organization: str | None  # canonical company name


@dataclass(frozen=True)
class Amount:
    text: str
    value: float
    currency: str
    company: str | None
    sentence: str


@dataclass(frozen=True)
class Fact:
    kind: str
    company: str | None
    amount: Amount | None
    place: str | None
    date: str | None  # YYYY-MM-DD
    sentence: str


@dataclass
class ArticleFacts:
    title: str
    source: str | None
    published: str | None  # YYYY-MM-DD
    companies: list[Company] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. that a huge text was cut

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "companies": [
                {"name": c.name, "aliases": c.aliases, "mentions": c.mentions, "salient": c.salient}
                for c in self.companies
            ],
            "people": [{"name": p.name, "role": p.role, "organization": p.organization} for p in self.people],
            "places": list(self.places),
            "amounts": [
                {
                    "text": a.text,
                    "value": a.value,
                    "currency": a.currency,
                    "company": a.company,
                    "sentence": a.sentence,
                }
                for a in self.amounts
            ],
            "facts": [
                {
                    "kind": f.kind,
                    "company": f.company,
                    "amount": {"value": f.amount.value, "currency": f.amount.currency} if f.amount else None,
                    "place": f.place,
                    "date": f.date,
                    "sentence": f.sentence,
                }
                for f in self.facts
            ],
            "key_points": list(self.key_points),
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data
