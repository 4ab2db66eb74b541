"""Composing a digest: followed companies first, then the other stories about a company; one entry
per article with its headline, source, key fact and why it is there."""

from __future__ import annotations

from datetime import datetime

from bot.extract.card import money_text
from bot.extract.models import FACT_LABELS
from bot.replies import Bold, Bullets, Heading, Italic, Link, Paragraph, Reply
from storage.digest import DigestArticle

MAX_ENTRIES = 30


def compose_digest(
    articles: list[DigestArticle], followed: dict[int, str], *, since: datetime, send_empty: bool = True
) -> Reply | None:
    """None when there is nothing to say and the subscriber did not ask for "nothing new" notes."""
    about_companies = [a for a in articles if a.companies]
    mine = [a for a in about_companies if any(cid in followed for cid, _ in a.companies)]
    others = [a for a in about_companies if a not in mine]
    if not mine and not others:
        if not send_empty:
            return None
        return Reply.text(f"Nothing new about companies since {since:%Y-%m-%d %H:%M} UTC.")
    blocks: list = [Heading("Your digest")]
    shown = 0
    if mine:
        blocks.append(Paragraph((Bold("Companies you follow"),)))
        entries = [_entry(a, followed) for a in mine[:MAX_ENTRIES]]
        blocks.append(Bullets(tuple(entries)))
        shown += len(entries)
    if others and shown < MAX_ENTRIES:
        blocks.append(Paragraph((Bold("Other company news"),)))
        entries = [_entry(a, followed) for a in others[: MAX_ENTRIES - shown]]
        blocks.append(Bullets(tuple(entries)))
        shown += len(entries)
    hidden = len(mine) + len(others) - shown
    if hidden > 0:
        blocks.append(Paragraph((Italic(f"… and {hidden} more. /latest lists the newest."),)))
    return Reply(tuple(blocks))


def _entry(article: DigestArticle, followed: dict[int, str]) -> tuple:
    title = (
        Link(article.title, article.url)
        if article.url and article.url.startswith("http")
        else Bold(article.title)
    )
    parts: list = [title, f" ({article.source_name or 'unknown source'})"]
    fact = article.fact
    if fact is not None:
        details = [FACT_LABELS.get(fact.kind, fact.kind)]
        if article.fact_company:
            details.append(article.fact_company)
        if fact.amount_value is not None and fact.amount_currency:
            details.append(money_text(fact.amount_value, fact.amount_currency))
        if fact.place:
            details.append(fact.place)
        parts.append(" — " + " · ".join(details))
    why = [name for cid, name in article.companies if cid in followed]
    if why:
        parts.append(Italic(f" — you follow {', '.join(why)}"))
    return tuple(parts)
