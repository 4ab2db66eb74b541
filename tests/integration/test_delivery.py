"""Digests and alerts through the local Bot API server: flood control obeyed, blocked chats retired,
server errors retried, migrated groups followed, everyone else unaffected; alerts only for articles
about a followed company, once per story, after quiet hours; a first fetch sets off nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from telegram import Bot

from bot.cli import main
from bot.commands.context import Chat
from bot.delivery.dispatch import Dispatcher, Report
from bot.delivery.telegram import TelegramOutbox
from bot.replies import Bullets, Heading, Reply
from bot.reply_data import reply_from_data, reply_to_data
from storage.db import Database
from storage.deliveries import add_deliveries, delivery_row
from storage.models import Article, Delivery, DeliveryKind, DeliveryState, Subscriber, utcnow
from tests.support.botapi import FakeTelegram
from tests.support.clock import SimulatedClock
from tests.support.conversation import say

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
EVAL = ROOT / "tests" / "eval" / "articles"
PASSING_ASE = ROOT / "tests" / "fixtures" / "articles" / "amkor-arizona-passing-ase.txt"
TYPHOON = EVAL / "13-typhoon-lanmei.txt"


@dataclass
class Rig:
    db: Database
    telegram: FakeTelegram
    outbox: TelegramOutbox
    waits: list[float]

    def dispatcher(self, now: datetime | None = None) -> Dispatcher:
        # News becomes due to dispatch a little after it is stored (SETTLE): look from a minute on.
        return Dispatcher(self.db, self.outbox, clock=SimulatedClock(now or utcnow() + timedelta(minutes=1)))

    async def dispatch(self, now: datetime | None = None) -> Report:
        return await self.dispatcher(now).run_once()

    def messages_to(self, chat_id: int) -> list[str]:
        return [m.text for m in self.telegram.sent if m.chat_id == chat_id and m.method == "sendMessage"]


@pytest.fixture
async def rig(db: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert await asyncio.to_thread(main, ["ingest", str(TYPHOON)]) == 0  # loads the company gazetteer
    telegram = FakeTelegram().start()
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:  # time is simulated: waits are noted, not slept
        waits.append(seconds)
        await asyncio.sleep(0)

    bot = Bot(
        telegram.token, base_url=f"{telegram.base_url}/bot", base_file_url=f"{telegram.base_url}/file/bot"
    )
    async with bot:
        yield Rig(db, telegram, TelegramOutbox(bot, sleep=recorded_sleep), waits)
    telegram.stop()


def due_now(db: Database, *chat_ids: int) -> None:
    """Make these subscribers' digests due (as if their time had come a minute ago)."""
    with db.session() as session:
        session.execute(
            update(Subscriber)
            .where(Subscriber.chat_id.in_(chat_ids))
            .values(next_digest_at=utcnow() - timedelta(minutes=1))
        )


async def ingest(*paths: Path) -> None:
    assert await asyncio.to_thread(main, ["ingest", *map(str, paths)]) == 0


async def test_429_403_500_and_a_migrated_group_leave_everyone_else_unaffected(rig: Rig):
    chats = [2001 + i for i in range(30)]
    group = -2020
    for chat in [*chats, group]:
        say(rig.db, "/subscribe 08:00 UTC", Chat(id=chat))
    await ingest(SEED)
    due_now(rig.db, *chats, group)
    rig.telegram.fail_next("sendMessage", "429", retry_after=3)  # flood control, once, whoever is first
    rig.telegram.user_blocks(2005)  # 403 bot was blocked by the user
    rig.telegram.fail_next("sendMessage", "500", count=2, chat_id=2010)  # a server error, twice
    rig.telegram.fail_next("sendMessage", "migrate", chat_id=group, migrate_to_chat_id=-1002020)

    report = await rig.dispatch()

    received = Counter(m.chat_id for m in rig.telegram.sent if m.method == "sendMessage")
    everyone_else = [c for c in chats if c != 2005]
    assert all(received[c] == 1 for c in everyone_else), received
    assert "ASE Technology Considers" in rig.messages_to(2001)[0]
    assert received[2005] == 0 and received[-1002020] == 1
    assert 3 in rig.waits, "the 429's retry_after was obeyed"
    assert rig.outbox.flood_waits == 1 and rig.outbox.network_retries == 2
    assert (report.deactivated, report.moved, report.failed) == (1, 1, 0)
    with rig.db.session() as session:
        blocked = session.scalars(select(Subscriber).where(Subscriber.chat_id == 2005)).one()
        assert not blocked.active
        moved = session.scalars(select(Subscriber).where(Subscriber.chat_id == -1002020)).one()
        assert moved.active and moved.subscribed
        states = Counter(session.scalars(select(Delivery.state)))
    assert states == {DeliveryState.SENT: 30, DeliveryState.FAILED: 1}

    # The next round repeats nothing, and the blocked chat is not tried again.
    calls_before = len(rig.telegram.calls_to("sendMessage"))
    await rig.dispatch()
    assert len(rig.telegram.calls_to("sendMessage")) == calls_before


