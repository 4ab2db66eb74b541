"""Webhook mode always checks Telegram's secret token. Without WEBHOOK_SECRET, `digestbot run`
generates one on its first start, gives it to Telegram (setWebhook's secret_token), keeps it in the
store and gives the same one after a restart; WEBHOOK_SECRET, when set, wins. An update posted to
the webhook without that token, or with a wrong one, is refused with 403 and does nothing, even one
that claims to come from an admin chat; with it, the update is answered. The bot says where it listens
and never shows the secret; a WEBHOOK_SECRET Telegram would refuse stops start-up with one line. The real `python -m bot run` against the local Bot API server, on SQLite
and PostgreSQL."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Source
from tests.support.botapi import FakeTelegram
from tests.support.process import ROOT, BotProcess, bot_env, clean_env, run_digestbot
from tests.support.webserver import LocalWebServer
from tests.support.wikinews import load_corpus, rss_feed

ADMIN = 4242
PUBLIC_URL = "https://bot.example.test/hook"  # what Telegram calls; TLS ends at the reverse proxy
HEADER = "X-Telegram-Bot-Api-Secret-Token"
MY_SECRET = "my-own-webhook-secret_0123"
RSS = "application/rss+xml"
LISTENING = "Listening for Telegram's webhook on 127.0.0.1:{port} (WEBHOOK_LISTEN), path /hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def addsource_update(update_id: int, url: str) -> dict[str, object]:
    """An update as Telegram posts it: the admin chat says /addsource URL."""
    text = f"/addsource {url}"
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": ADMIN, "type": "private", "first_name": "Ada"},
            "from": {"id": ADMIN, "is_bot": False, "first_name": "Ada"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len("/addsource")}],
        },
    }


def sources(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Source)) or 0


def start_and_wait_listening(bot: BotProcess, port: int, timeout: float = 60.0) -> None:
    bot.start()
    deadline = time.monotonic() + timeout
    while LISTENING.format(port=port) not in bot.output():
        bot.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"run #{bot.starts} does not listen after {timeout}s:\n{bot.output()}")
        time.sleep(0.05)


@pytest.mark.long
def test_a_webhook_without_a_configured_secret_gets_one_kept_across_restarts_and_refuses_forgeries(
    db: Database, tmp_path: Path
):
    port = free_port()
    local = f"http://127.0.0.1:{port}/hook"  # where the reverse proxy passes Telegram's calls on
    web = LocalWebServer().start()
    feed = web.add("/feed.xml", rss_feed(load_corpus()[:1], web.url("/news/{slug}")), content_type=RSS)
    server = FakeTelegram().start()
    env = bot_env(
        server.base_url,
        db.url,
        tmp_path / "none",
        WEBHOOK_URL=PUBLIC_URL,
        WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        ADMIN_CHAT_IDS=str(ADMIN),
        FETCH_ALLOW_INTERNAL="127.0.0.1",  # the feed the admin adds is served on loopback
        LOG_LEVEL="DEBUG",  # python-telegram-bot logs every request's parameters, setWebhook's too
    )
    bot = BotProcess(tmp_path, env)
    try:
        start_and_wait_listening(bot, port)
        (registered,) = server.calls_to("setWebhook")
        secret = registered["secret_token"]
        assert registered["url"] == PUBLIC_URL and server.webhook_url == PUBLIC_URL
        assert 1 <= len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)

        with httpx.Client(trust_env=False, timeout=10) as client:
            forged = client.post(local, json=addsource_update(1, feed))
            wrong = client.post(local, json=addsource_update(2, feed), headers={HEADER: "guessed"})
            time.sleep(1.0)  # time enough for a wrongly accepted update to be handled
            assert (forged.status_code, wrong.status_code) == (403, 403)
            assert sources(db) == 0 and server.calls_to("sendMessage") == []

            genuine = client.post(local, json=addsource_update(3, feed), headers={HEADER: secret})
        assert genuine.status_code == 200
        (reply,) = server.wait_for_messages(1, 30.0, ADMIN, method="sendMessage")
        assert "Added source #" in reply.text and sources(db) == 1
        assert bot.stop() == 0

        start_and_wait_listening(bot, port)  # a restart: Telegram keeps calling with the same secret
        assert server.calls_to("setWebhook")[-1]["secret_token"] == secret
        assert bot.stop() == 0

        bot.env = {**env, "WEBHOOK_SECRET": MY_SECRET}
        start_and_wait_listening(bot, port)
        assert server.calls_to("setWebhook")[-1]["secret_token"] == MY_SECRET
        with httpx.Client(trust_env=False, timeout=10) as client:
            old = client.post(local, json=addsource_update(4, feed), headers={HEADER: secret})
        assert old.status_code == 403
        assert bot.stop() == 0
    finally:
        bot.ensure_dead()
        server.stop()
        web.stop()
    # python-telegram-bot logs each call's parameters at DEBUG (setWebhook's secret_token too), and
    # the wrong token a refused request carried: the last run's was the generated one, no longer its
    # secret then.
    for run, its_secret in ((1, secret), (2, secret), (3, MY_SECRET)):
        output = (tmp_path / f"run-{run:02d}.log").read_text(errors="replace")
        assert LISTENING.format(port=port) in output
        assert "updates without the secret token are refused" in output
        assert "`setWebhook` with parameters" in output
        assert its_secret not in output


def test_a_webhook_secret_telegram_would_refuse_stops_start_up_with_one_line(tmp_path: Path):
    env = clean_env(PYTHONPATH=str(ROOT), WEBHOOK_URL=PUBLIC_URL, WEBHOOK_SECRET="not allowed: spaces!")
    result = run_digestbot("run", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "digestbot: setting WEBHOOK_SECRET: wanted 1-256 characters of A-Z, a-z, 0-9, _ and -"
    ]
    assert "spaces" not in result.stdout + result.stderr
