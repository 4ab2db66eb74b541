"""/latest [N]: the newest articles, each with its source, the date its news is from and its top
fact, in the order of those dates (`storage.search.latest_articles`). Also the article lines /search
and a person's reply show."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.commands.context import Chat
from bot.extract.card import fact_summary, source_label
from bot.replies import Bullets, Heading, Inline, Italic, Reply, title_link
from bot.text import cut
from storage.search import ArticleSummary, TopFact, latest_articles

DEFAULT_COUNT = 5
MAX_COUNT = 20
EXAMPLE = "/latest 10"
ECHO_LIMIT = 30  # characters of what was typed, quoted back in an error
_NUMBER = re.compile(r"[+-]?\d+")


def latest_command(session: Session, _chat: Chat, args: str) -> Reply:
    args = args.strip()
    if not args:
        count = DEFAULT_COUNT
    elif _NUMBER.fullmatch(args):
        count = int(args)
        if not 1 <= count <= MAX_COUNT:
            return Reply.error(
                f"I can list from 1 to {MAX_COUNT} articles, not {cut(args, ECHO_LIMIT)}.", example=EXAMPLE
            )
    else:
        return Reply.error(
            f"“{cut(args, ECHO_LIMIT)}” is not a number. Give how many articles you want, "
            f"1 to {MAX_COUNT} ({DEFAULT_COUNT} without a number).",
            example=EXAMPLE,
        )
    articles = latest_articles(session, limit=count)
    if not articles:
        return Reply.text("No articles are stored yet.")
    heading = "The latest article" if len(articles) == 1 else f"The latest {len(articles)} articles"
    return Reply(
        (
            Heading(heading),
            Bullets(tuple(article_line(a) for a in articles)),
        )
    )


def article_line(article: ArticleSummary, extra: tuple[Inline | str, ...] = ()) -> tuple[Inline | str, ...]:
    """Title (a link when the URL is one to open), source and date; then `extra` lines and the top fact."""
    when = article.news_at.date().isoformat()
    source = source_label(article.source_name, article.url)
    parts: list[Inline | str] = [title_link(article.title, article.url), f" — {source} · {when}"]
    parts += extra
    if article.fact is not None:
        parts += ["\n", Italic(fact_text(article.fact))]
    return tuple(parts)


def fact_text(fact: TopFact) -> str:
    """'Investment · TSMC · USD 165 billion · Arizona'."""
    return fact_summary(fact.kind, fact.company, fact.amount_value, fact.amount_currency, fact.place)
