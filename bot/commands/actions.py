"""What a button sends back when pressed: the one place its callback data is written and read.

    co:<company id>:<page>   a company's page (`bot.commands.company.company_page`)
    cq:<name>                /company <name>: the suggestion buttons of older replies carried a name
    fo:<company id>          follow the company
    uf:<company id>          unfollow it
    set:<setting>            a settings button (`Setting`)
    start                    the /start reply

Every encoder returns at most `CALLBACK_DATA_LIMIT` (64) bytes of UTF-8, Telegram's limit for
callback_data, and raises ValueError for what could not be sent (a company id no row can have, a
name too long to fit). `parse` never raises: data a client made up, an expired format or a button
of another bot is `Unknown`, and the router answers that the button has expired."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from bot.replies import CALLBACK_DATA_LIMIT

# The largest id (or page) an action carries: what the store's INTEGER keys hold on PostgreSQL.
# Larger numbers are made up, and SQLite's driver refuses those past 64 bits (OverflowError).
MAX_NUMBER = 2**31 - 1


class Setting(StrEnum):
    """What a settings button changes."""

    SUBSCRIBE = "sub"
    UNSUBSCRIBE = "unsub"
    DAILY = "daily"
    WEEKLY = "weekly"
    LATER = "+1"  # the digest an hour later
    EARLIER = "-1"
    EMPTY_NOTES = "empty"  # "nothing new" notes on or off


@dataclass(frozen=True)
class CompanyPage:
    company_id: int
    page: int  # 0 is the first page


@dataclass(frozen=True)
class CompanyQuery:
    name: str


@dataclass(frozen=True)
class Follow:
    company_id: int


@dataclass(frozen=True)
class Unfollow:
    company_id: int


@dataclass(frozen=True)
class ChangeSetting:
    setting: Setting


@dataclass(frozen=True)
class Start:
    pass


@dataclass(frozen=True)
class Unknown:
    data: str


Action: TypeAlias = CompanyPage | CompanyQuery | Follow | Unfollow | ChangeSetting | Start | Unknown


# --- encoders ------------------------------------------------------------------------------------------


def company_page(company_id: int, page: int = 0) -> str:
    return _fits(f"co:{_number(company_id, least=1)}:{_number(page, least=0)}")


def company_query(name: str) -> str:
    if not name:
        raise ValueError("a company query needs a name")
    return _fits(f"cq:{name}")


def follow(company_id: int) -> str:
    return _fits(f"fo:{_number(company_id, least=1)}")


def unfollow(company_id: int) -> str:
    return _fits(f"uf:{_number(company_id, least=1)}")


def change_setting(setting: Setting) -> str:
    return _fits(f"set:{setting.value}")


def start() -> str:
    return "start"


def _number(value: int, *, least: int) -> int:
    if not least <= value <= MAX_NUMBER:
        raise ValueError(f"not an id or page an action can carry: {value}")
    return value


def _fits(data: str) -> str:
    size = len(data.encode("utf-8"))
    if size > CALLBACK_DATA_LIMIT:
        raise ValueError(f"button data is {size} bytes, more than Telegram's {CALLBACK_DATA_LIMIT}: {data!r}")
    return data


# --- the parser ------------------------------------------------------------------------------------------


def parse(data: str) -> Action:
    """The action `data` encodes, `Unknown` for anything an encoder above would not have written."""
    try:
        size = len(data.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: no button can carry one
        return Unknown(data)
    if size > CALLBACK_DATA_LIMIT:
        return Unknown(data)
    kind, _, rest = data.partition(":")
    if kind == "co":
        company_id, _, page = rest.partition(":")
        number, page_number = _parse_number(company_id, least=1), _parse_number(page, least=0)
        if number is not None and page_number is not None:
            return CompanyPage(number, page_number)
    elif kind == "cq" and rest:
        return CompanyQuery(rest)
    elif kind in ("fo", "uf"):
        number = _parse_number(rest, least=1)
        if number is not None:
            return Follow(number) if kind == "fo" else Unfollow(number)
    elif kind == "set" and rest in _SETTINGS:
        return ChangeSetting(Setting(rest))
    elif data == "start":
        return Start()
    return Unknown(data)


_SETTINGS = frozenset(s.value for s in Setting)


def _parse_number(text: str, *, least: int) -> int | None:
    """A whole number from `least` to `MAX_NUMBER` written in ASCII digits (int() refuses "²",
    which isdigit() takes), else None."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if least <= number <= MAX_NUMBER else None
