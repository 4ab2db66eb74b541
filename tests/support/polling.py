"""The real python-telegram-bot Application polling a FakeTelegram, over a store that holds the seed
article: what the conversation tests talk to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.cli import main
from bot.telegram.app import build_application, start_polling, stop_polling
from storage.db import Database
from tests.support.botapi import FakeTelegram

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"


@asynccontextmanager
async def polling_bot(
    db: Database, monkeypatch: pytest.MonkeyPatch, prepare: Callable[[FakeTelegram], None] = lambda _: None
) -> AsyncIterator[FakeTelegram]:
    """The seed stored in `db`, a FakeTelegram (set up further by `prepare`) and the bot polling it."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert await asyncio.to_thread(main, ["ingest", str(SEED)]) == 0
    server = FakeTelegram().start()
    prepare(server)
    application = build_application(server.token, server.base_url, db)
    async with application:
        await start_polling(application, timeout=1)
        try:
            yield server
        finally:
            await stop_polling(application)
            server.stop()
