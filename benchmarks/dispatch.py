"""The dispatcher at scale: composing 10,000 digests over 10,000 stored articles, then a fan-out of
1,000 messages to a local Bot API server that enforces Telegram's rate limits.

    python -m benchmarks.dispatch [--database URL] [--subscribers 10000] [--articles 10000]
                                  [--messages 1000] [--sample 500] [--profile 25]
                                  [--in-flight N] [--server-nodelay]

The store is built first: a temporary SQLite file by default, or the database at `--database` (for
PostgreSQL the database is created when missing and its schema `public` is dropped and created again,
so give it a throwaway one, e.g. postgresql+psycopg://postgres@127.0.0.1:55432/digestbot_bench; a
SQLite URL must name a file that does not exist yet). Building migrates, stores the Wikinews corpus as
drafts and extracts it with the real pipeline, then copies those articles in SQL (new ids, URLs and
content hashes, with their company mentions and facts) up to `--articles`, each ready (news) at a
random instant of the last 24 hours; then `--subscribers` subscribers, all due, over 20 time zones,
their cursors spread over the last 24 hours, each following 0-5 companies (mostly companies that are in
the news). Follows are dated after the news, so no alert falls due: the alert step runs its query and
finds nothing, as it does in steady state, where the news of each minute has been alerted already. On
PostgreSQL the tables are ANALYZEd after the bulk load (what autovacuum would do); SQLite is left as
the bot ships it.

Compose: `Dispatcher.prepare(now)` end to end (a TelegramOutbox over a Bot with a fake token, which
preparing never uses: the ledger holds each reply as composed, `bot.reply_data`, and rendering to
Telegram HTML happens at send time), in a process of its own, started before the spaCy model is
loaded, so that its memory is the dispatcher's (getrusage's max RSS of a process counts what its parent
held when it was started). Run 1 prepares every due subscriber, with timers around each part (the pure
part: the round's StoryBook for each period, StoryBook.select, compose_digest with its per-round cache of story
lines, reply_to_data; schedule arithmetic; database reads: due_cursors, stories_between,
due_subscribers, claimed_keys, follows; writes: delivery_row, add_deliveries' bulk INSERT, flush and
commit; a few wrapped calls a subscriber, their own cost is printed) and around every SQL statement:
wall time, peak RSS, ledger rows. Every name the timers wrap must exist (the benchmark stops, naming
it, when the product renamed it) and a part that was never called is flagged. Then the cost that moved
to send time is measured on its own: every prepared reply rendered once,
`render_html(reply_from_data(reply))`, per digest and in total, with the messages it makes (this is not
part of prepare's wall time). The ledger is then emptied and the subscribers put back; run 2 prepares
the first `--sample` due subscribers under tracemalloc (it is slow; memory is per batch of 500 plus
the story book, so the peak does not grow with the count); run 3, with `--profile N`, the same sample
under cProfile.

Fan-out: `--messages` one-message pending deliveries to as many chats, written with `delivery_row` and
`add_deliveries`; each reply is a digest of 3 stories of the store, worded by compose_digest and
checked to render to exactly one message. They are sent by `Dispatcher.send_pending` (which renders
each at send time) through the real TelegramOutbox and python-telegram-bot to FakeTelegram
(tests/support/botapi.py) with `enforce_rate_limits()`: 30 messages a second overall, one a second per
chat, a 429 beyond. The rate is taken from the instants the server accepted each sendMessage, and from
the wall clock around send_pending. `--messages 0` skips it. To tell where a shortfall or a 429 comes
from, it also notes the instant the outbox calls send_rendered (client side) against each arrival at
the server's rate check, how late each sender woke after its `_Pacer` slot, the GC passes (a gen-2
pass over a large heap stalls the event loop; this process holds what the spaCy model left, as the
bot's own process does), and each delivery stretch by stretch (render, chat lock, the in-flight gate,
the pacer, the HTTP round trip, the wait for a thread, `_sent`). `--in-flight N` sets the
Dispatcher's `in_flight` (default: its own); `--server-nodelay` makes FakeTelegram answer with
TCP_NODELAY: its handler writes headers and body in two sends, so with Nagle's algorithm each answer
waits for the client's delayed ACK (~40 ms), a round trip that one message in flight at a time cannot
hide.
Corpus: Wikinews (CC BY 2.5, Wikinews contributors).
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import cProfile
import gc
import io
import json
import multiprocessing
import os
import platform
import pstats
import random
import resource
import shlex
import tempfile
import time
import tracemalloc
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from telegram import Bot

import benchmarks.store as store
import bot.delivery.dispatch as dispatch_module
import bot.delivery.telegram as telegram_module
import bot.digest.service as service_module
import storage.deliveries as deliveries_module
from benchmarks.replicate import replicate
from bot.delivery.dispatch import Dispatcher
from bot.delivery.telegram import PER_SECOND, TelegramOutbox
from bot.digest.compose import compose_digest
from bot.digest.select import Selection, StoryBook
from bot.render.telegram_html import render_html
from bot.replies import Reply
from bot.reply_data import reply_from_data, reply_to_data
from storage.db import Database, normalize_url
from storage.digest import stories_between
from storage.models import (
    Article,
    ArticleCompany,
    Company,
    Delivery,
    DeliveryKind,
    DeliveryState,
    Fact,
    Follow,
    Frequency,
    Subscriber,
)
from tests.support.botapi import FakeTelegram
from tests.support.wikinews import require_corpus

TARGET_SECONDS = 10.0
TARGET_MB = 500.0
TARGET_RATE = 27.0  # messages a second
TELEGRAM_RATE = 30.0
SEED = 20261130
FAKE_TOKEN = "123456:bench-token-never-sent"  # preparing sends nothing; no request reaches a server
CHAT_BASE = 700_000_000  # subscriber chat ids: CHAT_BASE + n, private chats
NEWS_SPAN = timedelta(hours=24)
FOLLOW_IN_THE_NEWS = 0.8  # share of follows drawn from companies some article is about
FANOUT_STORIES = 3  # stories in each fan-out digest: one message
WEEKLY_SHARE = 0.1
SEND_EMPTY_SHARE = 0.2
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)


# -- the store -------------------------------------------------------------------------------------


def fresh_database(url: str | None, tmp: Path) -> Database:
    if url is not None:
        parsed = make_url(normalize_url(url))
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise SystemExit("an in-memory SQLite database cannot be shared with the measuring process")
            if Path(parsed.database).exists():
                raise SystemExit(f"{parsed.database} exists: give a SQLite file that does not exist yet")
    return store.fresh_database(url, tmp, "dispatch.sqlite3")


def build_corpus(db: Database, model: str | None) -> dict[str, float]:
    """The extracted corpus store (benchmarks.corpus_store). Imported here only: the measuring
    process never loads spaCy."""
    from benchmarks.corpus_store import build_corpus_store
    from bot.extract.pipeline import DEFAULT_MODEL

    return build_corpus_store(db, model or DEFAULT_MODEL)


def add_subscribers(db: Database, count: int, now: datetime, rng: random.Random) -> None:
    """`count` subscribers, all due, over 20 zones, cursors over the last 24 h, 0-5 follows each."""
    span = NEWS_SPAN.total_seconds()
    rows = [
        {
            "chat_id": CHAT_BASE + n,
            "subscribed": True,
            "active": True,
            "frequency": Frequency.WEEKLY if rng.random() < WEEKLY_SHARE else Frequency.DAILY,
            "weekday": rng.randrange(7),
            "digest_time": clock_time(rng.randrange(6, 10), rng.choice((0, 15, 30, 45))),
            "timezone": ZONES[n % len(ZONES)],
            "send_empty": rng.random() < SEND_EMPTY_SHARE,
            "cursor": now - timedelta(seconds=rng.uniform(0, span)),
            "next_digest_at": now - timedelta(seconds=rng.uniform(1, 3600)),
            "created_at": now - timedelta(days=30),
        }
        for n in range(count)
    ]
    with db.session() as session:
        in_news = list(
            session.scalars(
                select(ArticleCompany.company_id)
                .where(ArticleCompany.salient.is_(True))
                .distinct()
                .order_by(ArticleCompany.company_id)
            )
        )
        every = list(session.scalars(select(Company.id).order_by(Company.id)))
        for start in range(0, len(rows), 2000):
            session.execute(insert(Subscriber), rows[start : start + 2000])
        ids = list(session.scalars(select(Subscriber.id).order_by(Subscriber.id)))
        follows = []
        for subscriber_id in ids:
            chosen: set[int] = set()
            for _ in range(rng.randint(0, 5)):
                pool = in_news if in_news and rng.random() < FOLLOW_IN_THE_NEWS else every
                chosen.add(rng.choice(pool))
            # dated after the news: no alert falls due (see the module note)
            follows += [{"subscriber_id": subscriber_id, "company_id": c, "created_at": now} for c in chosen]
        for start in range(0, len(follows), 5000):
            session.execute(insert(Follow), follows[start : start + 5000])


def analyze(db: Database) -> None:
    if db.backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def store_size(db: Database, now: datetime) -> dict[str, int]:
    with db.session() as session:

        def count(model: Any) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        news = (
            session.scalar(
                select(func.count()).where(Article.ready_at > now - NEWS_SPAN, Article.backfill.is_(False))
            )
            or 0
        )
        about = (
            session.scalar(
                select(func.count(func.distinct(ArticleCompany.article_id))).where(
                    ArticleCompany.salient.is_(True)
                )
            )
            or 0
        )
        return {
            "articles": count(Article),
            "news in the last 24 h": news,
            "about a company": about,
            "companies": count(Company),
            "facts": count(Fact),
            "company mentions": count(ArticleCompany),
            "subscribers": count(Subscriber),
            "follows": count(Follow),
        }


# -- measuring compose (in a fresh process) --------------------------------------------------------


def rss_mb() -> float:
    """Resident set size now (Linux), MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def max_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if platform.system() == "Darwin" else peak / 1024  # bytes on macOS, KiB else


