"""Building the python-telegram-bot Application: handlers, error handler, AIORateLimiter, the command
menu, on the Bot API endpoints of `bot.telegram.client`. Handlers only translate: text and button
presses go to `bot.commands.router`, Replies come back rendered by `bot.render.telegram_html`. What
the handlers share (the store, the guards below, the admins, a new chat's defaults) is one
`BotServices`, the Application's bot_data, and handlers are typed with `BotContext`.

Messages and button presses pass one per-user `FloodGuard`. In a group, for a message or button that
would change the chat (`changes_chat`, `action_changes_chat`), the sender's role is asked of Telegram
(getChatMember, cached per chat and user for `ROLE_CACHE_SECONDS`) and given to the router as
`Chat.may_change`, which refuses members who are not the group's admins."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from sqlalchemy.orm import Session
from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.commands.context import Chat
from bot.commands.router import (
    ADMIN_COMMANDS,
    COMMANDS,
    action_changes_chat,
    changes_chat,
    handle_action,
    handle_text,
)
from bot.render.telegram_html import render_html
from bot.replies import Reply
from bot.telegram.client import endpoints, send_rendered
from storage.db import Database

log = logging.getLogger(__name__)

FLOOD_LIMIT = 20  # commands per user per minute before a polite "slow down"
FLOOD_WINDOW = 60.0
SLOW_DOWN = "Slow down: you are pressing buttons faster than I can answer. Please wait a minute."
ROLE_CACHE_SECONDS = 300.0  # how long a group member's role (admin or not) is trusted without asking again
_ROLES_KEPT = 10_000
_GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
_GROUP_ADMIN = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)  # "creator", "administrator"


class FloodGuard:
    """A per-user sliding window; the first refused command gets a polite reply, the rest none."""

    def __init__(self, limit: int = FLOOD_LIMIT, window: float = FLOOD_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()

    def check(self, user_id: int, now: float | None = None) -> str:
        """ "ok", "warn" (refuse, say so once) or "drop"."""
        now = time.monotonic() if now is None else now
        seen = self._seen[user_id]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._warned.discard(user_id)
            return "ok"
        if user_id in self._warned:
            return "drop"
        self._warned.add(user_id)
        return "warn"


class GroupRoles:
    """Whether a user administers a group, from getChatMember, remembered briefly per (chat, user):
    a burst of commands asks Telegram once, and a demoted admin loses the right within minutes."""

    def __init__(self, ttl: float = ROLE_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._known: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        known = self._known.get((chat_id, user_id))
        if known is not None and known[0] > now:
            return known[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:  # not remembered: the next command asks again
            log.warning("could not look up a member of chat %s: %s", chat_id, exc)
            return False
        admin = member.status in _GROUP_ADMIN
        if len(self._known) >= _ROLES_KEPT:  # forget the expired ones now and then
            self._known = {key: seen for key, seen in self._known.items() if seen[0] > now}
        self._known[(chat_id, user_id)] = (now + self.ttl, admin)
        return admin


class BotServices:
    """What every handler of one Application shares: its `bot_data`. python-telegram-bot creates it
    with no arguments (ContextTypes(bot_data=BotServices)), so it starts with fresh guards, no
    admins and the plain defaults; `build_application` then gives it the store and the settings."""

    def __init__(self) -> None:
        self.flood = FloodGuard()  # one guard for messages and button presses
        self.roles = GroupRoles()
        self.admins: frozenset[int] = frozenset()
        self.chat_defaults = Chat(id=0)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("BotServices.db was never set (build_application sets it)")
        return self._db

    @db.setter
    def db(self, db: Database) -> None:
        self._db = db


# ExtBot[Any] and Any (the job queue, unused): ApplicationBuilder's types with a rate limiter are loose.
BotContext: TypeAlias = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotServices]
BotApplication: TypeAlias = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], BotServices, Any
]
CONTEXT_TYPES = ContextTypes(bot_data=BotServices)


async def _chat(context: BotContext, chat_id: int, *, chat_type: str, user_id: int, changes: bool) -> Chat:
    """The router's Chat. For a group message or button that changes the chat, whether the sender
    is one of the group's admins (asked only then); private chats may always change their own."""
    services = context.bot_data
    defaults = services.chat_defaults
    may_change = True
    if changes and chat_type in _GROUPS:
        may_change = await services.roles.is_admin(context.bot, chat_id, user_id)
    return Chat(
        id=chat_id,
        admin=chat_id in services.admins,
        may_change=may_change,
        default_time=defaults.default_time,
        default_zone=defaults.default_zone,
    )


