"""What a digest holds and how it says when it starts: stories about followed companies first, then
the other company news, newest first; of a new source's first fetch only what was published within
one digest period before the fetch; times told in the subscriber's zone, never bare UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digest.compose import compose_digest, local_time
from bot.digest.select import Selection, StoryBook
from bot.render.terminal import render_text
from storage.digest import DigestStory

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ASE, TSMC = (1, "ASE Technology Holding"), (2, "TSMC")


def story(
    key: int, minutes_ago: int, *companies: tuple[int, str], archive_age: timedelta | None = None
) -> DigestStory:
    return DigestStory(
        key=key,
        article_id=key,
        title=f"Story {key}",
        url=None,
        source_name="Letsnewz",
        news_at=NOW - timedelta(minutes=minutes_ago),
        companies=list(companies),
        archive_age=archive_age,
    )


def keys(selection: Selection) -> tuple[list[int], list[int]]:
    return [s.key for s in selection.followed], [s.key for s in selection.others]


def test_followed_companies_come_first_then_other_company_news_newest_first():
    book = StoryBook([story(1, 50, ASE), story(2, 40, TSMC), story(3, 30, ASE), story(4, 20)], DAY)
    assert keys(book.select(NOW - DAY, followed=[ASE[0]])) == ([3, 1], [2])  # 4 names no company


def test_only_what_became_news_after_the_cursor_is_shown():
    book = StoryBook([story(1, 50, ASE), story(2, 10, ASE)], DAY)
    assert keys(book.select(NOW - timedelta(minutes=30), followed=[])) == ([], [2])


def test_a_first_fetch_brings_its_recent_news_and_undated_articles_into_digests():
    undated = story(1, 5, ASE, archive_age=timedelta(0))  # like the seed: no published date
    yesterday = story(2, 5, TSMC, archive_age=timedelta(hours=20))
    assert keys(StoryBook([undated, yesterday], DAY).select(NOW - DAY, followed=[])) == ([], [2, 1])


def test_a_first_fetch_keeps_its_archive_out_of_digests_whose_period_it_predates():
    three_days_old = story(1, 5, ASE, archive_age=3 * DAY)
    assert StoryBook([three_days_old], DAY).select(NOW - DAY, followed=[ASE[0]]).empty
    assert keys(StoryBook([three_days_old], WEEK).select(NOW - WEEK, followed=[ASE[0]])) == ([1], [])


def test_more_than_the_limit_are_counted_not_shown():
    book = StoryBook([story(k, 100 - k, TSMC) for k in range(1, 36)], DAY)
    selection = book.select(NOW - DAY, followed=[], limit=30)
    assert len(selection.others) == 30 and selection.hidden == 5
    assert selection.others[0].key == 35


def test_a_moment_is_told_in_the_subscribers_zone_with_the_day_when_it_is_not_today():
    assert local_time(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), NOW, "Europe/Berlin") == "08:00, Europe/Berlin"
    assert local_time(NOW - DAY, NOW, "Europe/Berlin") == "Tue 1 Dec 10:00, Europe/Berlin"
    assert local_time(NOW - 400 * DAY, NOW, "Asia/Taipei") == "28 Oct 2025 17:00, Asia/Taipei"


def test_an_empty_digest_says_since_when_in_the_subscribers_zone():
    empty = Selection((), (), 0)
    since = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    reply = compose_digest(empty, {}, since=since, until=NOW, zone="Europe/Berlin")
    assert reply is not None
    assert render_text(reply) == "Nothing new about companies since 08:00, Europe/Berlin."
    assert compose_digest(empty, {}, since=since, until=NOW, zone="Europe/Berlin", send_empty=False) is None


def test_a_digest_says_where_its_news_starts():
    book = StoryBook([story(1, 5, ASE)], DAY)
    reply = compose_digest(
        book.select(NOW - DAY, [ASE[0]]), dict([ASE]), since=NOW - DAY, until=NOW, zone="Asia/Taipei"
    )
    assert reply is not None
    text = render_text(reply)
    assert "News since Tue 1 Dec 17:00, Asia/Taipei" in text
    assert "Story 1" in text and "you follow ASE Technology Holding" in text
