"""`digestbot run`: the server's lifecycle. Open the store (waiting for a server not up yet), make sure
of a webhook secret, register the seeds folder, then serve: the scheduler fetches, extracts and
dispatches while the conversation goes on (Telegram by long polling or webhook, else this terminal),
until Ctrl-C, SIGTERM or the end of the terminal's input."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys
import threading
from urllib.parse import urlsplit

from pydantic import SecretStr
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import Application
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential

from bot.config import Settings, env_file_warning
from bot.console import Console, Terminal
from bot.extraction_job import extract_pending
from bot.ingest.models import Summary
from bot.ingest.report import summary_lines
from bot.logs import log_through, setup_logging
from bot.scheduler import build_scheduler, work_in_progress
from bot.services import chat_defaults, open_database, open_services
from bot.telegram.app import build_application, start_polling, start_webhook, stop_polling
from storage.bot_state import WEBHOOK_SECRET, get_or_create
from storage.db import Database
from storage.models import SourceKind
from storage.sources import ensure_source

log = logging.getLogger("digestbot")

TELEGRAM_RETRY_MAX_SECONDS = 60  # the longest wait between two tries to reach the Bot API server
STOP_TIMEOUT_SECONDS = 15


def run(settings: Settings) -> int:
    if warning := env_file_warning():
        log.warning("%s", warning)
    db = open_database(settings, wait=True)
    if settings.webhook_url and settings.webhook_secret is None:
        settings = _with_webhook_secret(settings, db)
    seeds = settings.seeds_dir.expanduser().resolve()
    if seeds.is_dir():
        with db.session() as session:
            ensure_source(
                session,
                kind=SourceKind.FOLDER,
                location=str(seeds),
                name="seeds",
                interval_minutes=settings.fetch_interval_minutes,
            )
    else:
        log.warning("SEEDS_DIR %s is not a folder; starting without seed articles", seeds)
    if settings.telegram_bot_token is None:
        print(
            "No TELEGRAM_BOT_TOKEN set: running in this terminal.\n"
            "To connect to Telegram, put the token @BotFather gave you in .env as "
            "TELEGRAM_BOT_TOKEN=123456:ABC... and start again."
        )
    code = asyncio.run(_serve(settings, db))
    print("Stopped.")  # once nothing runs any more: a job's thread may have had a line left to print
    if work_in_progress():
        # An extraction cut short mid-article (spaCy cannot be interrupted): leave now rather than
        # wait for it; its transaction was never committed. Python's own exit would tear the
        # interpreter down under the running thread (native libraries abort then).
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _with_webhook_secret(settings: Settings, db: Database) -> Settings:
    """Webhook mode always checks a secret token. Without WEBHOOK_SECRET one is generated on the first
    start (the characters Telegram allows: A-Z a-z 0-9 _ -) and kept in the store, so a restart gives
    Telegram the same one; from here on it is masked in the logs like a configured one."""
    with db.session() as session:
        secret = get_or_create(session, WEBHOOK_SECRET, lambda: secrets.token_urlsafe(32))
    settings = settings.model_copy(update={"webhook_secret": SecretStr(secret)})
    setup_logging(settings.log_level, settings.secrets(), settings.log_format)
    return settings


async def _serve(settings: Settings, db: Database) -> int:
    """Serve until SIGINT (Ctrl-C) or SIGTERM, or until the terminal conversation ends (Ctrl-D): each
    is a requested stop, exit code 0. Everything printed meanwhile goes through one Terminal, so it
    never lands on the prompt of the terminal conversation."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    terminal = Terminal()
    log_through(terminal.error)

    def report(summary: Summary) -> None:
        terminal.write("\n".join(summary_lines(summary)))

    stopping = threading.Event()  # a long extraction run (in a thread) ends after its batch in hand

    async with open_services(settings, db, terminal.write) as services:

        def extract() -> int:
            return extract_pending(db, services.extractor, stop=stopping)

        scheduler = build_scheduler(services.ingestor, report, extract, services.dispatcher)
        scheduler.start()
        terminal.write("digestbot is running; it fetches its sources on schedule. Ctrl-C stops it.")
        talking = asyncio.create_task(_talk(settings, db, stop, terminal, services.outbox_bot))
        talking.add_done_callback(lambda task: _stop_if_failed(task, stop))
        await stop.wait()
        stopping.set()
        terminal.close()
        # Messages Telegram may have taken are recorded before the exit, so a stop repeats none; and
        # before the scheduler's shutdown, which cancels the jobs still running.
        await services.dispatcher.drain(STOP_TIMEOUT_SECONDS)
        scheduler.shutdown(wait=False)
        # The conversation stops itself on the same event (polling, then the Application); give it
        # the time to, rather than cancelling it half-way.
        await asyncio.wait({talking}, timeout=STOP_TIMEOUT_SECONDS)
        if not talking.done():
            talking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await talking  # raises what made the conversation fail (InvalidToken: see bot.cli.main)
    db.dispose()
    return 0


