"""APScheduler jobs that run inside the bot's event loop: fetching the sources that are due, then
extracting the facts of what they brought (in a worker thread: spaCy is CPU-bound); and dispatching
the digests and alerts that fell due.

Nothing about a subscriber's schedule lives in the scheduler: the dispatch job reads due times from the
database every minute, so a restart or a changed time is simply read back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.delivery.dispatch import Dispatcher
from bot.ingest.models import Summary
from bot.ingest.pipeline import Ingestor
from storage.db import driver_message, lost_database

log = logging.getLogger(__name__)
T = TypeVar("T")

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
        extracted = await in_daemon_thread(extract_pending)
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


async def in_daemon_thread(work: Callable[[], T]) -> T:
    """`work()` in a thread of its own that does not hold up the bot's exit. A stop mid-way through a
    long article (seconds of spaCy) is honoured at once: the thread's unfinished transaction is
    never committed, and the article is simply extracted after the next start. (asyncio.to_thread
    would make the exit wait for it: the loop's executor joins its threads.) `digestbot run` ends
    the process without waiting while `work_in_progress()`."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.cancelled():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result, error = None, None
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting job, which reports it
            error = exc
        _threads.discard(threading.current_thread())
        with contextlib.suppress(RuntimeError):  # the loop closed: the bot has stopped
            loop.call_soon_threadsafe(settle, result, error)

    thread = threading.Thread(target=run, name=getattr(work, "__name__", "work"), daemon=True)
    _threads.add(thread)
    thread.start()
    return await done


_threads: set[threading.Thread] = set()


def work_in_progress() -> bool:
    """Whether a job's thread (an extraction) is still at work, although the bot has stopped."""
    return any(thread.is_alive() for thread in _threads)


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
