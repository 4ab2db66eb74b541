"""Text a database cannot store (a lone surrogate, which a terminal or a broken client can send) and
source ids no source can have get a clear reply, never an exception: through the router both
transports use, the terminal conversation, and `digestbot sources remove`, on both databases."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.commands.context import Chat
from bot.console import Console
from storage.db import Database
from tests.support.conversation import press, say, scripted

USER = Chat(id=501)
ADMIN = Chat(id=900, admin=True)
UNREADABLE = "That text has characters I cannot read"


@pytest.mark.parametrize(
    "text",
    ["/company \ud800x", "/follow \udcff", "/search \ud800", "/addsource http://\ud800", "ASE \udc80"],
)
def test_a_lone_surrogate_gets_a_clear_reply(db: Database, text: str):
    assert UNREADABLE in say(db, text, ADMIN)


def test_a_button_with_a_lone_surrogate_gets_a_clear_reply(db: Database):
    assert UNREADABLE in press(db, "cq:\ud800", USER)


def test_the_terminal_conversation_answers_a_lone_surrogate(db: Database):
    written: list[str] = []
    Console(db, write=written.append).run(read=scripted(["/company \ud800x", "/help"]))
    assert any(UNREADABLE in text for text in written)
    assert any("/company" in text for text in written[-1:])  # and the next line is answered


@pytest.mark.parametrize("typed", ["99999999999999999999", "2147483648", "-1", "0", "1e3", "abc", "²"])
def test_removesource_of_an_id_no_source_can_have_says_so(db: Database, typed: str):
    assert f"No source with id {typed}: give the id from /sources." in say(
        db, f"/removesource {typed}", ADMIN
    )


def test_removesource_of_a_free_id_says_there_is_none(db: Database):
    assert "There is no source #2147483647" in say(db, "/removesource 2147483647", ADMIN)


@pytest.mark.parametrize("typed", ["99999999999999999999", "0", "-1"])
def test_sources_remove_of_an_impossible_id_is_one_line_and_exit_2(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys, typed: str
):
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["sources", "remove", typed]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"No source with id {typed}: source ids are whole numbers from 1 to 2147483647. "
        "See: digestbot sources list"
    ]
