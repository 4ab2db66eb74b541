"""The extraction job: read stored articles that have no facts yet, extract them in batches, save
the facts. The bridge between `extract` (pure) and `storage`; run by `digestbot ingest`, by the
scheduler after each fetch, and by `digestbot reextract` after the extractor improved."""

from __future__ import annotations

import logging

from bot.extract.pipeline import ArticleText, Extractor
from storage.companies import sync_gazetteer
from storage.db import Database
from storage.facts import articles_to_extract, save_facts
from storage.models import Article, utcnow

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = 1  # bump when extraction changes enough that stored facts should be redone
BATCH = 32


def article_text(article: Article) -> ArticleText:
    published = article.published_at.date() if article.published_at else None
    return ArticleText(
        title=article.title, text=article.text, source=article.source_name, published=published
    )


def sync_companies(db: Database, extractor: Extractor) -> int:
    with db.session() as session:
        return sync_gazetteer(session, extractor.gazetteer.companies)


def extract_pending(db: Database, extractor: Extractor, *, limit: int | None = None) -> int:
    """Extract every article without facts (at most `limit`); returns how many were done."""
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        with db.session() as session:
            batch = articles_to_extract(session, limit=size)
            if not batch:
                break
            results = extractor.extract_many([article_text(a) for a in batch])
            now = utcnow()
            for article, facts in zip(batch, results, strict=True):
                save_facts(session, article, facts, version=EXTRACTOR_VERSION, now=now)
        done += len(batch)
        log.info("extracted facts from %d article(s)", len(batch))
    return done
