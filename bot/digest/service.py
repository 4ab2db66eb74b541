"""Digests for N subscribers from one read of the news: the window since each one's cursor, the
stories in it, worded, and the cursor moved on. /digest and `digestbot digest --chat ID` ask for one
(N = 1); the dispatcher asks for every subscriber whose digest fell due, batch by batch, and keeps the
ledger and the sending itself (bot.delivery.dispatch).

The cursor rule, in one place: a digest covers what became news after the subscriber's cursor (one
period back for a first digest, never more than MAX_LOOKBACK) up to `until`, and moves the cursor
to `until`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.digest.compose import compose_digest
from bot.digest.schedule import due_after_change, schedule_of
from bot.digest.select import StoryBook
from bot.replies import Line, Reply
from storage.digest import stories_between
from storage.models import Frequency, Subscriber
from storage.subscribers import followed_by

# How far a digest reaches: the first one reaches one period back, and of a new source's first
# fetch it shows what was published within one period before the fetch.
PERIOD = {Frequency.DAILY: timedelta(hours=24), Frequency.WEEKLY: timedelta(days=7)}
# A subscriber back after a long pause gets the last two weeks, not everything since they left.
MAX_LOOKBACK = timedelta(days=14)


def window_start(cursor: datetime | None, frequency: Frequency, until: datetime) -> datetime:
    """Where a subscriber's next digest starts: their cursor, or one period back for a first one;
    never later than `until` (a /digest a moment ago) nor earlier than MAX_LOOKBACK."""
    since = cursor or until - PERIOD[frequency]
    return min(max(since, until - MAX_LOOKBACK), until)


class Digests:
    """The news up to `until` read once for every window that starts at or after `earliest`, one
    StoryBook per digest period, and each story worded once however many digests show it."""

    def __init__(self, session: Session, earliest: datetime, until: datetime) -> None:
        self.earliest, self.until = earliest, until
        stories = stories_between(session, earliest, until)
        self._books = {frequency: StoryBook(stories, period) for frequency, period in PERIOD.items()}
        self._lines: dict[tuple[int, tuple[str, ...]], Line] = {}

    @classmethod
    def covering(
        cls, session: Session, windows: Iterable[tuple[datetime | None, Frequency]], until: datetime
    ) -> Digests | None:
        """Digests for subscribers with these (cursor, frequency) windows; None when there are none."""
        starts = [window_start(cursor, frequency, until) for cursor, frequency in windows]
        return cls(session, min(starts), until) if starts else None

    def compose(
        self, subscriber: Subscriber, followed: Mapping[int, str], *, send_empty: bool
    ) -> Reply | None:
        """The subscriber's digest (None: nothing to say and no "nothing new" note wanted), and their
        cursor moved to `until`."""
        since = max(window_start(subscriber.cursor, subscriber.frequency, self.until), self.earliest)
        reply = compose_digest(
            self._books[subscriber.frequency].select(since, followed),
            dict(followed),
            since=since,
            until=self.until,
            zone=subscriber.timezone,
            send_empty=send_empty,
            lines=self._lines,
        )
        subscriber.cursor = max(subscriber.cursor or self.until, self.until)
        return reply


def digest_for(
    session: Session, subscriber: Subscriber, until: datetime, *, send_empty: bool
) -> Reply | None:
    """One subscriber's digest of what became news up to `until`, and the cursor moved there."""
    digests = Digests.covering(session, [(subscriber.cursor, subscriber.frequency)], until)
    assert digests is not None
    followed = followed_by(session, [subscriber.id]).get(subscriber.id, {})
    return digests.compose(subscriber, followed, send_empty=send_empty)


def reschedule(subscriber: Subscriber, now: datetime) -> None:
    """After a schedule change (or for a row that never had a due time): when the next digest falls
    due, by the rule of bot.digest.schedule.due_after_change; none while not subscribed."""
    if not subscriber.subscribed:
        subscriber.next_digest_at = None
        return
    subscriber.next_digest_at = due_after_change(schedule_of(subscriber), subscriber.next_digest_at, now)
