"""The `digestbot` command (also `python -m bot`): the composition root that wires the rooms together.

digestbot run                        migrate, register the seeds folder, fetch sources, stay up
digestbot ingest PATH|URL...         ingest files, folders, feeds or pages once
digestbot sources add|list|remove    manage the sources `run` fetches on a schedule
digestbot db upgrade                 apply the database migrations
digestbot db backup PATH             copy the SQLite store (PostgreSQL: pg_dump)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichBar
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from bot.commands.admin import MAX_SOURCE_ID, source_id
from bot.commands.router import Chat
from bot.config import Settings, SettingsError, env_file_warning, load_settings
from bot.console import CONSOLE_CHAT_ID, Console, Terminal
from bot.delivery.console import ConsoleOutbox
from bot.delivery.dispatch import Dispatcher
from bot.delivery.outbox import Outbox
from bot.delivery.telegram import TelegramOutbox
from bot.enrich import extract_pending, sync_companies
from bot.extract.card import fact_card
from bot.extract.nlp import ModelNotInstalled
from bot.extract.pipeline import ArticleText, Extractor
from bot.ingest.addresses import AddressRefused, Allowlist, check_url
from bot.ingest.feeds import check_feed
from bot.ingest.folder import read_article_file
from bot.ingest.http import Fetcher
from bot.ingest.models import IngestError, Summary
from bot.ingest.pipeline import Ingestor, Progress, is_url
from bot.ingest.report import summary_lines
from bot.logs import log_through, setup_logging
from bot.scheduler import build_scheduler, work_in_progress
from bot.telegram.app import build_application, start_polling, start_webhook, stop_polling
from storage import migrate
from storage.bot_state import WEBHOOK_SECRET, get_or_create
from storage.db import Database, DatabaseUnavailable, unavailable
from storage.facts import extraction_failures, mark_all_for_extraction
from storage.models import SourceKind
from storage.sources import SourceExists, add_source, ensure_source, list_sources, remove_source
from storage.subscribers import find_subscriber

log = logging.getLogger("digestbot")

DATABASE_ATTEMPTS = 5  # `run` waits about 15 s for a database server that is not up yet
PROGRESS_THRESHOLD = 5  # show a progress bar for runs longer than this many items


class BarProgress:
    """A rich progress bar on stderr, only for interactive terminals and long runs."""

    def __init__(self) -> None:
        self._bar: RichBar | None = None
        self._task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        self.stop()
        if total <= PROGRESS_THRESHOLD or not sys.stderr.isatty():
            return
        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(label[:60], total=total)

    def advance(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def make_fetcher(settings: Settings) -> Fetcher:
    return Fetcher(
        timeout=settings.http_timeout_seconds,
        max_bytes=settings.max_download_bytes,
        user_agent=settings.user_agent,
        allow_internal=settings.fetch_allow_internal,
    )


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


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    bar = BarProgress() if enabled else None
    try:
        yield bar
    finally:
        if bar is not None:
            bar.stop()


# -- commands --------------------------------------------------------------------------------------


def cmd_db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    db = open_database(settings)
    print(f"Database at revision {migrate.current_revision(db.engine)} ({db.backend}).")
    return 0


def cmd_db_backup(settings: Settings, args: argparse.Namespace) -> int:
    """A copy of the SQLite store in one consistent snapshot, by SQLite's online backup API: safe while
    the bot runs and writes (WAL readers block no writer). The store is not migrated first, so a
    backup taken before an upgrade holds the data as it was. PostgreSQL is backed up with pg_dump."""
    import sqlite3  # here, not at the top: only this command needs them

    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        print(
            "digestbot: db backup is for SQLite; for PostgreSQL use pg_dump: see README (Backups)",
            file=sys.stderr,
        )
        return 2
    source, target = Path(url.database or ""), Path(args.path)
    if not url.database or url.database == ":memory:" or not source.is_file():
        print(f"digestbot: no SQLite database at {source} (setting DATABASE_URL)", file=sys.stderr)
        return 2
    try:
        # Private like the store itself (0600), and never over an existing file.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        print(f"digestbot: cannot create {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one consistent snapshot
            (revision,) = dst.execute("SELECT version_num FROM alembic_version").fetchone() or ("none",)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        print(f"digestbot: backup of {source} failed: {exc}", file=sys.stderr)
        return 2
    print(
        f"Backed up {source} to {target} ({target.stat().st_size / 1_000_000:.1f} MB, revision {revision})."
    )
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings)

    async def go() -> int:
        with _progress(enabled=True) as progress:
            async with make_fetcher(settings) as fetcher:
                ingestor = Ingestor(
                    db, fetcher, max_file_bytes=settings.max_download_bytes, progress=progress
                )
                summary = await ingestor.ingest_targets(args.targets)
        print("\n".join(summary_lines(summary, verbose=args.verbose)))
        if summary.stopped is not None:
            return 2
        return 0 if summary.ingested_anything else 1

    code = asyncio.run(go())
    if code == 2:  # the disk is full: extracting would only fail the same way
        return code
    extracted = _extract_stored(settings, db)
    if extracted:
        print(f"Extracted the facts of {extracted} article(s).")
    return code


def _extract_stored(settings: Settings, db: Database, *, everything: bool = False) -> int:
    extractor = Extractor(settings.nlp_model)
    sync_companies(db, extractor)
    if everything:
        with db.session() as session:
            mark_all_for_extraction(session)
    return extract_pending(db, extractor)


def cmd_reextract(settings: Settings, _args: argparse.Namespace) -> int:
    db = open_database(settings)
    done = _extract_stored(settings, db, everything=True)
    print(f"Extracted the facts of {done} article(s) again.")
    return 0


def cmd_extract(settings: Settings, args: argparse.Namespace) -> int:
    """Facts of files, printed as JSON (the public interface) or as readable cards."""
    extractor = Extractor(settings.nlp_model)
    texts: list[ArticleText] = []
    for name in args.paths:
        try:
            draft = read_article_file(Path(name), max_bytes=settings.max_download_bytes)
        except IngestError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            continue
        published = draft.published_at.date() if draft.published_at else None
        texts.append(ArticleText(draft.title, draft.text, draft.source_name, published))
    results = list(extractor.extract_many(texts))
    if args.json:
        objects = [r.to_json() for r in results]
        data = objects[0] if len(args.paths) == 1 and objects else objects
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(fact_card(r) for r in results))
    return 0 if results else 1


def cmd_sources_add(settings: Settings, args: argparse.Namespace) -> int:
    location: str = args.location
    if is_url(location):
        kind = SourceKind.PAGE if args.page else SourceKind.FEED
        if refused := _refused(settings, location):  # checked with --no-check and --page too
            print(f"Not added: {location}: {refused}", file=sys.stderr)
            return 2
        if kind is SourceKind.FEED and not args.no_check:
            error = asyncio.run(_check_feed(settings, location))
            if error:
                print(f"Not added: {location}: {error}", file=sys.stderr)
                return 1
    else:
        folder = Path(location).expanduser().resolve()
        if not folder.is_dir():
            print(f"Not added: {location}: not a URL nor an existing folder", file=sys.stderr)
            return 1
        kind, location = SourceKind.FOLDER, str(folder)
    db = open_database(settings)
    interval = args.interval or settings.fetch_interval_minutes
    try:
        with db.session() as session:
            source = add_source(
                session, kind=kind, location=location, name=args.name, interval_minutes=interval
            )
            source_id = source.id
    except SourceExists as exc:
        print(f"Not added: {location} is {exc}", file=sys.stderr)
        return 1
    print(f"Added source #{source_id} ({kind.value}, every {interval} min): {location}")
    return 0


def _refused(settings: Settings, url: str) -> str | None:
    """Why the bot may not fetch `url` (an internal address not in FETCH_ALLOW_INTERNAL), or None."""
    try:
        asyncio.run(check_url(url, Allowlist.parse(settings.fetch_allow_internal)))
    except AddressRefused as exc:
        return str(exc)
    except (IngestError, OSError):  # not a URL, or a name that does not resolve now: the feed
        return None  # check says so, and every fetch checks the address again
    return None


async def _check_feed(settings: Settings, url: str) -> str | None:
    async with make_fetcher(settings) as fetcher:
        return await check_feed(fetcher, url)


def chat_defaults(settings: Settings, chat_id: int = 0) -> Chat:
    return Chat(
        id=chat_id,
        admin=True,
        default_time=settings.default_digest_time,
        default_zone=settings.default_timezone,
    )


def cmd_company(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings)
    console = Console(db, chat_defaults(settings))
    reply = console.answer("/company " + " ".join(args.name))
    console.show(reply)
    return 0


def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:
    """What /digest from that chat would answer (and, as /digest does, the chat's cursor moves on).
    A chat other than the terminal's must be a subscriber already: none is made up here."""
    db = open_database(settings)
    if args.chat != CONSOLE_CHAT_ID:
        with db.session() as session:
            known = find_subscriber(session, args.chat) is not None
        if not known:
            print(
                f"digestbot: chat {args.chat} is not a subscriber "
                "(it never subscribed, followed a company or asked for /digest)",
                file=sys.stderr,
            )
            return 1
    console = Console(db, chat_defaults(settings, args.chat))
    console.show(console.answer("/digest"))
    return 0


def cmd_shell(settings: Settings, _args: argparse.Namespace) -> int:
    Console(open_database(settings), chat_defaults(settings)).run()
    return 0


def cmd_sources_list(settings: Settings, _args: argparse.Namespace) -> int:
    db = open_database(settings)
    with db.session() as session:
        sources = list_sources(session)
        if not sources:
            print("No sources yet. Add one with: digestbot sources add URL")
            return 0
        failures = extraction_failures(session)
        print(f"{'ID':>4}  {'KIND':<6}  {'STATE':<7}  {'EVERY':>6}  {'LAST OK':<16}  SOURCE")
        for s in sources:
            last_ok = s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "never"
            print(
                f"{s.id:>4}  {s.kind.value:<6}  {s.state.value:<7}  {s.interval_minutes:>4}m  "
                f"{last_ok:<16}  {s.name or s.location}"
            )
            if s.last_error:
                print(f"{'':>4}  last error ({s.failure_count} in a row): {s.last_error}")
            if s.id in failures:
                count, error = failures[s.id]
                print(f"{'':>4}  {count} article(s) without facts, extraction failed: {error}")
    return 0


def cmd_sources_remove(settings: Settings, args: argparse.Namespace) -> int:
    if source_id(str(args.id)) is None:  # -1, 0, or past what the store's key holds: no source has it
        print(
            f"No source with id {args.id}: source ids are whole numbers from 1 to {MAX_SOURCE_ID}. "
            "See: digestbot sources list",
            file=sys.stderr,
        )
        return 2
    db = open_database(settings)
    with db.session() as session:
        removed = remove_source(session, args.id)
    if not removed:
        print(f"No source #{args.id}. See: digestbot sources list", file=sys.stderr)
        return 1
    print(f"Removed source #{args.id}; its articles stay stored.")
    return 0


def cmd_run(settings: Settings, _args: argparse.Namespace) -> int:
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
    setup_logging(settings.log_level, settings.secrets())
    return settings


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
            assert settings.webhook_secret is not None  # cmd_run made sure of one
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


TELEGRAM_RETRY_MAX_SECONDS = 60  # the longest wait between two tries to reach the Bot API server


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


STOP_TIMEOUT_SECONDS = 15


@contextlib.asynccontextmanager
async def open_outbox(
    settings: Settings, terminal: Terminal
) -> AsyncIterator[tuple[Outbox, int | None, Bot | None]]:
    """Where digests and alerts go: Telegram with a token (its own Bot, paced apart from the
    conversation's, and connected with it by `_talk`: a Bot API server not up yet is waited for in one
    place, while the scheduler already runs), else this terminal, which is the one chat."""
    if settings.telegram_bot_token is None:
        yield ConsoleOutbox(terminal.write), CONSOLE_CHAT_ID, None
        return
    root = settings.telegram_base_url.rstrip("/")
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
    )
    try:
        yield TelegramOutbox(bot), None, bot
    finally:
        await bot.shutdown()


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

    extractor = Extractor(settings.nlp_model)
    sync_companies(db, extractor)

    stopping = threading.Event()  # a long extraction run (in a thread) ends after its batch in hand

    def extract() -> int:
        return extract_pending(db, extractor, stop=stopping)

    async with make_fetcher(settings) as fetcher, open_outbox(settings, terminal) as opened:
        outbox, only_chat, outbox_bot = opened
        ingestor = Ingestor(db, fetcher, max_file_bytes=settings.max_download_bytes)
        dispatcher = Dispatcher(db, outbox, chat_id=only_chat, in_flight=settings.delivery_in_flight)
        scheduler = build_scheduler(ingestor, report, extract, dispatcher)
        scheduler.start()
        terminal.write("digestbot is running; it fetches its sources on schedule. Ctrl-C stops it.")
        talking = asyncio.create_task(_talk(settings, db, stop, terminal, outbox_bot))
        talking.add_done_callback(lambda task: _stop_if_failed(task, stop))
        await stop.wait()
        stopping.set()
        terminal.close()
        scheduler.shutdown(wait=False)
        # The conversation stops itself on the same event (polling, then the Application); give it
        # the time to, rather than cancelling it half-way.
        await asyncio.wait({talking}, timeout=STOP_TIMEOUT_SECONDS)
        if not talking.done():
            talking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await talking  # raises what made the conversation fail (InvalidToken: see main)
    db.dispose()
    return 0


