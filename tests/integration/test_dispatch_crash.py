"""The digest fan-out survives being killed: `digestbot run` sends the day's digest to 500 subscribers
through a local server that behaves like Telegram (rate limits enforced), is killed with SIGKILL at
random points, during start-up and preparing as well as in the middle of sending, and started again,
20 times over. In the end every subscriber has its digest, the ledger holds exactly one sent digest per
subscriber for the period, and the only repeats are the ones the ledger documents
(bot.delivery.dispatch): at most one message per crash, the one Telegram accepted just before the
process died and before `parts_sent` was committed."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import and_, select, update

from bot.cli import main
from bot.digest.schedule import latest_period, schedule_of
from bot.render.telegram_html import render_html
from bot.reply_data import reply_from_data
from storage.db import Database
from storage.models import Article, Delivery, DeliveryKind, DeliveryState, Frequency, Subscriber, utcnow
from tests.support.botapi import FakeTelegram, SentMessage
from tests.support.process import ROOT, START_TIMEOUT, BotProcess, bot_env

ARTICLES = [
    ROOT / "seeds" / "letsnewz-ase-us-investment.txt",
    ROOT / "tests" / "eval" / "articles" / "01-tsmc-chips-act-award.txt",
    ROOT / "tests" / "eval" / "articles" / "02-foxconn-q1-results.txt",
]
SUBSCRIBERS = 500
FIRST_CHAT = 10_000
KILLS = 20
SEED = 20261130  # the kill points are random, and the same on every run of the test
FINISH_TIMEOUT = 120.0  # the last run, sending whatever is left


@dataclass(frozen=True)
class KillPoint:
    """Kill a run once it has sent `messages` digest messages, `delay` seconds later."""

    messages: int
    delay: float


def kill_points(rng: random.Random) -> list[KillPoint]:
    """The first run dies while preparing (the digests are being written to the ledger); about one in
    five of the others during start-up or its first sends; the rest in the middle of the fan-out, after
    5-25 messages, so that the 500 are spread over the 20 runs and the last run still has work to do."""
    points = [KillPoint(0, rng.uniform(0.0, 0.3))]  # preparing 500 takes a few tenths of a second
    for _ in range(KILLS - 1):
        if rng.random() < 0.2:
            points.append(KillPoint(rng.randint(0, 2), rng.uniform(0.0, 1.0)))
        else:
            points.append(KillPoint(rng.randint(5, 25), rng.uniform(0.0, 0.05)))
    return points


def digest_messages(server: FakeTelegram) -> list[SentMessage]:
    """What the subscribers' chats received (the bot says nothing else to them in this test)."""
    return [m for m in server.sent if m.method == "sendMessage" and m.chat_id >= FIRST_CHAT]


