"""APScheduler jobs that run inside the bot's event loop: fetching the sources that are due, then
extracting the facts of what they brought (in a worker thread: spaCy is CPU-bound); and dispatching
the digests and alerts that fell due.

Nothing about a subscriber's schedule lives in the scheduler: the dispatch job reads due times from the
database every minute, so a restart or a changed time is simply read back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.delivery.dispatch import Dispatcher
from bot.ingest.models import Summary
from bot.ingest.pipeline import Ingestor
from storage.db import driver_message, lost_database

log = logging.getLogger(__name__)

FETCH_CHECK_SECONDS = 60
DISPATCH_SECONDS = 60


def build_scheduler(
    ingestor: Ingestor,
    on_summary: Callable[[Summary], None],
    extract_pending: Callable[[], int],
    dispatcher: Dispatcher | None = None,
) -> AsyncIOScheduler:
    """Every minute, fetch whichever sources are due (each source keeps its own interval and
    back-off in the database), then extract what is new; and at the start of every minute (and once
    at start-up), dispatch."""
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def fetch_due_sources() -> None:
        summary = await ingestor.fetch_due()
        if summary.outcomes:
            on_summary(summary)
        extracted = await asyncio.to_thread(extract_pending)
        if extracted:
            log.info("extracted the facts of %d article(s)", extracted)

    _every(scheduler, FETCH_CHECK_SECONDS, _database_may_fail(fetch_due_sources), "fetch-due-sources")
    if dispatcher is not None:

        async def dispatch() -> None:
            report = await dispatcher.run_once()
            if report.digests or report.alerts or report.messages or report.failed or report.deactivated:
                log.info(
                    "dispatch: %d digest(s) and %d alert(s) prepared, %d message(s) sent, "
                    "%d failed, %d chat(s) gone",
                    report.digests,
                    report.alerts,
                    report.messages,
                    report.failed,
                    report.deactivated,
                )

        # On the minute, so a digest due at 08:00 goes out at 08:00 rather than up to a minute late.
        scheduler.add_job(
            _database_may_fail(dispatch),
            "cron",
            second=0,
            id="dispatch",
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=DISPATCH_SECONDS,
        )
    return scheduler


def _database_may_fail(job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """A job that meets a database gone away (restarted, unreachable) says so in one line and is
    simply run again at its next time, when the database may be back."""

    async def guarded() -> None:
        try:
            await job()
        except asyncio.CancelledError:
            # The bot is stopping (Ctrl-C, SIGTERM) and cut this run short: no error; what it stored
            # stays, and the next start goes on from there (the ledger, articles without facts).
            log.debug("%s: stopped mid-run", name)
        except (OperationalError, DBAPIError) as exc:
            if lost_database(exc):
                log.warning(
                    "%s: the database is unavailable (%s); trying again next time", name, driver_message(exc)
                )
            else:
                raise

    name = getattr(job, "__name__", "job")
    guarded.__name__ = name
    return guarded


def _every(scheduler: AsyncIOScheduler, seconds: int, job: Callable[[], Awaitable[None]], name: str) -> None:
    """Run `job` now and every `seconds`; a run still going when the next is due makes it skip."""
    scheduler.add_job(
        job,
        "interval",
        seconds=seconds,
        id=name,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )
