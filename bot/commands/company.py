"""/company NAME: what the store knows about a company, newest facts first, with a "More" button
that pages back through older facts; a choice when the name fits several companies, and the closest
known names when it fits none."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.commands.resolve import MAX_QUERY, Resolution, resolve_company
from bot.extract.card import fact_summary
from bot.replies import Bold, Bullets, Button, Heading, Italic, Link, Paragraph, Reply
from storage.facts import (
    FactRow,
    company_article_count,
    company_facts,
    company_people,
    related_companies,
)
from storage.models import Company

PAGE = 5
EXAMPLE = "/company ASE"


def company_action(company_id: int, page: int) -> str:
    return f"co:{company_id}:{page}"


def company_command(session: Session, query: str) -> Reply:
    notice = f"Your text was cut at {MAX_QUERY} characters." if len(query) > MAX_QUERY else None
    if not query.strip():
        return Reply.error("Which company? Give a name, an alias or a ticker.", example=EXAMPLE)
    resolution = resolve_company(session, query)
    if resolution.company is not None:
        reply = company_page(session, resolution.company.company_id, page=0)
        return Reply(reply.blocks, reply.buttons, reply.link_preview, notice)
    return not_one_company(
        resolution, lambda company_id: company_action(company_id, 0), suggest="cq", notice=notice
    )


def not_one_company(
    resolution: Resolution,
    action: Callable[[int], str],
    *,
    suggest: str | None = None,
    notice: str | None = None,
) -> Reply:
    """The reply when a name fits several companies (a button each, pressing one runs `action`) or
    none (the closest names, as buttons that run the `suggest` action on the name when given)."""
    if resolution.matches:
        rows = tuple((Button(m.name[:64], action(m.company_id)),) for m in resolution.matches[:8])
        return Reply(
            (Paragraph((f"“{resolution.query}” fits several companies. Which one?",)),), rows, notice=notice
        )
    blocks = [Paragraph((f"No company called “{resolution.query}” is known yet.",))]
    if resolution.suggestions:
        blocks.append(Paragraph(("Did you mean: ", ", ".join(resolution.suggestions), "?")))
    buttons = ()
    if suggest is not None:
        buttons = tuple((Button(name[:64], f"{suggest}:{name}"[:64]),) for name in resolution.suggestions)
    return Reply(tuple(blocks), buttons, notice=notice)


def company_page(session: Session, company_id: int, page: int) -> Reply:
    company = session.get(Company, company_id)
    if company is None:
        return Reply.error("That company is no longer known.", example=EXAMPLE)
    page = max(0, page)
    facts = company_facts(session, company_id, offset=page * PAGE, limit=PAGE + 1)
    more = len(facts) > PAGE
    facts = facts[:PAGE]
    blocks: list = [Heading(company.name)]
    if page == 0:
        aliases = [a.alias for a in company.aliases if not a.is_ticker and a.alias != company.name]
        tickers = [a.alias for a in company.aliases if a.is_ticker]
        details = []
        if aliases:
            details.append(f"Also: {', '.join(_shortest(aliases, 6))}")
        if tickers:
            details.append(f"Tickers: {', '.join(tickers)}")
        articles = company_article_count(session, company_id)
        details.append(f"{articles} article{'s' if articles != 1 else ''} in the store")
        blocks.append(Paragraph((" · ".join(details),)))
    if facts:
        blocks.append(Paragraph((Bold("Latest facts" if page == 0 else f"Older facts (page {page + 1})"),)))
        blocks.append(Bullets(tuple(_fact_line(f) for f in facts)))
    elif page == 0:
        blocks.append(Paragraph((Italic("No facts about it yet."),)))
    if page == 0:
        people = company_people(session, company_id)
        if people:
            blocks.append(Paragraph((Bold("People quoted"),)))
            blocks.append(Bullets(tuple((f"{name}, {role}" if role else name,) for name, role in people)))
        related = related_companies(session, company_id)
        if related:
            blocks.append(Paragraph((Bold("Appears with: "), ", ".join(related))))
    buttons = ((Button("More ▸", company_action(company_id, page + 1)),),) if more else ()
    return Reply(tuple(blocks), buttons)


def _fact_line(fact: FactRow) -> tuple:
    details = [fact_summary(fact.kind, None, fact.amount_value, fact.amount_currency, fact.place)]
    details += [fact.date.isoformat()] if fact.date else []
    source = fact.source_name or "source"
    origin = Link(source, fact.url) if fact.url and fact.url.startswith("http") else source
    return (Bold(" · ".join(details)), f" — “{_trim(fact.sentence)}” — ", origin)


def _trim(sentence: str, limit: int = 220) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _shortest(names: list[str], limit: int) -> list[str]:
    return sorted(set(names), key=lambda n: (len(n), n))[:limit]
