"""A clock a test sets by hand: what the dispatcher reads instead of the real time."""

from __future__ import annotations

from datetime import datetime


class SimulatedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
