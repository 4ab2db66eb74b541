"""`digestbot run` as a subprocess, the way an operator starts it: a clean environment (none of the
developer's settings), its output kept in one log file per start, stopped by SIGTERM or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.webserver import LOOPBACK_SETTING

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
