"""Which calendar day a DATE entity names, read against the publication date (bot/extract/normalize_dates.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.extract.normalize_dates import parse_published, resolve_date

FRIDAY = date(2025, 3, 28)  # published on a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this Wednesday", date(2025, 3, 26)),
        ("Wednesday", date(2025, 3, 26)),
        ("on Wednesday", date(2025, 3, 26)),
        ("Wednesday morning", date(2025, 3, 26)),
        ("Friday", FRIDAY),
        ("this Friday", FRIDAY),
        ("Saturday", date(2025, 3, 22)),
        ("last Friday", date(2025, 3, 21)),
        ("this past Friday", date(2025, 3, 21)),
        ("last Wednesday", date(2025, 3, 26)),
        ("last Saturday", date(2025, 3, 22)),
        ("next Monday", date(2025, 3, 31)),
        ("next Friday", date(2025, 4, 4)),
        ("Wednesday last week", date(2025, 3, 19)),
        ("Tuesday next week", date(2025, 4, 1)),
        ("yesterday", date(2025, 3, 27)),
        ("Yesterday", date(2025, 3, 27)),
        ("yesterday afternoon", date(2025, 3, 27)),
        ("last night", date(2025, 3, 27)),
        ("today", FRIDAY),
        ("earlier today", FRIDAY),
        ("this morning", FRIDAY),
        ("tonight", FRIDAY),
        ("tomorrow", date(2025, 3, 29)),
        ("the day before yesterday", date(2025, 3, 26)),
        ("two days ago", date(2025, 3, 26)),
        ("3 days ago", date(2025, 3, 25)),
        ("a week ago", date(2025, 3, 21)),
        ("the 28th", FRIDAY),
        ("on the 28th", FRIDAY),
        ("28th", FRIDAY),
        ("the 3rd", date(2025, 3, 3)),
        ("March 3", date(2025, 3, 3)),
        ("on March 3", date(2025, 3, 3)),
        ("3 March", date(2025, 3, 3)),
        ("the 3rd of March", date(2025, 3, 3)),
        ("Jan. 5", date(2025, 1, 5)),
        ("Sept. 30", date(2024, 9, 30)),
        ("April 20", date(2025, 4, 20)),
        ("May 2", date(2024, 5, 2)),
        ("Monday, March 3", date(2025, 3, 3)),
    ],
)
def test_relative_date_is_read_back_from_the_publication_date(text, expected):
    assert resolve_date(text, FRIDAY) == expected


def test_this_wednesday_in_a_friday_article_is_two_days_before():
    assert resolve_date("this Wednesday", FRIDAY) == date(2025, 3, 26)


def test_last_friday_in_a_friday_article_is_a_week_before():
    assert resolve_date("last Friday", FRIDAY) == date(2025, 3, 21)


def test_publication_datetime_counts_as_its_day():
    published = datetime(2025, 3, 28, 23, 30, tzinfo=UTC)
    assert resolve_date("March 3", published) == date(2025, 3, 3)
    assert resolve_date("yesterday", published) == date(2025, 3, 27)


def test_next_weekday_is_never_the_publication_day():
    assert resolve_date("next Friday", FRIDAY) == date(2025, 4, 4)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (date(2025, 3, 28), date(2025, 3, 28)),
        (date(2025, 3, 30), date(2025, 3, 28)),
        (date(2025, 3, 10), date(2025, 2, 28)),
        (date(2025, 1, 10), date(2024, 12, 28)),
    ],
)
def test_the_28th_is_this_month_unless_that_is_still_to_come(published, expected):
    assert resolve_date("the 28th", published) == expected


@pytest.mark.parametrize(("text", "published"), [("the 30th", date(2025, 3, 5)), ("the 29th", FRIDAY)])
def test_an_ordinal_the_previous_month_does_not_have_is_not_a_day(text, published):
    assert resolve_date(text, published) is None  # February 30, February 29 in a common year


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("December 20", date(2025, 1, 10), date(2024, 12, 20)),
        ("February 5", date(2025, 1, 10), date(2025, 2, 5)),
        ("February 15", date(2025, 1, 10), date(2024, 2, 15)),
        ("March 3", date(2025, 3, 28), date(2025, 3, 3)),
        ("April 28", date(2025, 3, 28), date(2025, 4, 28)),
        ("April 29", date(2025, 3, 28), date(2024, 4, 29)),
    ],
)
def test_month_and_day_without_year_take_the_year_that_keeps_it_within_a_month_ahead(
    text, published, expected
):
    assert resolve_date(text, published) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 2025", date(2025, 3, 3)),
        ("March 3rd, 2025", date(2025, 3, 3)),
        ("Mar. 3, 2025", date(2025, 3, 3)),
        ("March 3 2025", date(2025, 3, 3)),
        ("3 March 2025", date(2025, 3, 3)),
        ("3rd of March, 2025", date(2025, 3, 3)),
        ("2025-03-26", date(2025, 3, 26)),
        ("2025/03/26", date(2025, 3, 26)),
        ("03/26/2025", date(2025, 3, 26)),
        ("26/03/2025", date(2025, 3, 26)),
        ("Friday, January 4, 2019", date(2019, 1, 4)),
        ("  on   March  3 ,  2025 ", date(2025, 3, 3)),
    ],
)
def test_date_with_a_year_needs_no_publication_date(text, expected):
    assert resolve_date(text, None) == expected
    assert resolve_date(text, FRIDAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "this Wednesday",
        "Wednesday",
        "the 28th",
        "March 3",
        "Jan. 5",
        "yesterday",
        "today",
        "tomorrow",
        "last Friday",
        "next Monday",
        "two days ago",
    ],
)
def test_relative_date_without_publication_date_is_unknown(text):
    assert resolve_date(text, None) is None


@pytest.mark.parametrize(
    "text",
    [
        "last month",
        "this week",
        "last week",
        "the end of March",
        "early March",
        "mid-March",
        "March 2025",
        "2024",
        "Q3",
        "the third quarter",
        "recent years",
        "March 3-5",
        "03/04/2025",
        "February 30, 2025",
        "the 28",
        "",
        "   ",
    ],
)
def test_text_that_is_not_one_day_gives_none(text):
    assert resolve_date(text, FRIDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TAIPEI, March 3, 2025 -", date(2025, 3, 3)),
        ("Published: 2025-03-26", date(2025, 3, 26)),
        ("Friday, January 4, 2019", date(2019, 1, 4)),
        ("Wed, 26 Mar 2025 10:00:00 +0000", date(2025, 3, 26)),
        ("2025-03-26T08:00:00Z", date(2025, 3, 26)),
        ("Posted on Jan. 5, 2024 at 10:00", date(2024, 1, 5)),
        ("By Jane Doe | 12 Sept 2024", date(2024, 9, 12)),
        ("Updated March 4, 2025; first published March 3, 2025", date(2025, 3, 4)),
    ],
)
def test_dateline_gives_its_date(text, expected):
    assert parse_published(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Updated 3 hours ago", "TAIPEI (Reuters) -", "", "Summar 3, 2025", "Published: March 2025"],
)
def test_dateline_without_a_full_date_gives_none(text):
    assert parse_published(text) is None


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("next Wednesday", date(9999, 12, 31)),
        ("tomorrow", date(9999, 12, 31)),
        ("last Monday", date(1, 1, 1)),
        ("yesterday", date(1, 1, 1)),
        ("99999999 days ago", date(2025, 3, 3)),
    ],
)
def test_a_relative_date_beyond_the_calendar_is_no_date(text, published):
    assert resolve_date(text, published) is None
