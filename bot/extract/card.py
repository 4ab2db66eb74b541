"""A readable fact card for one article (what `digestbot extract` prints without --json), and the
wording replies share: a fact in one line, an article's source label."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from bot.extract.models import FACT_LABELS, ArticleFacts

UNKNOWN_SOURCE = "unknown source"

_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def money_text(value: float, currency: str) -> str:
    """165e9, "USD" -> "USD 165 billion"; 2.76e9, "TWD" -> "TWD 2.76 billion"."""
    for scale, word in _SCALES:
        if abs(value) >= scale:
            return f"{currency} {value / scale:,.3g} {word}".replace(".0 ", " ")
    return f"{currency} {value:,.0f}"


def fact_summary(
    kind: str, company: str | None, amount_value: float | None, amount_currency: str | None, place: str | None
) -> str:
    """'Investment · TSMC · USD 165 billion · Arizona': a fact in one line."""
    details = [FACT_LABELS.get(kind, kind)]
    if company:
        details.append(company)
    if amount_value is not None and amount_currency:
        details.append(money_text(amount_value, amount_currency))
    if place:
        details.append(place)
    return " · ".join(details)


def source_label(name: str | None, url: str | None = None) -> str:
    """How /latest, /search, /company and digests name where an article came from: the name stored
    for it (its site line or feed title, else the name of the source it was fetched from), else the
    web site of its URL ("news.example"), else the folder its file was read from; "unknown source"
    when there is none of these."""
    if name and name.strip():
        return name.strip()
    if url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return UNKNOWN_SOURCE
        scheme = parts.scheme.lower()
        if scheme in ("http", "https") and parts.hostname:
            return parts.hostname.removeprefix("www.")
        if scheme == "file":
            folder = PurePosixPath(unquote(parts.path)).parent.name
            if folder:
                return folder
    return UNKNOWN_SOURCE


def fact_card(facts: ArticleFacts) -> str:
    lines = [facts.title, "=" * min(len(facts.title), 100)]
    lines.append(f"Source: {facts.source or 'unknown'}   Published: {facts.published or 'not stated'}")
    if facts.companies:
        parts = [f"{c.name} ({c.mentions}×{', main' if c.salient else ''})" for c in facts.companies]
        lines.append("Companies: " + "; ".join(parts))
    if facts.people:
        parts = []
        for p in facts.people:
            detail = ", ".join(x for x in (p.role, p.organization) if x)
            parts.append(f"{p.name} ({detail})" if detail else p.name)
        lines.append("People: " + "; ".join(parts))
    if facts.places:
        lines.append("Places: " + ", ".join(facts.places))
    if facts.amounts:
        lines.append("Money:")
        for a in facts.amounts:
            owner = f" – {a.company}" if a.company else ""
            lines.append(f"  {a.text} = {money_text(a.value, a.currency)}{owner}")
    if facts.facts:
        lines.append("Facts:")
        for f in facts.facts:
            details = [f.company or "?"]
            if f.amount:
                details.append(money_text(f.amount.value, f.amount.currency))
            details += [x for x in (f.place, f.date) if x]
            lines.append(f"  [{f.kind}] {' · '.join(details)}")
            lines.append(f"      “{f.sentence}”")
    if facts.key_points:
        lines.append("Key points:")
        lines += [f"  {n}. {point}" for n, point in enumerate(facts.key_points, 1)]
    lines += [f"Note: {note}" for note in facts.notes]
    return "\n".join(lines)
