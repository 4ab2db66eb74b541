"""Building the python-telegram-bot Application: handlers, error handler, AIORateLimiter, the command
menu, and a self-hosted Bot API root (`TELEGRAM_BASE_URL`). Handlers only translate: text and
button presses go to `bot.commands.router`, Replies come back rendered by `bot.render.telegram_html`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy.orm import Session
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.commands.router import ADMIN_COMMANDS, COMMANDS, Chat, handle_action, handle_text
from bot.render.telegram_html import TelegramMessage, render_html
from bot.replies import Reply
from storage.db import Database

log = logging.getLogger(__name__)

FLOOD_LIMIT = 20  # commands per user per minute before a polite "slow down"
FLOOD_WINDOW = 60.0


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


def _chat(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> Chat:
    defaults: Chat = context.bot_data["chat_defaults"]
    return Chat(
        id=chat_id,
        admin=chat_id in context.bot_data["admins"],
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
) -> Application:
    root = base_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    application.bot_data["db"] = db
    application.bot_data["flood"] = FloodGuard()
    application.bot_data["admins"] = admins
    application.bot_data["chat_defaults"] = defaults or Chat(id=0)
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.ChatType.CHANNEL, _on_message)
    )
    application.add_handler(CallbackQueryHandler(_on_button))
    application.add_error_handler(_on_error)
    return application


async def _start(application: Application) -> None:
    await application.start()
    try:
        await application.bot.set_my_commands([BotCommand(c.name, c.description) for c in COMMANDS])
        admin_menu = [BotCommand(c.name, c.description) for c in COMMANDS + ADMIN_COMMANDS]
        for chat_id in application.bot_data["admins"]:
            await application.bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # a self-hosted server may lack optional methods
        log.warning("could not set the command menu: %s", exc)


async def start_polling(application: Application, *, timeout: int = 10, poll_interval: float = 0.0) -> None:
    """Start an initialized Application: the command menu, then long polling."""
    await _start(application)
    assert application.updater is not None
    await application.updater.start_polling(timeout=timeout, poll_interval=poll_interval)


async def start_webhook(
    application: Application, *, url: str, listen: str, port: int, secret: str | None = None
) -> None:
    """Start an initialized Application that Telegram calls at `url` (served on listen:port)."""
    await _start(application)
    assert application.updater is not None
    await application.updater.start_webhook(
        listen=listen,
        port=port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret,
    )


async def stop_polling(application: Application) -> None:
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()


def _session_reply(db: Database, work: Callable[[Session], Reply | None]) -> Reply | None:
    with db.session() as session:
        return work(session)


async def _on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None or update.effective_user is None:
        return
    verdict = context.bot_data["flood"].check(update.effective_user.id)
    if verdict == "drop":
        return
    if verdict == "warn":
        await message.reply_text("You are sending commands faster than I can answer. Please wait a minute.")
        return
    db: Database = context.bot_data["db"]
    username = context.bot.username
    reply = await asyncio.to_thread(
        _session_reply,
        db,
        lambda s: handle_text(s, _chat(context, message.chat_id), message.text, bot_username=username),
    )
    if reply is not None:
        await send_reply(context, message.chat_id, reply)


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    db: Database = context.bot_data["db"]
    chat = _chat(context, query.message.chat.id if query.message else query.from_user.id)
    reply = await asyncio.to_thread(_session_reply, db, lambda s: handle_action(s, chat, query.data))
    if reply is not None and query.message is not None:
        await send_reply(context, query.message.chat.id, reply)


async def send_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    for message in render_html(reply):
        await send_rendered(context.bot, chat_id, message)


async def send_rendered(bot: Bot, chat_id: int, message: TelegramMessage) -> None:
    """One rendered message: HTML, its inline keyboard, and the link-preview switch."""
    keyboard = None
    if message.keyboard:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(**button) for button in row] for row in message.keyboard]
        )
    await bot.send_message(
        chat_id,
        message.html,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        link_preview_options=LinkPreviewOptions(is_disabled=message.disable_preview),
    )


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("while handling an update: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                update.effective_chat.id, "Something went wrong on my side; please try again."
            )
