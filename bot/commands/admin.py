"""/sources for everyone; /addsource, /removesource and /stats for the bot's admins (ADMIN_CHAT_IDS).
/addsource checks the address as `digestbot sources add` does (`bot.ingest.feeds.check_feed`): a web
page, an error or an empty feed is not added."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.commands.context import Chat
from bot.ingest.feeds import check_feed_now
from bot.replies import Bold, Bullets, Paragraph, Reply
from storage.facts import extraction_failures
from storage.models import Article, Company, Fact, Source, SourceKind, SourceState, Subscriber
from storage.sources import SourceExists, add_source, list_sources, remove_source

ADMINS_ONLY = "This command is for the bot's admins."


def sources_command(session: Session, _chat: Chat, _args: str) -> Reply:
    sources = list_sources(session)
    if not sources:
        return Reply.text("No sources yet.")
    lines = []
    for s in sources:
        health = (
            s.state.value
            if s.state is not SourceState.FAILING
            else f"failing: {s.last_error or 'unknown error'}"
        )
        lines.append(
            (
                Bold(f"#{s.id} "),
                f"{s.name or s.location} ({s.kind.value}, every {s.interval_minutes} min) — {health}",
            )
        )
    return Reply((Paragraph((Bold("Sources"),)), Bullets(tuple(lines))))


def addsource_command(session: Session, chat: Chat, args: str) -> Reply:
    if not chat.admin:
        return Reply.text(ADMINS_ONLY)
    url = args.strip().split(" ")[0] if args.strip() else ""
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        return Reply.error(
            "Give the address of an RSS or Atom feed.", example="/addsource https://example.com/feed.xml"
        )
    # Fetched before the store is touched: no transaction (on SQLite, no write lock) waits on the network.
    error = check_feed_now(url)
    if error:
        return Reply.error(f"Not added: {url}: {error}.", example="/addsource https://example.com/feed.xml")
    try:
        source = add_source(session, kind=SourceKind.FEED, location=url, name=None, interval_minutes=30)
    except SourceExists as exc:
        return Reply.text(f"That feed is {exc}.")
    return Reply.text(
        f"Added source #{source.id}. Its first fetch comes within a minute; /sources shows how it went."
    )


def removesource_command(session: Session, chat: Chat, args: str) -> Reply:
    if not chat.admin:
        return Reply.text(ADMINS_ONLY)
    if not args.strip().isdigit():
        return Reply.error("Which source? Give its number from /sources.", example="/removesource 3")
    if remove_source(session, int(args.strip())):
        return Reply.text(f"Removed source #{int(args.strip())}; its articles stay.")
    return Reply.text(f"There is no source #{int(args.strip())}. /sources lists them.")


def stats_command(session: Session, chat: Chat, _args: str) -> Reply:
    if not chat.admin:
        return Reply.text(ADMINS_ONLY)

    def count(query: Select[tuple[int]]) -> int:
        return session.scalar(query) or 0

    states = dict(session.execute(select(Source.state, func.count()).group_by(Source.state)).all())
    lines = (
        (f"Articles: {count(select(func.count()).select_from(Article))}",),
        (f"Facts: {count(select(func.count()).select_from(Fact))}",),
        (f"Companies: {count(select(func.count()).select_from(Company))}",),
        (
            f"Subscribers: {count(select(func.count()).select_from(Subscriber).where(Subscriber.subscribed, Subscriber.active))} active",
        ),
        ("Sources: " + ", ".join(f"{states.get(state, 0)} {state.value}" for state in SourceState),),
    )
    failures = extraction_failures(session)
    if failures:
        failed = sum(n for n, _ in failures.values())
        example = next(iter(failures.values()))[1]
        lines += ((f"Articles whose extraction failed: {failed} (for example {example})",),)
    return Reply((Paragraph((Bold("Statistics"),)), Bullets(lines)))