def wait_for_digests(server: FakeTelegram, bot: BotProcess, n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(digest_messages(server)) < n:
        bot.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(
                f"run #{bot.starts}: {len(digest_messages(server))} of {n} digest messages "
                f"after {timeout}s:\n{bot.output()[-4000:]}"
            )
        time.sleep(0.01)


def wait_for_every_chat(server: FakeTelegram, bot: BotProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len({m.chat_id for m in digest_messages(server)}) < SUBSCRIBERS:
        bot.check_alive()
        if time.monotonic() > deadline:
            served = len({m.chat_id for m in digest_messages(server)})
            raise AssertionError(
                f"{served} of {SUBSCRIBERS} chats have their digest after {timeout}s of the last run:\n"
                f"{bot.output()[-4000:]}"
            )
        time.sleep(0.05)


def wait_until_ledger_done(db: Database, bot: BotProcess, timeout: float = 30.0) -> None:
    """Nothing is pending any more, so nothing more will be sent (a repeat would come before this)."""
    deadline = time.monotonic() + timeout
    while True:
        with db.session() as session:
            pending = session.scalars(
                select(Delivery.id).where(Delivery.state == DeliveryState.PENDING).limit(1)
            ).first()
        if pending is None:
            return
        bot.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"deliveries still pending after {timeout}s:\n{bot.output()[-4000:]}")
        time.sleep(0.1)


def prepare_store(db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[str, datetime]:
    """A few real articles that became news minutes ago, and 500 subscribers whose daily digest fell
    due a few minutes ago; returns the key of the period every one of them is owed, and its due time."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["ingest", *map(str, ARTICLES)]) == 0
    now = utcnow()
    due = (now - timedelta(minutes=3)).replace(second=0, microsecond=0)
    with db.session() as session:
        session.execute(update(Article).values(ready_at=now - timedelta(minutes=5)))
        subscribers = [
            Subscriber(
                chat_id=FIRST_CHAT + i,
                subscribed=True,
                active=True,
                frequency=Frequency.DAILY,
                timezone="UTC",
                digest_time=due.time(),
                next_digest_at=due,
                created_at=now - timedelta(days=1),
            )
            for i in range(SUBSCRIBERS)
        ]
        session.add_all(subscribers)
        return latest_period(schedule_of(subscribers[0]), now).key, due


def parts_recorded(db: Database, due: datetime) -> dict[int, int]:
    """The chats whose digest is in the ledger, with how many of its messages are recorded as sent.
    And, wherever the process was killed: a subscriber's digest is there exactly when its cursor and
    schedule moved on (they are written in one transaction)."""
    with db.session() as session:
        rows = session.execute(
            select(
                Subscriber.chat_id, Subscriber.cursor, Subscriber.next_digest_at, Delivery.parts_sent
            ).outerjoin(
                Delivery, and_(Delivery.subscriber_id == Subscriber.id, Delivery.kind == DeliveryKind.DIGEST)
            )
        ).all()
    torn = [
        row.chat_id
        for row in rows
        if not (row.parts_sent is not None) == (row.cursor is not None) == (row.next_digest_at > due)
    ]
    assert not torn, f"ledger and schedule disagree for chats {torn[:20]}"
    return {row.chat_id: row.parts_sent for row in rows if row.parts_sent is not None}


@pytest.mark.slow
def test_killed_twenty_times_in_a_fan_out_every_subscriber_gets_its_digest_once(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    started = time.monotonic()
    period, due = prepare_store(db, monkeypatch)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    workdir = tmp_path / "run"
    workdir.mkdir()
    points = kill_points(random.Random(SEED))
    assert sum(p.messages for p in points) <= SUBSCRIBERS - 100, "the kills must land during the fan-out"

    server = FakeTelegram().start()
    server.enforce_rate_limits()
    bot = BotProcess(workdir, bot_env(server.base_url, db.url, seeds))
    served_at_kill: list[int] = []  # chats that had their digest when each kill came
    prepared_at_kill: list[int] = []  # digests in the ledger then
    in_doubt_at_kill: list[int] = []  # messages Telegram accepted that the ledger had not recorded yet
    try:
        for point in points:
            before = len(digest_messages(server))
            bot.start()
            bot.wait_until_running()
            wait_for_digests(server, bot, before + point.messages, START_TIMEOUT)
            time.sleep(point.delay)
            bot.kill()
            arrived = Counter(m.chat_id for m in digest_messages(server))
            recorded = parts_recorded(db, due)
            # Messages beyond what the ledger records: the repeats so far and the ones to come.
            unrecorded = sum(max(0, n - recorded.get(chat, 0)) for chat, n in arrived.items())
            served_at_kill.append(len(arrived))
            prepared_at_kill.append(len(recorded))
            in_doubt_at_kill.append(unrecorded - sum(in_doubt_at_kill))
        last_start = time.monotonic() - started
        bot.start()
        wait_for_every_chat(server, bot, FINISH_TIMEOUT)
        wait_until_ledger_done(db, bot)
        exit_code = bot.stop()
        last_output = bot.output()
    finally:
        bot.ensure_dead()
        server.stop()
    elapsed = time.monotonic() - started

    with db.session() as session:
        ledger = session.execute(
            select(
                Delivery.kind,
                Delivery.key,
                Delivery.state,
                Delivery.parts_sent,
                Delivery.reply,
                Subscriber.chat_id,
            ).join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        ).all()
    received: dict[int, list[str | None]] = defaultdict(list)
    for message in digest_messages(server):
        received[message.chat_id].append(message.html)
    # What each digest is, as the dispatcher renders the reply it stored (deterministically).
    expected = {
        row.chat_id: [m.html for m in render_html(reply_from_data(row.reply))] if row.reply else []
        for row in ledger
    }
    duplicates = sum(len(received[chat]) - len(parts) for chat, parts in expected.items())
    slowed = [
        line
        for log in sorted(workdir.glob("run-*.log"))
        for line in log.read_text().splitlines()
        if "slow down" in line
    ]
    summary = (
        f"{duplicates} duplicate message(s) after {KILLS} kills; {bot.starts} starts, {elapsed:.1f} s in all "
        f"({last_start:.1f} s until the last start) on {db.backend}; at each kill: chats served "
        f"{served_at_kill}, digests prepared {prepared_at_kill}, messages in doubt {in_doubt_at_kill}"
    )
    print(f"\n{summary}")

    # The ledger: exactly one digest per subscriber for the period, every one of them sent in full.
    assert len(ledger) == SUBSCRIBERS, summary
    assert sorted(row.chat_id for row in ledger) == list(range(FIRST_CHAT, FIRST_CHAT + SUBSCRIBERS)), summary
    assert {(row.kind, row.key, row.state) for row in ledger} == {
        (DeliveryKind.DIGEST, period, DeliveryState.SENT)
    }, summary
    assert all(row.parts_sent == len(expected[row.chat_id]) == 1 for row in ledger), "one message each"
    # The chats: each has its digest, nothing else, and the repeats stay within one message per crash.
    for chat, parts in expected.items():
        got = received[chat]
        assert not Counter(parts) - Counter(got), f"chat {chat} lacks its digest: {got}; {summary}"
        assert set(got) <= set(parts), f"chat {chat} received something else: {got}"
    assert set(received) <= set(expected), "messages to chats without a subscriber"
    assert duplicates == sum(in_doubt_at_kill), f"a repeat no crash explains: {summary}"
    assert duplicates <= KILLS, f"more repeats than one message per crash: {summary}"
    assert all(served < SUBSCRIBERS for served in served_at_kill), f"a kill came after the fan-out: {summary}"

    # Each independent of the others, so one run of this slow test reports all that is wrong.
    problems = []
    if max(in_doubt_at_kill) > 1:
        problems.append(f"a crash cost more than the one message documented: {in_doubt_at_kill}")
    if server.rate_limited:
        problems.append(f"{server.rate_limited} send(s) refused with 429 (Telegram's limits): {slowed}")
    if server.errors:
        problems.append(f"the fake Telegram failed: {server.errors}")
    if exit_code != 0 or "Stopped." not in last_output:
        problems.append(
            f"the last run did not stop cleanly on SIGTERM (exit {exit_code}):\n{last_output[-3000:]}"
        )
    assert not problems, "\n".join([summary, *problems])
