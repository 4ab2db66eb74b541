"""Following companies, subscribing with a time and zone, settings buttons, and the admin-only
commands, through the same router both transports use, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.digest.schedule import next_due, quiet_until, schedule_of
from bot.render.telegram_html import MESSAGE_LIMIT, render_html
from bot.render.terminal import choices, render_text
from bot.replies import Reply
from storage.db import Database
from storage.models import Frequency, Subscriber
from tests.support.botapi import parse_html
from tests.support.conversation import ask, press, say
from tests.support.webserver import LOOPBACK_SETTING, LocalWebServer
from tests.support.wikinews import load_corpus, rss_feed

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
USER = Chat(id=501, default_time=time(8, 0), default_zone="Europe/Berlin")
ADMIN = Chat(id=900, admin=True)
RSS = "application/rss+xml"


@pytest.fixture
def store(stored: Callable[..., Database], monkeypatch: pytest.MonkeyPatch) -> Database:
    db = stored(SEED)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", LOOPBACK_SETTING)  # /addsource of the local web server
    return db


def row(db: Database, chat: Chat = USER) -> Subscriber:
    with db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.chat_id == chat.id))
        session.expunge(sub)
        return sub


def as_telegram_sees_it(reply: Reply) -> str:
    """The visible text of the reply's messages, after Telegram's (strict) HTML parser accepted them."""
    texts = []
    for message in render_html(reply):
        text, _entities = parse_html(message.html)
        assert 0 < len(text) <= MESSAGE_LIMIT
        texts.append(text)
    return "\n".join(texts)


def zone_where_it_is_nine(now: datetime) -> str:
    """A fixed-offset IANA zone whose local time is 09:xx at `now` (Etc/GMT-N is UTC+N)."""
    offset = (9 - now.hour) % 24
    if offset > 14:
        offset -= 24
    zone = f"Etc/GMT{-offset:+d}"
    assert now.astimezone(ZoneInfo(zone)).hour == 9
    return zone


def at_local(day: date, at: time, zone: str) -> datetime:
    """Wall-clock `at` on `day` in `zone`, as a UTC instant."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_follow_unfollow_and_following(store: Database):
    assert "You follow ASE Technology Holding now" in say(store, "/follow ase", USER)
    assert "You already follow ASE Technology Holding" in say(store, "/follow ASE", USER)
    assert "You follow TSMC now" in say(store, "/follow Taiwan Semiconducter", USER)
    listing = say(store, "/following", USER)
    assert "ASE Technology Holding" in listing and "TSMC" in listing
    assert "You no longer follow TSMC" in say(store, "/unfollow tsmc", USER)
    assert "You were not following TSMC" in say(store, "/unfollow tsmc", USER)
    assert "TSMC" not in say(store, "/following", USER).split("You follow:")[1].split("[")[0]
    assert "No company called “Zorblax”" in say(store, "/follow Zorblax", USER)
    assert "Which company" in say(store, "/follow", USER)
    # Another chat follows nothing.
    assert "You follow no company yet" in say(store, "/following", Chat(id=502))


def test_subscribe_with_time_and_zone_and_change_it_with_buttons(store: Database):
    answer = say(store, "/subscribe 07:30 Asia/Taipei", USER)
    assert "daily at 07:30 (Asia/Taipei)" in answer
    with store.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.chat_id == USER.id))
        assert (sub.subscribed, sub.digest_time, sub.timezone) == (True, time(7, 30), "Asia/Taipei")
    assert "daily at 08:30" in press(store, "set:+1", USER)
    assert "weekly on Monday at 08:30" in press(store, "set:weekly", USER)
    assert "weekly on Friday at 06:00 (Europe/London)" in say(
        store, "/subscribe weekly fri 06:00 Europe/London", USER
    )
    assert "Digest: off" in press(store, "set:unsub", USER)
    assert "not subscribed" in say(store, "/unsubscribe", USER)


