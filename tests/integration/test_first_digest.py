"""The first ten minutes, end to end: a fresh install whose only source is the seeds folder, a user who
subscribes for a digest two minutes from now. The digest arrives at that minute with the seed story,
is not sent again after a restart, and /digest and `digestbot digest` show the same story. The real
`digestbot run` (scheduler, database, spaCy) against the local Bot API server."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.cli import main
from storage.db import Database
from storage.models import Article, Delivery, DeliveryKind
from tests.support.botapi import FakeTelegram, SentMessage
from tests.support.process import ROOT, BotProcess, bot_env

SEED_TITLE = "ASE Technology Considers U.S. Investment"
ZONE = "Europe/Berlin"
READER = 1001  # subscribes and waits for the digest
ASKER = 1002  # asks /digest at once


def digests(server: FakeTelegram, chat_id: int) -> list[SentMessage]:
    return [
        m
        for m in server.sent
        if m.chat_id == chat_id and m.method == "sendMessage" and "Your digest" in m.text
    ]


def seed_ready(db: Database) -> bool:
    with db.session() as session:
        return bool(session.scalar(select(func.count()).where(Article.ready_at.is_not(None))))


def reply_to(server: FakeTelegram, chat_id: int, text: str, timeout: float = 20.0) -> SentMessage:
    before = len([m for m in server.sent if m.chat_id == chat_id and m.method == "sendMessage"])
    server.user_sends(text, user_id=chat_id)
    return server.wait_for_messages(before + 1, timeout, chat_id, method="sendMessage")[-1]


def next_minute_at_least(seconds: float) -> datetime:
    """The first whole minute at least `seconds` from now (UTC)."""
    return (datetime.now(UTC) + timedelta(seconds=seconds + 60)).replace(second=0, microsecond=0)


@pytest.mark.long
def test_a_fresh_install_sends_the_seed_story_at_the_chosen_minute_and_only_once(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    server = FakeTelegram().start()
    env = bot_env(server.base_url, db.url, tmp_path / "seeds")
    bot = BotProcess(tmp_path, env)
    try:
        bot.start()
        bot.wait_until_running()
        bot.wait_for("facts of the seed article", lambda: seed_ready(db), 90, poll=0.1)

        # Someone who asks at once gets the seed story: a first fetch's news is news.
        asked = reply_to(server, ASKER, "/digest")
        assert "Your digest" in asked.text and SEED_TITLE in asked.text

        due = next_minute_at_least(20)  # "in two minutes", to the minute
        local = due.astimezone(ZoneInfo(ZONE))
        reply_to(server, READER, f"/subscribe {local:%H:%M} {ZONE}")
        until_due = (due - datetime.now(UTC)).total_seconds()
        bot.wait_for("digest", lambda: digests(server, READER), until_due + 30, poll=0.1)
        [digest] = digests(server, READER)
        print("DIGEST", repr(digest.text), "ASKED", repr(asked.text))
        assert due.timestamp() <= digest.received_at < due.timestamp() + 15, "on time, to the minute"
        assert SEED_TITLE in digest.text
        fact = digest.text.split(SEED_TITLE, 1)[1].split(" — ", 1)[1]
        assert fact.split(" · ")[1] == "ASE Technology Holding", f"the story's key fact is ASE's: {fact!r}"
        # Times are the reader's: the digest covers the day before, told in Europe/Berlin.
        assert f", {ZONE}" in digest.text and "UTC" not in digest.text
        assert bot.stop() == 0

        bot.start()  # dispatch runs at start-up: the period was already delivered
        bot.wait_until_running()
        again = reply_to(server, READER, "/digest")
        assert again.text.startswith("Nothing new about companies since") and again.text.endswith(
            f", {ZONE}."
        )
        time.sleep(2)
        assert len(digests(server, READER)) == 1
        assert bot.stop() == 0
    finally:
        bot.ensure_dead()
        server.stop()
    with db.session() as session:
        kinds = session.scalars(select(Delivery.kind)).all()
    assert kinds == [DeliveryKind.DIGEST]

    # The terminal's `digestbot digest` shows the same story.
    monkeypatch.setenv("DATABASE_URL", db.url)
    capsys.readouterr()
    assert main(["digest"]) == 0
    assert SEED_TITLE in capsys.readouterr().out
