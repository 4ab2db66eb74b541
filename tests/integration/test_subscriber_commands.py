"""Following companies, subscribing with a time and zone, settings buttons, and the admin-only
commands, through the same router both transports use, on both databases."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_action, handle_text
from bot.render.terminal import choices, render_text
from storage.db import Database
from storage.models import Frequency, Subscriber

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
USER = Chat(id=501, default_time=time(8, 0), default_zone="Europe/Berlin")
ADMIN = Chat(id=900, admin=True)


@pytest.fixture
def store(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["ingest", str(SEED)]) == 0
    return db


def say(db: Database, text: str, chat: Chat = USER) -> str:
    with db.session() as session:
        reply = handle_text(session, chat, text)
        return render_text(reply) if reply else ""


def press(db: Database, action: str, chat: Chat = USER) -> str:
    with db.session() as session:
        return render_text(handle_action(session, chat, action))


def test_follow_unfollow_and_following(store: Database):
    assert "You follow ASE Technology Holding now" in say(store, "/follow ase")
    assert "You already follow ASE Technology Holding" in say(store, "/follow ASE")
    assert "You follow TSMC now" in say(store, "/follow Taiwan Semiconducter")
    listing = say(store, "/following")
    assert "ASE Technology Holding" in listing and "TSMC" in listing
    assert "You no longer follow TSMC" in say(store, "/unfollow tsmc")
    assert "You were not following TSMC" in say(store, "/unfollow tsmc")
    assert "TSMC" not in say(store, "/following").split("You follow:")[1].split("[")[0]
    assert "No company called “Zorblax”" in say(store, "/follow Zorblax")
    assert "Which company" in say(store, "/follow")
    # Another chat follows nothing.
    assert "You follow no company yet" in say(store, "/following", Chat(id=502))


def test_subscribe_with_time_and_zone_and_change_it_with_buttons(store: Database):
    answer = say(store, "/subscribe 07:30 Asia/Taipei")
    assert "daily at 07:30 (Asia/Taipei)" in answer
    with store.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.chat_id == USER.id))
        assert (sub.subscribed, sub.digest_time, sub.timezone) == (True, time(7, 30), "Asia/Taipei")
    assert "daily at 08:30" in press(store, "set:+1")
    assert "weekly on Monday at 08:30" in press(store, "set:weekly")
    assert "weekly on Friday at 06:00 (Europe/London)" in say(
        store, "/subscribe weekly fri 06:00 Europe/London"
    )
    assert "Digest: off" in press(store, "set:unsub")
    assert "not subscribed" in say(store, "/unsubscribe")


def test_a_new_subscriber_gets_the_default_time_and_zone(store: Database):
    assert "daily at 08:00 (Europe/Berlin)" in say(store, "/subscribe")
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
    answer = say(store, f"/subscribe {args}")
    assert problem in answer and "/subscribe 08:00 Asia/Taipei" in answer
    with store.session() as session:
        assert session.scalar(select(Subscriber.subscribed).where(Subscriber.chat_id == USER.id)) in (
            None,
            False,
        )


def test_start_offers_a_subscribe_button_that_works(store: Database):
    with store.session() as session:
        reply = handle_text(session, USER, "/start")
    assert choices(reply) == ["set:sub"]
    assert "daily at 08:00" in press(store, "set:sub")


def test_admin_commands_are_for_admins_only(store: Database):
    assert "for the bot's admins" in say(store, "/stats")
    assert "for the bot's admins" in say(store, "/addsource https://example.com/feed.xml")
    stats = say(store, "/stats", ADMIN)
    assert "Articles: 1" in stats and "Facts:" in stats
    assert "Added source #1" in say(store, "/addsource https://example.com/feed.xml", ADMIN)
    assert "already a source" in say(store, "/addsource https://example.com/feed.xml", ADMIN)
    assert "Give the address" in say(store, "/addsource ftp://nope", ADMIN)
    assert "example.com/feed.xml" in say(store, "/sources")
    assert "Removed source #1" in say(store, "/removesource 1", ADMIN)
    assert "There is no source #1" in say(store, "/removesource 1", ADMIN)
    assert "/stats" in say(store, "/help", ADMIN) and "/stats" not in say(store, "/help")