def test_a_new_subscriber_gets_the_default_time_and_zone(store: Database):
    assert "daily at 08:00 (Europe/Berlin)" in say(store, "/subscribe", USER)
    with store.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.chat_id == USER.id))
        assert sub.frequency is Frequency.DAILY and sub.cursor is None


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("25:99 Mars/Olympus", "“25:99” is not a time of day"),
        ("08:00 Mars/Olympus", "“Mars/Olympus” is not a time zone"),
        ("tomorrow", "I don't understand “tomorrow”"),
        ("<b>8</b>", "“<b>8</b>” is not a time zone"),
    ],
)
def test_a_bad_schedule_gets_a_clear_error_and_an_example(store: Database, args: str, problem: str):
    answer = say(store, f"/subscribe {args}", USER)
    assert problem in answer and "/subscribe 08:00 Asia/Taipei" in answer
    with store.session() as session:
        assert session.scalar(select(Subscriber.subscribed).where(Subscriber.chat_id == USER.id)) in (
            None,
            False,
        )


def test_subscribing_after_todays_digest_time_schedules_tomorrow_in_the_zone(store: Database):
    zone = zone_where_it_is_nine(datetime.now(UTC))
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    assert f"daily at 08:00 ({zone})" in say(store, f"/subscribe 08:00 {zone}", USER)
    due = row(store).next_digest_at
    assert due == at_local(today + timedelta(days=1), time(8, 0), zone)
    assert due.utcoffset() == timedelta(0)  # a UTC instant, read back as such


def test_moving_the_time_with_the_buttons_moves_the_next_digest(store: Database):
    zone = zone_where_it_is_nine(datetime.now(UTC))
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    tomorrow = today + timedelta(days=1)
    say(store, f"/subscribe 08:00 {zone}", USER)
    assert row(store).next_digest_at == at_local(tomorrow, time(8, 0), zone)

    assert "daily at 09:00" in press(store, "set:+1", USER)  # 09:00 has begun: still tomorrow
    assert row(store).next_digest_at == at_local(tomorrow, time(9, 0), zone)

    before = datetime.now(UTC)
    assert "daily at 10:00" in press(store, "set:+1", USER)  # later today
    after = datetime.now(UTC)
    sub = row(store)
    # Today at 10:00, unless the clock passed 10:00 while the button was being pressed.
    assert sub.next_digest_at in (next_due(schedule_of(sub), before), next_due(schedule_of(sub), after))
    assert sub.next_digest_at in (at_local(today, time(10, 0), zone), at_local(tomorrow, time(10, 0), zone))

    assert "daily at 09:00" in press(store, "set:-1", USER)
    assert row(store).next_digest_at == at_local(tomorrow, time(9, 0), zone)

    assert "weekly on Monday at 09:00" in press(store, "set:weekly", USER)
    due = row(store).next_digest_at.astimezone(ZoneInfo(zone))
    assert (due.weekday(), due.time()) == (0, time(9, 0)) and 0 < (due.date() - today).days <= 7

    press(store, "set:empty", USER)  # not a schedule change
    assert row(store).next_digest_at.astimezone(ZoneInfo(zone)) == due


def test_unsubscribing_clears_the_next_digest_and_subscribing_again_sets_it(store: Database):
    say(store, "/subscribe 07:30 Asia/Taipei", USER)
    assert row(store).next_digest_at is not None
    say(store, "/unsubscribe", USER)
    assert row(store).next_digest_at is None

    before = datetime.now(UTC)
    assert "daily at 07:30 (Asia/Taipei)" in press(store, "set:sub", USER)
    after = datetime.now(UTC)
    sub = row(store)
    assert sub.next_digest_at in (next_due(schedule_of(sub), before), next_due(schedule_of(sub), after))
    assert sub.next_digest_at.astimezone(ZoneInfo("Asia/Taipei")).time() == time(7, 30)

    assert "Digest: off" in press(store, "set:unsub", USER)
    assert row(store).next_digest_at is None


