"""Plain data that crosses the ingest room's boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class IngestError(Exception):
    """An input we cannot use. The message is the one-line reason shown to the user."""


class NoArticleText(IngestError):
    """The input was read fine but holds no article worth storing (reported as skipped)."""


@dataclass(frozen=True)
class ArticleDraft:
    """An article as read from a source, cleaned, not yet stored."""

    title: str
    text: str  # paragraphs separated by one blank line
    url: str | None = None  # where it was found: http(s) URL or file:// URI
    source_name: str | None = None
    author: str | None = None
    published_at: datetime | None = None  # as the source claims it, aware UTC


class Status(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What became of one input: a file, a page, a feed, or one item of a feed."""

    target: str
    status: Status
    title: str | None = None
    reason: str | None = None
    article_id: int | None = None


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    # Why the run ended before reading everything (the disk full), and how many inputs it left unread.
    stopped: str | None = None
    unread: int = 0

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def extend(self, other: Summary) -> None:
        self.outcomes.extend(other.outcomes)
        if other.stopped is not None:
            self.stopped = other.stopped
        self.unread += other.unread

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    def of(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is status]

    @property
    def ingested_anything(self) -> bool:
        """True when at least one input was read successfully (new or already stored)."""
        return any(o.status in (Status.NEW, Status.DUPLICATE) for o in self.outcomes)
