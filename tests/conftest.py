"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a local web server.

PostgreSQL: DIGESTBOT_TEST_POSTGRES_URL names a server (and a database there to connect to first);
each pytest run, and each of its xdist workers, works in a database of its own on that server,
made when the session starts and dropped when it ends, so two runs at once never clobber each other.
`POSTGRES_URL` is this process's database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import Database
from tests.support.templates import StoreTemplates
from tests.support.webserver import LocalWebServer

SERVER_URL = os.environ.get("DIGESTBOT_TEST_POSTGRES_URL")
# xdist gives its workers one id for the run; a run without xdist makes its own.
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
_DATABASE = f"digestbot_test_{_RUN[:12]}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
POSTGRES_URL = (
    make_url(SERVER_URL).set(database=_DATABASE).render_as_string(hide_password=False) if SERVER_URL else None
)
NO_POSTGRES = "PostgreSQL not available: set DIGESTBOT_TEST_POSTGRES_URL (.ci/run starts one)"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's .env or environment settings."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "DATABASE_URL", "SEEDS_DIR", "ADMIN_CHAT_IDS", "NLP_MODEL")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="session", autouse=True)
def _postgres_database() -> Iterator[None]:
    """This process's own database on the test server, for the whole session."""
    if SERVER_URL is None:
        yield
        return
    server = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{_DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{_DATABASE}"'))
    yield
    with server.connect() as conn:
        ours = conn.scalars(
            text("SELECT datname FROM pg_database WHERE datname = :name OR datname LIKE :templates"),
            {"name": _DATABASE, "templates": f"{_DATABASE}_%"},
        ).all()
        for name in ours:  # this process's database and its stored templates (tests.support.templates)
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def _fresh_postgres(url: str) -> None:
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    database.dispose()


def pytest_report_header() -> str:
    return f"PostgreSQL: {POSTGRES_URL}" if POSTGRES_URL else f"PostgreSQL tests skipped: {NO_POSTGRES}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="run tests marked slow on every database (by default on SQLite only); .ci/run does",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a server, the PostgreSQL runs are skipped with one reason, reported once. A test
    marked slow runs on SQLite only, unless --run-slow."""
    slow = pytest.mark.skip(reason="slow: on SQLite only without --run-slow (.ci/run runs both)")
    no_server = pytest.mark.skip(reason=NO_POSTGRES)
    for item in items:
        if "postgres" not in item.keywords:
            continue
        if not POSTGRES_URL:
            item.add_marker(no_server)
        elif "slow" in item.keywords and not config.getoption("--run-slow"):
            item.add_marker(slow)
    items[:] = _long_ones_first(items, getattr(config, "workerinput", {}).get("workercount", 1))


def _long_ones_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The tests marked long (slow ones first) at the head of each worker's share, dealt out in
    turn. pytest-xdist's worksteal scheduler hands each worker a contiguous share of the collection
    and later steals from the shares' tails: a long test left deep in a share would end the run on
    its own while the other workers wait. Every worker computes the same order (they must)."""
    skipped = {item for item in items if item.get_closest_marker("skip")}
    heavy = [i for i in items if i not in skipped and ("long" in i.keywords or "slow" in i.keywords)]
    heavy.sort(key=lambda item: "slow" not in item.keywords)  # stable: collection order otherwise
    rest = iter([item for item in items if item not in heavy])
    ordered: list[pytest.Item] = []
    left = len(items)
    for share in range(workers):
        size = left // (workers - share)  # the worksteal scheduler's first split
        head = heavy[share::workers]
        ordered += head + [next(rest) for _ in range(max(0, size - len(head)))]
        left -= size
    return ordered + list(rest)


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


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> StoreTemplates:
    """Stores with articles ingested and extracted once a session, copied into `db` per test."""
    return StoreTemplates(tmp_path_factory.mktemp("templates"), SERVER_URL, POSTGRES_URL)


@pytest.fixture
def stored(db: Database, templates: StoreTemplates) -> Callable[..., Database]:
    """`stored(*paths)`: `db` (either backend) holding what `digestbot ingest` makes of each path,
    ingested one after the other in that order; built once a session, copied for this test."""
    return lambda *paths: templates.fill(db, paths)


@pytest.fixture
def web() -> Iterator[LocalWebServer]:
    server = LocalWebServer().start()
    yield server
    server.stop()
