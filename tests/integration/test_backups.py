"""Backups as the README describes them, taken and restored for real.

SQLite: `digestbot db backup PATH` copies the store with SQLite's online backup API while another
connection keeps writing to it; the copy is one consistent snapshot that opens, holds the rows,
upgrades and answers /company once copied back in place. PostgreSQL: `pg_dump -Fc` of a store with
data, `pg_restore --clean --if-exists` into a fresh database, and the bot works on the restored one.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.render.terminal import render_text
from storage import migrate
from storage.db import Database
from tests.conftest import POSTGRES_URL, _fresh_postgres

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"


def seeded(url: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A migrated store holding the seed article, its facts, and one chat that follows ASE."""
    monkeypatch.setenv("DATABASE_URL", url)
    database = Database(url)
    migrate.upgrade(database.engine)
    assert main(["ingest", str(SEED)]) == 0
    with database.session() as session:
        handle_text(session, Chat(id=1), "/follow ASE")
    return database


def works(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The bot, pointed at the store, upgrades it and answers /company ASE from its data."""
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    assert main(["db", "upgrade"]) == 0
    assert main(["company", "ASE"]) == 0
    shown = capsys.readouterr().out
    assert "ASE Technology Holding" in shown and "Dong Hong-Szu" in shown


def test_sqlite_backup_while_the_store_is_written_restores_to_a_working_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    store = tmp_path / "data" / "digestbot.sqlite3"
    database = seeded(f"sqlite:///{store}", monkeypatch)
    stop, committed = threading.Event(), [0]

    def keep_writing() -> None:  # as the running bot would: every new chat follows ASE, one commit each
        chat = 1000
        while not stop.is_set():
            chat += 1
            with database.session() as session:
                handle_text(session, Chat(id=chat), "/follow ASE")
            committed[0] += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while committed[0] < 20:  # the writer is well under way
            stop.wait(0.01)
        before = committed[0]
        assert main(["db", "backup", str(tmp_path / "backup.sqlite3")]) == 0
        after = committed[0]
        while committed[0] < after + 20:  # and goes on after the backup, undisturbed
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    database.dispose()
    assert "Backed up" in capsys.readouterr().out

    with sqlite3.connect(tmp_path / "backup.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        subscribers = copy.execute("SELECT count(*) FROM subscribers WHERE chat_id > 1000").fetchone()[0]
        follows = copy.execute("SELECT count(*) FROM follows").fetchone()[0]
    assert before <= subscribers <= after + 1  # a snapshot of a moment during the backup
    assert follows == subscribers + 1  # whole transactions only: every new chat with its follow

    # Restore: the copy put where a store is expected (this process still holds the old store's
    # connections, so a fresh folder stands in for "the bot stopped, the file copied back").
    restored = tmp_path / "restored" / "digestbot.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(tmp_path / "backup.sqlite3", restored)
    works(f"sqlite:///{restored}", monkeypatch, capsys)


def test_sqlite_backup_never_overwrites_and_postgres_is_sent_to_pg_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    store = tmp_path / "digestbot.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{store}")
    assert main(["db", "upgrade"]) == 0
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")
    assert main(["db", "backup", str(existing)]) == 2
    assert existing.read_text() == "keep me"
    assert "cannot create" in capsys.readouterr().err

    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:secret@db.invalid/news")
    assert main(["db", "backup", str(tmp_path / "pg.backup")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "use pg_dump: see README" in err and "secret" not in err
    assert not (tmp_path / "pg.backup").exists()


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_give_a_working_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not on PATH (Debian: apt-get install postgresql-client)")
    assert POSTGRES_URL
    _fresh_postgres(POSTGRES_URL)
    seeded(POSTGRES_URL, monkeypatch).dispose()
    source = make_url(POSTGRES_URL)
    restored = source.set(database=f"{source.database}_restore")
    libpq = {  # pg_dump and pg_restore take libpq URLs, without SQLAlchemy's "+psycopg"
        url: url.set(drivername="postgresql").render_as_string(hide_password=False)
        for url in (source, restored)
    }
    dump = tmp_path / "digestbot.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq[source]], check=True)

    admin = Database(POSTGRES_URL).engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}"'))
        conn.execute(text(f'CREATE DATABASE "{restored.database}"'))
    try:
        subprocess.run(["pg_restore", "--clean", "--if-exists", "-d", libpq[restored], str(dump)], check=True)
        url = restored.render_as_string(hide_password=False)
        copy = Database(url)
        with copy.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM articles")) == 1
            assert conn.scalar(text("SELECT count(*) FROM follows")) == 1
        with copy.session() as session:
            reply = handle_text(session, Chat(id=2), "/search Arizona")  # the generated tsvector came along
            assert reply is not None and "ASE Technology Considers" in render_text(reply)
        copy.dispose()
        works(url, monkeypatch, capsys)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
        admin.dispose()
