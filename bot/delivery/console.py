"""The terminal as a transport: digests and alerts that fall due are printed for the one chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.delivery.outbox import Message
from bot.render.terminal import render_text
from bot.replies import Reply


class ConsoleOutbox:
    def __init__(self, write: Callable[[str], None] = print) -> None:
        self.write = write

    def render(self, reply: Reply) -> list[Message]:
        return [{"text": render_text(reply)}]

    async def send(self, chat_id: int, message: Message, ready: Callable[[], Awaitable[None]]) -> None:
        await ready()
        self.write("\n" + message["text"])
