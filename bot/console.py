"""The same conversation in a terminal: you are one chat. Commands and text go through the same
router as Telegram's; buttons are shown as numbered choices, and typing the number presses one."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands.router import Chat, handle_action, handle_text
from bot.render.terminal import choices, render_text
from bot.replies import Reply
from storage.db import Database

PROMPT = "digestbot> "
CONSOLE_CHAT_ID = 0  # the terminal is one chat; its subscription lives under this id
GREETING = "Type a command (/help lists them) or a company name; a number presses a button; Ctrl-D leaves."


class Console:
    def __init__(self, db: Database, chat: Chat | None = None, write: Callable[[str], None] = print) -> None:
        self.db = db
        self.chat = chat or Chat(id=CONSOLE_CHAT_ID, admin=True)
        self.write = write
        self.actions: list[str] = []

    def answer(self, line: str) -> Reply | None:
        line = line.strip()
        if not line:
            return None
        with self.db.session() as session:
            if line.isdigit() and 1 <= int(line) <= len(self.actions):
                return handle_action(session, self.chat, self.actions[int(line) - 1])
            return handle_text(session, self.chat, line)

    def show(self, reply: Reply | None) -> None:
        if reply is None:
            return
        self.actions = choices(reply)
        self.write(render_text(reply))

    def run(self, read: Callable[[str], str] = input) -> None:
        self.write(GREETING)
        while True:
            try:
                line = read(PROMPT)
            except EOFError:
                return
            self.show(self.answer(line))
