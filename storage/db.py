"""Engine and sessions: SQLite (WAL, busy timeout) as the embedded default, PostgreSQL via psycopg 3;
and `chunks`, how every query with a long IN (...) list stays under the backends' parameter limits."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Items per IN (...) list. SQLite builds before 3.32 bind at most 999 parameters per statement (newer
# ones 32766, PostgreSQL 65535); 400 leaves room for a query that binds two per item (an id and a
# key: storage.deliveries.claimed_keys) and a few of its own.
IN_LIST_CHUNK = 400

T = TypeVar("T")


def chunks(items: Iterable[T], size: int = IN_LIST_CHUNK) -> Iterator[list[T]]:
    """`items` in order, in lists of at most `size`: one query each, `column.in_(chunk)`."""
    if size < 1:
        raise ValueError(f"a chunk holds at least one item, not {size}")
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class DatabaseUnavailable(Exception):
    """The store cannot be opened or reached. Its text is one line that names the setting and the
    cause, with any password masked; `transient` when trying again later may help (a server that
    refused or dropped the connection), not when the setting itself is wrong."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def lost_database(exc: BaseException) -> bool:
    """The database itself failed (gone away, restarted, locked), not what was asked of it."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def storage_full(exc: BaseException) -> bool:
    """The disk (or the server's) is full: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    return getattr(orig, "sqlstate", None) == "53100"


def driver_message(exc: DBAPIError) -> str:
    """The driver's own message on one line (libpq puts its hint on a line of its own)."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return "; ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    """What went wrong opening the store at `url`, as one line without secrets."""
    try:
        parsed = make_url(normalize_url(url))
        shown, password = parsed.render_as_string(hide_password=True), parsed.password
    except Exception:
        shown, password = "(unreadable)", None
    transient = False
    if isinstance(exc, FileExistsError | NotADirectoryError):
        cause = f"{exc.filename or 'a folder on the path'} is a file, not a folder"
    elif isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        cause = f"cannot create{where}: {exc.strerror or exc}"
    elif isinstance(exc, DBAPIError):
        cause = driver_message(exc)
        transient = isinstance(exc, OperationalError) and parsed.get_backend_name() != "sqlite"
        if parsed.get_backend_name() == "sqlite":
            cause = f"cannot open {parsed.database}: {cause}"
    else:
        cause = str(exc)
    lines = (" ".join(line.split()) for line in cause.splitlines())  # libpq adds a hint on a line of its own
    cause = "; ".join(line for line in lines if line) or type(exc).__name__
    if password:
        cause = cause.replace(str(password), "***")
    return DatabaseUnavailable(f"setting DATABASE_URL ({shown}): {cause}", transient=transient)


def normalize_url(url: str) -> str:
    """Let people write postgresql:// and still get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, begin transactions (see _sqlite_begin); savepoints need it too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """BEGIN IMMEDIATE: take the write lock at the start of a unit of work. A transaction that
    read first and writes later would otherwise fail at once with "database is locked" when another
    writer committed in between (its snapshot is stale), instead of waiting its turn."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _create_private(database: Path) -> None:
    """The store holds who subscribes to what: a folder made for it is the owner's alone (0700), and
    so is a new database file (0600; SQLite gives its -wal and -shm files the same mode). Folders
    and files that exist already keep the mode their owner chose."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One engine and its session factory; `session()` is a unit of work that commits or rolls back."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
