"""Sending prepared messages through the Bot API, below Telegram's limits.

Pacing: about 30 messages a second overall and one a second per chat are Telegram's limits. The
outbox spaces messages evenly at `per_second` (28 by default, leaving room for the bot's replies to
commands) with no bursts, and sends to one chat one message at a time, each a second after the
previous one was answered (so they arrive at least a second apart, whatever the network's jitter).
A 429 pauses every sender for its `retry_after`, then the message is tried again; network errors and
5xx are retried with exponential back-off (tenacity); Forbidden, a missing chat and group migrations
are reported to the dispatcher. `sleep` serves the waits Telegram and back-off ask for, so tests can
note them instead of sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.delivery.outbox import ChatGone, ChatMoved, Message, Refused, Unreachable
from bot.render.telegram_html import TelegramMessage, render_html
from bot.replies import Reply
from bot.telegram.client import send_rendered

log = logging.getLogger(__name__)

PER_SECOND = 28.0
PER_CHAT_SECONDS = 1.0
NETWORK_ATTEMPTS = 4  # back-off 0.5, 1, 2 s between them
FLOOD_WAITS = 5  # 429s obeyed for one message before it is left for the next dispatch
GONE = ("chat not found", "user not found", "chat_write_forbidden", "have no rights to send")
KEPT_CHATS = 4096  # chats whose last send is remembered for pacing


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int today, a timedelta from python-telegram-bot 23: either works
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramOutbox:
    def __init__(
        self,
        bot: Bot,
        *,
        per_second: float = PER_SECOND,
        per_chat_seconds: float = PER_CHAT_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.sleep = sleep
        self._overall = _Pacer(per_second)
        self._per_chat_seconds = per_chat_seconds
        self._chats: OrderedDict[int, _ChatPace] = OrderedDict()
        self._resume = asyncio.Event()
        self._resume.set()
        self.flood_waits = 0  # 429s received
        self.network_retries = 0

    def render(self, reply: Reply) -> list[Message]:
        return [asdict(m) for m in render_html(reply)]

    async def send(self, chat_id: int, message: Message, ready: Callable[[], Awaitable[None]]) -> None:
        pace = self._chat_pace(chat_id)
        async with pace.lock:  # one message at a time per chat, a second after the last one ended
            delay = pace.ready_at - asyncio.get_running_loop().time()
            if delay > 0:
                await asyncio.sleep(delay)
            await ready()  # before the overall pacing, so a message let through goes out in its slot
            try:
                await self._send_obeying_flood_control(chat_id, message)
            finally:
                pace.ready_at = asyncio.get_running_loop().time() + self._per_chat_seconds

    async def _send_obeying_flood_control(self, chat_id: int, message: Message) -> None:
        for _ in range(FLOOD_WAITS + 1):
            await self._resume.wait()
            await self._overall.wait()
            try:
                await self._send_retrying(chat_id, message)
                return
            except RetryAfter as exc:
                await self._pause(retry_after_seconds(exc))
            except Forbidden as exc:
                raise ChatGone(exc.message) from exc
            except ChatMigrated as exc:
                raise ChatMoved(exc.new_chat_id) from exc
            except BadRequest as exc:
                if any(words in exc.message.lower() for words in GONE):
                    raise ChatGone(exc.message) from exc
                raise Refused(exc.message) from exc
            except NetworkError as exc:
                raise Unreachable(exc.message) from exc
            except TelegramError as exc:
                raise Refused(exc.message) from exc
        raise Unreachable(f"flood control: still refused after {FLOOD_WAITS} waits")

    async def _send_retrying(self, chat_id: int, message: Message) -> None:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(NETWORK_ATTEMPTS),
            wait=wait_exponential(multiplier=0.5, max=8),
            sleep=self.sleep,
            reraise=True,
        ):
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    self.network_retries += 1
                await send_rendered(self.bot, chat_id, TelegramMessage(**message))

    async def _pause(self, seconds: float) -> None:
        """Flood control is per bot: every sender waits, then this one tries again."""
        self.flood_waits += 1
        log.warning("Telegram asked to slow down: pausing sends for %.0f s", seconds)
        if self._resume.is_set():
            self._resume.clear()
            try:
                await self.sleep(seconds)
            finally:
                self._resume.set()
        else:
            await self._resume.wait()

    def _chat_pace(self, chat_id: int) -> _ChatPace:
        pace = self._chats.pop(chat_id, None) or _ChatPace()
        self._chats[chat_id] = pace
        while len(self._chats) > KEPT_CHATS:
            self._chats.popitem(last=False)
        return pace


@dataclass
class _ChatPace:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready_at: float = 0.0  # event-loop time from which the chat may get its next message


class _Pacer:
    """Evenly spaced send slots, `per_second` of them a second, each taken by one sender.

    A sender that wakes late for its slot does not push the later slots back (a leaky bucket of size
    one, such as aiolimiter's, does: every late wake-up is lost and the rate sags below the target),
    and after a quiet spell no backlog of slots is left to burst through: a slot is never more than one
    interval in the past."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1 / per_second
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            slot = max(self._next, now - self.interval)
            self._next = slot + self.interval
            if slot <= now:
                return
            await asyncio.sleep(slot - now)
            if loop.time() - slot <= self.interval:
                return
            # Woken far too late (a long garbage collection, a busy loop): every sender whose slot
            # fell in the stall would go at once. Take a fresh slot instead.
