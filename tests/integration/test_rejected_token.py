"""A token the Bot API server rejects (401) ends `digestbot run` with one line that names the setting
and the server, and the token appears nowhere in what the bot wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.botapi import FakeTelegram
from tests.support.process import clean_env

ROOT = Path(__file__).resolve().parents[2]
WRONG_TOKEN = "987654:wrong-secret-token-value"


def test_a_rejected_token_ends_run_with_one_line_and_never_shows_the_token(tmp_path: Path):
    with FakeTelegram() as server:  # it knows another token: ours gets 401 Unauthorized
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=clean_env(
                PYTHONPATH=str(ROOT),
                TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
                TELEGRAM_BASE_URL=server.base_url,
                DATABASE_URL=f"sqlite:///{tmp_path}/store.sqlite3",
                SEEDS_DIR=str(tmp_path / "none"),
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"digestbot: setting TELEGRAM_BOT_TOKEN: the Bot API server at {server.base_url} rejected the token "
        "(401 Unauthorized); check the token @BotFather gave you"
    )
    assert "Traceback" not in result.stderr
    everything = result.stdout + result.stderr
    assert WRONG_TOKEN not in everything and "wrong-secret-token-value" not in everything
