"""The same conversation in a terminal: you are one chat. Commands and text go through the same
router as Telegram's; buttons are shown as numbered choices, and typing the number presses one.

`Terminal` is the one writer of a terminal that `digestbot run` shares between the conversation and
what the bot prints on its own (log lines, ingest summaries, digests and alerts that fall due): while
the prompt waits for a line, such output clears the prompt line, is printed on lines of its own, and
the prompt is drawn again with what was typed so far. Line editing is GNU readline's when Python has it.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any, TextIO

try:
    import termios
except ImportError:  # not a Unix: no terminal mode to keep
    termios = None  # type: ignore[assignment]

from sqlalchemy.exc import OperationalError

from bot.commands.router import Chat, handle_action, handle_text
from bot.render.terminal import choices, render_text
from bot.replies import Reply
from storage.db import Database, driver_message

log = logging.getLogger(__name__)

PROMPT = "digestbot> "
CONSOLE_CHAT_ID = 0  # the terminal is one chat; its subscription lives under this id
GREETING = "Type a command (/help lists them) or a company name; a number presses a button; Ctrl-D leaves."
NO_DATABASE = "The database cannot be reached right now; try again in a moment."


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
            try:
                reply = self.answer(line)
            except OperationalError as exc:  # gone away (restarted, unreachable): the next line may work
                log.warning("the database is unavailable (%s)", driver_message(exc))
                self.write(NO_DATABASE)
                continue
            self.show(reply)


CLEAR_LINE = "\r\x1b[K"  # back to column 0, erase to the end of the line
DRAW_SECONDS = 0.5  # the longest output waits for readline to draw a prompt


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):  # closed or detached
        return False


class Terminal:
    """One screen, written from any thread, with at most one prompt waiting on it (see the module)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._pending: str | None = None  # the prompt `read` asked for, not on screen yet
        self._prompt: str | None = None  # the prompt on screen, waiting for a line
        self._closed = False
        self._readline: ModuleType | None = None
        self._saved_mode: list[Any] | None = None

    def start_input(self) -> None:
        """Before the first `read`, in the main thread: keep the terminal's mode, so `close` can put it
        back whatever line editing left half-done, and turn on line editing (`input` uses readline
        only when both stdin and stdout are the terminal)."""
        self._saved_mode = None
        if termios is not None:
            with contextlib.suppress(termios.error, OSError, ValueError):
                self._saved_mode = termios.tcgetattr(sys.stdin.fileno())
        if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
            return
        try:
            import readline
        except ImportError:
            return
        # Bracketed paste would stay on in the terminal if the bot stopped in the middle of a line.
        readline.parse_and_bind("set enable-bracketed-paste off")
        readline.set_pre_input_hook(self._prompt_shown)
        self._readline = readline

    @property
    def _screen(self) -> TextIO:
        """Where `input` draws the prompt: stdout, but stderr for Python's plain terminal reader."""
        plain = self._readline is None and _is_terminal(sys.stdin) and _is_terminal(sys.stdout)
        return sys.stderr if plain else sys.stdout

    def _prompt_shown(self) -> None:
        """readline's pre-input hook: the prompt is on screen now."""
        with self._lock:
            if not self._closed:
                self._prompt = self._pending
            self._pending = None
            self._lock.notify_all()

    def read(self, prompt: str) -> str:
        """A line typed at `prompt` (EOFError on Ctrl-D), as `input` reads it."""
        with self._lock:
            if self._readline is None:  # no hook tells when it is drawn: count it drawn now
                self._prompt = None if self._closed else prompt
            else:  # output waits (briefly) while readline draws it
                self._pending = prompt
        try:
            return input(prompt)
        finally:
            with self._lock:
                self._pending = self._prompt = None
                self._lock.notify_all()

    def write(self, text: str, *, err: bool = False) -> None:
        """`text` on lines of its own (stdout, or stderr with `err`), above the prompt if one is waiting."""
        stream = sys.stderr if err else sys.stdout
        with self._lock:
            self._lock.wait_for(lambda: self._pending is None, timeout=DRAW_SECONDS)
            prompt, screen = self._prompt, self._screen
            if prompt is None or not (_is_terminal(stream) and _is_terminal(screen)):
                stream.write(text + "\n")
                stream.flush()
                return
            # One write when the text goes where the prompt is: a key typed meanwhile is echoed after
            # the prompt, not between the text and it.
            typed = self._readline.get_line_buffer() if self._readline is not None else ""
            if stream is screen:
                screen.write(CLEAR_LINE + text + "\n" + prompt + typed)
                screen.flush()
                return
            screen.write(CLEAR_LINE)
            screen.flush()
            stream.write(text + "\n")
            stream.flush()
            screen.write(prompt + typed)
            screen.flush()

    def error(self, text: str) -> None:
        self.write(text, err=True)

    def close(self) -> None:
        """No prompt waits any more: end its line and put the terminal's mode back as it was."""
        with self._lock:
            self._closed = True
            if self._prompt is not None:
                self._screen.write("\n")
                self._screen.flush()
            self._pending = self._prompt = None
            self._lock.notify_all()
            if termios is not None and self._saved_mode is not None:
                with contextlib.suppress(termios.error, OSError, ValueError):
                    termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved_mode)
