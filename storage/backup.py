"""Backing up a SQLite store (`digestbot db backup`): a copy in one consistent snapshot, by SQLite's
online backup API, safe while the bot runs and writes (WAL readers block no writer). The store is not
migrated first, so a backup taken before an upgrade holds the data as it was. PostgreSQL is backed up
with pg_dump (see the README)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(Exception):
    """No backup was made; the text says why in one line."""


@dataclass(frozen=True)
class Backup:
    source: Path
    target: Path
    size_bytes: int
    revision: str  # the store's migration revision, as copied


def backup_sqlite(database_url: str, target: Path) -> Backup:
    """Copy the SQLite store at `database_url` to `target`, a new file (never over an existing one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupFailed("db backup is for SQLite; for PostgreSQL use pg_dump: see README (Backups)")
    source = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not source.is_file():
        raise BackupFailed(f"no SQLite database at {source} (setting DATABASE_URL)")
    try:
        # Private like the store itself (0600), and never over an existing file.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise BackupFailed(f"cannot create {target}: {exc.strerror or exc}") from exc
    try:
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one consistent snapshot
            (revision,) = dst.execute("SELECT version_num FROM alembic_version").fetchone() or ("none",)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise BackupFailed(f"backup of {source} failed: {exc}") from exc
    return Backup(source=source, target=target, size_bytes=target.stat().st_size, revision=revision)
