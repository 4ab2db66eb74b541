"""Whatever a user types after any command, and whatever callback data a button press carries, the
bot answers with a reply it can send (or, for a command addressed to another bot in a group, stays
silent), never a traceback; and that reply renders as Telegram HTML that Telegram accepts.

The alphabet is all of Unicode, lone surrogates (category Cs) included: Telegram never sends one,
but the terminal can, and the router answers them with a plain "could not read" reply."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from bot.commands.context import Chat
from bot.commands.router import ADMIN_COMMANDS, COMMANDS, handle_action, handle_text
from bot.console import CONSOLE_CHAT_ID
from bot.render.telegram_html import render_html
from bot.render.terminal import render_text
from bot.replies import Reply
from storage.db import Database
from tests.support.botapi import MAX_CALLBACK_DATA_BYTES, MAX_MESSAGE_LENGTH, parse_html, utf16_length

BOT = "digest_bot"
NAMES = [c.name for c in COMMANDS + ADMIN_COMMANDS]
CHATS = st.sampled_from([Chat(id=CONSOLE_CHAT_ID, admin=True), Chat(id=4242), Chat(id=-100123, admin=True)])

ANY_CHAR = st.characters()  # surrogates come rarely this way; TRICKY holds some for sure
TRICKY = st.sampled_from(
    [
        "<b>ASE</b>",
        "&amp; &lt; &#0; &#x110000; &",
        "</a><a href='javascript:alert(1)'>",
        "שלום עולם \u202e ASE \u202c مرحبا",  # Hebrew, an RTL override, Arabic
        "👩‍👩‍👧‍👦🇹🇼 ASE 🏳️‍🌈",  # joined emoji, flags
        "\x00\x1b[31m\x7f\u0085\u2028\u2029",
        "e\u0301\u0301\u0301\u0301",  # stacked combining marks
        "\ud83d ASE \udfff",  # lone surrogates, as a terminal can send them
        "ASE",
        "tsmc",
        "Taiwan Semiconducter",
        "Gina Raimondo",
        "08:00 Europe/Berlin",
        "weekly mon 25:61 Mars/Olympus",
        "22:00-07:00",
        "off",
        "20",
        "-1",
        "99999999999999999999999",
        '"quoted phrase" or -word',
        "http://127.0.0.1:9/feed.xml",  # /addsource: refused at once on loopback, never the internet
        "https://",
    ]
)
PIECE = st.one_of(
    st.text(ANY_CHAR, max_size=40), TRICKY, st.text(st.sampled_from("ASE TSMC<>&;#x\"'@/\n\t"), max_size=30)
)
ARGS = st.one_of(
    st.lists(PIECE, max_size=6).map(" ".join),
    st.text(ANY_CHAR, min_size=200, max_size=3000),  # past the 200-character cut
    st.builds(
        lambda word, n: word * n, st.sampled_from(["ASE", "a", "é", "🙂", "<"]), st.integers(100, 2000)
    ),
)
# "" (a private chat), this bot, another bot, or a garbled suffix that names no bot at all
OTHER_BOTS = ("@other_bot", "@x")
SUFFIX = st.sampled_from(["", f"@{BOT}", f"@{BOT.upper()}", *OTHER_BOTS, "@", "@@x", "@bot-name", "@ "])


def sendable(reply: Reply) -> None:
    """The reply renders as messages Telegram takes, and as terminal text."""
    messages = render_html(reply)
    assert messages, "a reply became no message at all"
    for message in messages:
        visible, _ = parse_html(message.html)  # raises on HTML Telegram would refuse
        assert 0 < utf16_length(visible.strip()) <= MAX_MESSAGE_LENGTH
        for row in message.keyboard or []:
            for button in row:
                if "callback_data" in button:
                    assert 1 <= len(button["callback_data"].encode()) <= MAX_CALLBACK_DATA_BYTES
    render_text(reply)


def answer(store: Database, chat: Chat, text: str) -> Reply | None:
    """The reply as the bot composes it; the unit of work is rolled back so every example meets the
    same store."""
    with Session(store.engine) as session:
        try:
            return handle_text(session, chat, text, bot_username=BOT)
        finally:
            session.rollback()


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15)
@given(suffix=SUFFIX, args=ARGS, chat=CHATS)
def test_every_command_answers_any_arguments(store: Database, name: str, suffix: str, args: str, chat: Chat):
    reply = answer(store, chat, f"/{name}{suffix} {args}")
    if suffix in OTHER_BOTS:
        assert reply is None  # a command for another bot in the group is not ours to answer
    else:
        assert isinstance(reply, Reply)
        sendable(reply)


@settings(max_examples=60)
@given(text=st.one_of(ARGS, st.text(ANY_CHAR, max_size=100).map(lambda t: "/" + t)), chat=CHATS)
def test_any_message_gets_an_answer(store: Database, text: str, chat: Chat):
    reply = answer(store, chat, text)
    if reply is not None:  # only a command addressed to another bot is ignored
        sendable(reply)


ACTION = st.one_of(
    st.text(ANY_CHAR, max_size=64),
    st.builds(
        "{}:{}".format,
        st.sampled_from(["co", "cq", "fo", "uf", "set", "start", "", "xx"]),
        st.one_of(st.text(ANY_CHAR, max_size=40), st.integers(-5, 10**20).map(str), TRICKY),
    ),
    st.builds("co:{}:{}".format, st.integers(-1, 10**12), st.integers(-1, 10**12)),
    st.builds(
        "set:{}".format, st.sampled_from(["sub", "unsub", "-1", "+1", "weekly", "daily", "empty"])
    ).flatmap(lambda base: st.builds(lambda rest: base + rest, st.text(ANY_CHAR, max_size=20))),
)


@settings(max_examples=150)
@given(action=ACTION, chat=CHATS)
def test_any_button_press_gets_an_answer(store: Database, action: str, chat: Chat):
    with Session(store.engine) as session:
        try:
            reply = handle_action(session, chat, action)
        finally:
            session.rollback()
    assert isinstance(reply, Reply)
    sendable(reply)
