"""A Bot API server that is not there yet when `digestbot run` starts is waited for: one line each
try, with back-off, no traceback and no token; the sources are fetched meanwhile; once the server
comes up the bot connects and answers. Stopping it while it waits (SIGTERM, as a service manager
does) ends it at once, exit 0. The real `python -m bot run`; the server is the local Bot API server,
started late on the port the bot was given."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.botapi import DEFAULT_TOKEN, FakeTelegram
from tests.support.process import ROOT, BotProcess, bot_env

SEED_TITLE = "ASE Technology Considers U.S. Investment"
RETRY = re.compile(
    r"^\S+ \S+ WARNING digestbot: Telegram Bot API at (?P<url>\S+) not reachable \(connection refused\); "
    r"trying again in (?P<seconds>\d+) s$"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def retry_lines(bot: BotProcess) -> list[re.Match[str]]:
    return [m for line in bot.output().splitlines() if (m := RETRY.match(line))]


def start_without_a_server(tmp_path: Path, seeds: Path) -> tuple[BotProcess, int]:
    port = free_port()  # nothing listens there (yet)
    bot = BotProcess(
        tmp_path, bot_env(f"http://127.0.0.1:{port}", f"sqlite:///{tmp_path}/store.sqlite3", seeds)
    )
    bot.start()
    return bot, port


def test_a_bot_api_server_that_comes_up_late_is_waited_for_and_then_used(tmp_path: Path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    bot, port = start_without_a_server(tmp_path, tmp_path / "seeds")
    server: FakeTelegram | None = None
    try:
        bot.wait_for("second retry line", lambda: len(retry_lines(bot)) >= 2)
        # Meanwhile the scheduler runs: the seed article is read (and its facts extracted).
        bot.wait_for("seed article ingested", lambda: SEED_TITLE in bot.output())
        server = FakeTelegram(port=port).start()
        bot.wait_for("connection", lambda: "Connected to Telegram as @digest_test_bot" in bot.output())
        server.user_sends("/start", user_id=1001)
        (reply,) = server.wait_for_messages(1, 30.0, 1001, method="sendMessage")
        assert "/company" in reply.text
        assert bot.stop() == 0
    finally:
        bot.ensure_dead()
        if server is not None:
            server.stop()
    output = bot.output()
    tries = retry_lines(bot)
    assert {m["url"] for m in tries} == {f"http://127.0.0.1:{port}"}
    waits = [int(m["seconds"]) for m in tries]
    assert waits == sorted(waits) and waits[:2] == [1, 2], "exponential back-off"
    assert "Traceback" not in output
    assert DEFAULT_TOKEN not in output and DEFAULT_TOKEN.split(":")[1] not in output


@pytest.mark.long
def test_sigterm_while_waiting_for_the_bot_api_server_stops_the_bot_at_once(tmp_path: Path):
    bot, _port = start_without_a_server(tmp_path, tmp_path / "none")
    try:
        bot.wait_for("a 16 s wait", lambda: any(m["seconds"] == "16" for m in retry_lines(bot)))
        assert bot.process is not None
        bot.process.send_signal(signal.SIGTERM)
        try:
            code = bot.process.wait(timeout=10)  # well inside the 16 s it was waiting
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running 10 s after SIGTERM:\n{bot.output()}") from None
    finally:
        bot.ensure_dead()
    assert code == 0
    assert bot.output().rstrip().endswith("Stopped.")
    assert "Traceback" not in bot.output()
