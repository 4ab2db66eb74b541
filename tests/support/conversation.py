"""Talking to the bot's command logic directly, the way both transports (Telegram and the terminal)
do: a line in, the reply as the terminal shows it, checked to render for Telegram too. Each call is
one database session, as each message is in the bot; `scripted` types lines into `Console.run`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.commands.context import Chat
from bot.commands.router import handle_action, handle_text
from bot.render.telegram_html import render_html
from bot.render.terminal import render_text
from bot.replies import Reply
from storage.db import Database


def ask(db: Database, text: str, chat: Chat) -> Reply:
    """The reply to `text` sent in `chat`; it must come (a command for another bot gets none)."""
    with db.session() as session:
        reply = handle_text(session, chat, text)
    assert reply is not None, f"no reply to {text!r}"
    return reply


def say(db: Database, text: str, chat: Chat) -> str:
    """The reply to `text` sent in `chat`, as the terminal shows it; it must come, and render for
    Telegram too."""
    reply = ask(db, text, chat)
    render_html(reply)  # Telegram would take it too
    return render_text(reply)


def press(db: Database, action: str, chat: Chat) -> str:
    """The reply to pressing the button with `action` in `chat`, as the terminal shows it."""
    with db.session() as session:
        return render_text(handle_action(session, chat, action))


def scripted(lines: Iterable[str]) -> Callable[[str], str]:
    """A `read(prompt)` for `Console.run(read=...)`: each of `lines` in turn, then EOFError (Ctrl-D)."""
    pending = iter(lines)

    def read(_prompt: str) -> str:
        try:
            return next(pending)
        except StopIteration:
            raise EOFError from None

    return read
