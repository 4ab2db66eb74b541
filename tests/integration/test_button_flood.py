"""Button presses pass the same per-user flood guard as messages: a user pressing fast gets every
press answered (the button stops spinning) with a short "Slow down", and no action past the limit.
End to end: the real Application long polling FakeTelegram, over the real store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.telegram.app import FLOOD_LIMIT
from storage.db import Database
from tests.support.botapi import FakeTelegram
from tests.support.polling import polling_bot

CHAT = 4343
PRESSES = 100


@pytest.fixture
async def telegram(db: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    async with polling_bot(db, monkeypatch) as server:
        yield server


async def test_a_hundred_quick_presses_act_at_most_flood_limit_times(telegram: FakeTelegram):
    telegram.user_sends("/company Tokyo", chat_id=CHAT, user_id=CHAT)  # one message: one of the limit
    (choice,) = await asyncio.to_thread(telegram.wait_for_messages, 1, 15.0, CHAT)
    button = next(b for b in choice.buttons if b["text"] == "Tokyo Electron")
    for _ in range(PRESSES):
        telegram.user_presses(button["callback_data"], choice.message_id, chat_id=CHAT, user_id=CHAT)
    answers = await asyncio.to_thread(telegram.wait_for_calls, "answerCallbackQuery", PRESSES, 60.0)
    acted = FLOOD_LIMIT - 1  # the /company message used one
    await asyncio.to_thread(telegram.wait_for_messages, 1 + acted, 30.0, CHAT)
    await asyncio.sleep(1.0)  # nothing more comes
    pages = [m for m in telegram.sent if m.chat_id == CHAT][1:]
    assert len(pages) == acted and all(m.text.startswith("Tokyo Electron") for m in pages)
    slowed = [a for a in answers if str(a.get("text", "")).startswith("Slow down:")]
    assert len(slowed) == PRESSES - acted
