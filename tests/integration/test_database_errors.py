"""A database that cannot be had ends a command with one line naming the setting and the cause (no
traceback, no password); `digestbot run` waits for a server that is not up yet; a job that meets a
database gone away says so in one line and runs again next time; output cut short by a closed pipe
(`| head`) ends quietly."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.ingest.http import Fetcher
from bot.ingest.pipeline import Ingestor
from bot.scheduler import build_scheduler
from storage.db import Database
from tests.conftest import POSTGRES_URL, _fresh_postgres
from tests.support.process import ROOT, BotProcess, clean_env, run_digestbot
from tests.support.webserver import LOOPBACK

UNREACHABLE = "postgresql+psycopg://digest:s3cret-pw@127.0.0.1:1/digestbot"


@pytest.mark.parametrize("command", [("db", "upgrade"), ("sources", "list"), ("company", "ASE")])
def test_an_unreachable_server_ends_a_command_with_one_line_and_no_password(tmp_path: Path, command):
    env = clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=UNREACHABLE)
    result = run_digestbot(*command, env=env, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        "digestbot: setting DATABASE_URL (postgresql+psycopg://digest:***@127.0.0.1:1/digestbot): "
    )
    assert "Connection refused; Is the server running" in line  # libpq's hint, on the same line
    assert "s3cret-pw" not in result.stderr + result.stdout


@pytest.mark.parametrize("command", [("db", "upgrade"), ("run",)])
def test_a_sqlite_file_that_cannot_be_made_ends_with_one_line(tmp_path: Path, command):
    (tmp_path / "data").write_text("a file where a folder should be")
    url = f"sqlite:///{tmp_path}/data/digestbot.sqlite3"
    result = run_digestbot(*command, env=clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=url), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"digestbot: setting DATABASE_URL ({url}): {tmp_path}/data is a file, not a folder"
    ]


@pytest.mark.parametrize("command", [("db", "upgrade"), ("run",)])
def test_a_sqlite_path_not_even_root_may_write_ends_with_one_line(tmp_path: Path, command):
    env = clean_env(PYTHONPATH=str(ROOT), DATABASE_URL="sqlite:////proc/digestbot/db.sqlite3")
    result = run_digestbot(*command, env=env, cwd=tmp_path)
    assert result.returncode == 2  # not waited for: a path does not come back by itself
    assert result.stderr.strip().splitlines() == [
        "digestbot: setting DATABASE_URL (sqlite:////proc/digestbot/db.sqlite3): "
        "cannot create /proc/digestbot: No such file or directory"
    ]


async def test_a_job_that_meets_a_database_gone_away_says_so_and_runs_again(caplog: pytest.LogCaptureFixture):
    db = Database(UNREACHABLE)
    async with Fetcher(timeout=1, attempts=1, allow_internal=LOOPBACK) as fetcher:
        scheduler = build_scheduler(Ingestor(db, fetcher, max_file_bytes=1000), print, lambda: 0)
        job = scheduler.get_job("fetch-due-sources")
        with caplog.at_level(logging.WARNING):
            await job.func()  # raises nothing: the scheduler will run it again at its next time
            await job.func()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert warnings[0].startswith("fetch_due_sources: the database is unavailable (")
    assert "trying again next time" in warnings[0] and "s3cret-pw" not in warnings[0]
    db.dispose()


class LateServer:
    """A TCP port on 127.0.0.1 that refuses connections until the test calls `open()`, then forwards
    each connection to `target` (a database server that was "not up yet")."""

    def __init__(self, target: tuple[str, int]) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.target = target
        self._opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> LateServer:
        self._thread.start()
        return self

    def open(self) -> None:
        self._opened.set()

    def stop(self) -> None:
        self._stop.set()
        self._opened.set()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        self._opened.wait()
        if self._stop.is_set():
            return
        with socket.create_server(("127.0.0.1", self.port)) as server:
            server.settimeout(0.2)
            while not self._stop.is_set():
                try:
                    client, _ = server.accept()
                except TimeoutError:
                    continue
                upstream = socket.create_connection(self.target)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


@pytest.mark.postgres
def test_run_waits_for_a_database_server_that_is_not_up_yet(tmp_path: Path):
    assert POSTGRES_URL
    _fresh_postgres(POSTGRES_URL)
    real = make_url(POSTGRES_URL)
    late = LateServer((real.host or "127.0.0.1", real.port or 5432)).start()
    url = real.set(host="127.0.0.1", port=late.port).render_as_string(hide_password=False)
    bot = BotProcess(
        tmp_path, clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=url, SEEDS_DIR=str(tmp_path / "none"))
    )
    try:
        bot.start()
        deadline = time.monotonic() + 60
        while "trying again in 1 s" not in bot.output():  # the server is not up: the bot waits for it
            bot.check_alive()
            assert time.monotonic() < deadline, bot.output()
            time.sleep(0.05)
        assert "Connection refused" in bot.output()
        late.open()
        bot.wait_until_running(timeout=60)
        assert bot.stop() == 0
    finally:
        bot.ensure_dead()
        late.stop()


@pytest.mark.parametrize(
    "command", [("company", "ASE"), ("extract", str(ROOT / "seeds" / "letsnewz-ase-us-investment.txt"))]
)
def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path, command):
    url = f"sqlite:///{tmp_path}/store.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *command],
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # `| head` that has read all it wanted
    err = process.stderr.read()
    process.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert process.returncode == 128 + signal.SIGPIPE