def build_application(
    token: str,
    base_url: str,
    db: Database,
    *,
    admins: frozenset[int] = frozenset(),
    defaults: Chat | None = None,
) -> BotApplication:
    # The builder makes the bot (rather than make_bot): it gives it the Application's connection
    # pools (256 for requests, one for getUpdates) and the rate limiter; the endpoints are the client's.
    api = endpoints(base_url)
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    services = application.bot_data
    services.db = db
    services.admins = admins
    services.chat_defaults = defaults or Chat(id=0)
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.ChatType.CHANNEL, _on_message)
    )
    application.add_handler(CallbackQueryHandler(_on_button))
    application.add_error_handler(_on_error)
    return application


async def _start(application: BotApplication) -> None:
    await application.start()
    try:
        await application.bot.set_my_commands([BotCommand(c.name, c.description) for c in COMMANDS])
        admin_menu = [BotCommand(c.name, c.description) for c in COMMANDS + ADMIN_COMMANDS]
        for chat_id in application.bot_data.admins:
            await application.bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # a self-hosted server may lack optional methods
        log.warning("could not set the command menu: %s", exc)


async def start_polling(
    application: BotApplication, *, timeout: int = 10, poll_interval: float = 0.0
) -> None:
    """Start an initialized Application: the command menu, then long polling."""
    await _start(application)
    assert application.updater is not None
    await application.updater.start_polling(timeout=timeout, poll_interval=poll_interval)


async def start_webhook(
    application: BotApplication, *, url: str, listen: str, port: int, secret: str
) -> None:
    """Start an initialized Application that Telegram calls at `url` (served on listen:port). Telegram
    sends `secret` with every call (setWebhook's secret_token); python-telegram-bot answers 403 to a
    request without it, so nobody else can post updates (a forged one from an admin chat, say)."""
    await _start(application)
    assert application.updater is not None
    await application.updater.start_webhook(
        listen=listen,
        port=port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret,
    )


async def stop_polling(application: BotApplication) -> None:
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()


def _session_reply(db: Database, work: Callable[[Session], Reply | None]) -> Reply | None:
    with db.session() as session:
        return work(session)


async def _on_message(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.text is None or update.effective_user is None:
        return
    verdict = context.bot_data.flood.check(update.effective_user.id)
    if verdict == "drop":
        return
    if verdict == "warn":
        await message.reply_text("You are sending commands faster than I can answer. Please wait a minute.")
        return
    db = context.bot_data.db
    username = context.bot.username
    text = message.text
    chat = await _chat(
        context,
        message.chat_id,
        chat_type=message.chat.type,
        user_id=update.effective_user.id,
        changes=changes_chat(text, bot_username=username),
    )
    reply = await asyncio.to_thread(
        _session_reply, db, lambda s: handle_text(s, chat, text, bot_username=username)
    )
    if reply is not None:
        await send_reply(context, message.chat_id, reply)


async def _on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    if context.bot_data.flood.check(query.from_user.id) != "ok":
        await query.answer(SLOW_DOWN)  # every press is answered (the button stops spinning); none acted on
        return
    await query.answer()
    db = context.bot_data.db
    action = query.data
    chat = await _chat(
        context,
        query.message.chat.id if query.message else query.from_user.id,
        chat_type=query.message.chat.type if query.message else ChatType.PRIVATE,
        user_id=query.from_user.id,
        changes=action_changes_chat(action),
    )
    reply = await asyncio.to_thread(_session_reply, db, lambda s: handle_action(s, chat, action))
    if reply is not None and query.message is not None:
        await send_reply(context, query.message.chat.id, reply)


async def send_reply(context: BotContext, chat_id: int, reply: Reply) -> None:
    for message in render_html(reply):
        await send_rendered(context.bot, chat_id, message)


async def _on_error(update: object, context: BotContext) -> None:
    log.error("while handling an update: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                update.effective_chat.id, "Something went wrong on my side; please try again."
            )
