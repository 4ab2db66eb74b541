"""`digestbot` as a subprocess, the way an operator starts it: a clean environment (none of the
developer's settings); a one-shot command run to its end (`run_digestbot`); `digestbot run` with its
output kept in one log file per start, stopped by SIGTERM or killed (`BotProcess`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.botapi import DEFAULT_TOKEN
from tests.support.webserver import LOOPBACK_SETTING

ROOT = Path(__file__).resolve().parents[2]  # the repository: PYTHONPATH of a bot process, its seeds/
RUNNING = "digestbot is running"
START_TIMEOUT = 60.0  # one start of `digestbot run` (it loads the spaCy model)


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any digestbot setting, plus `extra`; the local test
    servers (on loopback) may be fetched unless `extra` sets FETCH_ALLOW_INTERNAL otherwise."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "SEEDS_DIR"))
    }
    env["FETCH_ALLOW_INTERNAL"] = LOOPBACK_SETTING
    env.update(extra)
    return env


def bot_env(
    telegram_url: str, database_url: str, seeds: Path, *, token: str = DEFAULT_TOKEN, **extra: str
) -> dict[str, str]:
    """`clean_env` for a bot process talking to the Bot API server at `telegram_url` (the local one,
    `FakeTelegram.base_url`) with `token`, storing in `database_url`, its seeds folder `seeds` (one
    that does not exist for none), its output unbuffered; plus `extra`."""
    return clean_env(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_BASE_URL=telegram_url,
        DATABASE_URL=database_url,
        SEEDS_DIR=str(seeds),
        **extra,
    )


def run_digestbot(
    *args: str,
    cwd: Path,
    env: dict[str, str],
    timeout: float = 120,
    input: str | None = None,
    umask: int = -1,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `cwd` with `env`, run to its end: its exit code, stdout and stderr as
    text; `input` is its stdin (none by default), `umask` its umask (this process's by default)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        umask=umask,
        check=False,
    )


class BotProcess:
    """`python -m bot run` in `workdir` with `env`; each start writes its own log."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log: Path | None = None

    def start(self) -> None:
        self.starts += 1
        self.log = self.workdir / f"run-{self.starts:02d}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def check_alive(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"run #{self.starts} exited by itself ({self.process.returncode}):\n{self.output()[-4000:]}"
            )

    def wait_until_running(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while RUNNING not in self.output():
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"run #{self.starts} did not start in {timeout}s:\n{self.output()}")
            time.sleep(0.01)

    def wait_for(
        self, what: str, condition: Callable[[], object], timeout: float = 60.0, poll: float = 0.05
    ) -> None:
        """Until `condition()` is true, checking every `poll` seconds that the run is still alive; after
        `timeout` seconds an AssertionError says there was no `what`, with the end of the output."""
        deadline = time.monotonic() + timeout
        while not condition():
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout}s:\n{self.output()[-4000:]}")
            time.sleep(poll)

    def kill(self) -> None:
        assert self.process is not None
        self.check_alive()
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def ensure_dead(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
