"""What the bot keeps on disk is its owner's alone: the data folder it makes is 0700 and the SQLite
store 0600 (its -wal and -shm files too), whatever the umask; and `digestbot run` warns when `.env`,
which holds the bot token, can be read by other users."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from bot.config import env_file_warning
from tests.support.process import BotProcess, clean_env, run_digestbot

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _digestbot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # umask 022, the usual one, would leave new files readable by everybody
    return run_digestbot(*args, cwd=cwd, env=clean_env(**env), timeout=300, umask=0o022)


def test_the_default_store_is_made_private_and_so_are_its_wal_files(tmp_path: Path):
    ingest = _digestbot(tmp_path, "ingest", str(SEEDS))
    assert ingest.returncode == 0, ingest.stderr

    data = tmp_path / "data"
    assert _mode(data) == 0o700
    files = sorted(data.iterdir())
    assert files[0].name == "digestbot.sqlite3"
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


def test_a_folder_that_exists_keeps_the_mode_its_owner_gave_it(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    os.chmod(shared, 0o750)
    upgrade = _digestbot(tmp_path, "db", "upgrade", DATABASE_URL=f"sqlite:///{shared}/store.sqlite3")
    assert upgrade.returncode == 0, upgrade.stderr
    assert _mode(shared) == 0o750
    assert _mode(shared / "store.sqlite3") == 0o600


@pytest.mark.parametrize(
    ("mode", "who"), [(0o644, "every user of this machine"), (0o640, "its group"), (0o604, "every user")]
)
def test_a_dotenv_others_can_read_is_named_with_the_fix(tmp_path: Path, mode: int, who: str):
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ\n", encoding="utf-8")
    env.chmod(mode)
    warning = env_file_warning(env)
    assert warning is not None
    assert who in warning and f"mode {mode:o}" in warning and f"chmod 600 {env}" in warning
    assert "ABCDEFGHIJ" not in warning


def test_a_private_or_missing_dotenv_gives_no_warning(tmp_path: Path):
    env = tmp_path / ".env"
    assert env_file_warning(env) is None
    env.write_text("DEFAULT_TIMEZONE=UTC\n", encoding="utf-8")
    env.chmod(0o600)
    assert env_file_warning(env) is None


def test_run_warns_at_start_when_dotenv_can_be_read_by_others(tmp_path: Path):
    (tmp_path / ".env").write_text("DEFAULT_TIMEZONE=UTC\n", encoding="utf-8")
    (tmp_path / ".env").chmod(0o644)
    bot = BotProcess(tmp_path, clean_env(SEEDS_DIR=str(tmp_path / "no-seeds")))
    try:
        bot.start()
        bot.wait_until_running()
        assert bot.stop() == 0
    finally:
        bot.ensure_dead()
    assert ".env can be read by every user of this machine (mode 644)" in bot.output()
    assert "chmod 600 .env" in bot.output()
