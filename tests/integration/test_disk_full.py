"""The disk fills up during `digestbot ingest`: the run stops with a summary that says so, every
article it stored is whole (nothing half-stored), and once there is space again the same command
stores the rest and the store is sound.

A full disk is a real one: a small tmpfs mounted for the test (so the test needs the right to mount,
as root in CI; elsewhere it is skipped with that reason)."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.process import clean_env, run_digestbot

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
ARTICLES = 30


def _mount(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 600 KB file system of its own: room for the migrated store and a few articles."""
    disk = tmp_path / "data"
    disk.mkdir()
    mounted = _mount(["mount", "-t", "tmpfs", "-o", "size=600k,mode=0700", "tmpfs", str(disk)])
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up: {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield disk
    finally:
        _mount(["umount", "-l", str(disk)])


def _articles(folder: Path) -> None:
    """Distinct articles of about 8 KB each (the seed's text, each with a headline of its own)."""
    folder.mkdir()
    body = SEED.read_text(encoding="utf-8").split("\n", 1)[1]
    for n in range(ARTICLES):
        filler = " ".join(uuid.uuid4().hex for _ in range(120))
        (folder / f"article-{n:02d}.txt").write_text(
            f"Chipmaker update number {n}\n\n{body}\n\nReference codes: {filler}.\n", encoding="utf-8"
        )


def _digestbot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(DATABASE_URL="sqlite:///data/digestbot.sqlite3")
    return run_digestbot(*args, cwd=cwd, env=env, timeout=300)


def _stored(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT title, text FROM articles ORDER BY id").fetchall()


@pytest.mark.long
def test_a_full_disk_stops_the_ingest_with_whole_articles_and_the_next_run_stores_the_rest(
    tmp_path: Path, small_disk: Path
):
    _articles(tmp_path / "news")
    assert _digestbot(tmp_path, "db", "upgrade").returncode == 0

    full = _digestbot(tmp_path, "ingest", "news")

    assert full.returncode == 2, full.stdout + full.stderr
    assert "Traceback" not in full.stderr, full.stderr
    assert "Stopped: the disk is full (database or disk is full)" in full.stdout
    stored = _stored(small_disk / "digestbot.sqlite3")
    assert 0 < len(stored) < ARTICLES
    assert f"; {ARTICLES - len(stored)} input(s) not read." in full.stdout
    assert f"{len(stored)} new" in full.stdout
    for title, text in stored:  # whole: the article's last line, its own reference codes, is there
        number = int(title.rsplit(" ", 1)[1])
        codes = (tmp_path / "news" / f"article-{number:02d}.txt").read_text(encoding="utf-8").split("\n")[-2]
        assert text.endswith(codes), f"{title} was cut"

    grown = _mount(["mount", "-o", "remount,size=20m", str(small_disk)])
    assert grown.returncode == 0, grown.stderr

    again = _digestbot(tmp_path, "ingest", "news")

    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{ARTICLES - len(stored)} new, {len(stored)} duplicate" in again.stdout
    assert f"Extracted the facts of {ARTICLES} article(s)." in again.stdout
    assert len(_stored(small_disk / "digestbot.sqlite3")) == ARTICLES
