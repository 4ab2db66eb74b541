"""Fetching never stalls the bot: reading and cleaning files, parsing feeds and extracting pages run
in worker threads, so the event loop that answers commands keeps turning while a large folder, feed
or page is ingested. A heartbeat on the loop measures the longest stall."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from pathlib import Path

import pytest

from bot.ingest.http import Fetcher
from bot.ingest.models import Status
from bot.ingest.pipeline import Ingestor
from storage.db import Database
from storage.models import SourceKind
from storage.sources import add_source
from tests.support.webserver import LOOPBACK, LocalWebServer

MAX_STALL = 1.0  # seconds the loop may go without turning: a command waits no longer
BIG = 4_000_000  # characters of a large article file; several such take seconds to clean


def big_article(n: int) -> str:
    body = "\n\n".join(
        f"Mr. Smith of Example Corp. said on Monday it plans item {n}.{i}. " * 40 for i in range(1300)
    )
    return f"Large report number {n}\n\n{body}"[:BIG]


def ingestor(db: Database) -> Ingestor:
    return Ingestor(
        db,
        Fetcher(timeout=5.0, max_bytes=50_000_000, attempts=1, allow_internal=LOOPBACK),
        max_file_bytes=50_000_000,
    )


async def longest_stall(work: Awaitable[object]) -> tuple[float, object]:
    """Run `work` while a heartbeat ticks every 20 ms on the same loop; the longest gap between ticks."""
    stall = 0.0
    done = False

    async def heartbeat() -> None:
        nonlocal stall
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.02)
            now = time.perf_counter()
            stall = max(stall, now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)  # the heartbeat is ticking before the work starts
    try:
        result = await work
    finally:
        done = True
        await beat
    return stall, result


async def test_a_folder_of_large_files_is_read_while_the_loop_keeps_turning(db: Database, tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(4):
        (folder / f"report-{n}.txt").write_text(big_article(n), encoding="utf-8")
    with db.session() as session:
        source_id = add_source(
            session, kind=SourceKind.FOLDER, location=str(folder), name="news", interval_minutes=30
        ).id
    started = time.perf_counter()
    stall, summary = await longest_stall(ingestor(db).fetch_source(source_id))
    took = time.perf_counter() - started
    assert [o.status for o in summary.outcomes] == [Status.NEW] * 4
    assert stall < MAX_STALL, f"the loop stalled {stall:.2f} s of {took:.2f} s"


@pytest.mark.long
async def test_a_large_page_is_extracted_while_the_loop_keeps_turning(db: Database, web: LocalWebServer):
    paragraphs = "".join(
        f"<p>Mr. Smith of Example Corp. said on Monday it plans to expand plant {i} in Texas.</p>"
        for i in range(40_000)
    )
    url = web.add(
        "/big.html",
        f"<html><head><title>Large page</title></head><body><article><h1>Large page</h1>{paragraphs}"
        "</article></body></html>",
        content_type="text/html",
    )
    stall, summary = await longest_stall(ingestor(db).ingest_targets([url]))
    assert [o.status for o in summary.outcomes] == [Status.NEW] * 1
    assert stall < MAX_STALL, f"the loop stalled {stall:.2f} s"
