"""When digests fall due: a subscriber's local time in an IANA zone turned into UTC instants, safe
across daylight-saving changes, and quiet hours for alerts. Pure functions of the schedule and a clock.

A local time that does not exist on a spring-forward day (02:30 when clocks jump from 02:00 to 03:00)
falls due the moment the clock jumps past it (03:00 new time), as cron does; a time that happens twice
on a fall-back day falls due at its first occurrence. Either way a day has exactly one instant, and a period is named
by its local date, so a digest is never sent zero or two times on such a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from storage.models import Frequency


@cache
def timezone(name: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones strongly; a dispatcher round touches every subscriber's."""
    return ZoneInfo(name)


@dataclass(frozen=True)
class Schedule:
    frequency: Frequency
    weekday: int  # Monday = 0; weekly digests only
    at: time  # local wall-clock time
    zone: str  # IANA name


@dataclass(frozen=True)
class Period:
    """One digest period: the key the ledger stores (unique per subscriber) and its due instant."""

    key: str
    due_at: datetime  # UTC


def local_instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (see the module note for DST)."""
    tz = timezone(zone)
    wall = datetime.combine(day, at.replace(tzinfo=None))
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)  # the earlier of a repeated time
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # Skipped by a spring-forward jump: the moment the local clock jumps past it. The jump lies
    # between the time read with the offset after it (fold=1, earlier) and the one before (fold=0).
    moment = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    while moment.astimezone(tz).replace(tzinfo=None) < wall:
        moment += timedelta(minutes=1)
    return moment


def _runs_on(schedule: Schedule, day: date) -> bool:
    return schedule.frequency is Frequency.DAILY or day.weekday() == schedule.weekday


def _period(schedule: Schedule, day: date) -> Period:
    return Period(
        f"{schedule.frequency.value}:{day.isoformat()}", local_instant(day, schedule.at, schedule.zone)
    )


def latest_period(schedule: Schedule, now: datetime) -> Period:
    """The most recent period whose due instant is at or before `now`."""
    day = now.astimezone(timezone(schedule.zone)).date() + timedelta(days=1)
    while True:
        if _runs_on(schedule, day):
            period = _period(schedule, day)
            if period.due_at <= now:
                return period
        day -= timedelta(days=1)


def next_due(schedule: Schedule, after: datetime) -> datetime:
    """The first due instant strictly after `after`."""
    day = after.astimezone(timezone(schedule.zone)).date() - timedelta(days=1)
    while True:
        if _runs_on(schedule, day):
            due = local_instant(day, schedule.at, schedule.zone)
            if due > after:
                return due
        day += timedelta(days=1)


def quiet_until(start: time | None, end: time | None, zone: str, now: datetime) -> datetime | None:
    """When the quiet hours that `now` falls in end (UTC), or None when `now` is not in quiet hours.
    Quiet hours may cross midnight (22:00-07:00)."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(timezone(zone))
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return local_instant(end_day, end, zone)


class Scheduled(Protocol):
    """What a schedule is read from (a subscriber row)."""

    @property
    def frequency(self) -> Frequency: ...
    @property
    def weekday(self) -> int: ...
    @property
    def digest_time(self) -> time: ...
    @property
    def timezone(self) -> str: ...


def schedule_of(subscriber: Scheduled) -> Schedule:
    return Schedule(subscriber.frequency, subscriber.weekday, subscriber.digest_time, subscriber.timezone)


def due_after_change(schedule: Schedule, waiting: datetime | None, now: datetime) -> datetime:
    """When the next digest falls due after a schedule change at `now`: the next instant after `now`,
    so a time already past today starts tomorrow and nothing is sent for a period before the change.
    A period that fell due and is still `waiting` for the dispatcher (the same schedule, pressed
    again) stays due."""
    if waiting is not None and waiting <= now and latest_period(schedule, now).due_at == waiting:
        return waiting
    return next_due(schedule, now)
