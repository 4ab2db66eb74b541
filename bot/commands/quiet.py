"""/quiet: the hours in which alerts about followed companies wait, in the subscriber's own time zone.

/quiet                  the current quiet hours, and how to change them
/quiet 22:00-07:00      hold alerts from 22:00 until 07:00 local time (may cross midnight)
/quiet off              alerts at any time

Quiet hours hold alerts only; they do not move the digest.
"""

from __future__ import annotations

import re
from datetime import time

from sqlalchemy.orm import Session

from bot.commands.context import Chat, subscriber
from bot.commands.subscribe import QUIET_EXAMPLE as EXAMPLE
from bot.commands.subscribe import ScheduleError, describe_quiet, parse_time
from bot.replies import Bold, Code, Paragraph, Reply
from bot.text import cut
from storage.models import Subscriber

OFF = "off"
ECHO_LIMIT = 40  # characters of what was typed, quoted back in an error
# Between the two times: a hyphen or dash (phones turn "-" into "–"), "to", or a space.
_SEPARATOR = re.compile(r"\s*[-–—]\s*|\s+to\s+|\s+", re.I)


def parse_quiet(args: str) -> tuple[time, time] | None:
    """(start, end) of the quiet hours, or None for "off"; ScheduleError names what is wrong."""
    args = args.strip()
    if args.casefold() == OFF:
        return None
    parts = _SEPARATOR.split(args)
    if len(parts) != 2 or not all(parts):
        raise ScheduleError(
            f"I don't understand “{cut(args, ECHO_LIMIT)}”: give a start and an end time, or “off”"
        )
    times: list[time] = []
    problems: list[str] = []
    for part in parts:
        try:
            clock = parse_time(part)
        except ScheduleError as exc:
            problems.append(str(exc))
            continue
        if clock is None:
            problems.append(f"“{cut(part, ECHO_LIMIT)}” is not a time of day (00:00 to 23:59)")
        else:
            times.append(clock)
    if problems:
        raise ScheduleError("; ".join(problems))
    start, end = times
    if start == end:
        raise ScheduleError("Quiet hours need a start and an end that differ (or “/quiet off”)")
    return start, end


def quiet_command(session: Session, chat: Chat, args: str) -> Reply:
    if not args.strip():
        return quiet_reply(subscriber(session, chat))
    try:
        hours = parse_quiet(args)
    except ScheduleError as exc:
        return Reply.error(f"{exc}.", example=EXAMPLE)
    sub = subscriber(session, chat)
    sub.quiet_start, sub.quiet_end = hours or (None, None)
    session.flush()
    if hours is None:
        return Reply(
            (
                Paragraph((Bold("Quiet hours off: "), "alerts come at any time.")),
                Paragraph(("Set them again with ", Code(EXAMPLE), ".")),
            )
        )
    return Reply(
        (
            Paragraph(
                (
                    Bold("Quiet hours set. "),
                    f"{describe_quiet(sub)}: news in those hours reaches you at "
                    f"{hours[1].strftime('%H:%M')}.",
                )
            ),
            Paragraph(("Turn them off with ", Code("/quiet off"), ".")),
        )
    )


def quiet_reply(sub: Subscriber) -> Reply:
    """The current quiet hours and how to change them."""
    return Reply(
        (
            Paragraph((f"{describe_quiet(sub)}.",)),
            Paragraph(
                (
                    "Hold alerts during some hours with ",
                    Code(EXAMPLE),
                    f" (your local time, {sub.timezone}); ",
                    Code("/quiet off"),
                    " lets them through at any time.",
                )
            ),
        )
    )