async def test_a_followed_company_in_the_news_is_an_alert_a_passing_mention_is_not(rig: Rig):
    say(rig.db, "/follow ASE", Chat(id=3001))
    await ingest(SEED, PASSING_ASE)
    report = await rig.dispatch()
    alerts = rig.messages_to(3001)
    assert report.alerts == 1 and len(alerts) == 1
    assert "ASE Technology Holding in the news" in alerts[0]
    assert "ASE Technology Considers U.S. Investment" in alerts[0]
    assert all("Amkor" not in text for text in alerts)
    # Once per subscriber and story: the next rounds send nothing more.
    await rig.dispatch()
    await rig.dispatch(utcnow() + timedelta(hours=2))
    assert len(rig.messages_to(3001)) == 1


async def test_a_copy_of_the_same_story_from_another_source_sets_off_no_second_alert(
    rig: Rig, tmp_path: Path
):
    say(rig.db, "/follow ASE", Chat(id=3002))
    say(rig.db, "/subscribe 08:00 UTC", Chat(id=3002))
    await ingest(SEED)
    await rig.dispatch()
    assert len(rig.messages_to(3002)) == 1
    copy = tmp_path / "copy.txt"
    text = (
        SEED.read_text(encoding="utf-8").replace("Letsnewz.", "Another Wire.") + "\nUpdated with comment.\n"
    )
    copy.write_text(text, encoding="utf-8")
    await ingest(copy)
    with rig.db.session() as session:
        first, second = session.scalars(
            select(Article).order_by(Article.id).where(Article.title.like("ASE%"))
        )
    assert second.story_id == first.id and second.source_name == "Another Wire"
    await rig.dispatch(utcnow() + timedelta(minutes=2))
    assert len(rig.messages_to(3002)) == 1, "no second alert"
    # The digest has the story once, with the other source counted.
    due_now(rig.db, 3002)
    with rig.db.session() as session:
        session.execute(update(Subscriber).values(cursor=utcnow() - timedelta(hours=1)))
    await rig.dispatch(utcnow() + timedelta(minutes=2))
    digest = rig.messages_to(3002)[-1]
    assert digest.count("ASE Technology Considers") == 1
    assert "(Letsnewz), also reported by 1 source" in digest


async def test_a_new_sources_first_fetch_sets_off_no_alert(rig: Rig):
    say(rig.db, "/follow ASE", Chat(id=3003))
    await ingest(SEED)
    with rig.db.session() as session:
        session.execute(update(Article).values(backfill=True))
    report = await rig.dispatch()
    assert report.alerts == 0 and rig.messages_to(3003) == []


