"""Building the services from the settings, each in one place: the store (migrated, waited for when
asked), the fetcher, the extractor, the ingestor, the outbox with its Bot API client, the dispatcher,
and the defaults of a new chat. The commands (`bot.cli`) and `digestbot run` (`bot.serve`) take them
from here; what they do with them is theirs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.commands.context import Chat
from bot.config import Settings
from bot.console import CONSOLE_CHAT_ID
from bot.delivery.console import ConsoleOutbox
from bot.delivery.dispatch import Dispatcher
from bot.delivery.outbox import Outbox
from bot.delivery.telegram import TelegramOutbox
from bot.extract.pipeline import Extractor
from bot.extraction_job import sync_companies
from bot.ingest.http import Fetcher
from bot.ingest.pipeline import Ingestor, Progress
from bot.telegram.client import make_bot
from storage import migrate
from storage.db import Database, DatabaseUnavailable, unavailable

log = logging.getLogger("digestbot")

DATABASE_ATTEMPTS = 5  # `run` waits about 15 s for a database server that is not up yet


def open_database(settings: Settings, *, wait: bool = False) -> Database:
    """The store, migrated to the newest revision. A server that cannot be reached yet is waited
    for with back-off when `wait` (the long-running `run`); otherwise, or when the setting is wrong,
    DatabaseUnavailable says why in one line."""

    def attempt() -> Database:
        try:
            db = Database(settings.database_url)
            migrate.upgrade(db.engine)
        except (SQLAlchemyError, OSError) as exc:
            raise unavailable(settings.database_url, exc) from exc
        return db

    if not wait:
        return attempt()
    retrying = Retrying(
        retry=retry_if_exception(lambda exc: isinstance(exc, DatabaseUnavailable) and exc.transient),
        stop=stop_after_attempt(DATABASE_ATTEMPTS),
        wait=wait_exponential(multiplier=1, max=8),
        before_sleep=lambda state: log.warning(
            "%s; trying again in %.0f s",
            state.outcome.exception() if state.outcome else "database unavailable",
            state.next_action.sleep if state.next_action else 0,
        ),
        reraise=True,
    )
    return retrying(attempt)


def make_fetcher(settings: Settings) -> Fetcher:
    return Fetcher(
        timeout=settings.http_timeout_seconds,
        max_bytes=settings.max_download_bytes,
        user_agent=settings.user_agent,
        allow_internal=settings.fetch_allow_internal,
    )


def make_extractor(settings: Settings, db: Database | None = None) -> Extractor:
    """The extractor (it loads the spaCy model: ModelNotInstalled says how to get it). Given the
    store, the companies it knows are synced with the extractor's gazetteer first."""
    extractor = Extractor(settings.nlp_model)
    if db is not None:
        sync_companies(db, extractor)
    return extractor


def make_ingestor(
    settings: Settings, db: Database, fetcher: Fetcher, *, progress: Progress | None = None
) -> Ingestor:
    return Ingestor(db, fetcher, max_file_bytes=settings.max_download_bytes, progress=progress)


def chat_defaults(settings: Settings, chat_id: int = 0) -> Chat:
    return Chat(
        id=chat_id,
        admin=True,
        default_time=settings.default_digest_time,
        default_zone=settings.default_timezone,
    )


@contextlib.asynccontextmanager
async def open_outbox(
    settings: Settings, write: Callable[[str], None]
) -> AsyncIterator[tuple[Outbox, int | None, Bot | None]]:
    """Where digests and alerts go, the one chat they are limited to, and the outbox's Bot: Telegram
    with a token (its own Bot, paced apart from the conversation's: see `bot.telegram.client`; not
    connected here, `bot.serve` connects it with the conversation's, so a Bot API server not up yet is
    waited for in one place while the scheduler already runs), else the terminal (`write`), which is
    the one chat."""
    if settings.telegram_bot_token is None:
        yield ConsoleOutbox(write), CONSOLE_CHAT_ID, None
        return
    bot = make_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_base_url)
    try:
        yield TelegramOutbox(bot), None, bot
    finally:
        await bot.shutdown()


@dataclass(frozen=True)
class Services:
    """What `digestbot run` runs on, besides the store."""

    extractor: Extractor
    ingestor: Ingestor
    dispatcher: Dispatcher
    outbox_bot: Bot | None  # the outbox's Bot API client; None in the terminal


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings, db: Database, write: Callable[[str], None]
) -> AsyncIterator[Services]:
    """The services of `digestbot run` on `db`, the terminal's output being `write`; the fetcher's
    connections and the outbox's Bot are closed on the way out."""
    extractor = make_extractor(settings, db)
    async with make_fetcher(settings) as fetcher, open_outbox(settings, write) as opened:
        outbox, only_chat, outbox_bot = opened
        yield Services(
            extractor=extractor,
            ingestor=make_ingestor(settings, db, fetcher),
            dispatcher=Dispatcher(db, outbox, chat_id=only_chat, in_flight=settings.delivery_in_flight),
            outbox_bot=outbox_bot,
        )
