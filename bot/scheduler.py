"""APScheduler jobs that run inside the bot's event loop: fetching the sources that are due, then
extracting the facts of what they brought (in a worker thread: spaCy is CPU-bound)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.ingest.models import Summary
from bot.ingest.pipeline import Ingestor

log = logging.getLogger(__name__)

FETCH_CHECK_SECONDS = 60


def build_scheduler(
    ingestor: Ingestor, on_summary: Callable[[Summary], None], extract_pending: Callable[[], int]
) -> AsyncIOScheduler:
    """Every minute, fetch whichever sources are due (each source keeps its own interval and
    back-off in the database, so a restart simply reads them back), then extract what is new."""
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def fetch_due_sources() -> None:
        summary = await ingestor.fetch_due()
        if summary.outcomes:
            on_summary(summary)
        extracted = await asyncio.to_thread(extract_pending)
        if extracted:
            log.info("extracted the facts of %d article(s)", extracted)

    scheduler.add_job(
        fetch_due_sources,
        "interval",
        seconds=FETCH_CHECK_SECONDS,
        id="fetch-due-sources",
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )
    return scheduler
