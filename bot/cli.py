"""The `digestbot` command (also `python -m bot`): its arguments, its commands and what they print.
The services come from `bot.services`; `digestbot run` is `bot.serve`.

digestbot run                        migrate, register the seeds folder, fetch sources, stay up
digestbot ingest PATH|URL...         ingest files, folders, feeds or pages once
digestbot sources add|list|remove    manage the sources `run` fetches on a schedule
digestbot db upgrade                 apply the database migrations
digestbot db backup PATH             copy the SQLite store (PostgreSQL: pg_dump)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from telegram.error import InvalidToken

from bot.commands.admin import MAX_SOURCE_ID, source_id
from bot.config import Settings, SettingsError, load_settings
from bot.console import CONSOLE_CHAT_ID, Console
from bot.extract.card import fact_card
from bot.extract.installed import ModelNotInstalled
from bot.extract.pipeline import ArticleText
from bot.extraction_job import extract_pending
from bot.ingest.addresses import AddressRefused, Allowlist, check_url
from bot.ingest.feeds import check_feed
from bot.ingest.folder import read_article_file
from bot.ingest.models import IngestError
from bot.ingest.pipeline import is_url
from bot.ingest.report import summary_lines
from bot.logs import setup_logging
from bot.progress_bar import progress_bar
from bot.serve import run
from bot.services import chat_defaults, make_extractor, make_fetcher, make_ingestor, open_database
from storage import migrate
from storage.backup import BackupFailed, backup_sqlite
from storage.db import Database, DatabaseUnavailable
from storage.facts import extraction_failures, mark_all_for_extraction
from storage.models import SourceKind
from storage.sources import SourceExists, add_source, list_sources, remove_source
from storage.subscribers import find_subscriber

# -- commands --------------------------------------------------------------------------------------


def cmd_db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    db = open_database(settings)
    print(f"Database at revision {migrate.current_revision(db.engine)} ({db.backend}).")
    return 0


def cmd_db_backup(settings: Settings, args: argparse.Namespace) -> int:
    try:
        backup = backup_sqlite(settings.database_url, Path(args.path))
    except BackupFailed as exc:
        print(f"digestbot: {exc}", file=sys.stderr)
        return 2
    print(
        f"Backed up {backup.source} to {backup.target} "
        f"({backup.size_bytes / 1_000_000:.1f} MB, revision {backup.revision})."
    )
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings)

    async def go() -> int:
        with progress_bar() as progress:
            async with make_fetcher(settings) as fetcher:
                ingestor = make_ingestor(settings, db, fetcher, progress=progress)
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
    extractor = make_extractor(settings, db)
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
    extractor = make_extractor(settings)
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
    return run(settings)


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
    setup_logging(settings.log_level, settings.secrets(), settings.log_format)
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
