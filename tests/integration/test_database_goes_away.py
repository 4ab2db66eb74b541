"""The scheduled jobs of `digestbot run` over a PostgreSQL server that goes away and comes back (a
cluster of the test's own, stopped and started again, as a restart or a crash of the server does):
every run that meets the server gone says so in one warning line, with no traceback and no error,
and once the server is back the next run does its work, on fresh connections."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import bot.scheduler
from bot.extract.pipeline import Extractor
from bot.extraction_job import extract_pending, sync_companies
from bot.ingest.http import Fetcher
from bot.ingest.pipeline import Ingestor
from bot.scheduler import build_scheduler
from storage import migrate
from storage.db import Database
from storage.models import Article, Source, SourceKind, utcnow
from storage.sources import add_source
from tests.support.pgcluster import ThrowawayCluster, find_binaries
from tests.support.webserver import LOOPBACK

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
GONE = "the database is unavailable"


@pytest.fixture(scope="module")
def cluster() -> Iterator[ThrowawayCluster]:
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) to start a throwaway cluster with")
    server = ThrowawayCluster(binaries)
    try:
        server.start()
        yield server
    finally:
        server.remove()


def extracted(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).where(Article.extracted_at.is_not(None))) or 0


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.1)


async def test_jobs_ride_out_a_database_server_that_goes_away_and_comes_back(
    cluster: ThrowawayCluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    monkeypatch.setattr(bot.scheduler, "FETCH_CHECK_SECONDS", 1)  # the job's minute, shortened
    db = Database(cluster.url)
    migrate.upgrade(db.engine)
    news = tmp_path / "news"
    news.mkdir()
    shutil.copy(SEED, news / "first.txt")
    with db.session() as session:
        source_id = add_source(
            session, kind=SourceKind.FOLDER, location=str(news), name="news", interval_minutes=1
        ).id
    extractor = Extractor()
    sync_companies(db, extractor)

    caplog.set_level(logging.INFO)
    async with Fetcher(timeout=1, attempts=1, allow_internal=LOOPBACK) as fetcher:
        ingestor = Ingestor(db, fetcher, max_file_bytes=1_000_000)
        scheduler = build_scheduler(ingestor, lambda _summary: None, lambda: extract_pending(db, extractor))
        scheduler.start()
        try:
            await until(lambda: extracted(db) == 1, 60, "the first article stored and extracted")

            cluster.stop()
            await until(
                lambda: sum(GONE in r.getMessage() for r in caplog.records) >= 3, 15, "3 runs met it gone"
            )
            assert scheduler.get_job("fetch-due-sources") is not None  # still on its schedule

            cluster.start()
            site, _, headline, _, *paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
            body = "\n\n".join([*paragraphs, "This report came in while the database was away."])
            (news / "second.txt").write_text(f"{site}\n\n{headline}: a second report\n\n{body}\n", "utf-8")
            with db.session() as session:  # due now, not in a minute
                source = session.get(Source, source_id)
                assert source is not None
                source.next_fetch_at = utcnow()
            await until(lambda: extracted(db) == 2, 30, "the second article stored and extracted")
        finally:
            scheduler.shutdown(wait=False)
    db.dispose()

    gone = [r for r in caplog.records if GONE in r.getMessage()]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in gone)
    assert all("\n" not in r.getMessage() for r in gone)
    assert gone[0].getMessage().startswith("fetch_due_sources: the database is unavailable (")
    assert "trying again next time" in gone[0].getMessage()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
