"""The bot token appears nowhere in what `digestbot run` writes (stdout and stderr: it keeps no other
log), neither whole nor its secret part after the colon, whatever goes wrong: a token the server
rejects (401), the Bot API server going away while the bot runs and coming back, a handler whose
reply fails, a scheduled job whose sends fail. Every run logs at DEBUG, where python-telegram-bot says
the most. The real `python -m bot run` against the local Bot API server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.botapi import DEFAULT_TOKEN, FakeTelegram
from tests.support.process import ROOT, BotProcess, bot_env, run_digestbot
from tests.support.stores import digest_due

SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
USER = 1001
TOKEN_SECRET = DEFAULT_TOKEN.split(":", 1)[1]


def env_for(tmp_path: Path, base_url: str) -> dict[str, str]:
    return bot_env(base_url, f"sqlite:///{tmp_path}/store.sqlite3", tmp_path / "none", LOG_LEVEL="DEBUG")


def assert_no_token(output: str) -> None:
    assert DEFAULT_TOKEN not in output
    assert TOKEN_SECRET not in output


def connected(bot: BotProcess) -> Callable[[], bool]:
    return lambda: "Connected to Telegram as @" in bot.output()


def test_a_rejected_token_is_not_printed(tmp_path: Path):
    with FakeTelegram(token="654321:another-bots-token-value") as server:  # ours gets 401
        result = run_digestbot("run", cwd=tmp_path, env=env_for(tmp_path, server.base_url))
    assert result.returncode == 2
    assert "rejected the token (401 Unauthorized)" in result.stderr
    assert_no_token(result.stdout + result.stderr)


class Relay:
    """A TCP relay on its own port in front of the Bot API server, the bot's way there. `cut` closes
    the port and every connection through it, as a server that went away does (FakeTelegram.stop
    would keep answering on connections already open); `restore` opens the port again."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            for sock in [self._listener, *self._open]:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                return  # cut
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)


def test_a_network_error_while_running_is_not_printed_with_the_token(tmp_path: Path):
    with FakeTelegram() as server:
        relay = Relay(server.port)
        bot = BotProcess(tmp_path, env_for(tmp_path, relay.base_url))
        try:
            bot.start()
            bot.wait_for("connection", connected(bot))
            server.wait_for_calls("getUpdates")
            relay.cut()  # the Bot API server goes away in the middle of a long poll
            bot.wait_for("a network error logged", lambda: "NetworkError" in bot.output())
            relay.restore()  # and comes back
            server.user_sends("/start", user_id=USER)
            server.wait_for_messages(1, 60.0, USER, method="sendMessage")
            assert bot.stop() == 0
        finally:
            bot.ensure_dead()
            relay.cut()
    assert_no_token(bot.output())


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_crash_in_a_handler_is_not_printed_with_the_token(tmp_path: Path, log_format: str):
    with FakeTelegram() as server:
        bot = BotProcess(tmp_path, {**env_for(tmp_path, server.base_url), "LOG_FORMAT": log_format})
        try:
            bot.start()
            bot.wait_for("connection", connected(bot))
            server.fail_next("sendMessage", "500")  # the reply to /start: the handler raises
            server.user_sends("/start", user_id=USER)
            (apology,) = server.wait_for_messages(1, 30.0, USER, method="sendMessage")
            assert "Something went wrong" in apology.text
            bot.wait_for("the handler's traceback", lambda: "Traceback" in bot.output())
            assert bot.stop() == 0
        finally:
            bot.ensure_dead()
    assert "while handling an update" in bot.output()
    assert_no_token(bot.output())
    if log_format == "json":  # each log event one JSON line; the rest is what the bot says itself
        events = [json.loads(line) for line in bot.output().splitlines() if line.startswith("{")]
        [crash] = [e for e in events if "while handling an update" in e["message"]]
        assert crash["level"] == "ERROR" and crash["error"].startswith("Traceback")
        assert {"time", "level", "logger", "message"} <= set(events[0])
        others = [line for line in bot.output().splitlines() if not line.startswith("{")]
        assert not any(line.startswith(("Traceback", "20")) for line in others), others


@pytest.mark.long
def test_a_failing_scheduled_job_is_not_printed_with_the_token(tmp_path: Path):
    """The dispatch job's sends all fail (500, retried with back-off, then left for the next round):
    the nearest real failure of a job that can be caused from outside the process."""
    env = env_for(tmp_path, "http://127.0.0.1:1")
    ingest = run_digestbot("ingest", str(SEED), cwd=tmp_path, env=env)
    assert ingest.returncode == 0, ingest.stderr
    digest_due(env["DATABASE_URL"], USER)
    with FakeTelegram() as server:
        server.fail_next("sendMessage", "500", count=100, chat_id=USER)
        bot = BotProcess(tmp_path, {**env, "TELEGRAM_BASE_URL": server.base_url})
        try:
            bot.start()
            bot.wait_for("the failed delivery", lambda: "to chat 1001 failed" in bot.output())
            assert server.sent == [] and len(server.calls_to("sendMessage")) >= 2
            assert bot.stop() == 0
        finally:
            bot.ensure_dead()
    assert_no_token(bot.output())
