"""The same bot in a terminal: `digestbot shell` reads commands, prints readable replies, shows
buttons as numbered choices, and pressing a number works; `digestbot company NAME` answers once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.console import NO_DATABASE, Console
from storage.db import Database
from tests.support.conversation import scripted
from tests.support.process import ROOT, clean_env, run_digestbot

SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"


def test_shell_conversation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path}/shell.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["ingest", str(SEED)]) == 0
    script = "/start\n/company Tokyo\n1\n/follow ASE\n/following\n/subscribe 25:99\n\n/company tsmc\n"
    env = clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=url, PYTHONUNBUFFERED="1")
    result = run_digestbot("shell", cwd=tmp_path, env=env, input=script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "a number presses a button" in out
    assert "[1] Subscribe to the daily digest" in out
    assert "fits several companies" in out and "[1] Tokyo Electron" in out
    assert "Tokyo Electron\n==============" in out  # pressing 1 opened it
    assert "You follow ASE Technology Holding now" in out
    assert "“25:99” is not a time of day" in out
    assert "USD 165 billion" in out and "Arizona" in out
    assert "Traceback" not in out + result.stderr


def test_company_command_prints_the_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/c.sqlite3")
    assert main(["ingest", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["company", "ASE", "Technology"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ASE Technology Holding") and "Dong Hong-Szu, chief financial officer" in out


def test_the_conversation_outlives_a_database_that_cannot_be_reached():
    """A database gone away (restarted, unreachable) costs the line that needed it, not the terminal
    conversation (in `digestbot run`, the bot with it): the next line is answered as usual."""
    db = Database("postgresql+psycopg://digest:pw@127.0.0.1:1/digestbot")
    written: list[str] = []
    Console(db, write=written.append).run(read=scripted(["/company ASE", "/help"]))
    assert written[1] == NO_DATABASE
    assert "/company" in written[2]  # /help, answered without the database
    db.dispose()
