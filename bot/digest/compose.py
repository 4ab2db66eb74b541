"""Composing a digest: followed companies first, then the other stories about a company; one entry
per article with its headline, source, key fact and why it is there."""

from __future__ import annotations

from datetime import datetime

from bot.extract.card import fact_summary
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
        summary = fact_summary(fact.kind, fact.company, fact.amount_value, fact.amount_currency, fact.place)
        parts.append(" — " + summary)
    why = [name for cid, name in article.companies if cid in followed]
    if why:
        parts.append(Italic(f" — you follow {', '.join(why)}"))
    return tuple(parts)