class Timers:
    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def add(self, label: str, seconds: float) -> None:
        self.spent[label] += seconds
        self.calls[label] += 1

    def wrap(
        self, label: str, fn: Callable[..., Any], observe: Callable[..., None] | None = None
    ) -> Callable[..., Any]:
        """`fn` timed under `label`; `observe(args, kwargs)` is called after it (outside the timer)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter() - start)
                if observe is not None:
                    observe(args, kwargs)

        return timed


# (label, group) of each timer, in the order printed
PARTS = (
    ("StoryBook (one index a period, a round)", "pure"),
    ("StoryBook.select", "pure"),
    ("compose_digest (lines cached)", "pure"),
    ("reply_to_data (serialize)", "pure"),
    ("schedule (periods, due times)", "schedule"),
    ("due_cursors (once a round)", "reads"),
    ("stories_between", "reads"),
    ("due_subscribers (ORM load)", "reads"),
    ("claimed_keys", "reads"),
    ("follows", "reads"),
    ("delivery_row (dict)", "writes"),
    ("add_deliveries (flush + INSERT)", "writes"),
    ("flush + commit", "writes"),
)
RENDER_IN_PREPARE = "outbox.render during prepare"  # must stay at 0 calls: rendering is at send time


def _name_of(target: Any) -> str:
    return getattr(target, "__name__", None) or type(target).__name__


@contextmanager
def patched(target: Any, name: str, value: Callable[[Any], Any]) -> Iterator[None]:
    """`target.name` replaced by `value(original)` for the block. A missing or non-callable name stops
    the benchmark: a timer around nothing would report a part as free."""
    original = getattr(target, name, None)
    if original is None or not callable(original):
        raise SystemExit(
            f"benchmark out of date: {_name_of(target)}.{name} does not exist (or is not callable); "
            "update the instrumentation in benchmarks/dispatch.py to the current code"
        )
    setattr(target, name, value(original))
    try:
        yield
    finally:
        setattr(target, name, original)


@contextmanager
def instrumented(
    db: Database, dispatcher: Dispatcher, timers: Timers, seen: dict[str, Any]
) -> Iterator[dict[str, list]]:
    """Timers around every part of preparing, and the time of every SQL statement by kind; `seen`
    gets the size of the round's StoryBook and its cache of story lines."""
    sql: dict[str, list] = defaultdict(list)

    def saw_book(args: tuple, _kwargs: dict) -> None:
        seen["book stories"] = seen.get("book stories", 0) + len(args[0].stories)
        seen["books"] = seen.get("books", 0) + 1

    def saw_lines(_args: tuple, kwargs: dict) -> None:
        lines = kwargs.get("lines")
        if lines is not None:
            seen["lines"] = lines  # the same dict all round: its final size is what was worded

    commit_started: list[float] = []

    def before_commit(_session: Session) -> None:
        commit_started.append(time.perf_counter())

    def after_commit(_session: Session) -> None:
        if commit_started:
            timers.add("flush + commit", time.perf_counter() - commit_started.pop())

    # ORM flushes (the subscribers' cursor and due time), wherever they happen: an ORM-enabled INSERT
    # autoflushes first, so they fall inside add_deliveries' timer or the commit's; noted, not a part.
    flush_started: list[float] = []
    inside = {"add_deliveries": False}

    def before_flush(_session: Session, _context: Any, _instances: Any) -> None:
        flush_started.append(time.perf_counter())

    def after_flush(_session: Session, _context: Any) -> None:
        if flush_started:
            where = "add_deliveries" if inside["add_deliveries"] else "commit"
            timers.add(f"note: ORM flush in {where}", time.perf_counter() - flush_started.pop())

    def add_deliveries(original: Callable[..., Any]) -> Callable[..., Any]:
        timed = timers.wrap("add_deliveries (flush + INSERT)", original)

        def flagged(*args: Any, **kwargs: Any) -> Any:
            inside["add_deliveries"] = True
            try:
                return timed(*args, **kwargs)
            finally:
                inside["add_deliveries"] = False

        return flagged

    def before_sql(
        _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        context._bench_started = time.perf_counter()

    def after_sql(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        sql[statement.lstrip().split(None, 1)[0].upper()].append(time.perf_counter() - context._bench_started)

    schedule = "schedule (periods, due times)"
    with ExitStack() as stack:
        for target, name, label, observe in (
            # the dispatcher and the digest service call these by the names they imported: patched there
            (service_module, "compose_digest", "compose_digest (lines cached)", saw_lines),
            (dispatch_module, "reply_to_data", "reply_to_data (serialize)", None),
            (service_module, "stories_between", "stories_between", None),
            (dispatch_module, "followed_by", "follows", None),
            (dispatch_module, "latest_period", schedule, None),
            (dispatch_module, "next_due", schedule, None),
            (service_module, "window_start", schedule, None),
            (dispatch_module, "schedule_of", schedule, None),
            # and these through the module `deliveries`
            (deliveries_module, "due_cursors", "due_cursors (once a round)", None),
            (deliveries_module, "due_subscribers", "due_subscribers (ORM load)", None),
            (deliveries_module, "claimed_keys", "claimed_keys", None),
            (deliveries_module, "delivery_row", "delivery_row (dict)", None),
            (StoryBook, "__init__", "StoryBook (one index a period, a round)", saw_book),
            (StoryBook, "select", "StoryBook.select", None),
            (dispatcher.outbox, "render", RENDER_IN_PREPARE, None),
            (dispatcher, "_schedule_unscheduled", "step: schedule the unscheduled", None),
            (dispatcher, "_prepare_digests", "step: digests", None),
            (dispatcher, "_prepare_alerts", "step: alerts", None),
        ):
            stack.enter_context(
                patched(
                    target, name, lambda fn, label=label, observe=observe: timers.wrap(label, fn, observe)
                )
            )
        stack.enter_context(patched(deliveries_module, "add_deliveries", add_deliveries))
        for target, name, fn in (
            (Session, "before_commit", before_commit),
            (Session, "after_commit", after_commit),
            (Session, "before_flush", before_flush),
            (Session, "after_flush_postexec", after_flush),
            (db.engine, "before_cursor_execute", before_sql),
            (db.engine, "after_cursor_execute", after_sql),
        ):
            event.listen(target, name, fn)
            stack.callback(event.remove, target, name, fn)
        yield sql


def subscriber_state(db: Database) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.execute(
            select(Subscriber.id, Subscriber.cursor, Subscriber.next_digest_at).order_by(
                Subscriber.next_digest_at, Subscriber.id
            )
        )
        return [{"id": i, "cursor": c, "next_digest_at": n} for i, c, n in rows]


def reset(db: Database, state: list[dict[str, Any]], now: datetime, due: int | None = None) -> None:
    """Empty the ledger and put every subscriber's cursor and due time back; with `due`, only the
    first `due` subscribers the dispatcher would take are due (the others come due tomorrow)."""
    later = now + timedelta(days=1)
    rows = [
        row if due is None or n < due else {**row, "next_digest_at": later} for n, row in enumerate(state)
    ]
    with db.session() as session:
        session.execute(delete(Delivery))
        session.execute(update(Subscriber), rows)


def ledger_and_render(db: Database) -> dict[str, Any]:
    """The ledger prepare wrote, and the cost that moved to send time: every pending reply rendered
    once, `render_html(reply_from_data(reply))`, as `Dispatcher._deliver` does through the outbox
    (which adds only `dataclasses.asdict` a message). Read in chunks; only the rendering is timed."""
    states: Counter[str] = Counter()
    json_chars: list[int] = []
    decode: list[float] = []  # reply_from_data, a digest
    render: list[float] = []  # render_html, a digest
    parts: list[int] = []
    html_chars = 0
    with db.session() as session:
        rows = session.execute(
            select(Delivery.state, Delivery.reply).order_by(Delivery.id).execution_options(yield_per=500)
        )
        for state, data in rows:
            states[str(state)] += 1
            if data is None:
                continue
            json_chars.append(len(json.dumps(data, ensure_ascii=False)))
            if state is not DeliveryState.PENDING:
                continue
            start = time.perf_counter()
            reply = reply_from_data(data)
            middle = time.perf_counter()
            messages = render_html(reply)
            end = time.perf_counter()
            decode.append(middle - start)
            render.append(end - middle)
            parts.append(len(messages))
            html_chars += sum(len(m.html) for m in messages)
    both = sorted(d + r for d, r in zip(decode, render, strict=True))
    return {
        "rows": sum(states.values()),
        "states": dict(states),
        "mean json chars": sum(json_chars) / len(json_chars) if json_chars else 0.0,
        "rendered": len(parts),
        "decode": sum(decode),
        "render": sum(render),
        "median ms": both[len(both) // 2] * 1000 if both else 0.0,
        "p99 ms": both[min(len(both) - 1, len(both) * 99 // 100)] * 1000 if both else 0.0,
        "max ms": both[-1] * 1000 if both else 0.0,
        "messages": sum(parts),
        "most messages": max(parts, default=0),
        "messages a digest": dict(sorted(Counter(parts).items())),
        "mean html chars": html_chars / len(parts) if parts else 0.0,
    }


def reset_peak_rss() -> bool:
    """Start VmHWM (the peak RSS Linux keeps per process) again from the current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """VmHWM, MB (Linux), else the lifetime maximum from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return max_rss_mb()


def timer_cost(timers: Timers, calls: int) -> float:
    """Seconds the timers themselves add to `calls` timed calls (an empty call, timed the same way)."""
    probe = Timers().wrap("probe", lambda: None)
    start = time.perf_counter()
    for _ in range(10_000):
        probe()
    return (time.perf_counter() - start) / 10_000 * calls


def compose_runs(url: str, now: datetime, sample: int, profile_top: int) -> dict[str, Any]:
    """Everything measured about preparing, in this process (spawned before the store was built)."""
    db = Database(url)
    result: dict[str, Any] = {}
    try:
        outbox = TelegramOutbox(Bot(FAKE_TOKEN))
        state = subscriber_state(db)
        gc.collect()
        result["rss before"] = rss_mb()
        result["hwm reset"] = reset_peak_rss()

        # run 1: every due subscriber, with timers (a few wrapped calls a subscriber)
        timers = Timers()
        seen: dict[str, Any] = {}
        dispatcher = Dispatcher(db, outbox)
        with instrumented(db, dispatcher, timers, seen) as sql:
            start = time.perf_counter()
            report = dispatcher.prepare(now)
            result["wall"] = time.perf_counter() - start
        result["peak rss"] = peak_rss_mb()
        result["max rss"] = max_rss_mb()
        result["report"] = (report.digests, report.empty, report.alerts)
        result["book"] = (seen.get("books", 0), seen.get("book stories", 0), len(seen.get("lines", ())))
        del seen
        # the cost that moved to send time, measured on its own (not part of the wall time above)
        result["ledger"] = ledger_and_render(db)
        result["timers"] = (dict(timers.spent), dict(timers.calls))
        result["timer cost"] = timer_cost(timers, sum(timers.calls.values()))
        result["sql"] = {kind: (len(times), sum(times)) for kind, times in sql.items()}

        # run 2: tracemalloc, over the first `sample` due subscribers (slow: it traces every allocation)
        sample = len(state) if sample <= 0 else min(sample, len(state))
        result["sample"] = sample
        reset(db, state, now, due=sample)
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        Dispatcher(db, outbox).prepare(now)
        result["wall traced"] = time.perf_counter() - start
        result["traced peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        if profile_top:  # run 3: cProfile over the same sample
            reset(db, state, now, due=sample)
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.enable()
            Dispatcher(db, outbox).prepare(now)
            profiler.disable()
            result["wall profiled"] = time.perf_counter() - start
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(profile_top)
            stats.sort_stats("tottime").print_stats(profile_top)
            result["profile"] = "\n".join(line for line in out.getvalue().splitlines() if line.strip())
        # the ledger of the last run stays: the fan-out takes real digests from it
    finally:
        db.dispose()
    return result


def print_compose(result: dict[str, Any], subscribers: int) -> None:
    wall = result["wall"]
    digests, empty, alerts = result["report"]
    book = result["ledger"]
    print(f"\nCompose: Dispatcher.prepare(now) for {subscribers:,} due subscribers (measuring process)")
    print(
        f"  wall time             {wall:8.2f} s   ({wall / max(1, subscribers) * 1000:.3f} ms a subscriber)"
    )
    hwm = "VmHWM, reset before preparing" if result["hwm reset"] else "VmHWM"
    print(
        f"  peak RSS              {result['peak rss']:8.0f} MB  ({hwm}; {result['rss before']:.0f} MB before "
        f"preparing: interpreter, SQLAlchemy, python-telegram-bot; getrusage max RSS {result['max rss']:.0f} MB)"
    )
    print(
        f"  tracemalloc peak      {result['traced peak']:8.1f} MB  (run 2, first {result['sample']:,} due "
        f"subscribers, {result['wall traced']:.1f} s traced; memory is per batch of {dispatch_module.BATCH} "
        "plus the story book)"
    )
    print(
        f"  ledger rows written   {book['rows']:8,}     ({', '.join(f'{v:,} {k}' for k, v in book['states'].items())};"
        f" report: {digests:,} digests, {empty:,} empty, {alerts:,} alerts; reply data "
        f"{book['mean json chars']:,.0f} JSON chars a row on average)"
    )
    books, stories, lines = result["book"]
    print(
        f"  story book            {stories:8,}     stories in {books} StoryBook(s); {lines:,} story lines "
        "worded for the round (the compose_digest cache)"
    )
    print_render(result)

    spent, calls = result["timers"]
    print(f"\nWhere the time goes (run 1; the timers themselves cost about {result['timer cost']:.3f} s):")
    groups: dict[str, float] = defaultdict(float)
    for label, group in PARTS:
        groups[group] += spent.get(label, 0.0)
        print(
            f"  {group:<9}{label:<32}{spent.get(label, 0.0):8.3f} s {calls.get(label, 0):>8,} calls"
            f"  {spent.get(label, 0.0) / wall:6.1%}"
        )
    steps = {label: spent.get(label, 0.0) for label in spent if label.startswith("step: ")}
    other = steps.get("step: digests", 0.0) - sum(groups.values())
    print(
        f"  {'other':<9}{'loop, ORM attribute updates':<32}{other:8.3f} s {'':>8}        {other / wall:6.1%}"
    )
    flushes = {label[19:]: label for label in spent if label.startswith("note: ORM flush in ")}
    if flushes:
        print(
            "  (of which ORM flushes of the subscribers' cursor and due time: "
            + ", ".join(
                f"{calls[label]:,}x {spent[label]:.3f} s inside {where}" for where, label in flushes.items()
            )
            + ")"
        )
    never = [label for label, _ in PARTS if label != "flush + commit" and not calls.get(label)]
    if never:
        print(f"  WARNING: never called in run 1 (the dispatcher no longer uses them?): {', '.join(never)}")
    if calls.get(RENDER_IN_PREPARE):
        print(
            f"  WARNING: prepare called outbox.render {calls[RENDER_IN_PREPARE]:,}x "
            f"({spent[RENDER_IN_PREPARE]:.3f} s): rendering was expected at send time only"
        )
    print(
        "  "
        + ", ".join(f"{group} {seconds:.2f} s ({seconds / wall:.0%})" for group, seconds in groups.items())
    )
    print(
        "  steps: "
        + ", ".join(f"{label[6:]} {seconds:.3f} s" for label, seconds in steps.items())
        + f"  (stories_between called {calls.get('stories_between', 0)}x)"
    )
    sql = result["sql"]
    print(
        f"  SQL at the driver (cursor.execute): {sum(n for n, _ in sql.values()):,} statements, "
        f"{sum(s for _, s in sql.values()):.3f} s ("
        + ", ".join(f"{kind} {n:,}x {s:.3f} s" for kind, (n, s) in sorted(sql.items()))
        + ")"
    )
    if "profile" in result:
        print(
            f"\nProfile (run 3, cProfile, first {result['sample']:,} due subscribers, "
            f"{result['wall profiled']:.1f} s profiled), by cumulative time, then by own time:"
        )
        print(result["profile"][:20000])


def print_render(result: dict[str, Any]) -> None:
    book = result["ledger"]
    total = book["decode"] + book["render"]
    count = book["rendered"]
    print(
        f"  render at send time (not part of prepare): {count:,} pending replies rendered once, "
        f"render_html(reply_from_data(reply)): {total:.2f} s in all, "
        f"{total / max(1, count) * 1000:.3f} ms a digest (median {book['median ms']:.3f}, "
        f"p99 {book['p99 ms']:.3f}, max {book['max ms']:.3f} ms; reply_from_data {book['decode']:.2f} s, "
        f"render_html {book['render']:.2f} s)"
    )
    print(
        f"  messages they make    {book['messages']:8,}     (messages a digest: "
        + ", ".join(f"{n} x{times:,}" for n, times in book["messages a digest"].items())
        + f"; {book['mean html chars']:,.0f} HTML chars a digest on average)"
    )


# -- fan-out ---------------------------------------------------------------------------------------


class TimedTelegram(FakeTelegram):
    """FakeTelegram that also notes the instant it accepted each sendMessage, and the instant (and
    chat) of every send that reached its rate check, accepted or refused with a 429."""

    def __init__(self, nodelay: bool = False) -> None:
        super().__init__()
        if nodelay:  # the handler writes headers and body in two sends: see --server-nodelay
            handler = getattr(getattr(self, "_httpd", None), "RequestHandlerClass", None)
            if handler is None or not hasattr(handler, "disable_nagle_algorithm"):
                raise SystemExit("benchmark out of date: FakeTelegram has no _httpd request handler to set")
            handler.disable_nagle_algorithm = True
        self.accepted_at: list[float] = []
        self.arrived: list[tuple[float, int]] = []
        self.refused: list[tuple[float, int]] = []

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        message = super()._send_message(params)  # called with the server's lock held
        self.accepted_at.append(time.monotonic())
        return message

    def _check_rate(self, chat_id: int) -> None:
        now = time.monotonic()
        self.arrived.append((now, chat_id))
        try:
            super()._check_rate(chat_id)
        except Exception:
            self.refused.append((now, chat_id))
            raise


def in_second_before(instants: list[float], at: float) -> int:
    """How many of the sorted `instants` fall in (at - 1 s, at]."""
    return bisect_right(instants, at) - bisect_right(instants, at - 1.0)


def transport(client: list[tuple[float, int]], server: TimedTelegram) -> dict[str, Any]:
    """Where the 429s come from: the outbox's calls (client) against the server's arrivals, matched in
    order per chat; for each 429, the sends in the second before it on either side."""
    calls: dict[int, list[float]] = defaultdict(list)
    for instant, chat in client:
        calls[chat].append(instant)
    seen: Counter[int] = Counter()
    transit, refusals = [], []
    client_instants = sorted(instant for instant, _ in client)
    arrivals = sorted(instant for instant, _ in server.arrived)
    refused = set(server.refused)
    for instant, chat in server.arrived:
        n = seen[chat]
        seen[chat] += 1
        if n >= len(calls[chat]):
            continue
        called = calls[chat][n]
        transit.append(instant - called)
        if (instant, chat) in refused:
            refusals.append(
                {
                    "at": instant - arrivals[0],
                    "transit ms": (instant - called) * 1000,
                    "server, second before": in_second_before(arrivals, instant),
                    "client, second before its call": in_second_before(client_instants, called),
                }
            )
    transit.sort()
    return {
        "first arrival": arrivals[0] if arrivals else 0.0,
        "client busiest": busiest_second(client_instants),
        "arrivals busiest": busiest_second(arrivals),
        "transit ms": [
            transit[int(q * (len(transit) - 1))] * 1000 if transit else float("nan") for q in (0.5, 0.99, 1.0)
        ],
        "refusals": refusals,
    }


def fanout_replies(db: Database, count: int, now: datetime) -> list[dict[str, Any]]:
    """Up to `count` different short digests as reply data: FANOUT_STORIES consecutive stories of the
    store each, worded by compose_digest; each checked to render to exactly one message."""
    with db.session() as session:
        stories = [s for s in stories_between(session, now - NEWS_SPAN, now) if s.companies]
    since = now - NEWS_SPAN
    replies = []
    for start in range(0, len(stories) - FANOUT_STORIES + 1, FANOUT_STORIES):
        chosen = tuple(reversed(stories[start : start + FANOUT_STORIES]))  # newest first, as select does
        followed = dict(chosen[0].companies[:1])  # "you follow X" on the first, as in a real digest
        reply = compose_digest(
            Selection(chosen[:1], chosen[1:], 0),
            followed,
            since=since,
            until=now,
            zone="UTC",
            send_empty=True,
        )
        if reply is not None:
            replies.append(reply)
        if len(replies) >= count:
            break
    if not replies:
        replies = [Reply.text("Nothing new about companies.")]
    for reply in replies:
        messages = render_html(reply)
        if len(messages) != 1:
            raise SystemExit(
                f"a fan-out reply renders to {len(messages)} messages, not 1: {reply_to_data(reply)!r}"
            )
    return [reply_to_data(reply) for reply in replies]


def prepare_fanout(db: Database, count: int, now: datetime) -> dict[str, Any]:
    """Replace the ledger with `count` one-message pending deliveries to as many chats, written as
    prepare writes them (delivery_row, add_deliveries)."""
    replies = fanout_replies(db, count, now)
    with db.session() as session:
        session.execute(delete(Delivery))
        ids = list(
            session.scalars(
                select(Subscriber.id).where(Subscriber.active.is_(True)).order_by(Subscriber.id).limit(count)
            )
        )
        deliveries_module.add_deliveries(
            session,
            [
                deliveries_module.delivery_row(
                    subscriber_id,
                    DeliveryKind.DIGEST,
                    "bench:fan-out",
                    due_at=now,
                    send_after=now,
                    reply=replies[n % len(replies)],
                    now=now,
                )
                for n, subscriber_id in enumerate(ids)
            ],
        )
    html = [render_html(reply_from_data(data))[0].html for data in replies]
    return {
        "prepared": len(ids),
        "distinct": len(replies),
        "stories": FANOUT_STORIES if replies[0]["blocks"][0][0] == "h" else 0,
        "mean html chars": sum(map(len, html)) / len(html),
    }


def busiest_second(instants: list[float]) -> int:
    """The most sends in any one-second sliding window."""
    most, first = 0, 0
    for last, instant in enumerate(instants):
        while instant - instants[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


CURRENT_DELIVERY: contextvars.ContextVar[int] = contextvars.ContextVar("bench_delivery", default=-1)


async def fan_out(
    db: Database, now: datetime, in_flight: int | None, nodelay: bool = False
) -> dict[str, Any]:
    server = TimedTelegram(nodelay)
    server.enforce_rate_limits()  # 1/s per chat, 30/s overall, as Telegram
    client: list[tuple[float, int]] = []  # (instant, chat) of each call the outbox makes
    late: list[tuple[float, float]] = []  # (instant, seconds) a sender woke after its pacer slot
    pauses: list[tuple[float, int, float]] = []  # (instant, generation, seconds) of each GC pass
    gc_started: list[float] = []
    timeline: dict[int, dict[str, float]] = defaultdict(dict)  # delivery id -> instants (see TIMELINE)

    def mark(name: str, first: bool = False) -> None:
        """Note an instant of the delivery this task is sending (the worker task's context)."""
        instants = timeline[CURRENT_DELIVERY.get()]
        if first:
            instants.setdefault(name, time.monotonic())
        else:
            instants[name] = time.monotonic()

    def noting(original: Callable[..., Any]) -> Callable[..., Any]:
        async def send_rendered(bot: Bot, chat_id: int, message: Any) -> None:
            client.append((time.monotonic(), chat_id))
            mark("send start", first=True)
            try:
                await original(bot, chat_id, message)
            finally:
                mark("send end")

        return send_rendered

    def delivering(original: Callable[..., Any]) -> Callable[..., Any]:
        async def _deliver(item: Any, *args: Any, **kwargs: Any) -> None:
            CURRENT_DELIVERY.set(item.id)  # this worker task's context: its next delivery resets it
            mark("deliver start")
            try:
                await original(item, *args, **kwargs)
            finally:
                mark("deliver end")

        return _deliver

    def sending(original: Callable[..., Any]) -> Callable[..., Any]:
        async def send(*args: Any, **kwargs: Any) -> None:
            mark("outbox.send start", first=True)
            args = tuple(gated(a) if i == 2 and callable(a) else a for i, a in enumerate(args))
            if callable(kwargs.get("ready")):
                kwargs["ready"] = gated(kwargs["ready"])
            await original(*args, **kwargs)

        return send

    def gated(ready: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def timed_ready() -> None:
            mark("gate start", first=True)
            await ready()
            mark("gate end")

        return timed_ready

    def recording(original: Callable[..., Any]) -> Callable[..., Any]:
        def _sent(delivery_id: int, *args: Any, **kwargs: Any) -> Any:  # in a worker thread
            timeline[delivery_id]["record start"] = time.monotonic()
            try:
                return original(delivery_id, *args, **kwargs)
            finally:
                timeline[delivery_id]["record end"] = time.monotonic()

        return _sent

    def pacing(original: Callable[..., Any]) -> Callable[..., Any]:
        async def wait(pacer: Any) -> None:
            if not hasattr(pacer, "_next") or not hasattr(pacer, "interval"):
                raise SystemExit("benchmark out of date: _Pacer has no _next/interval to take its slot from")
            loop = asyncio.get_running_loop()
            now = loop.time()
            slot = max(pacer._next, now - pacer.interval)  # the slot wait() reserves (same formula)
            mark("pacer start", first=True)
            await original(pacer)
            mark("pacer end")
            late.append((time.monotonic(), loop.time() - max(slot, now)))

        return wait

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started.append(time.perf_counter())
        elif gc_started:
            pauses.append((time.monotonic(), info["generation"], time.perf_counter() - gc_started.pop()))

    pacer = getattr(telegram_module, "_Pacer", None)
    if pacer is None:
        raise SystemExit("benchmark out of date: bot.delivery.telegram._Pacer does not exist")
    gc.callbacks.append(on_gc)
    with (
        server,
        patched(telegram_module, "send_rendered", noting),
        patched(pacer, "wait", pacing),
        ExitStack() as stack,
    ):
        stack.callback(gc.callbacks.remove, on_gc)
        telegram = Bot(
            server.token, base_url=f"{server.base_url}/bot", base_file_url=f"{server.base_url}/file/bot"
        )
        async with telegram:
            outbox = TelegramOutbox(telegram)
            options = {} if in_flight is None else {"in_flight": in_flight}
            dispatcher = Dispatcher(db, outbox, clock=lambda: now, **options)
            result_in_flight = getattr(dispatcher, "in_flight", None)
            stack.enter_context(patched(outbox, "send", sending))
            stack.enter_context(patched(dispatcher, "_deliver", delivering))
            stack.enter_context(patched(dispatcher, "_sent", recording))
            start = time.perf_counter()
            report = await dispatcher.send_pending(now)
            wall = time.perf_counter() - start
        accepted = list(server.accepted_at)
        result = {
            "wall": wall,
            "accepted": len(accepted),
            "span": accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0,
            "busiest": busiest_second(accepted),
            "429": server.rate_limited,
            "flood waits": outbox.flood_waits,
            "network retries": outbox.network_retries,
            "report": report,
            "server errors": len(server.errors),
            "transport": transport(client, server),
            "late": late,
            "gc": pauses,
            "timeline": timeline_parts(timeline),
            "in flight": result_in_flight,
        }
    with db.session() as session:
        result["states"] = dict(
            Counter(str(s) for s in session.scalars(select(Delivery.state)))  # every one should be sent
        )
    return result


# (label, from, to) of each stretch of one delivery in `Dispatcher._deliver`, in order; a stretch
# whose instants were never noted (the product changed its path) is printed as n/a
TIMELINE = (
    ("render (before outbox.send)", "deliver start", "outbox.send start"),
    ("chat lock and per-chat delay", "outbox.send start", "gate start"),
    ("in-flight gate (ready)", "gate start", "gate end"),
    ("overall pacer (_Pacer.wait)", "pacer start", "pacer end"),
    ("send_rendered (HTTP to the server)", "send start", "send end"),
    ("waiting for a to_thread worker", "send end", "record start"),
    ("_sent in its thread (record_sent, commit)", "record start", "record end"),
    ("back on the event loop", "record end", "deliver end"),
    ("the whole delivery", "deliver start", "deliver end"),
)


def timeline_parts(timeline: dict[int, dict[str, float]]) -> dict[str, list[float]]:
    """Seconds each delivery spent in each stretch of TIMELINE, sorted."""
    parts: dict[str, list[float]] = {label: [] for label, _, _ in TIMELINE}
    for delivery, instants in timeline.items():
        if delivery < 0:
            continue
        for label, a, b in TIMELINE:
            if a in instants and b in instants:
                parts[label].append(instants[b] - instants[a])
    return {label: sorted(times) for label, times in parts.items()}


def print_fanout(result: dict[str, Any], fanout: dict[str, Any]) -> float:
    accepted, span, wall = result["accepted"], result["span"], result["wall"]
    server_rate = (accepted - 1) / span if span > 0 else float("nan")
    report = result["report"]
    prepared = fanout["prepared"]
    what = (
        f"digests of {fanout['stories']} stories"
        if fanout["stories"]
        else "short texts (the store had no story)"
    )
    print(
        f"\nFan-out: Dispatcher.send_pending, {prepared:,} one-message deliveries to {prepared:,} chats "
        f"({what}, {fanout['distinct']:,} distinct, {fanout['mean html chars']:,.0f} HTML chars a message, "
        f"rendered at send time), TelegramOutbox (paced at {PER_SECOND:g}/s) -> python-telegram-bot -> "
        "FakeTelegram (429 over 30/s overall or 1/s a chat)"
    )
    print(
        f"  accepted by the server  {accepted:,} in {span:.2f} s, first to last: {server_rate:.2f} messages/s"
    )
    print(f"  wall clock              {wall:.2f} s around send_pending: {accepted / wall:.2f} messages/s")
    print(f"  busiest second          {result['busiest']} messages (Telegram allows {TELEGRAM_RATE:g})")
    print(
        f"  429s received           {result['429']} (outbox flood waits {result['flood waits']}, "
        f"network retries {result['network retries']})"
    )
    print(
        f"  dispatcher report       {report.messages:,} sent, {report.failed} failed, {report.deactivated} deactivated,"
        f" {len(report.errors)} errors; ledger {result['states']}; server bugs {result['server errors']}"
    )
    if report.errors:
        print(f"  first error: {report.errors[0]}")
    seen = result["transport"]
    median, p99, most = seen["transit ms"]
    print(
        f"  client vs server        busiest second: {seen['client busiest']} calls by the outbox "
        f"(send_rendered), {seen['arrivals busiest']} arrivals at the server's rate check (accepted or "
        f"refused); transit call -> check median {median:.1f} ms, p99 {p99:.1f} ms, max {most:.1f} ms"
    )
    late = sorted(seconds for _, seconds in result["late"])
    interval = 1 / PER_SECOND
    if late:
        print(
            f"  pacer wake-ups          {len(late):,}: late after their slot median {late[len(late) // 2] * 1000:.1f} ms,"
            f" p99 {late[int(0.99 * (len(late) - 1))] * 1000:.1f} ms, max {late[-1] * 1000:.1f} ms; "
            f"{sum(x > interval for x in late)} later than one slot ({interval * 1000:.1f} ms)"
        )
    by_generation: dict[int, list[float]] = defaultdict(list)
    for _, generation, seconds in result["gc"]:
        by_generation[generation].append(seconds)
    print(
        "  GC passes during it     "
        + (
            ", ".join(
                f"gen {g}: {len(times):,}, {sum(times) * 1000:.0f} ms in all, longest {max(times) * 1000:.1f} ms"
                for g, times in sorted(by_generation.items())
            )
            or "none"
        )
    )
    parts = result["timeline"]
    threads = min(32, (os.cpu_count() or 1) + 4)  # asyncio's default executor, which to_thread uses
    print(
        f"  one delivery, stretch by stretch (Dispatcher in_flight={result['in flight']}, "
        f"{getattr(dispatch_module, 'WORKERS', '?')} workers, to_thread pool of {threads} threads): "
        "median / p90 / max ms, deliveries, seconds in all"
    )
    for label, times in parts.items():
        if times:
            print(
                f"    {label:<44}{times[len(times) // 2] * 1000:8.1f} {times[int(0.9 * (len(times) - 1))] * 1000:8.1f}"
                f" {times[-1] * 1000:8.1f} {len(times):>7,} {sum(times):8.1f} s"
            )
        else:
            print(f"    {label:<44}     n/a (never noted: the send path changed)")
    first = seen["first arrival"]
    for refusal in seen["refusals"][:10]:
        at = first + refusal["at"]
        stalls = [seconds for instant, seconds in result["late"] if at - 1.0 < instant <= at]
        collections = [
            f"gen {g} {seconds * 1000:.0f} ms"
            for instant, g, seconds in result["gc"]
            if at - 1.0 < instant <= at and seconds > 0.005
        ]
        print(
            f"  429 at +{refusal['at']:.2f} s       {refusal['server, second before']} arrivals in the second "
            f"before it; the outbox had made {refusal['client, second before its call']} calls in the second "
            f"before this one's call; its transit {refusal['transit ms']:.1f} ms; in that second the latest "
            f"pacer wake-up was {max(stalls, default=0.0) * 1000:.0f} ms late"
            + (
                f", GC passes over 5 ms: {', '.join(collections)}"
                if collections
                else ", no GC pass over 5 ms"
            )
        )
    return server_rate


# -- main ------------------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "info" if ok is None else "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="build the store here instead of a temporary SQLite file")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1000, help="fan-out size; 0 skips it")
    parser.add_argument(
        "--sample",
        type=int,
        default=500,
        help="due subscribers traced by tracemalloc (and cProfile); 0: all",
    )
    parser.add_argument(
        "--in-flight",
        type=int,
        metavar="N",
        help="fan-out: the Dispatcher's in_flight (messages sent and not yet recorded); default: its own",
    )
    parser.add_argument(
        "--server-nodelay",
        action="store_true",
        help="fan-out: FakeTelegram answers with TCP_NODELAY (its handler writes headers and body in two "
        "sends, so with Nagle's algorithm each answer waits for the client's delayed ACK, ~40 ms)",
    )
    parser.add_argument("--model", help="spaCy model for the extraction (default: the bot's)")
    parser.add_argument(
        "--profile", type=int, metavar="N", default=0, help="cProfile the sample; print the top N"
    )
    args = parser.parse_args(argv)
    require_corpus()

    reproduce = ["python", "-m", "benchmarks.dispatch"]
    if args.database:
        reproduce += ["--database", make_url(args.database).render_as_string(hide_password=True)]
    for name in ("subscribers", "articles", "messages", "sample", "profile", "in_flight"):
        if getattr(args, name) != parser.get_default(name):
            reproduce += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    if args.server_nodelay:
        reproduce += ["--server-nodelay"]
    if args.model:
        reproduce += ["--model", args.model]

    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    summary: list[tuple[str, str, str, bool | None]] = []  # None: informational, no target
    started = time.perf_counter()
    with ExitStack() as stack:
        # The measuring process starts now, before the spaCy model is loaded: a process started later
        # would inherit this one's peak in getrusage's max RSS.
        pool = stack.enter_context(multiprocessing.get_context("spawn").Pool(1))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="digestbot-bench-"))
        db = fresh_database(args.database, Path(tmp))
        stack.callback(db.dispose)
        print(
            f"Dispatch benchmark: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPU(s), "
            f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, {store.server_version(db)}"
        )
        steps = build_corpus(db, args.model)
        start = time.perf_counter()
        rounds = replicate(db, args.articles, now, rng, news_span=NEWS_SPAN)
        steps["copy articles"] = time.perf_counter() - start
        start = time.perf_counter()
        add_subscribers(db, args.subscribers, now, rng)
        analyze(db)
        steps["subscribers"] = time.perf_counter() - start
        size = store_size(db, now)
        print("Store: " + ", ".join(f"{v:,} {k}" for k, v in size.items()) + f" ({rounds} copy rounds)")
        print(
            f"Build: {sum(steps.values()):.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
            + f"); this process peaked at {max_rss_mb():.0f} MB with the spaCy model"
        )
        db.dispose()  # the measuring process opens its own connections

        result = pool.apply(compose_runs, (db.url, now, args.sample, args.profile))
        print_compose(result, size["subscribers"])
        wall, rss, traced, book = result["wall"], result["max rss"], result["traced peak"], result["ledger"]
        count = size["subscribers"]
        summary += [
            (
                f"compose {count:,} digests: wall time",
                f"{wall:.2f} s",
                f"< {TARGET_SECONDS:g} s",
                wall < TARGET_SECONDS,
            ),
            ("compose: max RSS (getrusage)", f"{rss:.0f} MB", f"< {TARGET_MB:g} MB", rss < TARGET_MB),
            (
                f"compose: tracemalloc peak ({result['sample']:,})",
                f"{traced:.1f} MB",
                f"< {TARGET_MB:g} MB",
                traced < TARGET_MB,
            ),
            (
                f"render at send time ({book['rendered']:,}, not in prepare)",
                f"{book['decode'] + book['render']:.2f} s",
                "-",
                None,
            ),
        ]

        if args.messages > 0:
            fanout = prepare_fanout(db, args.messages, now)
            prepared = fanout["prepared"]
            fan = asyncio.run(fan_out(db, now, args.in_flight, args.server_nodelay))
            rate = print_fanout(fan, fanout)
            summary += [
                (
                    f"fan-out {prepared:,}: messages/s (server)",
                    f"{rate:.2f}/s",
                    f">= {TARGET_RATE:g}/s",
                    rate >= TARGET_RATE,
                ),
                ("fan-out: 429s received", str(fan["429"]), "0", fan["429"] == 0),
                (
                    "fan-out: all accepted and recorded",
                    f"{fan['report'].messages:,}/{prepared:,}",
                    f"{prepared:,}",
                    fan["report"].messages == prepared == fan["accepted"],
                ),
            ]

    print(
        f"\nSummary ({server_version_label(args.database)}; load average {os.getloadavg()[0]:.1f} at the end):"
    )
    print(f"  {'':<44}{'measured':>12}  {'target':<12}")
    for label, measured, target, ok in summary:
        print(f"  {label:<44}{measured:>12}  {target:<12}{verdict(ok)}")
    print(f"Total benchmark time {time.perf_counter() - started:.0f} s.")
    print(f"Reproduce: {shlex.join(reproduce)}")
    return 0 if all(ok is not False for *_, ok in summary) else 1


def server_version_label(url: str | None) -> str:
    return "SQLite, temporary file" if url is None else make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    raise SystemExit(main())
