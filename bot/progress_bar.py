"""The progress bar of `digestbot ingest`: rich's, on stderr, only on an interactive terminal and only
for runs longer than a few items (an `bot.ingest.pipeline.Progress`)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichBar

from bot.text import cut

PROGRESS_THRESHOLD = 5  # show a progress bar for runs longer than this many items


class BarProgress:
    """A rich progress bar on stderr, only for interactive terminals and long runs."""

    def __init__(self) -> None:
        self._bar: RichBar | None = None
        self._task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        self.stop()
        if total <= PROGRESS_THRESHOLD or not sys.stderr.isatty():
            return
        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(cut(label, 60), total=total)

    def advance(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextlib.contextmanager
def progress_bar() -> Iterator[BarProgress]:
    """A BarProgress that is taken off the terminal however the run ends."""
    bar = BarProgress()
    try:
        yield bar
    finally:
        bar.stop()
