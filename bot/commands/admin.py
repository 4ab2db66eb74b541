"""/sources for everyone; /addsource, /removesource and /stats for the bot's admins (ADMIN_CHAT_IDS).
/addsource checks the address as `digestbot sources add` does (`bot.ingest.feeds.check_feed`): a web
page, an error or an empty feed is not added."""

from __future__ import annotations

from functools import partial
from pathlib import PurePath
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from bot.commands.context import Chat
from bot.config import load_settings
from bot.extract.card import source_label
from bot.ingest.feeds import check_feed_now
from bot.ingest.http import Fetcher
from bot.logs import MASK
from bot.replies import Bold, Bullets, Paragraph, Reply
from bot.text import cut
from storage.facts import extraction_failures
from storage.models import Source, SourceKind, SourceState
from storage.sources import SourceExists, add_source, list_sources, remove_source
from storage.stats import store_counts

ADMINS_ONLY = "This command is for the bot's admins."


def sources_command(session: Session, chat: Chat, _args: str) -> Reply:
    """Every source with its health. Members see a safe label (the feed's name, else the web site:
    no user:password, path or query, which may hold credentials) and a plain word for its health;
    the bot's admins see the address (any password masked) and the last error."""
    sources = list_sources(session)
    if not sources:
        return Reply.text("No sources yet.")
    lines = []
    for s in sources:
        where = _address(s) if chat.admin else _safe_label(s)
        lines.append(
            (
                Bold(f"#{s.id} "),
                f"{where} ({s.kind.value}, every {s.interval_minutes} min) — {_health(s, detail=chat.admin)}",
            )
        )
    return Reply((Paragraph((Bold("Sources"),)), Bullets(tuple(lines))))


def _safe_label(source: Source) -> str:
    if source.kind is SourceKind.FOLDER:
        return source.name or f"folder {PurePath(source.location).name}"
    return source_label(source.name, source.location)


def _address(source: Source) -> str:
    """The source's name and address for the bot's admins, a password in it masked."""
    location = _masked(source, source.location)
    return f"{source.name} {location}" if source.name else location


def _health(source: Source, *, detail: bool) -> str:
    """ "ok", "paused" or "failing (last worked ...)"; for the bot's admins with the last error, the
    source's password masked in it too (an error often quotes the address)."""
    if source.state is not SourceState.FAILING:
        return "ok" if source.state is SourceState.ACTIVE else source.state.value
    since = f" (last worked {source.last_success_at:%Y-%m-%d %H:%M} UTC)" if source.last_success_at else ""
    if not detail:
        return f"failing{since}"
    return f"failing{since}: {_masked(source, source.last_error or 'unknown error')}"


def _masked(source: Source, text: str) -> str:
    """`text` with the password of the source's URL (https://user:password@host/...) masked."""
    if source.kind is SourceKind.FOLDER:
        return text
    try:
        password = urlsplit(source.location).password
    except ValueError:
        return text
    return text.replace(f":{password}@", f":{MASK}@") if password else text


def addsource_command(session: Session, chat: Chat, args: str) -> Reply:
    if not chat.admin:
        return Reply.text(ADMINS_ONLY)
    url = args.strip().split(" ")[0] if args.strip() else ""
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        return Reply.error(
            "Give the address of an RSS or Atom feed.", example="/addsource https://example.com/feed.xml"
        )
    # Fetched before the store is touched: no transaction (on SQLite, no write lock) waits on the network.
    # Internal addresses are refused as every fetch refuses them, unless FETCH_ALLOW_INTERNAL allows them.
    error = check_feed_now(url, partial(Fetcher, allow_internal=load_settings().fetch_allow_internal))
    if error:
        return Reply.error(f"Not added: {url}: {error}.", example="/addsource https://example.com/feed.xml")
    try:
        source = add_source(session, kind=SourceKind.FEED, location=url, name=None, interval_minutes=30)
    except SourceExists as exc:
        return Reply.text(f"That feed is {exc}.")
    return Reply.text(
        f"Added source #{source.id}. Its first fetch comes within a minute; /sources shows how it went."
    )


MAX_SOURCE_ID = 2**31 - 1  # the largest id the store's INTEGER key holds (PostgreSQL's limit)


def source_id(text: str) -> int | None:
    """A source id as typed ("3"), or None: not a whole number (-1, 1e3, abc, ²), or one no source
    can have (0, or past `MAX_SOURCE_ID`, which the database driver refuses with OverflowError)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_SOURCE_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_SOURCE_ID else None


def removesource_command(session: Session, chat: Chat, args: str) -> Reply:
    if not chat.admin:
        return Reply.text(ADMINS_ONLY)
    if not args.strip():
        return Reply.error("Which source? Give its number from /sources.", example="/removesource 3")
    number = source_id(args)
    if number is None:
        return Reply.error(
            f"No source with id {cut(args.strip(), 24)}: give the id from /sources.",
            example="/removesource 3",
        )
    if remove_source(session, number):
        return Reply.text(f"Removed source #{number}; its articles stay.")
    return Reply.text(f"There is no source #{number}. /sources lists them.")


def stats_command(session: Session, chat: Chat, _args: str) -> Reply:
    if not chat.admin:
        return Reply.text(ADMINS_ONLY)
    counts = store_counts(session)
    lines: tuple[tuple[str], ...] = (
        (f"Articles: {counts.articles}",),
        (f"Facts: {counts.facts}",),
        (f"Companies: {counts.companies}",),
        (f"Subscribers: {counts.subscribers} active",),
        ("Sources: " + ", ".join(f"{n} {state.value}" for state, n in counts.sources.items()),),
    )
    failures = extraction_failures(session)
    if failures:
        failed = sum(n for n, _ in failures.values())
        example = next(iter(failures.values()))[1]
        lines += ((f"Articles whose extraction failed: {failed} (for example {example})",),)
    return Reply((Paragraph((Bold("Statistics"),)), Bullets(lines)))
