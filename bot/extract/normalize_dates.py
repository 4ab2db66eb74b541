"""Dates in news text: turn a spaCy DATE entity into the one calendar day it names, and read datelines.

Pure functions, standard library only. News reports past events, so relative forms are read backwards
from the article's publication date:

- "Wednesday", "this Wednesday", "on Wednesday": the most recent Wednesday on or before publication.
- "last Wednesday", "this past Wednesday": the most recent Wednesday strictly before publication (1 to 7
  days back; "last Friday" in a Friday article is a week earlier).
- "next Wednesday": the first Wednesday after publication (1 to 7 days on).
- "Wednesday last week" / "Wednesday next week": that weekday in the calendar week (Monday to Sunday)
  before or after the week of publication.
- "the 28th": the 28th of the month of publication if that is not after publication, else of the month
  before.
- "March 3": March 3 of the year of publication, or of the year before if that would be more than 31
  days after publication.
- "today", "yesterday", "tomorrow", "the day before yesterday", "last night", "this morning", "two days
  ago".

Dates with a year ("March 3, 2025", "3 March 2025", "2025-03-26") need no publication date; relative
ones without it give None. Anything that is not one day ("last month", "2024", "Q3", "the end of March",
"March 3-5", "03/04/2025", which could be March 4 or April 3) is None rather than a guess.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_published", "resolve_date"]

_MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_COUNTS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>\d{4})(?!\d)"

# Calendar dates with a year, matched on case-folded text: ISO, "March 3, 2025", "3 March 2025", and
# m/d/yyyy or d/m/yyyy when only one reading is a date.
_CALENDAR = (
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s*{_DAY}(?:\s*,\s*|\s+){_YEAR}"),
    re.compile(rf"(?<!\d){_DAY}\s*(?:of\s+)?{_MONTH}\s*,?\s*{_YEAR}"),
    re.compile(r"(?<!\d)(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})(?!\d)"),
)
_YEARLESS = (
    re.compile(rf"{_MONTH}\s*{_DAY}"),
    re.compile(rf"(?:the\s+)?{_DAY}\s*(?:of\s+)?{_MONTH}"),
)
_LEADING_WEEKDAY = re.compile(rf"^{_WEEKDAY}\s*,?\s*")
_TIME_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)$")
_WEEKDAY_PHRASE = re.compile(
    rf"(?:(?P<which>this\s+past|this|last|next)\s+)?{_WEEKDAY}(?:\s+(?P<week>last|next)\s+week)?"
)
_ORDINAL = re.compile(r"(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)")
_AGO = re.compile(r"(?P<count>\d{1,2}|" + "|".join(_COUNTS) + r")\s+(?P<unit>days?|weeks?)\s+ago")
_FIXED_OFFSETS: dict[str, int] = {
    "today": 0,
    "earlier today": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tonight": 0,
    "yesterday": -1,
    "last night": -1,
    "the day before yesterday": -2,
    "tomorrow": 1,
    "the day after tomorrow": 2,
}


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _calendar(match: re.Match[str]) -> dt.date | None:
    year = int(match.group("year"))
    groups = match.groupdict()
    if "first" in groups:
        first, second = int(groups["first"]), int(groups["second"])
        if first != second and first <= 12 and second <= 12:
            return None  # 03/04/2025: March 4 or April 3
        month, day = (first, second) if second > 12 else (second, first)
        return _day(year, month, day)
    month_text = groups["month"].rstrip(".")
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
    return _day(year, month, int(groups["day"]))


def _clean(text: str) -> str:
    """Case and spacing folded, a leading "on" and trailing punctuation dropped."""
    text = " ".join(text.casefold().split()).strip(" ,;:-–—")
    return text.removeprefix("on ").rstrip(".")


def _in_year(month: int, day: int, published: dt.date) -> dt.date | None:
    """March 3 with no year: this year's, unless that is more than 31 days after publication."""
    candidate = _day(published.year, month, day)
    if candidate is not None and (candidate - published).days <= 31:
        return candidate
    if candidate is None and (month, day) < (published.month, published.day):
        return None  # February 29 before publication in a common year
    return _day(published.year - 1, month, day)


def _weekday(match: re.Match[str], published: dt.date) -> dt.date:
    weekday = _WEEKDAYS[match.group("weekday").rstrip(".")]
    which = " ".join((match.group("which") or "").split())
    week = match.group("week")
    if week is not None:
        monday = published - dt.timedelta(days=published.weekday())
        monday += dt.timedelta(weeks=-1 if week == "last" else 1)
        return monday + dt.timedelta(days=weekday)
    back = (published.weekday() - weekday) % 7
    if which == "next":
        return published + dt.timedelta(days=(7 - back) or 7)
    if which in ("last", "this past"):
        return published - dt.timedelta(days=back or 7)
    return published - dt.timedelta(days=back)


def _ordinal(day: int, published: dt.date) -> dt.date | None:
    """The 28th: of this month if it is not after publication, else of last month."""
    if day <= published.day:
        return _day(published.year, published.month, day)
    year, month = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
    return _day(year, month, day)


def resolve_date(text: str, published: dt.date | None) -> dt.date | None:
    """The calendar day a DATE entity names, read relative to the publication date, or None when the
    text is not one day or needs a publication date that was not given. A datetime counts as its date.
    A day beyond the calendar (a "next Wednesday" of an article dated 9999-12-31) is no day: None."""
    try:
        return _resolve(text, published)
    except OverflowError:
        return None


def _resolve(text: str, published: dt.date | None) -> dt.date | None:
    if isinstance(published, dt.datetime):
        published = published.date()
    cleaned = _clean(text)
    if not cleaned:
        return None
    if published is not None and cleaned in _FIXED_OFFSETS:
        return published + dt.timedelta(days=_FIXED_OFFSETS[cleaned])
    cleaned = _TIME_OF_DAY.sub("", cleaned)  # "Wednesday morning", "yesterday afternoon"
    for pattern in _CALENDAR:
        match = pattern.fullmatch(_LEADING_WEEKDAY.sub("", cleaned, count=1)) or pattern.fullmatch(cleaned)
        if match:
            return _calendar(match)
    if published is None:
        return None
    if cleaned in _FIXED_OFFSETS:
        return published + dt.timedelta(days=_FIXED_OFFSETS[cleaned])
    without_weekday = _LEADING_WEEKDAY.sub("", cleaned, count=1)
    for pattern in _YEARLESS:
        match = pattern.fullmatch(without_weekday)
        if match:
            return _in_year(_MONTHS[match.group("month").rstrip(".")], int(match.group("day")), published)
    if match := _WEEKDAY_PHRASE.fullmatch(cleaned):
        return _weekday(match, published)
    if match := _ORDINAL.fullmatch(cleaned):
        return _ordinal(int(match.group("day")), published)
    if match := _AGO.fullmatch(cleaned):
        count = _COUNTS.get(match.group("count")) or int(match.group("count"))
        days = count * (7 if match.group("unit").startswith("week") else 1)
        return published - dt.timedelta(days=days)
    return None


def parse_published(text: str) -> dt.date | None:
    """The first full date (with a year) in a dateline or byline such as "TAIPEI, March 3, 2025 -",
    "Published: 2025-03-26" or "Friday, January 4, 2019"; None if there is none."""
    folded = text.casefold()
    found: list[tuple[int, dt.date]] = []
    for pattern in _CALENDAR:
        for match in pattern.finditer(folded):
            day = _calendar(match)
            if day is not None:
                found.append((match.start(), day))
                break
    return min(found)[1] if found else None
