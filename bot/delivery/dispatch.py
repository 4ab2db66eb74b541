"""The dispatcher: every minute, prepare what fell due into the delivery ledger, then send it.

Preparing (one transaction per batch of subscribers): the digests whose time came, composed from one
read of the news for all of them, each with the unique key of its period, the subscriber's cursor and
next due time moved on in the same commit; and the
alerts that news about a followed company set off, one per subscriber and story, held until quiet hours
end. Sending: every pending delivery, rendered for the transport and sent message by message, each
recorded once the transport accepted it. A crash between Telegram accepting a message and that record being committed is the one way a
message can be sent twice; as at most `in_flight` messages (the DELIVERY_IN_FLIGHT setting, 1 by
default) are between the two at any moment, a crash repeats at most that many.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery.outbox import ChatGone, ChatMoved, Outbox, Refused, Unreachable
from bot.digest.compose import compose_alert
from bot.digest.schedule import Period, Schedule, latest_period, next_due, quiet_until, schedule_of
from bot.digest.service import Digests, reschedule
from bot.reply_data import reply_from_data, reply_to_data
from storage import deliveries
from storage.db import Database
from storage.deliveries import Outgoing
from storage.digest import DigestStory, latest_news, stories_between
from storage.models import DeliveryKind, utcnow
from storage.subscribers import followed_by

log = logging.getLogger(__name__)

# News is read up to this long ago, so that a story whose facts are being committed right now (its
# ready_at already taken from the clock) is not skipped by a cursor that moved past it.
SETTLE = timedelta(seconds=10)
BATCH = 500  # subscribers prepared per transaction
SEND_BATCH = 2000  # pending deliveries read at a time
WORKERS = 16  # deliveries in flight at once (the outbox paces them)
ALERT_WINDOW = timedelta(hours=24)  # news older than this sets off no alert
GIVE_UP_AFTER = 10  # failed attempts (each after the outbox's own retries) before a delivery is dropped
KEEP_REPLIES = timedelta(days=30)  # how long a finished delivery keeps its text (the row stays)


@dataclass
class Report:
    digests: int = 0  # prepared with something to send
    empty: int = 0  # periods with nothing to send
    alerts: int = 0
    messages: int = 0  # accepted by the transport
    deactivated: int = 0
    moved: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        *,
        chat_id: int | None = None,
        clock: Callable[[], datetime] = utcnow,
        in_flight: int = 1,
    ) -> None:
        """`chat_id` limits the dispatcher to one chat (the terminal's). `in_flight` bounds the
        messages sent and not yet recorded at any moment: what a crash can repeat."""
        self.db = db
        self.outbox = outbox
        self.chat_id = chat_id
        self.clock = clock
        self._stopping = False
        self._unrecorded = 0  # messages handed to the outbox, not yet recorded as sent or failed
        self.in_flight = in_flight
        self._started = False
        self._latest_news: datetime | None = None  # the newest news the alerts were prepared for

    async def run_once(self) -> Report:
        now = self.clock()
        report = await asyncio.to_thread(self.prepare, now)
        await self.send_pending(now, report)
        return report

    # -- preparing ---------------------------------------------------------------------------------

    def prepare(self, now: datetime, report: Report | None = None) -> Report:
        report = report or Report()
        if not self._started:  # once a process: rows subscribed before due times were stored, and
            self._schedule_unscheduled(now)  # the text of old deliveries
            with self.db.session() as session:
                deliveries.forget_old_replies(session, now - KEEP_REPLIES)
            self._started = True
        self._prepare_digests(now, report)
        self._prepare_alerts(now, report)
        return report

    def _schedule_unscheduled(self, now: datetime) -> None:
        with self.db.session() as session:
            for subscriber in deliveries.unscheduled_subscribers(session, chat_id=self.chat_id):
                reschedule(subscriber, now)

    def _prepare_digests(self, now: datetime, report: Report) -> None:
        until = now - SETTLE
        with self.db.session() as session:
            digests = Digests.covering(
                session, deliveries.due_cursors(session, now, chat_id=self.chat_id), until
            )
        if digests is None:
            return
        timing: dict[Schedule, tuple[Period, datetime]] = {}  # (latest period, next due) per schedule
        while True:
            with self.db.session() as session:
                due = deliveries.due_subscribers(session, now, limit=BATCH, chat_id=self.chat_id)
                if not due:
                    return
                periods = {s.id: _timing(schedule_of(s), now, timing)[0] for s in due}
                claimed = deliveries.claimed_keys(
                    session, DeliveryKind.DIGEST, [(s.id, periods[s.id].key) for s in due]
                )
                follows = followed_by(session, [s.id for s in due])
                rows = []
                for subscriber in due:
                    period = periods[subscriber.id]
                    if (subscriber.id, period.key) not in claimed:
                        reply = digests.compose(
                            subscriber, follows.get(subscriber.id, {}), send_empty=subscriber.send_empty
                        )
                        rows.append(
                            deliveries.delivery_row(
                                subscriber.id,
                                DeliveryKind.DIGEST,
                                period.key,
                                due_at=period.due_at,
                                send_after=now,
                                reply=reply_to_data(reply) if reply is not None else None,
                                now=now,
                            )
                        )
                        if reply is not None:
                            report.digests += 1
                        else:
                            report.empty += 1
                    subscriber.next_digest_at = _timing(schedule_of(subscriber), now, timing)[1]
                deliveries.add_deliveries(session, rows)

    def _prepare_alerts(self, now: datetime, report: Report) -> None:
        until = now - SETTLE
        with self.db.session() as session:
            latest = latest_news(session, until)
            if latest is None or latest == self._latest_news:
                return  # nothing became news since the last look: no new alert is possible
            self._latest_news = latest
            candidates = deliveries.alert_candidates(session, now - ALERT_WINDOW, until, chat_id=self.chat_id)
            if not candidates:
                return
            stories = {s.key: s for s in stories_between(session, now - ALERT_WINDOW, until)}
            composed: dict[tuple[int, int], dict] = {}
            rows = []
            for candidate in candidates:
                story = stories.get(candidate.story_key)
                if story is None:  # a late copy of a story that was news before the window
                    continue
                reply = composed.get((story.key, candidate.company_id))
                if reply is None:
                    reply = reply_to_data(compose_alert(story, _names(story, candidate.company_id)))
                    composed[(story.key, candidate.company_id)] = reply
                held = quiet_until(candidate.quiet_start, candidate.quiet_end, candidate.timezone, now)
                rows.append(
                    deliveries.delivery_row(
                        candidate.subscriber_id,
                        DeliveryKind.ALERT,
                        deliveries.alert_key(story.key),
                        due_at=story.news_at,
                        send_after=held or now,
                        reply=reply,
                        now=now,
                    )
                )
                report.alerts += 1
            deliveries.add_deliveries(session, rows)

    # -- sending -----------------------------------------------------------------------------------

    async def drain(self, timeout: float) -> bool:
        """For a stop: start no more messages, and wait (at most `timeout` seconds) until each one
        already handed to the outbox is recorded, so that the next start repeats none of them (only
        a crash leaves any in doubt). True when none is left unrecorded."""
        self._stopping = True
        deadline = time.monotonic() + timeout
        while self._unrecorded and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return not self._unrecorded

    async def send_pending(self, now: datetime | None = None, report: Report | None = None) -> Report:
        """Send every pending delivery whose time has come; each is tried once per call."""
        report = report or Report()
        now = now or self.clock()
        tried: set[int] = set()
        while not self._stopping:
            batch = await asyncio.to_thread(self._outgoing, now)
            batch = [item for item in batch if item.id not in tried]
            if not batch:
                break
            tried.update(item.id for item in batch)
            queue: asyncio.Queue[Outgoing] = asyncio.Queue()
            for item in batch:
                queue.put_nowait(item)
            gate = asyncio.Semaphore(self.in_flight)
            workers = min(WORKERS, len(batch))
            await asyncio.gather(*(self._work(queue, gate, report) for _ in range(workers)))
        return report

    async def _work(self, queue: asyncio.Queue[Outgoing], gate: asyncio.Semaphore, report: Report) -> None:
        while not queue.empty():
            await self._deliver(queue.get_nowait(), gate, report)

    def _outgoing(self, now: datetime) -> list[Outgoing]:
        with self.db.session() as session:
            return deliveries.outgoing(session, now, limit=SEND_BATCH, chat_id=self.chat_id)

    async def _deliver(self, item: Outgoing, gate: asyncio.Semaphore, report: Report) -> None:
        chat_id = item.chat_id
        # Rendering is deterministic: after a restart the same reply gives the same messages, so
        # `parts_sent` still counts the ones already accepted.
        messages = self.outbox.render(reply_from_data(item.reply))
        for index in range(item.parts_sent, len(messages)):
            if self._stopping:
                return  # the rest of this reply goes after the next start
            for _ in range(3):  # a chat can move once, rarely twice
                # The gate is taken right before the message goes out and given back once it is
                # recorded (or failed): at most `in_flight` messages are ever accepted-but-unrecorded.
                entered = False

                async def through_gate() -> None:
                    nonlocal entered
                    await gate.acquire()
                    entered = True
                    self._unrecorded += 1

                try:
                    await self.outbox.send(chat_id, messages[index], through_gate)
                    done = index + 1 == len(messages)
                    await asyncio.to_thread(self._sent, item.id, index + 1, done)
                    report.messages += 1
                    break
                except ChatMoved as moved:
                    if not await asyncio.to_thread(self._move, item.subscriber_id, moved.new_chat_id):
                        report.deactivated += 1
                        return
                    report.moved += 1
                    chat_id = moved.new_chat_id
                except ChatGone as gone:
                    log.info("chat %d is gone (%s): subscriber deactivated", chat_id, gone)
                    await asyncio.to_thread(self._deactivate, item.subscriber_id, str(gone))
                    report.deactivated += 1
                    return
                except (Refused, Unreachable) as exc:
                    log.warning("delivery %d to chat %d failed: %s", item.id, chat_id, exc)
                    give_up = 1 if isinstance(exc, Refused) else GIVE_UP_AFTER
                    if await asyncio.to_thread(self._fail, item.id, str(exc), give_up):
                        report.failed += 1
                    report.errors.append(str(exc))
                    return
                finally:
                    if entered:
                        self._unrecorded -= 1
                        gate.release()
            else:
                return

    def _sent(self, delivery_id: int, parts: int, done: bool) -> None:
        with self.db.session() as session:
            deliveries.record_sent(session, delivery_id, parts, done=done, now=self.clock())

    def _fail(self, delivery_id: int, error: str, give_up_after: int) -> bool:
        with self.db.session() as session:
            return deliveries.record_failure(session, delivery_id, error, give_up_after=give_up_after)

    def _deactivate(self, subscriber_id: int, reason: str) -> None:
        with self.db.session() as session:
            deliveries.deactivate(session, subscriber_id, reason)

    def _move(self, subscriber_id: int, new_chat_id: int) -> bool:
        with self.db.session() as session:
            return deliveries.move_chat(session, subscriber_id, new_chat_id)


def _timing(
    schedule: Schedule, now: datetime, known: dict[Schedule, tuple[Period, datetime]]
) -> tuple[Period, datetime]:
    """The latest period and the next due instant of a schedule; thousands of subscribers share a
    few hundred schedules."""
    found = known.get(schedule)
    if found is None:
        found = known[schedule] = (latest_period(schedule, now), next_due(schedule, now))
    return found


def _names(story: DigestStory, company_id: int) -> dict[int, str]:
    return {cid: name for cid, name in story.companies if cid == company_id}
