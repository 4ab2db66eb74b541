"""/digest: the digest now, followed companies first with why they are there, then other company
news; the next /digest only has what was stored since; a first fetch of a new source is left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.render.telegram_html import render_html, visible_length
from bot.render.terminal import render_text
from storage.db import Database
from storage.models import Article

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
EVAL = ROOT / "tests" / "eval" / "articles"
USER = Chat(id=31)


@pytest.fixture
def store(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", db.url)
    return db


def say(db: Database, text: str) -> str:
    with db.session() as session:
        return render_text(handle_text(session, USER, text))


def test_digest_puts_followed_companies_first_and_says_why(store: Database):
    assert (
        main(
            [
                "ingest",
                str(EVAL / "17-wiwynn-texas-expansion.txt"),
                str(EVAL / "15-tsmc-march-revenue.txt"),
                str(EVAL / "13-typhoon-lanmei.txt"),
            ]
        )
        == 0
    )
    say(store, "/follow TSMC")
    digest = say(store, "/digest")
    assert "Companies you follow" in digest and "Other company news" in digest
    mine, others = digest.split("Other company news")
    assert "you follow TSMC" in mine
    assert "TSMC March Revenue" in mine and "Wiwynn" in others
    assert "Typhoon" not in digest  # a story about no company is not in a company digest


def test_the_next_digest_has_only_what_is_new(store: Database):
    assert main(["ingest", str(SEED)]) == 0
    assert "ASE Technology Considers" in say(store, "/digest")
    assert "Nothing new about companies since" in say(store, "/digest")
    assert main(["ingest", str(EVAL / "17-wiwynn-texas-expansion.txt")]) == 0
    again = say(store, "/digest")
    assert "Wiwynn" in again and "ASE Technology Considers" not in again


def test_a_new_sources_first_fetch_is_not_news(store: Database):
    assert main(["ingest", str(SEED)]) == 0
    with store.session() as session:
        session.execute(update(Article).values(backfill=True))
    assert "Nothing new" in say(store, "/digest")


def test_a_long_digest_fits_telegram(store: Database):
    assert main(["ingest", str(EVAL)]) == 0
    with store.session() as session:
        reply = handle_text(session, USER, "/digest")
    messages = render_html(reply)
    assert all(visible_length(m.html) <= 4096 for m in messages)
    assert sum(visible_length(m.html) for m in messages) > 1000


def test_the_digest_command_line_prints_a_chats_digest(store: Database, capsys: pytest.CaptureFixture[str]):
    assert main(["ingest", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["digest", "--chat", "31"]) == 0
    printed = capsys.readouterr().out
    assert "Your digest" in printed and "ASE Technology Considers" in printed
    assert "Nothing new about companies since" in say(store, "/digest")  # as /digest there, it moved on
