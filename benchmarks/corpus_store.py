"""The store the /company and dispatch benchmarks measure on: the Wikinews corpus (and the seed
article, when given) stored as drafts and extracted with the real pipeline, each step timed. It
loads spaCy: a benchmark that must not (its measuring process) imports this module inside the
function that builds."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.extract.pipeline import Extractor
from bot.extraction_job import extract_pending, sync_companies
from bot.ingest.folder import read_article_file
from bot.ingest.http import Fetcher
from bot.ingest.models import ArticleDraft, Status
from bot.ingest.pipeline import Ingestor
from storage import migrate
from storage.db import Database
from tests.support.wikinews import load_corpus

MAX_FILE_BYTES = 5_000_000


def build_corpus_store(db: Database, model: str, *, seed: Path | None = None) -> dict[str, float]:
    """Migrate, store `seed` and the corpus, extract everything; seconds per step."""
    steps: dict[str, float] = {}
    start = time.perf_counter()
    migrate.upgrade(db.engine)
    steps["migrate"] = time.perf_counter() - start

    start = time.perf_counter()
    fetcher = Fetcher()  # Ingestor wants one; storing drafts never uses it
    try:
        ingestor = Ingestor(db, fetcher, max_file_bytes=MAX_FILE_BYTES)
        outcomes = []
        if seed is not None:
            outcomes.append(
                ingestor.store(read_article_file(seed, max_bytes=MAX_FILE_BYTES), target=str(seed))
            )
        for article in load_corpus():
            if article.text.strip():
                draft = ArticleDraft(
                    title=article.title,
                    text=article.text,
                    url=article.url,
                    source_name="Wikinews",
                    published_at=article.published_at,
                )
                outcomes.append(ingestor.store(draft, target=article.url))
    finally:
        asyncio.run(fetcher.aclose())
    steps["ingest"] = time.perf_counter() - start
    new = sum(o.status is Status.NEW for o in outcomes)
    if new != len(outcomes):
        print(f"  note: {len(outcomes) - new} of {len(outcomes)} drafts were not new (already stored)")

    start = time.perf_counter()
    extractor = Extractor(model)
    extractor.load()
    steps["load model"] = time.perf_counter() - start
    start = time.perf_counter()
    sync_companies(db, extractor)
    extract_pending(db, extractor)
    steps["extract"] = time.perf_counter() - start
    return steps