def test_quiet_hours_are_set_shown_and_cleared(store: Database):
    shown = say(store, "/quiet", USER)
    assert "Alerts: any time" in shown and "/quiet 22:00-07:00" in shown
    assert "Alerts: any time" in say(store, "/settings", USER)

    reply = ask(store, "/quiet 22:00-07:00", USER)
    assert "Alerts held 22:00–07:00 (Europe/Berlin)" in as_telegram_sees_it(reply)
    sub = row(store)
    assert (sub.quiet_start, sub.quiet_end) == (time(22, 0), time(7, 0))
    # Local time in the subscriber's zone, across midnight: an alert at 23:30 in Berlin waits for 07:00.
    late = at_local(date(2025, 3, 3), time(23, 30), "Europe/Berlin")
    assert quiet_until(sub.quiet_start, sub.quiet_end, sub.timezone, late) == at_local(
        date(2025, 3, 4), time(7, 0), "Europe/Berlin"
    )
    assert "Alerts held 22:00–07:00 (Europe/Berlin)" in say(store, "/quiet", USER)
    assert "Alerts held 22:00–07:00 (Europe/Berlin)" in say(store, "/settings", USER)
    assert sub.next_digest_at is None  # quiet hours hold alerts; they schedule no digest

    assert "Alerts held 23:15–06:30" in say(store, "/quiet 23.15 – 6h30", USER)
    assert "alerts come at any time" in say(store, "/quiet off", USER)
    sub = row(store)
    assert (sub.quiet_start, sub.quiet_end) == (None, None)
    assert "Alerts: any time" in say(store, "/quiet", USER)
    assert "Alerts: any time" in say(store, "/settings", USER)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("25:00-07:00", "“25:00” is not a time of day (00:00 to 23:59)"),
        ("banana", "I don't understand “banana”: give a start and an end time, or “off”"),
        ("22:00-22:00", "Quiet hours need a start and an end that differ"),
        ("<b>22:00</b>-07:00", "“<b>22:00</b>” is not a time of day"),
        ("22:00-07:00 " + "zz" * 300, "I don't understand “22:00-07:00 zz"),
    ],
)
def test_bad_quiet_hours_get_a_clear_error_and_an_example(store: Database, args: str, problem: str):
    say(store, "/quiet 23:00-06:00", USER)
    seen = as_telegram_sees_it(ask(store, f"/quiet {args}", USER))
    assert problem in seen and "Example: /quiet 22:00-07:00" in seen
    assert len(seen) < 300  # an overlong argument is not echoed back whole
    sub = row(store)
    assert (sub.quiet_start, sub.quiet_end) == (time(23, 0), time(6, 0))


def test_quiet_is_in_help_with_an_example(store: Database):
    assert "/quiet — Hours in which alerts wait, in your time zone. Example: /quiet 22:00-07:00" in say(
        store, "/help", USER
    )


def test_start_offers_a_subscribe_button_that_works(store: Database):
    with store.session() as session:
        reply = handle_text(session, USER, "/start")
    assert choices(reply) == ["set:sub"]
    assert "daily at 08:00" in press(store, "set:sub", USER)


def test_admin_commands_are_for_admins_only(store: Database, web: LocalWebServer):
    assert "for the bot's admins" in say(store, "/stats", USER)
    assert "for the bot's admins" in say(store, "/addsource https://example.com/feed.xml", USER)
    stats = say(store, "/stats", ADMIN)
    assert "Articles: 1" in stats and "Facts:" in stats
    feed = web.add("/feed.xml", rss_feed(load_corpus()[:1], web.url("/news/{slug}")), content_type=RSS)
    assert "Added source #1" in say(store, f"/addsource {feed}", ADMIN)
    assert "already a source" in say(store, f"/addsource {feed}", ADMIN)
    assert "Give the address" in say(store, "/addsource ftp://nope", ADMIN)
    assert "/feed.xml" in say(store, "/sources", ADMIN)
    assert "/feed.xml" not in say(store, "/sources", USER)  # members see the host only
    assert "Removed source #1" in say(store, "/removesource 1", ADMIN)
    assert "There is no source #1" in say(store, "/removesource 1", ADMIN)
    assert "/stats" in say(store, "/help", ADMIN) and "/stats" not in say(store, "/help", USER)


