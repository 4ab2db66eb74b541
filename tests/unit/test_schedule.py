"""When a digest falls due: the subscriber's wall-clock time in their zone, once a period, daylight
saving included; and quiet hours that hold alerts back."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest.schedule import (
    Schedule,
    due_after_change,
    latest_period,
    local_instant,
    next_due,
    quiet_until,
)
from storage.models import Frequency


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def daily(at: str, zone: str) -> Schedule:
    return Schedule(Frequency.DAILY, 0, time.fromisoformat(at), zone)


def due_instants(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Every due instant in [start, end), found the way the dispatcher finds them."""
    found, after = [], start - timedelta(microseconds=1)
    while (due := next_due(schedule, after)) < end:
        found.append(due)
        after = due
    return found


def test_a_daily_digest_falls_due_at_the_local_time_of_its_zone():
    schedule = daily("08:00", "Asia/Taipei")  # UTC+8, no DST
    assert next_due(schedule, utc(2026, 11, 30, 3, 0)) == utc(2026, 12, 1, 0, 0)
    assert next_due(schedule, utc(2026, 11, 29, 23, 59)) == utc(2026, 11, 30, 0, 0)


def test_a_time_skipped_by_spring_forward_is_sent_once_when_the_clock_jumps_past_it():
    # New York, 8 March 2026: clocks jump from 02:00 to 03:00, so 02:30 does not exist.
    schedule = daily("02:30", "America/New_York")
    instants = due_instants(schedule, utc(2026, 3, 7), utc(2026, 3, 10))
    assert instants == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30)]
    assert instants[1].astimezone(ZoneInfo(schedule.zone)).strftime("%H:%M") == "03:00"


def test_a_half_hour_jump_is_handled_too():
    # Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 on 4 October 2026.
    schedule = daily("02:15", "Australia/Lord_Howe")
    (instant,) = due_instants(schedule, utc(2026, 10, 3, 12), utc(2026, 10, 4, 12))
    assert instant.astimezone(ZoneInfo(schedule.zone)).strftime("%Y-%m-%d %H:%M") == "2026-10-04 02:30"


def test_a_time_repeated_by_fall_back_is_sent_once_at_its_first_occurrence():
    # New York, 1 November 2026: 01:00-02:00 happens twice.
    schedule = daily("01:30", "America/New_York")
    instants = due_instants(schedule, utc(2026, 10, 31), utc(2026, 11, 3))
    assert instants == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


@pytest.mark.parametrize("zone", ["Europe/London", "Australia/Lord_Howe", "America/Havana", "Asia/Kolkata"])
def test_every_local_day_has_exactly_one_digest_across_a_year(zone: str):
    schedule = daily("02:30", zone)
    instants = due_instants(schedule, utc(2026, 1, 1), utc(2027, 1, 1))
    days = [i.astimezone(ZoneInfo(zone)).date() for i in instants]
    assert len(days) == len(set(days)) >= 364


def test_the_latest_period_is_named_by_its_local_date():
    schedule = daily("08:00", "Asia/Taipei")
    period = latest_period(schedule, utc(2026, 11, 30, 3, 0))
    assert period.key == "daily:2026-11-30" and period.due_at == utc(2026, 11, 30, 0, 0)
    # Just before 08:00 Taipei time the latest period is yesterday's.
    assert latest_period(schedule, utc(2026, 11, 29, 23, 59)).key == "daily:2026-11-29"


def test_a_weekly_digest_falls_due_on_its_weekday():
    monday = Schedule(Frequency.WEEKLY, 0, time(9, 0), "Europe/Berlin")
    assert next_due(monday, utc(2026, 11, 30, 9, 0)) == utc(2026, 12, 7, 8, 0)  # Mon 30 Nov 10:00 local
    assert latest_period(monday, utc(2026, 12, 3)).key == "weekly:2026-11-30"


def test_quiet_hours_across_midnight_hold_alerts_until_they_end():
    zone = "Europe/Berlin"  # UTC+1 in winter
    assert quiet_until(time(22), time(7), zone, utc(2026, 11, 30, 21, 30)) == utc(2026, 12, 1, 6, 0)
    assert quiet_until(time(22), time(7), zone, utc(2026, 12, 1, 5, 0)) == utc(2026, 12, 1, 6, 0)
    assert quiet_until(time(22), time(7), zone, utc(2026, 12, 1, 6, 0)) is None
    assert quiet_until(time(13), time(14), zone, utc(2026, 12, 1, 12, 30)) == utc(2026, 12, 1, 13, 0)
    assert quiet_until(None, None, zone, utc(2026, 12, 1, 3, 0)) is None


def test_local_instant_of_an_ordinary_time():
    assert local_instant(datetime(2026, 7, 1).date(), time(8, 0), "Europe/London") == utc(2026, 7, 1, 7, 0)


def test_subscribing_again_does_not_skip_a_digest_that_is_waiting_to_go_out():
    daily = Schedule(Frequency.DAILY, 0, time(8, 0), "UTC")
    first = due_after_change(daily, None, utc(2026, 11, 29, 12, 0))
    assert first == utc(2026, 11, 30, 8, 0)
    # "Subscribe" pressed again 30 s after 08:00, before the dispatcher sent that digest: still due
    assert due_after_change(daily, first, utc(2026, 11, 30, 8, 0, 30)) == utc(2026, 11, 30, 8, 0)
    # a real change: the next one is tomorrow at 07:00, and the 08:00 one waiting is not sent
    earlier = Schedule(Frequency.DAILY, 0, time(7, 0), "UTC")
    assert due_after_change(earlier, first, utc(2026, 11, 30, 8, 0, 30)) == utc(2026, 12, 1, 7, 0)


def test_a_change_to_a_time_already_past_today_starts_tomorrow():
    daily = Schedule(Frequency.DAILY, 0, time(9, 0), "Europe/Berlin")
    assert due_after_change(daily, None, utc(2026, 12, 1, 9, 0)) == utc(2026, 12, 2, 8, 0)
