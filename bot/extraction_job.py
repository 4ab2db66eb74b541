"""The extraction job: read stored articles that have no facts yet, extract them in batches, save
the facts. The bridge between `extract` (pure) and `storage`; run by `digestbot ingest`, by the
scheduler after each fetch, and by `digestbot reextract` after the extractor improved."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError

from bot.extract.models import ArticleFacts
from bot.extract.pipeline import ArticleText, Extractor
from storage.companies import sync_gazetteer
from storage.db import Database, lost_database
from storage.facts import articles_to_extract, record_extraction_failure, save_facts
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


def extract_pending(
    db: Database, extractor: Extractor, *, limit: int | None = None, stop: threading.Event | None = None
) -> int:
    """Extract every article without facts (at most `limit` tries); returns how many got facts.
    Once `stop` is set (the bot is stopping) the run ends with the article in hand, saving what is
    done; the rest waits (spaCy's batch in hand is a second or so of work: Extractor.extract_many).

    One article that breaks the extractor holds back no other: its batch is done again article by
    article, and the one that fails is noted with its error and tried again in later runs, a few
    times at most (storage.facts.MAX_EXTRACTION_ATTEMPTS)."""
    done = tried = 0
    failed: set[int] = set()
    while (limit is None or tried < limit) and not (stop is not None and stop.is_set()):
        size = BATCH if limit is None else min(BATCH, limit - tried)
        with db.session() as session:
            batch = articles_to_extract(session, limit=size, skip=failed)
            if not batch:
                break
            texts = [article_text(a) for a in batch]
            extractor.load()  # a model that fails to load is no article's fault: it ends the run
            try:
                results = _until_stopped(extractor.extract_many(texts), stop)
            except Exception:
                results = _until_stopped((_extract_one(extractor, text) for text in texts), stop)
            now = utcnow()
            for article, result in zip(batch, results, strict=False):  # fewer results when stopped
                if not isinstance(result, Exception):
                    try:
                        with session.begin_nested():
                            save_facts(session, article, result, version=EXTRACTOR_VERSION, now=now)
                        done += 1
                        continue
                    except SQLAlchemyError as exc:
                        if lost_database(exc):
                            raise  # the database, not the article: the whole run is retried later
                        result = exc
                failed.add(article.id)
                last = record_extraction_failure(session, article, _reason(result))
                log.warning(
                    "extracting article %d failed%s: %s",
                    article.id,
                    "; giving up on it" if last else ", will try again later",
                    _reason(result),
                )
        tried += len(results)
        log.info("extracted facts from %d article(s)", len(results))
    return done


def _until_stopped(
    results: Iterable[ArticleFacts | Exception], stop: threading.Event | None
) -> list[ArticleFacts | Exception]:
    """The results in order, ending early once `stop` is set: the articles not reached wait."""
    done: list[ArticleFacts | Exception] = []
    for result in results:
        done.append(result)
        if stop is not None and stop.is_set():
            break
    return done


def _extract_one(extractor: Extractor, text: ArticleText) -> ArticleFacts | Exception:
    try:
        return extractor.extract(text)
    except Exception as exc:
        return exc


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
