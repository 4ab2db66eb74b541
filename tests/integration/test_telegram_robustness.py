"""What Telegram throws at a bot: edited messages and channel posts (ignored), groups with the
@botname suffix, a user flooding commands (a polite reply, then silence), 429 from Telegram (obeyed
and retried), a user who blocked the bot (logged, the bot goes on), a Bot API server without an
optional method (a warning, not a crash), and the token never in a log line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.logs import RedactSecrets
from bot.telegram.app import FloodGuard, build_application, start_polling, stop_polling
from storage.db import Database
from tests.support.botapi import FakeTelegram

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
CHAT = 777


@pytest.fixture
async def server(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[FakeTelegram, Database]]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert await asyncio.to_thread(main, ["ingest", str(SEED)]) == 0
    fake = FakeTelegram().start()
    yield fake, db
    fake.stop()


async def running(fake: FakeTelegram, db: Database):  # type: ignore[no-untyped-def]
    application = build_application(fake.token, fake.base_url, db)
    await application.initialize()
    await start_polling(application, timeout=1)
    return application


async def stop(application) -> None:  # type: ignore[no-untyped-def]
    await stop_polling(application)
    await application.shutdown()


async def settle(seconds: float = 1.5) -> None:
    await asyncio.sleep(seconds)


async def test_edited_messages_and_channel_posts_get_no_reply(server):
    fake, db = server
    application = await running(fake, db)
    try:
        fake.user_sends("/start", chat_id=CHAT, user_id=CHAT)
        await asyncio.to_thread(fake.wait_for_messages, 1, 15.0, CHAT)
        fake.user_sends("/company ASE", chat_id=CHAT, user_id=CHAT, edited=True)  # edits the /start
        fake.channel_posts("/company ASE")
        await settle()
    finally:
        await stop(application)
    assert len(fake.sent) == 1 and "/company ASE" in fake.sent[0].text  # only /start was answered


async def test_groups_answer_commands_with_our_suffix_only(server):
    fake, db = server
    application = await running(fake, db)
    group = -4001
    try:
        fake.user_sends("/company@other_bot ASE", chat_id=group, user_id=5, chat_type="group")
        fake.user_sends("/company@digest_test_bot ASE", chat_id=group, user_id=5, chat_type="group")
        sent = await asyncio.to_thread(fake.wait_for_messages, 1, 15.0, group)
        await settle()
    finally:
        await stop(application)
    assert len([m for m in fake.sent if m.chat_id == group]) == 1
    assert "ASE Technology Holding" in sent[0].text


def test_the_flood_guard_warns_once_then_stays_silent_then_forgives():
    guard = FloodGuard(limit=3, window=60)
    verdicts = [guard.check(1, now=float(t)) for t in range(6)]
    assert verdicts == ["ok", "ok", "ok", "warn", "drop", "drop"]
    assert guard.check(2, now=5.0) == "ok"  # other users are not affected
    assert guard.check(1, now=100.0) == "ok"


async def test_a_flooding_user_gets_one_polite_reply(server):
    fake, db = server
    application = await running(fake, db)
    application.bot_data.flood = FloodGuard(limit=3, window=60)
    try:
        for _ in range(6):
            fake.user_sends("/start", chat_id=CHAT, user_id=CHAT)
        await asyncio.to_thread(fake.wait_for_messages, 4, 20.0, CHAT)
        await settle()
    finally:
        await stop(application)
    texts = [m.text for m in fake.sent if m.chat_id == CHAT]
    assert len(texts) == 4 and "faster than I can answer" in texts[3]


async def test_a_429_from_telegram_is_obeyed_and_the_reply_still_arrives(server):
    fake, db = server
    application = await running(fake, db)
    try:
        fake.fail_next("sendMessage", "429", retry_after=1)
        fake.user_sends("/company tsmc", chat_id=CHAT, user_id=CHAT)
        sent = await asyncio.to_thread(fake.wait_for_messages, 1, 20.0, CHAT, method="sendMessage")
    finally:
        await stop(application)
    assert "USD 165 billion" in sent[0].text
    assert len([c for c in fake.calls_to("sendMessage")]) >= 2


async def test_a_user_who_blocked_the_bot_does_not_stop_it(server):
    fake, db = server
    application = await running(fake, db)
    try:
        fake.fail_next("sendMessage", "403", chat_id=CHAT)
        fake.user_sends("/start", chat_id=CHAT, user_id=CHAT)
        await settle(2)
        fake.user_sends("/start", chat_id=CHAT + 1, user_id=CHAT + 1)
        sent = await asyncio.to_thread(fake.wait_for_messages, 1, 15.0, CHAT + 1)
    finally:
        await stop(application)
    assert sent and fake.errors == []


async def test_a_server_without_set_my_commands_only_warns(server, caplog):
    fake, db = server
    fake.fail_next("setMyCommands", "500")
    with caplog.at_level(logging.WARNING, logger="bot.telegram.app"):
        application = await running(fake, db)
        try:
            fake.user_sends("/start", chat_id=CHAT, user_id=CHAT)
            await asyncio.to_thread(fake.wait_for_messages, 1, 15.0, CHAT)
        finally:
            await stop(application)
    assert any("could not set the command menu" in r.getMessage() for r in caplog.records)


async def test_the_token_never_appears_in_the_logs(server):
    fake, db = server
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactSecrets([fake.token]))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        application = await running(fake, db)
        try:
            fake.fail_next("sendMessage", "500")
            fake.user_sends("/start", chat_id=CHAT, user_id=CHAT)
            await settle(2)
        finally:
            await stop(application)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    assert lines, "debug logging produced nothing"
    assert not [line for line in lines if fake.token in line or fake.token.split(":")[1] in line]


async def test_webhook_mode_registers_the_url_and_answers_posted_updates(server):
    import socket

    import httpx

    from bot.telegram.app import start_webhook

    fake, db = server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = "https://bot.example.test/telegram-hook"  # public URL; TLS ends at the reverse proxy
    local = f"http://127.0.0.1:{port}/telegram-hook"
    application = build_application(fake.token, fake.base_url, db)
    await application.initialize()
    await start_webhook(application, url=url, listen="127.0.0.1", port=port, secret="s3cret-webhook")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1700000000,
            "chat": {"id": CHAT, "type": "private", "first_name": "Ada"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Ada"},
            "text": "/company ASE",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    }
    try:
        assert fake.webhook_url == url
        async with httpx.AsyncClient(trust_env=False) as client:
            refused = await client.post(
                local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            accepted = await client.post(
                local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-webhook"}
            )
        sent = await asyncio.to_thread(fake.wait_for_messages, 1, 15.0, CHAT)
    finally:
        await stop(application)
    assert refused.status_code == 403 and accepted.status_code == 200
    assert "ASE Technology Holding" in sent[0].text


async def test_admins_get_the_admin_commands_in_their_menu(server):
    fake, db = server
    application = build_application(fake.token, fake.base_url, db, admins=frozenset({CHAT}))
    await application.initialize()
    await start_polling(application, timeout=1)
    await stop(application)
    everyone = [c["command"] for c in fake.commands()]
    admin = [c["command"] for c in fake.commands({"type": "chat", "chat_id": CHAT})]
    assert "stats" not in everyone and "stats" in admin and "company" in admin