def _stop_if_failed(talking: asyncio.Task[None], stop: asyncio.Event) -> None:
    """A conversation that failed (a token the server rejected) stops the bot; one that simply ended
    (no terminal to talk in) does not."""
    if not talking.cancelled() and talking.exception() is not None:
        stop.set()


async def _talk(
    settings: Settings, db: Database, stop: asyncio.Event, terminal: Terminal, outbox_bot: Bot | None
) -> None:
    """The conversation: Telegram long polling or webhook with a token, else this terminal (while it
    has input). A Bot API server that does not answer yet is waited for (see `_connect`); the
    outbox's Bot (digests, alerts) is connected with the conversation's."""
    if settings.telegram_bot_token is None:
        if sys.stdin.isatty():
            _converse(Console(db, chat_defaults(settings), write=terminal.write), terminal, stop)
        return
    application = build_application(
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_base_url,
        db,
        admins=frozenset(settings.admin_chat_ids),
        defaults=chat_defaults(settings),
    )
    if not await _connect(settings, stop, application, *([outbox_bot] if outbox_bot else [])):
        return  # stopped while waiting
    async with application:  # initialized by _connect; shut down on the way out
        if settings.webhook_url:
            assert settings.webhook_secret is not None  # run made sure of one
            host, _, port = settings.webhook_listen.rpartition(":")
            await start_webhook(
                application,
                url=settings.webhook_url,
                listen=host,
                port=int(port),
                secret=settings.webhook_secret.get_secret_value(),
            )
            print(
                f"Listening for Telegram's webhook on {settings.webhook_listen} (WEBHOOK_LISTEN), "
                f"path {urlsplit(settings.webhook_url).path or '/'}; "
                "updates without the secret token are refused.",
                flush=True,
            )
            how = f"webhook {settings.webhook_url}"
        else:
            await start_polling(application)
            how = "long polling"
        print(f"Connected to Telegram as @{application.bot.username} ({how}).", flush=True)
        await stop.wait()
        await stop_polling(application)


async def _connect(settings: Settings, stop: asyncio.Event, *clients: Application | Bot) -> bool:
    """Initialize `clients` (getMe): True once the Bot API server answered, False when a stop was
    asked for first. A server that cannot be reached (not up yet, a network error, a 5xx) is tried
    again with exponential back-off up to a minute apart, for as long as it takes, one line each time;
    the wait ends at once on Ctrl-C or SIGTERM. A rejected token (InvalidToken) is not retried."""

    async def pause(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    def say(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "Telegram Bot API at %s not reachable (%s); trying again in %.0f s",
            settings.telegram_base_url,  # not the URL of the request: that one holds the token
            _unreachable_reason(error) if error else "no answer",
            state.next_action.sleep if state.next_action else 0,
        )

    async def attempt() -> bool:
        if stop.is_set():
            return False
        for client in clients:
            await client.initialize()  # a no-op for one connected by an earlier try
        return True

    retrying = AsyncRetrying(
        retry=retry_if_exception(_unreachable),
        wait=wait_exponential(multiplier=1, max=TELEGRAM_RETRY_MAX_SECONDS),
        sleep=pause,
        before_sleep=say,
        reraise=True,
    )
    return await retrying(attempt)


def _unreachable(exc: BaseException) -> bool:
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def _unreachable_reason(error: BaseException) -> str:
    """Why the Bot API server did not answer, in a few words (python-telegram-bot's own messages
    name no URL, but the cause chain is plainer)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, TimedOut | TimeoutError):
            return "timed out"
        cause = cause.__cause__ or cause.__context__
    return str(error)


def _converse(console: Console, terminal: Terminal, stop: asyncio.Event) -> None:
    """The terminal conversation, in a thread of its own; Ctrl-D ends it and the bot. A line being
    read cannot be interrupted, so the thread is a daemon: on Ctrl-C or SIGTERM the bot stops without
    waiting for a line that may never come (Terminal.close puts the terminal's mode back)."""
    loop = asyncio.get_running_loop()

    def converse() -> None:
        try:
            console.run(read=terminal.read)
        finally:
            with contextlib.suppress(RuntimeError):  # the bot stopped and closed its loop already
                loop.call_soon_threadsafe(stop.set)

    terminal.start_input()
    threading.Thread(target=converse, name="console", daemon=True).start()
