"""/subscribe, /unsubscribe and /settings: when a subscriber gets the digest, in their own time zone.

/subscribe                       daily, at the default time and zone
/subscribe 07:30 Asia/Taipei     daily at 07:30 Taipei time
/subscribe weekly mon 08:00      weekly on Mondays

Every change to the schedule sets when the next digest falls due (`reschedule`), which the dispatcher
reads back.
"""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.commands import actions
from bot.commands.actions import Setting
from bot.commands.context import Chat, subscriber
from bot.digest.service import reschedule
from bot.replies import Bold, Button, Code, Paragraph, Reply
from bot.text import cut
from storage.models import Frequency, Subscriber

EXAMPLE = "/subscribe 08:00 Asia/Taipei"
QUIET_EXAMPLE = "/quiet 22:00-07:00"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")


class ScheduleError(ValueError):
    pass


def parse_time(word: str) -> time | None:
    """A time of day typed as "07:30", "7.30" or "7h30"; None when `word` does not look like one, and
    ScheduleError when it does but is not a time of day ("25:99")."""
    match = _TIME.match(word)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError(f"“{cut(word, 20)}” is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def parse_schedule(args: str) -> tuple[Frequency | None, int | None, time | None, str | None]:
    """(frequency, weekday, time, zone), each None when not given; ScheduleError names what is wrong."""
    frequency = weekday = when = zone = None
    problems = []
    for word in args.split():
        lowered = word.casefold()
        try:
            clock = parse_time(word)
        except ScheduleError as exc:
            problems.append(str(exc))
            continue
        if lowered in ("daily", "weekly"):
            frequency = Frequency(lowered)
        elif (day := _weekday(lowered)) is not None:
            weekday = day
        elif clock is not None:
            when = clock
        elif "/" in word or word.upper() == "UTC":
            try:
                ZoneInfo(word)
                zone = word
            except (ZoneInfoNotFoundError, ValueError):
                problems.append(f"“{cut(word, 40)}” is not a time zone (use Area/City, like Europe/Berlin)")
        else:
            problems.append(f"I don't understand “{cut(word, 40)}”")
    if weekday is not None and frequency is None:
        frequency = Frequency.WEEKLY
    if problems:
        raise ScheduleError("; ".join(problems))
    return frequency, weekday, when, zone


def _weekday(lowered: str) -> int | None:
    """Monday is 0: "mon", "mond", "monday"; any start of a day's name three letters or longer."""
    if len(lowered) < 3:
        return None
    return next((i for i, d in enumerate(DAYS) if d.startswith(lowered)), None)


def describe(sub: Subscriber) -> str:
    when = sub.digest_time.strftime("%H:%M")
    if sub.frequency is Frequency.WEEKLY:
        return f"weekly on {DAYS[sub.weekday].capitalize()} at {when} ({sub.timezone})"
    return f"daily at {when} ({sub.timezone})"


def describe_quiet(sub: Subscriber) -> str:
    """The subscriber's quiet hours for alerts, as one line."""
    if sub.quiet_start is None or sub.quiet_end is None or sub.quiet_start == sub.quiet_end:
        return "Alerts: any time"
    start, end = sub.quiet_start.strftime("%H:%M"), sub.quiet_end.strftime("%H:%M")
    return f"Alerts held {start}–{end} ({sub.timezone})"


def subscribe_command(session: Session, chat: Chat, args: str) -> Reply:
    try:
        frequency, weekday, when, zone = parse_schedule(args)
    except ScheduleError as exc:
        return Reply.error(f"{exc}.", example=EXAMPLE)
    sub = subscriber(session, chat)
    sub.subscribed = True
    sub.active = True
    if frequency is not None:
        sub.frequency = frequency
    if weekday is not None:
        sub.weekday = weekday
    if when is not None:
        sub.digest_time = when
    if zone is not None:
        sub.timezone = zone
    reschedule(sub, chat.clock())
    session.flush()
    return Reply(
        (
            Paragraph(
                (Bold("Subscribed: "), f"your digest comes {describe(sub)}."),
            ),
        ),
        _settings_buttons(sub),
    )


def unsubscribe_command(session: Session, chat: Chat, _args: str) -> Reply:
    sub = subscriber(session, chat)
    if not sub.subscribed:
        return Reply.text("You are not subscribed. /subscribe starts a daily digest.")
    sub.subscribed = False
    reschedule(sub, chat.clock())
    session.flush()
    return Reply(
        (Paragraph(("Unsubscribed: no more digests. Your followed companies are kept.",)),),
        ((Button("Subscribe again", actions.change_setting(Setting.SUBSCRIBE)),),),
    )


def settings_command(session: Session, chat: Chat, _args: str) -> Reply:
    return settings_reply(subscriber(session, chat))


def settings_reply(sub: Subscriber) -> Reply:
    status = f"Digest: {describe(sub)}." if sub.subscribed else "Digest: off (not subscribed)."
    empty = "A “nothing new” note is sent on quiet days." if sub.send_empty else "Quiet days send nothing."
    return Reply(
        (
            Paragraph((Bold("Your settings"),)),
            Paragraph((status,)),
            Paragraph((f"{describe_quiet(sub)}.",)),
            Paragraph(
                (
                    empty,
                    " Change the time or zone with ",
                    Code(EXAMPLE),
                    ", quiet hours for alerts with ",
                    Code(QUIET_EXAMPLE),
                    ".",
                )
            ),
        ),
        _settings_buttons(sub),
    )


def settings_action(session: Session, chat: Chat, setting: Setting) -> Reply:
    sub = subscriber(session, chat)
    if setting is Setting.EMPTY_NOTES:
        sub.send_empty = not sub.send_empty
    elif _change_schedule(sub, setting):
        reschedule(sub, chat.clock())
    session.flush()
    return settings_reply(sub)


def _change_schedule(sub: Subscriber, setting: Setting) -> bool:
    """Apply a settings button that changes the schedule; False when `setting` is not one."""
    if setting is Setting.SUBSCRIBE:
        sub.subscribed = True
        sub.active = True
    elif setting is Setting.UNSUBSCRIBE:
        sub.subscribed = False
    elif setting in (Setting.DAILY, Setting.WEEKLY):
        sub.frequency = Frequency(setting.value)
    elif setting in (Setting.LATER, Setting.EARLIER):
        hour = (sub.digest_time.hour + int(setting.value)) % 24
        sub.digest_time = sub.digest_time.replace(hour=hour)
    else:
        return False
    return True


def _settings_buttons(sub: Subscriber) -> tuple:
    if not sub.subscribed:
        return ((Button("Subscribe", actions.change_setting(Setting.SUBSCRIBE)),),)
    other = Setting.WEEKLY if sub.frequency is Frequency.DAILY else Setting.DAILY
    return (
        (
            Button("− 1 hour", actions.change_setting(Setting.EARLIER)),
            Button("+ 1 hour", actions.change_setting(Setting.LATER)),
        ),
        (
            Button(f"Make it {other.value}", actions.change_setting(other)),
            Button("“Nothing new” notes", actions.change_setting(Setting.EMPTY_NOTES)),
        ),
        (Button("Unsubscribe", actions.change_setting(Setting.UNSUBSCRIBE)),),
    )