def _stop_if_failed(talking: asyncio.Task[None], stop: asyncio.Event) -> None:
    """A conversation that failed (a token the server rejected) stops the bot; one that simply ended
    (no terminal to talk in) does not."""
    if not talking.cancelled() and talking.exception() is not None:
        stop.set()


# -- parser ----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digestbot",
        description="News in, company facts out: a Telegram bot for people who follow companies.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (in the terminal when no TELEGRAM_BOT_TOKEN is set)")
    run.set_defaults(handler=cmd_run)

    ingest = commands.add_parser("ingest", help="ingest files, folders, feeds or web pages once")
    ingest.add_argument("targets", nargs="+", metavar="PATH|URL")
    ingest.add_argument("-v", "--verbose", action="store_true", help="list every input, duplicates too")
    ingest.set_defaults(handler=cmd_ingest)

    extract = commands.add_parser("extract", help="print the facts of article files (nothing is stored)")
    extract.add_argument("paths", nargs="+", metavar="PATH")
    extract.add_argument("--json", action="store_true", help="one JSON object per file (a list for several)")
    extract.set_defaults(handler=cmd_extract)

    reextract = commands.add_parser("reextract", help="extract the facts of every stored article again")
    reextract.set_defaults(handler=cmd_reextract)

    company = commands.add_parser("company", help="what the store knows about a company")
    company.add_argument("name", nargs="+", metavar="NAME")
    company.set_defaults(handler=cmd_company)

    digest = commands.add_parser("digest", help="print a chat's digest now (what /digest answers there)")
    digest.add_argument(
        "--chat", type=int, default=CONSOLE_CHAT_ID, metavar="ID", help="chat id (default: the terminal's)"
    )
    digest.set_defaults(handler=cmd_digest)

    shell = commands.add_parser("shell", help="talk to the bot in this terminal")
    shell.set_defaults(handler=cmd_shell)

    sources = commands.add_parser("sources", help="manage the sources fetched on a schedule")
    actions = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a feed URL, a page URL (--page) or a folder")
    add.add_argument("location", metavar="URL|FOLDER")
    add.add_argument("--name", help="a display name")
    add.add_argument("--interval", type=int, metavar="MINUTES", help="fetch interval (default from settings)")
    add.add_argument("--page", action="store_true", help="watch a single web page instead of a feed")
    add.add_argument("--no-check", action="store_true", help="add a feed without fetching it first")
    add.set_defaults(handler=cmd_sources_add)
    listing = actions.add_parser("list", help="list sources with their health")
    listing.set_defaults(handler=cmd_sources_list)
    remove = actions.add_parser("remove", help="remove a source by id (its articles stay)")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=cmd_sources_remove)

    db = commands.add_parser("db", help="database maintenance")
    db_actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = db_actions.add_parser("upgrade", help="apply migrations up to the newest")
    upgrade.set_defaults(handler=cmd_db_upgrade)
    backup = db_actions.add_parser("backup", help="copy the SQLite store to PATH, safely while the bot runs")
    backup.add_argument("path", metavar="PATH", help="a new file for the copy")
    backup.set_defaults(handler=cmd_db_backup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"digestbot: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets())
    if args.command != "run" and args.command:
        # Interactive commands print their own results; keep library chatter out of them.
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        return int(args.handler(settings, args))
    except (ModelNotInstalled, DatabaseUnavailable) as exc:
        print(f"digestbot: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        # python-telegram-bot's message quotes the token: never print it.
        print(
            f"digestbot: setting TELEGRAM_BOT_TOKEN: the Bot API server at {settings.telegram_base_url} "
            "rejected the token (401 Unauthorized); check the token @BotFather gave you",
            file=sys.stderr,
        )
        return 2
    except BrokenPipeError:
        # Whoever read our output went away (`digestbot extract ... | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining when it flushes stdout on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
