"""What /subscribe understands: frequencies, weekdays (any start of three letters or more), times
and zones (bot/commands/subscribe.py)."""

from __future__ import annotations

from datetime import time

import pytest

from bot.commands.subscribe import ScheduleError, parse_schedule
from storage.models import Frequency


@pytest.mark.parametrize(
    ("words", "weekday"),
    [
        ("weekly mon", 0),
        ("weekly mond", 0),
        ("weekly monday", 0),
        ("weekly MONDAY", 0),
        ("weekly tues", 1),
        ("weekly wednes", 2),
        ("weekly sun", 6),
        ("mond", 0),
    ],
)
def test_every_weekday_may_be_shortened_to_three_letters_or_more(words: str, weekday: int):
    frequency, day, _, _ = parse_schedule(words)
    assert (frequency, day) == (Frequency.WEEKLY, weekday)


def test_a_weekday_with_a_time_and_a_zone():
    assert parse_schedule("weekly mond 07:30 Europe/Berlin") == (
        Frequency.WEEKLY,
        0,
        time(7, 30),
        "Europe/Berlin",
    )


@pytest.mark.parametrize("words", ["weekly mo", "weekly mondays", "weekly moon"])
def test_what_is_not_a_weekday_is_refused(words: str):
    with pytest.raises(ScheduleError):
        parse_schedule(words)
