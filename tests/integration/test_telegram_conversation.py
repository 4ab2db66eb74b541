"""End to end: the real python-telegram-bot Application, long polling a local server that speaks the
Bot API and behaves like Telegram, over the real store. A scripted user asks what a user would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.commands.router import COMMANDS
from storage.db import Database
from tests.support.botapi import FakeTelegram
from tests.support.polling import polling_bot

CHAT = 4242


@pytest.fixture
async def telegram(db: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    async with polling_bot(db, monkeypatch) as server:
        yield server


async def ask(server: FakeTelegram, text: str, expect: int = 1) -> list[str]:
    before = len([m for m in server.sent if m.chat_id == CHAT])
    server.user_sends(text, chat_id=CHAT, user_id=CHAT)
    sent = await asyncio.to_thread(server.wait_for_messages, before + expect, 15.0, CHAT)
    return [m.text for m in sent[before:]]


async def press(server: FakeTelegram, label: str) -> str:
    """Press the button `label` under the last message; the answer that comes."""
    message = server.sent[-1]
    button = next(b for b in message.buttons if b["text"] == label)
    before = len(server.sent)
    server.user_presses(button["callback_data"], message.message_id, chat_id=CHAT, user_id=CHAT)
    sent = await asyncio.to_thread(server.wait_for_messages, before + 1, 15.0, CHAT)
    return sent[-1].text


async def test_a_user_starts_and_asks_about_ase_and_tsmc(telegram: FakeTelegram):
    (start,) = await ask(telegram, "/start")
    assert "/company ASE" in start
    assert [c["command"] for c in telegram.commands()] == [c.name for c in COMMANDS]
    assert telegram.sent[-1].buttons[0]["callback_data"] == "set:sub"

    (ase,) = await ask(telegram, "/company ASE")
    assert "ASE Technology Holding" in ase
    assert "evaluating the establishment of a production line" in ase
    assert "Dong Hong-Szu, chief financial officer" in ase

    (tsmc,) = await ask(telegram, "/company tsmc")
    assert "USD 165 billion" in tsmc and "Arizona" in tsmc
    last = telegram.sent[-1]
    assert last.parse_mode == "HTML" and last.disable_preview


async def test_buttons_offer_a_choice_and_pressing_one_answers(telegram: FakeTelegram):
    (choice,) = await ask(telegram, "/company Tokyo")
    assert "fits several companies" in choice
    assert (await press(telegram, "Tokyo Electron")).startswith("Tokyo Electron")
    assert telegram.calls_to("answerCallbackQuery")


async def test_follow_and_subscribe_from_the_chat(telegram: FakeTelegram):
    (followed,) = await ask(telegram, "/follow ASE")
    assert "You follow ASE Technology Holding now" in followed
    (subscribed,) = await ask(telegram, "/subscribe 08:00 Asia/Taipei")
    assert "daily at 08:00 (Asia/Taipei)" in subscribed
    assert "daily at 09:00 (Asia/Taipei)" in await press(telegram, "+ 1 hour")
    (bad,) = await ask(telegram, "/subscribe 25:99 Mars/Olympus")
    assert "not a time of day" in bad and "not a time zone" in bad and "/subscribe 08:00 Asia/Taipei" in bad


async def test_quiet_hours_from_the_chat(telegram: FakeTelegram):
    (quiet,) = await ask(telegram, "/quiet 22:00-07:00")
    assert "Alerts held 22:00–07:00 (UTC)" in quiet
    (settings,) = await ask(telegram, "/settings")
    assert "Alerts held 22:00–07:00 (UTC)" in settings
    (bad,) = await ask(telegram, "/quiet <b>25:00</b>-07:00 & co")
    assert "I don't understand “<b>25:00</b>-07:00 & co”" in bad and "Example: /quiet 22:00-07:00" in bad
    (off,) = await ask(telegram, "/quiet off")
    assert "alerts come at any time" in off
    assert telegram.errors == []


async def test_bad_input_never_reaches_the_user_as_a_traceback(telegram: FakeTelegram):
    (unknown,) = await ask(telegram, "/frobnicate")
    assert "/help" in unknown
    (markup,) = await ask(telegram, "/company <script>alert(1)</script> & co")
    assert "<script>" in markup or "No company" in markup  # shown as text, accepted by Telegram
    (long,) = await ask(telegram, "/company " + "A" * 3000)
    assert "cut at 100 characters" in long
    assert telegram.errors == []
