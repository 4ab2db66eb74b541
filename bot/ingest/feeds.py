"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed with feedparser and fetched with conditional GET.

A feed item that carries its full text (content:encoded, Atom content) is used as it is; one that
carries only a summary has its page fetched and the article extracted (see `pipeline`).
"""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.ingest.http import Fetcher, Response
from bot.ingest.models import ArticleDraft, IngestError, NoArticleText
from bot.ingest.text import MIN_ARTICLE_WORDS, clean, html_fragment_paragraphs, word_count
from bot.text import cut

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str | None
    published_at: datetime | None
    author: str | None
    content_html: str | None  # the full text, when the feed carries it
    summary_html: str | None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: list[FeedEntry]


def looks_like_feed(response: Response) -> bool:
    content_type = response.content_type.split(";")[0].strip().lower()
    if content_type in FEED_TYPES or content_type.endswith(("/xml", "+xml")):
        return True
    head = response.content[:512].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf"))


def parse_feed(content: bytes) -> Feed:
    """Entries of an RSS or Atom document; IngestError when it is not a feed we can read."""
    parsed = feedparser.parse(content)
    if not parsed.entries:
        head = content[:1024].lstrip().lower()
        if not parsed.get("version") and (head.startswith((b"<!doctype html", b"<html")) or b"<html" in head):
            raise IngestError("not a feed: the address serves an ordinary web page")
        if parsed.get("bozo"):
            raise IngestError(f"malformed feed: {_bozo_reason(parsed)}")
        if not parsed.get("version"):
            raise IngestError("not an RSS or Atom feed")
    # A feed with a small XML error whose items could still be read is used: Postel's law.
    feed_title = clean(parsed.feed.get("title", "")).strip() or None
    return Feed(title=feed_title, entries=[_entry(e) for e in parsed.entries])


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    text = str(exc).strip() if exc else "unreadable XML"
    return cut(text.splitlines()[0], 160)


def _entry(raw: Any) -> FeedEntry:
    content = None
    if raw.get("content"):
        content = "\n".join(part.get("value", "") for part in raw.content) or None
    summary = raw.get("summary") or None
    if content is not None and summary is not None and content.strip() == summary.strip():
        # feedparser fills both from one <description>; that is a summary, not full text.
        content = None
    parsed_time = raw.get("published_parsed") or raw.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(parsed_time), UTC) if parsed_time else None
    return FeedEntry(
        title=clean(raw.get("title", "")).replace("\n", " ").strip(),
        link=(raw.get("link") or "").strip() or None,
        published_at=published,
        author=(raw.get("author") or "").strip() or None,
        content_html=content,
        summary_html=summary,
    )


def draft_from_html(entry: FeedEntry, html: str | None, feed_title: str | None) -> ArticleDraft:
    """An article from the HTML the feed itself carries (content or summary)."""
    heading, paragraphs = html_fragment_paragraphs(html or "")
    text = "\n\n".join(paragraphs)
    words = word_count(text)
    if words < MIN_ARTICLE_WORDS:
        raise NoArticleText(f"no article text found ({words} words)")
    return ArticleDraft(
        title=entry.title or heading or cut(paragraphs[0], 120, words=True),
        text=text,
        url=entry.link,
        source_name=feed_title,
        author=entry.author,
        published_at=entry.published_at,
    )


async def fetch_feed(
    fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None
) -> tuple[Response, Feed | None]:
    """The feed at `url`, or None when the server says it has not changed (304)."""
    response = await fetcher.get(url, etag=etag, last_modified=last_modified)
    if response.not_modified:
        return response, None
    return response, parse_feed(response.content)


async def check_feed(fetcher: Fetcher, url: str) -> str | None:
    """Why `url` is not a feed worth adding as a source, in one line ("not a feed: the address
    serves an ordinary web page", "HTTP 404 Not Found", "the feed has no items"); None when it is one.
    What `digestbot sources add` and /addsource check before they add a feed."""
    try:
        feed = parse_feed((await fetcher.get(url)).content)
    except IngestError as exc:
        return str(exc)
    return None if feed.entries else "the feed has no items"


def check_feed_now(url: str, fetcher: Callable[[], Fetcher] = Fetcher) -> str | None:
    """`check_feed` for synchronous code (a command), with a fetcher of its own: on an event loop of
    its own, in a thread of its own when this thread already runs one."""

    async def check() -> str | None:
        async with fetcher() as client:
            return await check_feed(client, url)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, check()).result()
