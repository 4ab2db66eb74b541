"""Hypothesis profiles for the property tests, and the one store the command properties run against.

The default profile, "ci", is derandomized (the same examples on every run, so a failure is
reproducible and never a flake) and sized so the whole folder runs in well under a minute on two
cores; `HYPOTHESIS_PROFILE=thorough` explores ten times as far with fresh random examples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.cli import main
from storage import migrate
from storage.db import Database
from tests.support.stores import digest_due

_COMMON = {
    "deadline": None,  # a shared two-core machine: timing is asserted where the issue asks, not here
    "database": None,  # no .hypothesis folder written into the checkout or the test's cwd
    # The autouse settings isolation (tests/conftest.py) is function-scoped; sharing it between the
    # examples of one test is what we want. Very long generated texts are on purpose.
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
settings.register_profile("ci", derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[2]
STORED = (ROOT / "seeds" / "letsnewz-ase-us-investment.txt", ROOT / "tests" / "fixtures" / "articles")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated SQLite file holding the seed and the fixture articles, extracted for real, and the
    terminal chat subscribed and following ASE: replies have companies, facts and a digest to show."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store')}/digestbot.sqlite3"
    database = Database(url)
    migrate.upgrade(database.engine)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.delenv("SEEDS_DIR", raising=False)
        assert main(["ingest", *map(str, STORED)]) == 0
    digest_due(url)
    yield database
    database.dispose()
