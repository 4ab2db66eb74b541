"""One subscriber's digest from the store: the window since their cursor, the stories in it, worded.

Used by /digest and `digestbot digest --chat ID`; the dispatcher does the same for many subscribers at
once with one `StoryBook` (bot.delivery.dispatch).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.digest.compose import compose_digest
from bot.digest.select import StoryBook
from bot.replies import Reply
from storage.digest import stories_between
from storage.models import Frequency, Subscriber
from storage.subscribers import followed_companies

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


def digest_for(
    session: Session, subscriber: Subscriber, until: datetime, *, send_empty: bool
) -> Reply | None:
    """The digest of what became news up to `until`, and the cursor moved there."""
    since = window_start(subscriber.cursor, subscriber.frequency, until)
    book = StoryBook(stories_between(session, since, until), PERIOD[subscriber.frequency])
    followed = {c.id: c.name for c in followed_companies(session, subscriber)}
    reply = compose_digest(
        book.select(since, followed),
        followed,
        since=since,
        until=until,
        zone=subscriber.timezone,
        send_empty=send_empty,
    )
    subscriber.cursor = max(subscriber.cursor or until, until)
    return reply
