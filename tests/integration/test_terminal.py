"""`digestbot run` in a terminal (no TELEGRAM_BOT_TOKEN, stdin a terminal), run for real under a
pseudo-terminal: Ctrl-C stops it at once, and what the bot prints on its own (log lines, ingest
summaries, a digest that falls due) never writes over the prompt, which is shown again after it."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console import PROMPT
from tests.support.process import clean_env
from tests.support.pty_session import PtySession

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
STOP_SECONDS = 5.0


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder)
    return folder


def start_run(tmp_path: Path, seeds: Path, **settings: str) -> PtySession:
    env = clean_env(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp_path}/store.sqlite3",
        SEEDS_DIR=str(seeds),
        **settings,
    )
    return PtySession([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path)


@pytest.fixture
def run_in_terminal(tmp_path: Path, seeds: Path) -> Iterator[PtySession]:
    session = start_run(tmp_path, seeds)
    yield session
    session.close()


def test_ctrl_c_stops_run_in_the_terminal_at_once(run_in_terminal: PtySession):
    session = run_in_terminal
    session.wait_for("Ctrl-C stops it")
    session.wait_for(PROMPT)
    session.wait_for("ASE Technology Considers U.S. Investment")  # the scheduler is at work
    session.send("/hel")  # half a command typed: Ctrl-C stops it all the same
    time.sleep(0.2)
    pressed = time.monotonic()
    session.send("\x03")  # Ctrl-C, through the terminal: SIGINT to the foreground process
    code = session.wait(timeout=STOP_SECONDS)
    took = time.monotonic() - pressed
    assert code is not None, f"still running {STOP_SECONDS}s after Ctrl-C:\n" + "\n".join(session.screen)
    assert code == 0, session.output
    assert took < STOP_SECONDS
    assert "Stopped." in session.screen
    assert "Traceback" not in session.output
