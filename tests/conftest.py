"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a local web server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage import migrate
from storage.db import Database
from tests.support.webserver import LocalWebServer

POSTGRES_URL = os.environ.get("DIGESTBOT_TEST_POSTGRES_URL")
NO_POSTGRES = "PostgreSQL not available: set DIGESTBOT_TEST_POSTGRES_URL (.ci/run starts one)"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's .env or environment settings."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "DATABASE_URL", "SEEDS_DIR", "ADMIN_CHAT_IDS", "NLP_MODEL")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def _fresh_postgres(url: str) -> None:
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    database.dispose()


def pytest_report_header() -> str:
    return f"PostgreSQL: {POSTGRES_URL}" if POSTGRES_URL else f"PostgreSQL tests skipped: {NO_POSTGRES}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a server, the PostgreSQL runs are skipped with one reason, reported once."""
    if POSTGRES_URL:
        return
    marker = pytest.mark.skip(reason=NO_POSTGRES)
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not POSTGRES_URL:
        skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgres" in r.keywords]
        if skipped:
            terminalreporter.write_line(f"{len(skipped)} PostgreSQL runs skipped: {NO_POSTGRES}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A freshly migrated, empty database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/digestbot.sqlite3"
    else:
        assert POSTGRES_URL
        url = POSTGRES_URL
        _fresh_postgres(url)
    database = Database(url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def web() -> Iterator[LocalWebServer]:
    server = LocalWebServer().start()
    yield server
    server.stop()
