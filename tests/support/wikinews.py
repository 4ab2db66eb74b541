"""The Wikinews sample corpus (CC BY 2.5, credit: Wikinews contributors) as feeds and web pages."""

from __future__ import annotations

import csv
import html
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "wikinews"
FILES = ("wikinews_2019.csv", "wikinews_2020.csv")
CREDIT = "Wikinews contributors, CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/)"


@dataclass(frozen=True)
class WikinewsArticle:
    url: str
    published: date
    title: str
    text: str

    @property
    def published_at(self) -> datetime:
        """The day it was published, as midnight UTC (the corpus gives the date only)."""
        return datetime(self.published.year, self.published.month, self.published.day, tzinfo=UTC)

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "-", self.url.rsplit("/", 1)[-1]).strip("-").lower()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.text) if p.strip()]


def require_corpus() -> None:
    """Stop a benchmark with one plain line when the corpus is not beside the checkout."""
    missing = [name for name in FILES if not (CORPUS / name).is_file()]
    if missing:
        sys.exit(
            f"The Wikinews corpus is missing: {CORPUS / missing[0]} not found. The benchmarks read it from "
            "../shared/corpus/wikinews beside the checkout."
        )


@cache
def load_corpus() -> tuple[WikinewsArticle, ...]:
    csv.field_size_limit(10**8)
    articles = []
    for name in FILES:
        with (CORPUS / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                articles.append(
                    WikinewsArticle(row["url"], date.fromisoformat(row["date"]), row["title"], row["text"])
                )
    return tuple(articles)


def article_page(article: WikinewsArticle) -> str:
    """The article as a web page with the boilerplate a real site has around it."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(article.title)} - Wikinews</title>
<meta property="og:site_name" content="Wikinews"></head>
<body><nav><a href="/">Main page</a> | <a href="/latest">Latest news</a> | <a href="/about">About</a></nav>
<article><h1>{html.escape(article.title)}</h1>
{body}
</article>
<footer><p>Text is available under the Creative Commons Attribution 2.5 License.</p></footer>
</body></html>"""


def rss_feed(
    articles: list[WikinewsArticle] | tuple[WikinewsArticle, ...], page_url: str, *, full_text: bool = False
) -> str:
    """RSS 2.0: each item links to `page_url.format(slug=...)`; its description is the first
    paragraph only (so the reader must fetch the page), or the whole text with full_text."""
    items = []
    for a in articles:
        first = next((p for p in a.paragraphs[1:] if p), a.paragraphs[0] if a.paragraphs else "")
        content = ""
        if full_text:
            body = "".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
            content = f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        stamp = format_datetime(
            datetime(a.published.year, a.published.month, a.published.day, 12, tzinfo=UTC)
        )
        items.append(
            f"<item><title>{escape(a.title)}</title><link>{escape(page_url.format(slug=a.slug))}</link>"
            f"<guid>{escape(a.url)}</guid><pubDate>{stamp}</pubDate>"
            f"<description>{escape(first)}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Wikinews</title><link>https://en.wikinews.org/</link>"
        f"<description>{escape(CREDIT)}</description>" + "".join(items) + "</channel></rss>"
    )
