"""`digestbot run` in a terminal (no TELEGRAM_BOT_TOKEN, stdin a terminal), run for real under a
pseudo-terminal: Ctrl-C stops it at once and leaves the terminal as it was, and what the bot prints on
its own (log lines, ingest summaries, a digest that falls due) never writes over the prompt: it comes
on lines of its own, and the prompt is shown again after it with what was typed so far."""

from __future__ import annotations

import re
import shutil
import sys
import termios
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import PROMPT
from tests.support.process import ROOT, clean_env
from tests.support.pty_session import PtySession
from tests.support.stores import digest_due
from tests.support.webserver import LOOPBACK_SETTING, LocalWebServer
from tests.support.wikinews import WikinewsArticle, article_page

SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
HEADLINE = "ASE Technology Considers U.S. Investment"
STOP_SECONDS = 5.0
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|WARNING|ERROR) ")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/store.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", LOOPBACK_SETTING)  # `sources add` of the local web server
    return url


def start_run(tmp_path: Path, store: str, seeds: Path) -> PtySession:
    env = clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=store, SEEDS_DIR=str(seeds))
    return PtySession([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path)


@pytest.fixture
def running(tmp_path: Path, store: str) -> Iterator[list[PtySession]]:
    started: list[PtySession] = []
    yield started
    for session in started:
        session.close()


def test_ctrl_c_stops_run_in_the_terminal_at_once(tmp_path: Path, store: str, running: list[PtySession]):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds)
    session = start_run(tmp_path, store, seeds)
    running.append(session)
    cooked = termios.tcgetattr(session.fd)
    session.wait_for("Ctrl-C stops it")
    session.wait_for(PROMPT)
    done = session.wait_for("extracted the facts")  # the scheduler is at work, and done for now
    session.wait_for(PROMPT, start=done)  # the prompt drawn again below that line
    session.send("/hel")  # half a command typed: Ctrl-C stops it all the same
    session.wait_for(PROMPT + "/hel")
    pressed = time.monotonic()
    session.send("\x03")  # Ctrl-C, typed into the terminal: SIGINT to the foreground process
    code = session.wait(timeout=STOP_SECONDS)
    took = time.monotonic() - pressed
    assert code is not None, f"still running {STOP_SECONDS}s after Ctrl-C:\n" + "\n".join(session.screen)
    assert code == 0, session.output  # a requested stop, as with SIGTERM
    assert took < STOP_SECONDS
    assert session.screen[-3:] == [PROMPT + "/hel", "Stopped.", ""]
    assert "Traceback" not in session.output
    # Line editing is off again: echo and whole lines, as the shell that started the bot left them.
    assert termios.tcgetattr(session.fd)[3] == cooked[3]


@pytest.mark.long
def test_ctrl_c_during_a_long_extraction_stops_after_the_batch_in_hand(
    tmp_path: Path, store: str, running: list[PtySession]
):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    site, _, headline, _, *paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    for n in range(400):  # minutes of extraction, each a different article
        body = "\n\n".join([*paragraphs, f"This is report number {n} of the series."])
        (seeds / f"report-{n:03d}.txt").write_text(f"{site}\n\n{headline} ({n})\n\n{body}\n", "utf-8")
    session = start_run(tmp_path, store, seeds)
    running.append(session)
    session.wait_for("Ingested 400 input(s)", timeout=120)
    session.wait_for("extracted facts from 32 article(s)")  # extraction is under way, batch by batch
    pressed = time.monotonic()
    session.send("\x03")
    code = session.wait(timeout=STOP_SECONDS)
    assert code == 0, f"not stopped {STOP_SECONDS}s after Ctrl-C:\n" + "\n".join(session.screen[-5:])
    assert time.monotonic() - pressed < STOP_SECONDS
    assert session.screen[-2:] == ["Stopped.", ""]
    assert "Traceback" not in session.output


def test_log_lines_and_summaries_come_above_the_prompt_and_keep_what_was_typed(
    tmp_path: Path, store: str, running: list[PtySession]
):
    seed = SEED.read_text(encoding="utf-8").split("\n\n")
    page = WikinewsArticle("https://example.com/ase", date(2026, 11, 24), seed[2], "\n\n".join(seed[4:]))
    held = threading.Event()
    web = LocalWebServer().start()
    try:
        url = web.add("/news/ase", article_page(page), held=held)  # the page loads when the test says
        assert main(["sources", "add", url, "--page"]) == 0
        session = start_run(tmp_path, store, tmp_path / "no-seeds")
        running.append(session)
        session.wait_for(PROMPT)
        session.send("/follow AS")  # typing, not done yet, when the bot has something to say
        session.wait_for(PROMPT + "/follow AS")
        held.set()
        session.wait_for("extracted the facts")
        screen = session.settle()
    finally:
        web.stop()

    assert "Ingested 1 input(s): 1 new" in screen, screen  # a line of its own, not after the prompt
    summary = screen.index("Ingested 1 input(s): 1 new")
    assert screen[summary + 1].startswith("  new ") and HEADLINE in screen[summary + 1]
    logs = [line for line in screen if " INFO " in line]
    assert logs and all(LOG_LINE.match(line) for line in logs), logs
    assert not [line for line in screen if line.startswith(PROMPT) and line != PROMPT + "/follow AS"]
    assert screen[-1] == PROMPT + "/follow AS", screen

    session.send("E\r")  # the typed text is still the line being edited: this sends "/follow ASE"
    answered = session.wait_for("You follow ASE Technology Holding now")
    session.wait_for(PROMPT, start=answered)  # ready for the next line
    session.send("\x04")  # Ctrl-D leaves
    assert session.wait(timeout=STOP_SECONDS) == 0
    assert "Traceback" not in session.output


def test_a_digest_that_falls_due_comes_above_the_prompt(
    tmp_path: Path, store: str, running: list[PtySession]
):
    assert main(["ingest", str(SEED)]) == 0
    digest_due(store)

    session = start_run(tmp_path, store, tmp_path / "no-seeds")
    running.append(session)
    session.wait_for(PROMPT)
    session.wait_for("you follow ASE Technology Holding")  # dispatched at start, the prompt up by then
    screen = session.settle()
    assert "Your digest" in screen, screen
    assert HEADLINE in "\n".join(screen[screen.index("Your digest") :])
    assert not [line for line in screen if line.startswith(PROMPT) and line != PROMPT]
    assert screen[-1] == PROMPT.rstrip(), screen  # shown again, ready for a command
    session.send("\x04")
    assert session.wait(timeout=STOP_SECONDS) == 0
