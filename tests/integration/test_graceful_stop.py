"""A stop (SIGTERM, Ctrl-C) while Telegram has taken a digest but not yet answered: the bot waits
for the answer and records the message before it exits, so the next start sends nothing twice.
(Only a crash, SIGKILL, can leave such a message in doubt: tests/integration/test_dispatch_crash.py.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Delivery, DeliveryKind, DeliveryState
from tests.support.botapi import FakeTelegram, SentMessage
from tests.support.process import ROOT, BotProcess, bot_env
from tests.support.stores import digest_due

SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
READER = 2001
LATE = 3.0  # seconds Telegram takes to answer a sendMessage


def digests(server: FakeTelegram) -> list[SentMessage]:
    return [m for m in server.sent if m.chat_id == READER and "Your digest" in m.text]


@pytest.mark.long
def test_a_stop_while_telegram_has_the_digest_but_not_answered_records_it_and_repeats_nothing(
    stored: Callable[..., Database], tmp_path: Path
):
    db = stored(SEED)
    digest_due(db.url, READER)
    server = FakeTelegram().start()
    server.answer_late("sendMessage", LATE)
    bot = BotProcess(tmp_path, bot_env(server.base_url, db.url, tmp_path / "no-seeds"))
    try:
        bot.start()
        bot.wait_for("digest", lambda: digests(server))
        stopped_at = time.monotonic()
        assert bot.stop() == 0
        assert time.monotonic() - stopped_at < LATE + 5, "a stop waits for the answer, no longer"
        with db.session() as session:
            [delivery] = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.DIGEST)).all()
            assert (delivery.state, delivery.parts_sent) == (DeliveryState.SENT, 1)

        server.answer_late("sendMessage", 0)
        bot.start()
        bot.wait_until_running()
        time.sleep(3)  # a dispatch runs at start-up: it would resend an unrecorded message now
        assert len(digests(server)) == 1
        assert bot.stop() == 0
    finally:
        bot.ensure_dead()
        server.stop()
