"""Scheduled digests over simulated days: 1,000 subscribers in 20 time zones, daylight-saving changes
included, each get exactly one digest per period, at their local time, and a restart or a changed
time is read back from the database. The clock is simulated minute by minute; nothing sleeps."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.delivery.dispatch import Dispatcher
from bot.digest.service import reschedule
from bot.replies import Reply
from storage.db import Database
from storage.models import Delivery, DeliveryKind, Frequency, Subscriber
from tests.support.clock import SimulatedClock

ZONES = (
    "America/New_York",  # spring forward 8 March, fall back 1 November 2026
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",  # no DST
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Havana",  # its clocks jump at midnight
    "America/Sao_Paulo",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "Asia/Kolkata",  # UTC+5:30
    "Asia/Kathmandu",  # UTC+5:45
    "Asia/Taipei",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # half-hour DST
    "Pacific/Auckland",
    "Pacific/Chatham",  # UTC+12:45 / +13:45
)
TIMES = (
    time(0, 0),
    time(0, 30),
    time(1, 30),
    time(2, 30),
    time(7, 0),
    time(8, 0),
    time(12, 15),
    time(23, 59),
)


class CountingOutbox:
    """Renders to plain text and keeps what was sent; a stand-in transport for the ledger's sake."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def render(self, reply: Reply) -> list[dict]:
        return [{"text": repr(reply.blocks[:1])}]

    async def send(self, chat_id: int, message: dict, ready: Callable[[], Awaitable[None]]) -> None:
        await ready()
        self.sent.append((chat_id, message["text"]))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def subscribe_all(db: Database, count: int, start: datetime) -> None:
    with db.session() as session:
        for i in range(count):
            weekly = i % 10 == 9
            subscriber = Subscriber(
                chat_id=5_000 + i,
                subscribed=True,
                frequency=Frequency.WEEKLY if weekly else Frequency.DAILY,
                weekday=(i // 10) % 7,
                digest_time=TIMES[i % len(TIMES)],
                timezone=ZONES[(i // len(TIMES)) % len(ZONES)],
                send_empty=i % 2 == 0,
                created_at=start,
            )
            session.add(subscriber)
            session.flush()
            reschedule(subscriber, start)


@cache
def expected_sends(
    zone_name: str, at: time, frequency: Frequency, weekday: int, start: datetime, end: datetime
) -> tuple[datetime, ...]:
    """An oracle independent of the scheduler: walk the clock minute by minute and note the first
    minute of each (matching) local day at which the wall clock reads the digest time or later."""
    minutes = wall_clock(zone_name, start, end)
    served = set()
    _, first_day, first_time = minutes[0]
    if first_time >= at:
        served.add(first_day)  # subscribed after today's time: the first digest is tomorrow's
    found = []
    for tick, day, clock in minutes:
        wanted = frequency is Frequency.DAILY or day.weekday() == weekday
        if wanted and day not in served and clock >= at:
            served.add(day)
            found.append(tick)
    return tuple(found)


@cache
def wall_clock(zone_name: str, start: datetime, end: datetime) -> list[tuple[datetime, date, time]]:
    """What a wall clock in the zone reads at every minute from start to end."""
    zone = ZoneInfo(zone_name)
    minutes = []
    tick = start
    while tick < end:
        local = tick.astimezone(zone)
        minutes.append((tick, local.date(), local.time()))
        tick += timedelta(minutes=1)
    return minutes


def expected_for(subscriber: Subscriber, start: datetime, end: datetime) -> tuple[datetime, ...]:
    return expected_sends(
        subscriber.timezone, subscriber.digest_time, subscriber.frequency, subscriber.weekday, start, end
    )


def run_clock(db: Database, outbox: CountingOutbox, ticks: list[datetime]) -> None:
    """The dispatch job at each of these simulated minutes."""
    clock = SimulatedClock(ticks[0])
    dispatcher = Dispatcher(db, outbox, clock=clock)

    async def minutes() -> None:
        for tick in ticks:
            clock.now = tick
            await dispatcher.run_once()

    asyncio.run(minutes())


def ticks_around(instants: set[datetime], start: datetime, end: datetime) -> list[datetime]:
    """The minutes the dispatch job must run at to tell a right schedule from a wrong one: every
    expected instant, the minute before each (nothing may go out early), and every hour. A digest due
    at any other minute is picked up at a later tick and shows up with the wrong time."""
    ticks = {start, end - timedelta(minutes=1)}
    hour = start
    while hour < end:
        ticks.add(hour)
        hour += timedelta(hours=1)
    for instant in instants:
        ticks.update((instant - timedelta(minutes=1), instant))
    return sorted(t for t in ticks if start <= t < end)


def dispatch_at(db: Database, outbox: CountingOutbox, now: datetime) -> None:
    """One dispatch round by a fresh dispatcher, as after a restart: it knows only the database."""
    asyncio.run(Dispatcher(db, outbox, clock=SimulatedClock(now)).run_once())


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(utc(2026, 3, 7, 0, 0), utc(2026, 3, 10, 0, 0), id="spring-forward"),
        pytest.param(utc(2026, 10, 31, 0, 0), utc(2026, 11, 3, 0, 0), id="fall-back"),
    ],
)
@pytest.mark.long
def test_a_thousand_subscribers_in_twenty_zones_get_one_digest_per_period_at_their_time(
    db: Database, start: datetime, end: datetime
):
    subscribe_all(db, 1_000, start)
    with db.session() as session:
        subscribers = {s.id: s for s in session.scalars(select(Subscriber))}
    expected = {sid: expected_for(s, start, end) for sid, s in subscribers.items()}
    outbox = CountingOutbox()
    run_clock(db, outbox, ticks_around({i for times in expected.values() for i in times}, start, end))

    with db.session() as session:
        ledger = list(session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.DIGEST)))
    keys = Counter((d.subscriber_id, d.key) for d in ledger)
    assert max(keys.values()) == 1, "a period was prepared twice"

    by_subscriber: dict[int, list[datetime]] = {sid: [] for sid in subscribers}
    for delivery in ledger:
        by_subscriber[delivery.subscriber_id].append(delivery.created_at)
    wrong = {
        subscribers[sid].timezone: (sorted(times), expected[sid])
        for sid, times in by_subscriber.items()
        if tuple(sorted(times)) != expected[sid]
    }
    assert not wrong, f"digests at the wrong times or counts: {list(wrong.items())[:3]}"
    daily = [s for s in subscribers.values() if s.frequency is Frequency.DAILY]
    assert sum(len(by_subscriber[s.id]) for s in daily) >= len(daily) * 2
    # Everything prepared was sent, and only the subscribers who asked for "nothing new" notes got one.
    wanting_notes = {s.chat_id for s in subscribers.values() if s.send_empty}
    assert {chat for chat, _ in outbox.sent} == wanting_notes
    assert len(outbox.sent) == sum(len(by_subscriber[s.id]) for s in subscribers.values() if s.send_empty)


def test_a_restart_or_a_changed_time_is_read_back_from_the_database(db: Database):
    start = utc(2026, 11, 30, 0, 0)  # 08:00 in Taipei
    subscribe_all(db, 1, start)
    with db.session() as session:
        subscriber = session.scalars(select(Subscriber)).one()
        subscriber.digest_time, subscriber.timezone, subscriber.send_empty = time(9, 0), "Asia/Taipei", True
        reschedule(subscriber, start)
    outbox = CountingOutbox()
    dispatch_at(db, outbox, utc(2026, 11, 30, 0, 59))
    assert outbox.sent == []
    dispatch_at(db, outbox, utc(2026, 11, 30, 1, 0))
    assert len(outbox.sent) == 1
    # The bot was down for two days: one digest for the latest period, not one per missed day.
    dispatch_at(db, outbox, utc(2026, 12, 2, 5, 0))
    assert len(outbox.sent) == 2
    with db.session() as session:
        keys = sorted(session.scalars(select(Delivery.key)))
    assert keys == ["daily:2026-11-30", "daily:2026-12-02"]