async def test_alerts_wait_for_the_end_of_quiet_hours(rig: Rig):
    now = utcnow() + timedelta(minutes=1)
    local = now.astimezone(ZoneInfo("Europe/Berlin"))
    start, end = (local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time()
    say(rig.db, "/follow ASE", Chat(id=3004))
    with rig.db.session() as session:
        subscriber = session.scalars(select(Subscriber).where(Subscriber.chat_id == 3004)).one()
        subscriber.timezone = "Europe/Berlin"
        subscriber.quiet_start = time(start.hour, start.minute)
        subscriber.quiet_end = time(end.hour, end.minute)
    await ingest(SEED)
    report = await rig.dispatch(now)
    assert report.alerts == 1 and rig.messages_to(3004) == []  # prepared, held
    await rig.dispatch(now + timedelta(minutes=59))
    assert rig.messages_to(3004) == []
    await rig.dispatch(now + timedelta(hours=1, minutes=1))
    assert len(rig.messages_to(3004)) == 1


async def test_an_empty_digest_is_not_sent_unless_asked_for(rig: Rig):
    say(rig.db, "/subscribe 08:00 UTC", Chat(id=4001))
    say(rig.db, "/subscribe 08:00 UTC", Chat(id=4002))
    with rig.db.session() as session:
        session.execute(update(Subscriber).where(Subscriber.chat_id == 4002).values(send_empty=True))
    due_now(rig.db, 4001, 4002)
    report = await rig.dispatch()
    assert rig.messages_to(4001) == []
    assert len(rig.messages_to(4002)) == 1 and "Nothing new" in rig.messages_to(4002)[0]
    assert (report.digests, report.empty) == (1, 1)
    with rig.db.session() as session:
        kinds = Counter((d.kind, d.state) for d in session.scalars(select(Delivery)))
    assert kinds == {
        (DeliveryKind.DIGEST, DeliveryState.EMPTY): 1,
        (DeliveryKind.DIGEST, DeliveryState.SENT): 1,
    }


async def test_a_long_digest_arrives_as_several_messages_a_second_apart(rig: Rig):
    say(rig.db, "/subscribe 08:00 UTC", Chat(id=4003))
    entries = tuple((f"Story {i}: " + "a long line of news " * 12,) for i in range(60))
    long_digest = Reply((Heading("Your digest"), Bullets(entries)))
    messages = rig.outbox.render(long_digest)
    assert len(messages) >= 3
    with rig.db.session() as session:
        subscriber = session.scalars(select(Subscriber).where(Subscriber.chat_id == 4003)).one()
        row = delivery_row(
            subscriber.id, DeliveryKind.DIGEST, "daily:2026-11-30",
            due_at=utcnow(), send_after=utcnow(), reply=reply_to_data(long_digest), now=utcnow(),
        )  # fmt: skip
        add_deliveries(session, [row])
    rig.telegram.enforce_rate_limits()  # 1 a second per chat, 30 a second overall

    await rig.dispatcher().send_pending()

    texts = rig.messages_to(4003)
    assert len(texts) == len(messages) and texts[0].startswith("Your digest")
    assert all(len(t) <= 4096 for t in texts) and "Story 59" in texts[-1]
    assert rig.telegram.rate_limited == 0
    with rig.db.session() as session:
        (delivery,) = session.scalars(select(Delivery))
    assert delivery.state is DeliveryState.SENT and delivery.parts_sent == len(messages)
    # The ledger kept the reply, not Telegram HTML: rendered again, it gives the same messages.
    assert rig.outbox.render(reply_from_data(delivery.reply)) == messages


async def test_a_chat_that_blocked_the_bot_gets_digests_again_once_it_talks_to_it(rig: Rig):
    say(rig.db, "/subscribe 08:00 UTC", Chat(id=4004))
    await ingest(SEED)
    due_now(rig.db, 4004)
    rig.telegram.user_blocks(4004)
    await rig.dispatch()
    with rig.db.session() as session:
        assert not session.scalars(select(Subscriber.active).where(Subscriber.chat_id == 4004)).one()
    rig.telegram.user_unblocks(4004)
    say(rig.db, "/settings", Chat(id=4004))
    with rig.db.session() as session:
        assert session.scalars(select(Subscriber.active).where(Subscriber.chat_id == 4004)).one()


async def test_old_deliveries_keep_their_key_but_not_their_text(rig: Rig):
    say(rig.db, "/subscribe 08:00 UTC", Chat(id=4005))
    now = utcnow()
    with rig.db.session() as session:
        subscriber = session.scalars(select(Subscriber).where(Subscriber.chat_id == 4005)).one()
        text = reply_to_data(Reply.text("an old digest"))
        rows = [
            delivery_row(subscriber.id, DeliveryKind.DIGEST, key, due_at=at, send_after=at, reply=text, now=at)
            for key, at in (("daily:2026-09-01", now - timedelta(days=40)), ("daily:2026-11-01", now - timedelta(days=2)))
        ]  # fmt: skip
        add_deliveries(session, rows)
        session.execute(update(Delivery).values(state=DeliveryState.SENT, parts_sent=1))
    await rig.dispatch()
    with rig.db.session() as session:
        kept = {key: reply for key, reply in session.execute(select(Delivery.key, Delivery.reply))}
    assert kept == {"daily:2026-09-01": None, "daily:2026-11-01": text}
