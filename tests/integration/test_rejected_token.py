"""A token the Bot API server rejects (401) ends `digestbot run` with one line that names the setting
and the server, and the token appears nowhere in what the bot wrote."""

from __future__ import annotations

from pathlib import Path

from tests.support.botapi import FakeTelegram
from tests.support.process import bot_env, run_digestbot

WRONG_TOKEN = "987654:wrong-secret-token-value"


def test_a_rejected_token_ends_run_with_one_line_and_never_shows_the_token(tmp_path: Path):
    with FakeTelegram() as server:  # it knows another token: ours gets 401 Unauthorized
        env = bot_env(
            server.base_url, f"sqlite:///{tmp_path}/store.sqlite3", tmp_path / "none", token=WRONG_TOKEN
        )
        result = run_digestbot("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"digestbot: setting TELEGRAM_BOT_TOKEN: the Bot API server at {server.base_url} rejected the token "
        "(401 Unauthorized); check the token @BotFather gave you"
    )
    assert "Traceback" not in result.stderr
    everything = result.stdout + result.stderr
    assert WRONG_TOKEN not in everything and "wrong-secret-token-value" not in everything
