"""FakeTelegram answers python-telegram-bot the way Telegram does.

Every test drives the server through python-telegram-bot's real `telegram.Bot` (or a whole
`telegram.ext.Application`) over HTTP, and asserts what the library raises or returns, so the
server stays honest to the client the bot actually uses.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.support.botapi import DEFAULT_TOKEN, FakeTelegram, parse_html

HTML = ParseMode.HTML


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """RetryAfter.retry_after becomes a timedelta in PTB 23; opt in now (and skip the warning)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def server() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake
    assert fake.errors == [], "the fake server itself failed"


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=f"{server.base_url}/bot") as client:
        yield client


def keyboard(**buttons: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons.items()]
    )


def raw(
    server: FakeTelegram, path: str, body: bytes | None = None, content_type: str = "application/json"
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(f"{server.base_url}{path}", data=body)
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def bad(message: str) -> str:
    """python-telegram-bot drops "Bad Request: " and capitalize()s the rest, so match case-blind."""
    return "(?i)" + re.escape(message)


# ---- identity, tokens, request formats ------------------------------------------------------------


async def test_get_me_is_the_digest_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (123456, True, "Digest Bot", "digest_test_bot")
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert bot.username == "digest_test_bot"


async def test_a_wrong_token_is_refused(server: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:not-our-token", base_url=f"{server.base_url}/bot"):
            pass
    assert raw(server, "/bot999:nope/getMe", b"{}") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert raw(server, f"/bot{DEFAULT_TOKEN}/sendPigeon", b"{}") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    assert raw(server, "/somewhere/else")[0] == 404


def test_json_form_and_get_requests_are_all_understood(server: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more"}]]}
    status, answer = raw(
        server,
        f"/bot{DEFAULT_TOKEN}/sendMessage",
        json.dumps(
            {"chat_id": 5, "text": "<b>json</b>", "parse_mode": "HTML", "reply_markup": markup}
        ).encode(),
    )
    assert status == 200 and answer["result"]["text"] == "json"
    assert answer["result"]["reply_markup"] == markup
    form = f"chat_id=5&text=form&reply_markup={json.dumps(markup)}".encode()
    status, answer = raw(
        server, f"/bot{DEFAULT_TOKEN}/SENDMESSAGE", form, "application/x-www-form-urlencoded"
    )  # method names are case-blind, as on Telegram
    assert status == 200 and answer["result"]["message_id"] == 2
    assert raw(server, f"/bot{DEFAULT_TOKEN}/getMe?x=1")[1]["result"]["username"] == "digest_test_bot"
    assert [m.reply_markup for m in server.sent] == [markup, markup]  # JSON strings decoded
    assert server.calls_to("sendMessage")[1]["reply_markup"] == markup


# ---- sending, editing, deleting -----------------------------------------------------------------


async def test_send_and_edit_are_seen_by_the_user(bot: Bot, server: FakeTelegram) -> None:
    first = await bot.send_message(
        42,
        "<b>ASE</b> &amp; TSMC",
        parse_mode=HTML,
        reply_markup=keyboard(More="more:ASE"),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert (first.message_id, first.chat.id, first.chat.type) == (1, 42, "private")
    assert first.from_user is not None and first.from_user.id == bot.id
    assert first.text == "ASE & TSMC"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bold", 0, 3)]
    assert first.reply_markup == keyboard(More="more:ASE")
    second = await bot.send_message(42, "two")
    group = await bot.send_message(-1001234, "to a group")
    assert (second.message_id, group.message_id, group.chat.type) == (2, 1, "supergroup")

    edited = await bot.edit_message_text("<i>updated</i>", chat_id=42, message_id=1, parse_mode=HTML)
    assert isinstance(edited, type(first)) and edited.text == "updated" and edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard, as on Telegram

    sent = server.sent
    assert [(m.method, m.chat_id, m.message_id) for m in sent] == [
        ("sendMessage", 42, 1),
        ("sendMessage", 42, 2),
        ("sendMessage", -1001234, 1),
        ("editMessageText", 42, 1),
    ]
    assert sent[0].html == "<b>ASE</b> &amp; TSMC" and sent[0].parse_mode == "HTML"
    assert sent[0].disable_preview is True and sent[1].disable_preview is False
    assert sent[0].buttons == [{"text": "More", "callback_data": "more:ASE"}]
    current = server.message(42, 1)
    assert current is not None and current.text == "updated"

    with pytest.raises(BadRequest, match=bad("message is not modified")):
        await bot.edit_message_text("<i>updated</i>", chat_id=42, message_id=1, parse_mode=HTML)
    await bot.edit_message_reply_markup(chat_id=42, message_id=1, reply_markup=keyboard(Less="less"))
    assert server.sent[-1].method == "editMessageReplyMarkup" and server.sent[-1].text == "updated"
    with pytest.raises(BadRequest, match=bad("message to edit not found")):
        await bot.edit_message_text("x", chat_id=42, message_id=99)
    assert await bot.delete_message(42, 2) is True
    with pytest.raises(BadRequest, match=bad("message to delete not found")):
        await bot.delete_message(42, 2)


async def test_length_is_the_visible_text_in_utf16_units(bot: Bot) -> None:
    await bot.send_message(1, "x" * 4096)
    await bot.send_message(1, "<b>" + "x" * 4096 + "</b>", parse_mode=HTML)  # tags are not counted
    await bot.send_message(1, "&amp;" * 4096, parse_mode=HTML)  # an entity is one character
    await bot.send_message(1, "😀" * 2048)  # two UTF-16 units each
    for text in ("x" * 4097, "😀" * 2049, "<i>" + "&lt;" * 4097 + "</i>"):
        with pytest.raises(BadRequest, match=bad("message is too long")):
            await bot.send_message(1, text, parse_mode=HTML)


async def test_empty_text_is_refused_and_edges_are_trimmed(bot: Bot) -> None:
    for text in ("", "  \n ", "<b> </b>"):
        with pytest.raises(BadRequest, match=bad("message text is empty")):
            await bot.send_message(1, text, parse_mode=HTML)
    trimmed = await bot.send_message(1, "\n  <b>hi</b>  \n", parse_mode=HTML)
    assert trimmed.text == "hi" and [(e.offset, e.length) for e in trimmed.entities] == [(0, 2)]


# ---- Telegram's HTML ----------------------------------------------------------------------------

ACCEPTED = [
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>", []),
    ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link", [("text_link", 0, 4)]),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", [("pre", 0, 5)]),
    ("<blockquote expandable>quote</blockquote>", "quote", [("expandable_blockquote", 0, 5)]),
    (
        '<span class="tg-spoiler">a</span> <tg-spoiler>b</tg-spoiler>',
        "a b",
        [("spoiler", 0, 1), ("spoiler", 2, 1)],
    ),
    ("&#128512; &#x41;&quot;", '😀 A"', []),
    ("😀<B>x</B> <s><u>y</u></s>", "😀x y", [("bold", 2, 1), ("underline", 4, 1), ("strikethrough", 4, 1)]),
]

REFUSED = [
    ("<script>alert(1)</script>", 'can\'t parse entities: unsupported start tag "script" at byte offset 0'),
    ("<b>bold", "can't parse entities: can't find end tag corresponding to start tag \"b\""),
    ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("1 < 2", 'unsupported start tag "" at byte offset 2'),
    ("R&D", 'character "&" must be escaped as "&amp;" at byte offset 1'),
    ('<span class="x">a</span>', 'tag "span" must have class "tg-spoiler" at byte offset 0'),
    ("<a>x</a>", 'tag "a" must have attribute "href"'),
    ("x</b>", "unexpected end tag at byte offset 1"),
    ("é<u", "unclosed start tag at byte offset 2"),  # offsets are UTF-8 bytes
]


@pytest.mark.parametrize(("source", "text", "entities"), ACCEPTED)
async def test_html_that_telegram_accepts(
    bot: Bot, source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    message = await bot.send_message(7, source, parse_mode=HTML)
    assert message.text == text
    assert [(e.type, e.offset, e.length) for e in message.entities] == entities


async def test_html_entities_carry_their_arguments(bot: Bot) -> None:
    link = await bot.send_message(7, '<a href="https://example.com/?a=1&amp;b=2">link</a>', parse_mode=HTML)
    assert link.entities[0].url == "https://example.com/?a=1&b=2"
    code = await bot.send_message(7, '<pre><code class="language-python">x = 1</code></pre>', parse_mode=HTML)
    assert code.entities[0].language == "python"
    assert parse_html("R&D <a>x</a>", strict=False) == ("R&D x", [])  # what tdlib itself tolerates


@pytest.mark.parametrize(("source", "reason"), REFUSED)
async def test_html_that_telegram_refuses(bot: Bot, server: FakeTelegram, source: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=bad(reason)):
        await bot.send_message(7, source, parse_mode=HTML)
    assert server.sent == []


# ---- inline keyboards ----------------------------------------------------------------------------


async def test_inline_keyboards_are_checked(bot: Bot) -> None:
    await bot.send_message(1, "ok", reply_markup=keyboard(A="x" * 64, B="é" * 32))  # 64 bytes each
    for data in ("x" * 65, "é" * 33):
        with pytest.raises(BadRequest, match=bad("BUTTON_DATA_INVALID")):
            await bot.send_message(1, "too long", reply_markup=keyboard(A=data))
    both = InlineKeyboardButton("Both", url="https://example.com", callback_data="x")
    with pytest.raises(BadRequest, match=bad("exactly one of the optional fields")):
        await bot.send_message(1, "two kinds", reply_markup=InlineKeyboardMarkup([[both]]))
    with pytest.raises(BadRequest, match=bad("text buttons are unallowed")):
        await bot.send_message(1, "none", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Bare")]]))
    script = InlineKeyboardButton("Go", url="javascript:alert(1)")
    with pytest.raises(BadRequest, match=bad("BUTTON_URL_INVALID")):
        await bot.send_message(1, "url", reply_markup=InlineKeyboardMarkup([[script]]))


# ---- command menu ---------------------------------------------------------------------------------


async def test_command_menu_round_trip_and_validation(bot: Bot, server: FakeTelegram) -> None:
    commands = [BotCommand("company", "Facts about a company"), BotCommand("follow", "Follow a company")]
    assert await bot.set_my_commands(commands) is True
    assert tuple(await bot.get_my_commands()) == tuple(commands)
    private = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("start", "Start")], scope=private)
    assert [c.command for c in await bot.get_my_commands(scope=private)] == ["start"]
    assert [c["command"] for c in server.commands()] == ["company", "follow"]
    for bad_command in ("Company", "has-dash", "x" * 33, ""):
        with pytest.raises(BadRequest, match=bad("BOT_COMMAND_INVALID")):
            await bot.set_my_commands([BotCommand(bad_command, "Something")])
    with pytest.raises(BadRequest, match=bad("command description is empty")):
        await bot.set_my_commands([BotCommand("digest", "")])
    with pytest.raises(BadRequest, match=bad("BOT_COMMANDS_TOO_MUCH")):
        await bot.set_my_commands([BotCommand(f"c{i}", "x") for i in range(101)])
    assert tuple(await bot.get_my_commands()) == tuple(commands)  # refused calls change nothing
    assert await bot.delete_my_commands() is True
    assert await bot.get_my_commands() == ()


# ---- updates: long polling, offsets, conflicts ------------------------------------------------------


async def test_long_poll_returns_as_soon_as_a_user_writes(bot: Bot, server: FakeTelegram) -> None:
    threading.Timer(0.3, server.user_sends, args=("/start",)).start()
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert 0.25 <= time.monotonic() - started < 2.0
    [update] = updates
    assert update.message is not None and update.message.text == "/start"
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [("bot_command", 0, 6)]


async def test_long_poll_with_nothing_queued_waits_out_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3.0


async def test_offsets_confirm_updates(bot: Bot, server: FakeTelegram) -> None:
    ids = [server.user_sends(f"message {n}") for n in range(3)]
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates()] == ids  # nothing confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert server.pending_updates == 2
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert server.pending_updates == 0
    later = [server.user_sends(f"later {n}") for n in range(3)]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == later[-1:]


async def test_webhook_and_a_second_poller_conflict(bot: Bot, server: FakeTelegram) -> None:
    assert await bot.set_webhook("https://bot.example.com/hook") is True
    assert (await bot.get_webhook_info()).url == "https://bot.example.com/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    async with Bot(DEFAULT_TOKEN, base_url=f"{server.base_url}/bot") as other_instance:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.3)
        assert await other_instance.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first


async def test_scripted_users_look_like_telegram_updates(bot: Bot, server: FakeTelegram) -> None:
    group = -1009876
    server.user_sends("/company@digest_test_bot ASE", chat_id=group, user_id=5, chat_type="supergroup")
    server.user_sends(
        "/company@digest_test_bot TSMC", chat_id=group, user_id=5, chat_type="supergroup", edited=True
    )
    server.channel_posts("Breaking: ASE expands", chat_id=-1005555)
    asked, edited, post = await bot.get_updates()
    assert asked.message is not None and asked.message.chat.type == "supergroup"
    assert asked.message.from_user is not None and asked.message.from_user.id == 5
    assert [(e.type, e.length) for e in asked.message.entities] == [("bot_command", 24)]
    assert edited.edited_message is not None and edited.edited_message.message_id == asked.message.message_id
    assert edited.edited_message.edit_date is not None
    assert post.channel_post is not None and post.channel_post.chat.type == "channel"

    sent = await bot.send_message(5, "Pick one", reply_markup=keyboard(ASE="company:ASE"))
    update_id = server.user_presses("company:ASE", sent.message_id, chat_id=5, user_id=5)
    [press] = await bot.get_updates(offset=update_id)
    query = press.callback_query
    assert query is not None and query.data == "company:ASE"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.text == "Pick one"
    assert await bot.answer_callback_query(query.id, text="Done") is True
    with pytest.raises(BadRequest, match=bad("query is too old")):
        await bot.answer_callback_query(query.id)
    with pytest.raises(ValueError, match="no button"):
        server.user_presses("company:TSMC", sent.message_id, chat_id=5, user_id=5)


async def test_a_user_who_blocks_the_bot(bot: Bot, server: FakeTelegram) -> None:
    server.user_blocks(42)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(42, "still there?")
    [update] = await bot.get_updates()
    assert isinstance(update, Update) and update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    server.user_sends("/start", user_id=42)  # writing again unblocks the bot first
    assert (await bot.send_message(42, "welcome back")).text == "welcome back"


async def test_chat_actions_and_chats(bot: Bot) -> None:
    assert await bot.send_chat_action(42, "typing") is True
    with pytest.raises(BadRequest, match=bad("wrong parameter action")):
        await bot.send_chat_action(42, "juggling")
    assert (await bot.get_chat(42)).type == "private"
    assert (await bot.get_chat(-100777)).type == "supergroup"
    posted = await bot.send_message("@digest_news", "to a channel")
    assert posted.chat.type == "channel" and posted.chat.username == "digest_news"
    with pytest.raises(BadRequest, match=bad("chat not found")):
        await bot.send_message("not-a-chat", "x")


# ---- faults and flood control ----------------------------------------------------------------------


async def test_injected_faults(bot: Bot, server: FakeTelegram) -> None:
    server.fail_next("sendMessage", "429", retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(1, "hi")
    assert flood.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(1, "hi")  # the fault is used up

    server.fail_next("sendMessage", "403")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1, "hi")

    server.fail_next("sendMessage", "migrate", chat_id=-4242)
    await bot.send_message(-1, "another chat is not affected")
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-4242, "hi")
    assert migrated.value.new_chat_id == -1004242

    server.fail_next("getUpdates", "500", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.get_updates()
    assert await bot.get_updates() == ()
    with pytest.raises(ValueError):
        server.fail_next("sendMessage", "418")


async def test_flood_control_per_chat(bot: Bot, server: FakeTelegram) -> None:
    server.enforce_rate_limits(per_chat_per_second=1.0, global_per_second=30.0)
    refused = 0
    for n in range(3):
        try:
            await bot.send_message(1, f"quick {n}")
        except RetryAfter:
            refused += 1
    assert refused >= 1 and server.rate_limited == refused
    await bot.send_message(2, "another chat has its own budget")
    assert len(server.sent) == 3 - refused + 1


async def test_flood_control_overall(bot: Bot, server: FakeTelegram) -> None:
    server.enforce_rate_limits(per_chat_per_second=10.0, global_per_second=2.0)
    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(3, "c")
    assert server.rate_limited == 1


# ---- a whole Application over long polling -----------------------------------------------------------


async def test_an_application_answers_start_over_long_polling(server: FakeTelegram) -> None:
    async def start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(
            "<b>Welcome</b> to your digest", parse_mode=HTML, reply_markup=keyboard(Follow="follow:ASE")
        )

    async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer("Following")
        await query.edit_message_text(f"Following {query.data.split(':')[1]}")

    application = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(f"{server.base_url}/bot")
        .base_file_url(f"{server.base_url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        server.user_sends("/start", user_id=777)
        # the bot runs on this event loop: wait in a thread so it can answer
        [welcome] = await asyncio.to_thread(server.wait_for_messages, 1, 10.0, 777)
        assert welcome.text == "Welcome to your digest" and welcome.parse_mode == "HTML"
        server.user_presses("follow:ASE", welcome.message_id, chat_id=777, user_id=777)
        messages = await asyncio.to_thread(server.wait_for_messages, 2, 10.0, 777)
        assert (messages[1].method, messages[1].text, messages[1].reply_markup) == (
            "editMessageText",
            "Following ASE",
            None,
        )
        assert server.calls_to("answerCallbackQuery")[0]["text"] == "Following"
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    assert server.pending_updates == 0  # the updater confirmed what it handled
    assert [name for name, _ in server.calls][:2] == ["getMe", "deleteWebhook"]