def test_follow_with_a_name_that_fits_several_or_none_offers_buttons_that_follow(store: Database):
    with store.session() as session:
        several = handle_text(session, USER, "/follow Tokyo")
        assert several is not None and "fits several companies" in render_text(several)
        assert len(choices(several)) >= 2 and all(a.startswith("fo:") for a in choices(several))
        typo = handle_text(session, USER, "/follow Nvidea")
        assert typo is not None and "Did you mean: Nvidia?" in render_text(typo)
        (action,) = choices(typo)
    assert "You follow Nvidia now" in press(store, action, USER)
    with store.session() as session:
        untypo = handle_text(session, USER, "/unfollow Nvidea")
        assert untypo is not None
        (action,) = choices(untypo)
    assert "You no longer follow Nvidia" in press(store, action, USER)


@pytest.mark.parametrize("command", ["/follow <b>TSMC</b>", "/follow **tsmc**", "/follow `TSMC`"])
def test_follow_and_unfollow_take_markup_out_of_the_name(store: Database, command: str):
    assert "You follow TSMC now" in say(store, command, USER)
    assert "You no longer follow TSMC" in say(store, command.replace("/follow", "/unfollow"), USER)


@pytest.mark.parametrize("day", ["mon", "mond", "monday", "Monday", "tues", "sun"])
def test_a_weekly_digest_day_may_be_shortened_to_three_letters_or_more(store: Database, day: str):
    answer = say(store, f"/subscribe weekly {day} 08:00", USER)
    expected = {"mon": "Monday", "tue": "Tuesday", "sun": "Sunday"}[day[:3].casefold()]
    assert f"weekly on {expected} at 08:00" in answer


def test_addsource_checks_the_address_as_sources_add_does(store: Database, web: LocalWebServer):
    feed = web.add("/feed.xml", rss_feed(load_corpus()[:1], web.url("/news/{slug}")), content_type=RSS)
    page = web.add("/about", "<!doctype html><html><body><p>About us.</p></body></html>")
    empty = web.add(
        "/empty.xml", "<rss version='2.0'><channel><title>x</title></channel></rss>", content_type=RSS
    )
    refused = say(store, f"/addsource {page}", ADMIN)
    assert "Not added" in refused and "not a feed: the address serves an ordinary web page" in refused
    assert "HTTP 404 Not Found" in say(store, f"/addsource {web.url('/missing')}", ADMIN)
    assert "the feed has no items" in say(store, f"/addsource {empty}", ADMIN)
    assert "No sources yet" in say(store, "/sources", USER)
    assert "Added source #" in say(store, f"/addsource {feed}", ADMIN)
    assert "/feed.xml" in say(store, "/sources", ADMIN) and "/about" not in say(store, "/sources", ADMIN)


def test_the_schedule_is_set_from_the_chats_clock(store: Database):
    now = datetime(2030, 1, 7, 9, 30, tzinfo=UTC)  # a Monday, after the digest time
    chat = Chat(id=USER.id + 1, clock=lambda: now)
    say(store, "/subscribe 08:00 UTC", chat)
    assert row(store, chat).next_digest_at == datetime(2030, 1, 8, 8, 0, tzinfo=UTC)
    press(store, "set:+1", chat)  # 09:00 has passed on the chat's clock too: still tomorrow
    assert row(store, chat).next_digest_at == datetime(2030, 1, 8, 9, 0, tzinfo=UTC)
