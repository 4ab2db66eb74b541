"""Button actions: every one a reply can carry comes back as what it was, within Telegram's 64 bytes,
and whatever else a client sends reads as Unknown instead of raising."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import actions
from bot.commands.actions import (
    MAX_NUMBER,
    ChangeSetting,
    CompanyPage,
    CompanyQuery,
    Follow,
    Setting,
    Start,
    Unfollow,
    Unknown,
    parse,
)
from bot.replies import CALLBACK_DATA_LIMIT

IDS = st.integers(1, MAX_NUMBER)
PAGES = st.integers(0, MAX_NUMBER)


def fits(data: str) -> bool:
    return 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT


@given(company_id=IDS, page=PAGES)
def test_a_company_page_comes_back(company_id: int, page: int):
    data = actions.company_page(company_id, page)
    assert fits(data)
    assert parse(data) == CompanyPage(company_id, page)


def test_a_company_page_is_the_first_unless_told():
    assert parse(actions.company_page(12)) == CompanyPage(12, 0)


@given(company_id=IDS)
def test_follow_and_unfollow_come_back(company_id: int):
    assert fits(actions.follow(company_id)) and fits(actions.unfollow(company_id))
    assert parse(actions.follow(company_id)) == Follow(company_id)
    assert parse(actions.unfollow(company_id)) == Unfollow(company_id)


@pytest.mark.parametrize("setting", list(Setting))
def test_every_setting_comes_back(setting: Setting):
    data = actions.change_setting(setting)
    assert fits(data)
    assert parse(data) == ChangeSetting(setting)


def test_start_comes_back():
    assert parse(actions.start()) == Start()


@given(name=st.text(min_size=1, max_size=20))
def test_a_company_query_comes_back(name: str):
    try:
        data = actions.company_query(name)
    except ValueError:  # a lone surrogate has no UTF-8 form: no button can carry it
        return
    assert fits(data)
    assert parse(data) == CompanyQuery(name)


def test_the_data_buttons_carried_before_still_reads_the_same():
    assert parse("co:12:2") == CompanyPage(12, 2)
    assert parse("cq:ASE Technology") == CompanyQuery("ASE Technology")
    assert parse("fo:7") == Follow(7)
    assert parse("uf:7") == Unfollow(7)
    assert parse("set:+1") == ChangeSetting(Setting.LATER)
    assert parse("start") == Start()


def test_a_name_too_long_for_64_bytes_is_refused_not_cut():
    assert fits(actions.company_query("A" * (CALLBACK_DATA_LIMIT - 3)))
    with pytest.raises(ValueError, match="64"):
        actions.company_query("A" * (CALLBACK_DATA_LIMIT - 2))
    with pytest.raises(ValueError, match="64"):
        actions.company_query("台" * 21)  # 63 bytes of UTF-8 and the prefix


@pytest.mark.parametrize("number", [0, -1, MAX_NUMBER + 1, 10**30])
def test_an_id_no_company_can_have_is_refused(number: int):
    with pytest.raises(ValueError):
        actions.follow(number)
    with pytest.raises(ValueError):
        actions.company_page(number, 0)


def test_a_negative_page_is_refused():
    with pytest.raises(ValueError):
        actions.company_page(1, -1)


@pytest.mark.parametrize(
    "data",
    [
        "",
        ":",
        "co",
        "co:",
        "co:1",
        "co::0",
        "co:1:",
        "co:0:0",  # no company has id 0
        "co:-1:0",
        "co:1:-1",
        "co:+1:0",
        "co: 1:0",
        "co:1:2:3",
        "co:²:0",  # a digit to str.isdigit, not to int()
        "co:١:0",  # an Arabic-Indic digit
        f"co:{MAX_NUMBER + 1}:0",
        f"co:1:{10**40}",
        "fo:",
        "fo:abc",
        "fo:1.5",
        "fo:1e3",
        "fo:²",
        f"fo:{10**20}",  # past 64 bits: SQLite's driver would raise OverflowError
        "uf:0",
        "uf:-3",
        "cq:",
        "set:",
        "set:garbage",
        "set:SUB",
        "set:sub ",
        "start:now",
        "START",
        "zz:1",
        "co:1:0" + "0" * 100,  # longer than Telegram sends
        "cq:" + "x" * 62,
        "cq:\ud800",  # a lone surrogate (the router answers it as unreadable before this)
        "\x00",
    ],
)
def test_malformed_or_hostile_data_is_unknown(data: str):
    assert parse(data) == Unknown(data)


@given(data=st.text(max_size=80))
def test_any_data_parses_without_raising(data: str):
    parsed = parse(data)
    if not isinstance(parsed, Unknown):
        assert fits(data)
