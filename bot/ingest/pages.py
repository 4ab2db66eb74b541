"""A single web page by URL: fetched with the shared limits, its article extracted."""

from __future__ import annotations

import asyncio

from bot.ingest.html import extract_article
from bot.ingest.http import Fetcher, Response
from bot.ingest.models import ArticleDraft, IngestError

_HTML_TYPES = ("text/html", "application/xhtml")


def article_from_response(response: Response) -> ArticleDraft:
    content_type = response.content_type.split(";")[0].strip().lower()
    if content_type and not content_type.startswith(_HTML_TYPES) and content_type != "text/plain":
        raise IngestError(f"not a web page ({content_type})")
    return extract_article(response.content, response.url)


async def fetch_page(fetcher: Fetcher, url: str) -> ArticleDraft:
    """The article of a page; extracting it (trafilatura, up to seconds on a large page) runs in a
    worker thread, so the bot goes on answering meanwhile."""
    response = await fetcher.get(url)
    return await asyncio.to_thread(article_from_response, response)
