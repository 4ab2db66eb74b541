"""Stores with articles already ingested and extracted, built once a pytest session and copied for
each test that needs one: extracting the same articles again for every test is most of what such
tests would cost. A SQLite template is a file copied with SQLite's backup API; a PostgreSQL template
is a database on the test server that `CREATE DATABASE ... TEMPLATE` clones."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.cli import main
from storage import migrate
from storage.db import Database


class StoreTemplates:
    def __init__(self, folder: Path, server_url: str | None, postgres_url: str | None) -> None:
        self.folder = folder
        self.server_url = server_url
        self.postgres_url = postgres_url  # this process's database; templates are named after it
        self._built: set[str] = set()

    def fill(self, db: Database, paths: Sequence[Path | str]) -> Database:
        """`db`, emptied and holding what ingesting `paths` one after the other gives. `db` is
        disposed first: its connections would hold the file or the database being replaced."""
        key = _key(paths)
        db.dispose()
        if db.backend == "sqlite":
            template = self.folder / f"{key}.sqlite3"
            if template.name not in self._built:
                self._build(f"sqlite:///{template}", paths, template.name)
            target = make_url(db.url).database
            assert target
            with (
                contextlib.closing(sqlite3.connect(template)) as source,
                contextlib.closing(sqlite3.connect(target)) as copy,
            ):
                source.backup(copy)
        else:
            assert self.server_url and self.postgres_url
            own = make_url(self.postgres_url)
            template = f"{own.database}_{key}"
            server = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
            try:
                if template not in self._built:
                    with server.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                        conn.execute(text(f'CREATE DATABASE "{template}"'))
                    url = own.set(database=template).render_as_string(hide_password=False)
                    self._build(url, paths, template)
                with server.connect() as conn:
                    # A clone needs its template without connections (an engine left open by the build).
                    conn.execute(
                        text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :t"),
                        {"t": template},
                    )
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
                    conn.execute(text(f'CREATE DATABASE "{own.database}" TEMPLATE "{template}"'))
            finally:
                server.dispose()
        return db

    def _build(self, url: str, paths: Sequence[Path | str], name: str) -> None:
        database = Database(url)
        migrate.upgrade(database.engine)
        database.dispose()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DATABASE_URL", url)
            for path in paths:
                assert main(["ingest", str(path)]) == 0, f"ingesting {path} for a template store"
        self._built.add(name)


def _key(paths: Sequence[Path | str]) -> str:
    return hashlib.sha256("\0".join(map(str, paths)).encode()).hexdigest()[:10]
