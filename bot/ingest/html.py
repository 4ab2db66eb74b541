"""The article in a web page, found with trafilatura (boilerplate, menus and comments removed)."""

from __future__ import annotations

from datetime import UTC, datetime

import trafilatura

from bot.ingest.models import ArticleDraft, NoArticleText
from bot.ingest.text import MIN_ARTICLE_WORDS, clean, drop_repeats, parse_date, split_dateline, word_count
from bot.text import cut


def extract_article(html: str | bytes, url: str | None) -> ArticleDraft:
    """Title, text and metadata of the main article in `html`; NoArticleText if there is none."""
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    body = getattr(document, "text", None) or ""
    paragraphs = drop_repeats([line for line in clean(body).split("\n") if line])
    title = clean(getattr(document, "title", None) or "").replace("\n", " ") or None
    if title and paragraphs and paragraphs[0].casefold() == title.casefold():
        paragraphs.pop(0)
    dateline = parse_date(paragraphs[0]) if paragraphs else None
    if dateline is not None:
        paragraphs.pop(0)
    elif paragraphs:
        dateline, paragraphs[0] = split_dateline(paragraphs[0])
    text = "\n\n".join(paragraphs)
    words = word_count(text)
    if words < MIN_ARTICLE_WORDS:
        raise NoArticleText(f"no article text found ({words} words)")
    return ArticleDraft(
        title=title or cut(paragraphs[0], 120, words=True),
        text=text,
        url=url,
        source_name=getattr(document, "sitename", None) or None,
        author=getattr(document, "author", None) or None,
        published_at=dateline or _date(getattr(document, "date", None)),
    )


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None
