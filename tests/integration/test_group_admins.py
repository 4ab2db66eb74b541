"""In a group only its admins (getChatMember: "creator" or "administrator") may change the chat's
digest, follows and quiet hours, by command or by button; every member may still ask. Telegram is
asked once per member within the cache time, and only for what changes the chat; private chats never.
End to end: the real Application long polling FakeTelegram, over the real store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Subscriber
from tests.support.botapi import FakeTelegram
from tests.support.polling import polling_bot

GROUP = -4001
SUPERGROUP = -1001000000077
ADMIN, MEMBER, OWNER = 7, 5, 9
REFUSED = "In this group only its admins can change"


@pytest.fixture
async def telegram(db: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    def roles(s: FakeTelegram) -> None:
        s.group_role(GROUP, ADMIN, "administrator")
        s.group_role(SUPERGROUP, OWNER, "creator")

    async with polling_bot(db, monkeypatch, roles) as server:
        yield server


async def ask(server: FakeTelegram, text: str, user: int, chat: int = GROUP) -> str:
    before = len([m for m in server.sent if m.chat_id == chat])
    kind = "private" if chat > 0 else "supergroup" if chat == SUPERGROUP else "group"
    server.user_sends(text, chat_id=chat, user_id=user, chat_type=kind)
    sent = await asyncio.to_thread(server.wait_for_messages, before + 1, 15.0, chat)
    return sent[-1].text


async def press(server: FakeTelegram, button: str, user: int, chat: int = GROUP) -> str:
    message = next(m for m in reversed(server.sent) if m.chat_id == chat and m.buttons)
    data = next(b["callback_data"] for b in message.buttons if b["text"].startswith(button))
    before = len([m for m in server.sent if m.chat_id == chat])
    server.user_presses(data, message.message_id, chat_id=chat, user_id=user)
    sent = await asyncio.to_thread(server.wait_for_messages, before + 1, 15.0, chat)
    return sent[-1].text


def group_row(db: Database, chat: int = GROUP) -> Subscriber | None:
    with db.session() as session:
        return session.scalar(select(Subscriber).where(Subscriber.chat_id == chat))


def lookups(server: FakeTelegram, user: int) -> int:
    return len([c for c in server.calls_to("getChatMember") if int(c["user_id"]) == user])


async def test_a_member_may_ask_but_not_change_the_group_and_an_admin_may(
    telegram: FakeTelegram, db: Database
):
    assert "ASE Technology Holding" in await ask(telegram, "/company ASE", MEMBER)
    assert lookups(telegram, MEMBER) == 0  # asking changes nothing: Telegram is not asked
    for command in ("/subscribe 08:00 Asia/Taipei", "/unsubscribe", "/follow ASE", "/quiet 22:00-07:00"):
        assert REFUSED in await ask(telegram, command, MEMBER), command
    assert group_row(db) is None  # nothing was changed, not even a row made

    assert "Subscribed" in await ask(telegram, "/subscribe 08:00 Asia/Taipei", ADMIN)
    assert "You follow ASE Technology Holding now" in await ask(telegram, "/follow ASE", ADMIN)
    assert REFUSED in await press(telegram, "Unfollow", MEMBER)  # the admin's reply's button
    assert "Quiet hours set" in await ask(telegram, "/quiet 22:00-07:00", ADMIN)
    assert REFUSED in await ask(telegram, "/unsubscribe", MEMBER)
    assert "You no longer follow ASE" in await press(telegram, "Unfollow", ADMIN)

    row = group_row(db)
    assert row is not None and row.subscribed and row.quiet_start is not None
    assert "daily at 08:00 (Asia/Taipei)" in await ask(telegram, "/settings", MEMBER)  # shown to all
    assert (lookups(telegram, MEMBER), lookups(telegram, ADMIN)) == (1, 1)  # cached per (chat, user)


async def test_the_owner_of_a_supergroup_may_change_it(telegram: FakeTelegram, db: Database):
    assert REFUSED in await ask(telegram, "/subscribe 09:00", MEMBER, SUPERGROUP)
    assert "Subscribed" in await ask(telegram, "/subscribe 09:00", OWNER, SUPERGROUP)
    assert REFUSED in await press(telegram, "Unsubscribe", MEMBER, SUPERGROUP)
    assert "not subscribed" in (await press(telegram, "Unsubscribe", OWNER, SUPERGROUP)).lower()


async def test_a_private_chat_changes_its_own_without_asking_telegram(telegram: FakeTelegram):
    assert "You follow ASE Technology Holding now" in await ask(telegram, "/follow ASE", MEMBER, MEMBER)
    assert telegram.calls_to("getChatMember") == []
