"""What /quiet understands: two times of day in the ways people type them, or "off"; anything else
gets a reason (bot.commands.quiet.parse_quiet)."""

from __future__ import annotations

from datetime import time

import pytest

from bot.commands.quiet import parse_quiet
from bot.commands.subscribe import ScheduleError


@pytest.mark.parametrize(
    "words", ["22:00-07:00", "22:00 - 07:00", "22:00–07:00", "22:00 to 07:00", "22:00 07:00", "22.00-7h00"]
)
def test_a_start_and_an_end_however_they_are_separated(words: str):
    assert parse_quiet(words) == (time(22, 0), time(7, 0))


@pytest.mark.parametrize("words", ["off", "OFF", "  Off  "])
def test_off_turns_quiet_hours_off(words: str):
    assert parse_quiet(words) is None


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("22:00", "give a start and an end time"),
        ("22:00-07:00-09:00", "give a start and an end time"),
        ("25:00-07:00", "is not a time of day"),
        ("late-early", "is not a time of day"),
        ("08:00-08:00", "differ"),
        ("", "give a start and an end time"),
    ],
)
def test_what_is_not_two_different_times_gets_a_reason(words: str, reason: str):
    with pytest.raises(ScheduleError, match=reason):
        parse_quiet(words)


def test_a_long_input_is_quoted_back_cut_short():
    with pytest.raises(ScheduleError) as refused:
        parse_quiet("x" * 500 + " y")
    assert len(str(refused.value)) < 200
