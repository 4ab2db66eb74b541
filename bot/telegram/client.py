"""The Bot API client: where its endpoints are, a Bot made from the token and `TELEGRAM_BASE_URL`, and
sending one rendered message. The only module that knows the endpoint layout, so the Application
(`bot.telegram.app`) and the outbox (`bot.delivery.telegram`) talk to the same server; it loads no
command handler, so sending a digest does not load the conversation.

The outbox keeps a Bot of its own beside the Application's: the Application's bot has
python-telegram-bot's AIORateLimiter, which waits out a 429 and tries again by itself, while the
outbox paces its sends, obeys and counts every 429 (`TelegramOutbox.flood_waits`) and decides when a
message is left for the next dispatch. Behind that limiter, the outbox would see no 429 and its
pacing would be doubled by the limiter's."""

from __future__ import annotations

from typing import NamedTuple

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from bot.render.telegram_html import TelegramMessage


class Endpoints(NamedTuple):
    """Where the Bot API methods and files of one server are (the token is appended to each)."""

    base_url: str
    base_file_url: str


def endpoints(base_url: str) -> Endpoints:
    """The endpoints under a Bot API root: Telegram's own (https://api.telegram.org) or a
    self-hosted server's."""
    root = base_url.rstrip("/")
    return Endpoints(base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")


def make_bot(token: str, base_url: str) -> Bot:
    """A Bot API client for `token` on the server at `base_url`; not connected yet (initialize)."""
    api = endpoints(base_url)
    return Bot(token, base_url=api.base_url, base_file_url=api.base_file_url)


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
