"""/company NAME: what the store knows about a company, newest facts first, with a "More" button
that pages back through older facts; a choice when the name fits several companies, the closest
known names when it fits none, and who a person is when the name is a person's in the news. Free
text is the same query, also when it names a company inside a sentence ("What about TSMC?")."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.commands import actions
from bot.commands.latest import article_line
from bot.commands.resolve import MAX_QUERY, Resolution, companies_in_text, resolve_company
from bot.extract.card import fact_summary, source_label
from bot.ingest.text import plain_text
from bot.replies import (
    LABEL_LIMIT,
    Block,
    Bold,
    Bullets,
    Button,
    Heading,
    Italic,
    Paragraph,
    Reply,
    title_link,
)
from bot.text import cut
from storage.companies import company_by_id
from storage.facts import (
    FactRow,
    company_article_count,
    company_facts,
    company_people,
    related_companies,
)
from storage.people import PersonInNews, people_named
from storage.search import article_summaries

PAGE = 5
SENTENCE_LIMIT = 220  # characters of a fact's sentence on the company page
EXAMPLE = "/company ASE"


def company_command(session: Session, query: str) -> Reply:
    query = plain_text(query)  # "<b>ASE</b>", "**ASE**" and "`ASE`" are ASE
    notice = f"Your text was cut at {MAX_QUERY} characters." if len(query) > MAX_QUERY else None
    if not query:
        return Reply.error("Which company? Give a name, an alias or a ticker.", example=EXAMPLE)
    resolution = resolve_company(session, query)
    reply = known_reply(session, resolution) or not_one_company(resolution, actions.company_page)
    return Reply(reply.blocks, reply.buttons, reply.link_preview, notice or reply.notice)


def text_query(session: Session, text: str) -> Reply | None:
    """Text sent without a command: the company (or person) it is the name of, else the companies
    it names inside a sentence; None when it names none."""
    text = plain_text(text)
    if not text:
        return None
    reply = known_reply(session, resolve_company(session, text))
    if reply is None:
        named = companies_in_text(session, text)
        if named.matches:
            reply = known_reply(session, named)
    return reply


def known_reply(session: Session, resolution: Resolution) -> Reply | None:
    """The company page when one company goes by the name, a choice when several do; who a person
    is when the name is a person's in the news (before any company a typo would make of it); the
    page of a company found by forgiving a typo, saying so; None when nothing fits."""
    if resolution.matches and not resolution.fuzzy:
        return _company_or_choice(session, resolution)
    people = people_named(session, resolution.query)
    if any(p.whole_name for p in people):
        return person_reply(session, people)
    if resolution.matches:
        return _company_or_choice(session, resolution)
    if people:
        return person_reply(session, people)
    return None


def _company_or_choice(session: Session, resolution: Resolution) -> Reply:
    if resolution.company is None:
        return not_one_company(resolution, actions.company_page)
    reply = company_page(session, resolution.company.company_id, page=0)
    if not resolution.fuzzy:
        return reply
    shown = Paragraph((Italic(f"Showing {resolution.company.name} for “{resolution.query}”."),))
    return Reply((shown, *reply.blocks), reply.buttons, reply.link_preview, reply.notice)


def not_one_company(
    resolution: Resolution, action: Callable[[int], str], *, notice: str | None = None
) -> Reply:
    """The reply when a name fits several companies or none: a button for each that fits, or for
    each of the closest names; pressing one runs `action` on that company (the same buttons for
    /company, /follow and /unfollow)."""
    if resolution.matches:
        rows = tuple(
            (Button(cut(m.name, LABEL_LIMIT), action(m.company_id)),) for m in resolution.matches[:8]
        )
        return Reply(
            (Paragraph((f"“{resolution.query}” fits several companies. Which one?",)),), rows, notice=notice
        )
    blocks = [Paragraph((f"No company called “{resolution.query}” is known yet.",))]
    if resolution.suggestions:
        names = ", ".join(m.name for m in resolution.suggestions)
        blocks.append(Paragraph(("Did you mean: ", names, "?")))
    buttons = tuple((Button(cut(m.name, LABEL_LIMIT), action(m.company_id)),) for m in resolution.suggestions)
    return Reply(tuple(blocks), buttons, notice=notice)


def person_reply(session: Session, people: list[PersonInNews]) -> Reply:
    """Who each person is in the news: their roles and companies, and the articles that name them;
    a button for each company they are with."""
    summaries = {a.id: a for a in article_summaries(session, [i for p in people for i in p.article_ids])}
    blocks: list[Block] = []
    companies: dict[int, str] = {}
    for person in people:
        roles = [", ".join(x for x in (role, company) if x) for role, _, company in person.roles]
        who = f"{person.name} is a person in the news, not a company"
        blocks.append(Heading(person.name))
        blocks.append(Paragraph((f"{who}: {'; '.join(roles)}." if roles else f"{who}.",)))
        named = [article_line(summaries[i]) for i in person.article_ids if i in summaries]
        if named:
            blocks.append(Paragraph((Bold("Named in"),)))
            blocks.append(Bullets(tuple(named)))
        companies.update((cid, name) for _, cid, name in person.roles if cid is not None and name)
    buttons = tuple(
        (Button(cut(name, LABEL_LIMIT), actions.company_page(cid)),)
        for cid, name in list(companies.items())[:3]
    )
    return Reply(tuple(blocks), buttons)


def company_page(session: Session, company_id: int, page: int) -> Reply:
    company = company_by_id(session, company_id)
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
    buttons = ((Button("More ▸", actions.company_page(company_id, page + 1)),),) if more else ()
    return Reply(tuple(blocks), buttons)


def _fact_line(fact: FactRow) -> tuple:
    details = [fact_summary(fact.kind, None, fact.amount_value, fact.amount_currency, fact.place)]
    details += [fact.date.isoformat()] if fact.date else []
    source = source_label(fact.source_name, fact.url)
    origin = title_link(source, fact.url, bold=False)
    return (Bold(" · ".join(details)), f" — “{cut(fact.sentence, SENTENCE_LIMIT, words=True)}” — ", origin)


def _shortest(names: list[str], limit: int) -> list[str]:
    return sorted(set(names), key=lambda n: (len(n), n))[:limit]
