"""A program under a pseudo-terminal, as a person at a terminal runs it: its stdin, stdout and stderr
are the pty, it is the foreground process group (so ^C typed into the pty is SIGINT), and what it
writes is replayed onto a small screen model, so a test can ask what the person sees line by line.

The screen model knows what line-oriented programs write: printable text, CR, LF, backspace, erase to
end of line (ESC [ K) and cursor left/right (ESC [ n D / C); other escape sequences are ignored."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence
from pathlib import Path

_ESCAPE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z~])|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
ROWS, COLUMNS = 50, 250  # wide enough that no line the tests look at wraps


def screen_lines(output: str) -> list[str]:
    """The lines the terminal shows after `output` (no wrapping: lines are never wider than COLUMNS)."""
    lines: list[list[str]] = [[]]
    col = 0
    position = 0
    while position < len(output):
        match = _ESCAPE.match(output, position)
        if match:
            position = match.end()
            argument, command = match.group(1) or "", match.group(2)
            count = int(argument) if argument.isdigit() else 1
            if command == "K":
                del lines[-1][col:]
            elif command == "D":
                col = max(0, col - count)
            elif command == "C":
                col += count
            continue
        char = output[position]
        position += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            lines.append([])
            col = 0
        elif char == "\b":
            col = max(0, col - 1)
        elif char == "\x07" or char == "\x1b":
            continue
        else:
            line = lines[-1]
            while len(line) < col:
                line.append(" ")
            if col < len(line):
                line[col] = char
            else:
                line.append(char)
            col += 1
    return ["".join(line).rstrip() for line in lines]


class PtySession:
    """`argv` started under a new pseudo-terminal; `output` is everything it wrote so far."""

    def __init__(self, argv: Sequence[str], *, env: dict[str, str], cwd: Path) -> None:
        self.raw = b""
        self.returncode: int | None = None
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal and stdin/stdout/stderr
            try:
                os.chdir(cwd)
                os.execve(argv[0], list(argv), {**env, "TERM": env.get("TERM", "xterm")})
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))

    @property
    def output(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    @property
    def screen(self) -> list[str]:
        return screen_lines(self.output)

    def _pump(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the program closed the terminal."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: every copy of the pty's other side is closed
            return False
        self.raw += data
        return bool(data)

    def wait_for(self, text: str, timeout: float = 60.0, *, start: int = 0) -> int:
        """Wait until `text` appears in the output after offset `start`; its offset."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(text, start)) < 0:
            self.poll()
            if time.monotonic() > deadline or (not self._pump(0.05) and self.returncode is not None):
                raise AssertionError(
                    f"never saw {text!r} in {timeout}s; the screen:\n" + "\n".join(self.screen)
                )
        return found

    def settle(self, quiet: float = 0.5, timeout: float = 30.0) -> list[str]:
        """The screen once nothing more came for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.raw)
            end = time.monotonic() + quiet
            while time.monotonic() < end and self._pump(0.05):
                pass
            if len(self.raw) == before:
                break
        return self.screen

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode("utf-8"))

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int | None:
        """The exit code (negative: killed by that signal), or None if still running after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            self._pump(0.05)
        while self.returncode is not None and self._pump(0.05):
            pass  # what it wrote last
        return self.returncode

    def close(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)
