"""Choosing what each subscriber's digest holds, for many subscribers at once.

The stories of a window are read once (`storage.digest.stories_between`) into a `StoryBook`; each
subscriber then takes the part newer than their cursor: stories about companies they follow first,
then the other stories that are about a company, newest first. Indexed by time and by company, so a
digest costs what it shows, not what the window holds. A book is for one digest period: of what a
new source's first fetch brought, it keeps only what was published within that period before the
fetch (the rest is the source's archive, never news).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.digest import DigestStory

MAX_ENTRIES = 30  # stories shown in one digest; the rest are counted


@dataclass(frozen=True)
class Selection:
    """A subscriber's digest before it is worded: the stories shown and how many more there were."""

    followed: tuple[DigestStory, ...]
    others: tuple[DigestStory, ...]
    hidden: int

    @property
    def empty(self) -> bool:
        return not self.followed and not self.others


class StoryBook:
    """The stories of a window that are about at least one company and are news for digests of
    `period`, oldest first."""

    def __init__(self, stories: Iterable[DigestStory], period: timedelta) -> None:
        self.stories = sorted(
            (s for s in stories if s.companies and (s.archive_age is None or s.archive_age <= period)),
            key=lambda s: (s.news_at, s.article_id),
        )
        self._times = [s.news_at for s in self.stories]
        self._by_company: dict[int, list[int]] = defaultdict(list)
        for index, story in enumerate(self.stories):
            for company_id in story.company_ids:
                self._by_company[company_id].append(index)

    def select(self, since: datetime, followed: Iterable[int], limit: int = MAX_ENTRIES) -> Selection:
        """The stories that became news after `since`: those about a followed company first."""
        first = bisect_right(self._times, since)
        mine: set[int] = set()
        for company_id in followed:
            indexes = self._by_company.get(company_id, ())
            mine.update(indexes[bisect_right(indexes, first - 1) :])
        followed_shown = sorted(mine, reverse=True)[:limit]
        others_shown: list[int] = []
        index = len(self.stories) - 1
        while index >= first and len(followed_shown) + len(others_shown) < limit:
            if index not in mine:
                others_shown.append(index)
            index -= 1
        total = len(self.stories) - first
        return Selection(
            tuple(self.stories[i] for i in followed_shown),
            tuple(self.stories[i] for i in others_shown),
            total - len(followed_shown) - len(others_shown),
        )
