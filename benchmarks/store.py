"""The empty store a benchmark starts from: a SQLite file in a temporary folder, or a PostgreSQL
database given by URL (created when missing, its schema `public` dropped and created again, so give
a throwaway one)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, normalize_url


def fresh_database(url: str | None, tmp: Path, name: str = "digestbot.sqlite3") -> Database:
    if url is None:
        return Database(f"sqlite:///{tmp / name}")
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                found = conn.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
                )
                if not found:
                    conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        finally:
            admin.dispose()
    db = Database(url)
    if db.backend == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    return db


def server_version(db: Database) -> str:
    """ "SQLite 3.40.1", "PostgreSQL 15.8": what a benchmark's first line says it ran on."""
    with db.engine.connect() as conn:
        if db.backend == "sqlite":
            return "SQLite " + conn.execute(text("select sqlite_version()")).scalar_one()
        if db.backend == "postgresql":
            return "PostgreSQL " + conn.execute(text("show server_version")).scalar_one()
    return db.backend
