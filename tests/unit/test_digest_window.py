"""Which news a digest covers and when the next one falls due after a change (bot.digest.service):
the cursor rule shared by /digest and the dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.digest.service import MAX_LOOKBACK, reschedule, window_start
from storage.models import Frequency, Subscriber

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_a_first_digest_reaches_back_one_period():
    assert window_start(None, Frequency.DAILY, NOW) == NOW - timedelta(hours=24)
    assert window_start(None, Frequency.WEEKLY, NOW) == NOW - timedelta(days=7)


def test_a_digest_starts_at_the_cursor():
    cursor = NOW - timedelta(hours=3)
    assert window_start(cursor, Frequency.DAILY, NOW) == cursor


def test_a_subscriber_back_after_a_long_pause_gets_the_last_two_weeks_only():
    assert window_start(NOW - timedelta(days=60), Frequency.WEEKLY, NOW) == NOW - MAX_LOOKBACK


def test_a_cursor_ahead_of_the_clock_gives_an_empty_window_not_a_negative_one():
    assert window_start(NOW + timedelta(minutes=5), Frequency.DAILY, NOW) == NOW


def subscriber(**settings: object) -> Subscriber:
    values: dict[str, object] = dict(
        subscribed=True, frequency=Frequency.DAILY, weekday=0, digest_time=time(9, 0), timezone="UTC"
    )
    values.update(settings)
    return Subscriber(**values)


def test_subscribing_sets_the_next_due_time_and_unsubscribing_clears_it():
    sub = subscriber()
    reschedule(sub, NOW)
    assert sub.next_digest_at == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    sub.subscribed = False
    reschedule(sub, NOW)
    assert sub.next_digest_at is None
