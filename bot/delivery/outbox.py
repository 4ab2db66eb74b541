"""What the dispatcher needs from a transport, and how a send can fail.

An outbox renders a reply into the messages stored in the delivery ledger (plain JSON-able dicts, so
a restart sends exactly what was prepared) and sends one of them. It paces and retries on its own;
what it raises tells the dispatcher what to do with the subscriber."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.replies import Reply

Message = dict[str, Any]


class Outbox(Protocol):
    def render(self, reply: Reply) -> list[Message]: ...

    async def send(self, chat_id: int, message: Message, ready: Callable[[], Awaitable[None]]) -> None:
        """Returns once the transport accepted the message. `ready` is awaited once, after any wait
        for the chat, right before the message goes out (the dispatcher uses it to bound how many
        messages are on their way at once)."""


class DeliveryError(Exception):
    """A message that could not be sent."""


class ChatGone(DeliveryError):
    """The chat cannot be reached any more (bot blocked or kicked, user deactivated, chat deleted)."""


class ChatMoved(DeliveryError):
    """A group became a supergroup with a new id; send there instead."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"the chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Refused(DeliveryError):
    """The transport refused this message for good (it would refuse it again)."""


class Unreachable(DeliveryError):
    """The transport failed for now (network, server errors) after the outbox's own retries."""
