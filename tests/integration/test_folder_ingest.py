"""Folders of articles: .txt scrapes, Markdown and HTML files, stored with their headline, source
and paragraphs; hidden and other files left alone; a folder source re-read stores nothing twice."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from bot.ingest.http import Fetcher
from bot.ingest.models import Status
from bot.ingest.pipeline import Ingestor
from storage.db import Database
from storage.models import Article, SourceKind
from storage.sources import add_source
from tests.support.webserver import LOOPBACK

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def articles(db: Database) -> dict[str, Article]:
    with db.session() as session:
        return {a.title: a for a in session.scalars(select(Article))}


async def ingest(db: Database, *paths: Path):
    async with Fetcher(timeout=1, attempts=1, allow_internal=LOOPBACK) as fetcher:
        return await Ingestor(db, fetcher, max_file_bytes=1_000_000).ingest_targets([str(p) for p in paths])


async def test_the_seed_scrape_is_stored_with_its_site_as_source_and_headline_once(db: Database):
    summary = await ingest(db, SEEDS)
    assert summary.count(Status.NEW) == 1
    (seed,) = articles(db).values()
    assert (
        seed.title
        == "ASE Technology Considers U.S. Investment to Meet Customer Demands: Initial Discussions Underway"
    )
    assert seed.source_name == "Letsnewz"
    assert seed.text.startswith("Amid rising U.S. tariff pressures, ASE Technology Holding Co.")
    assert "Letsnewz" not in seed.text and seed.title not in seed.text
    assert seed.text.count("\n\n") == 5  # six paragraphs
    assert seed.text.endswith("its competitiveness is not compromised.")
    assert seed.url is not None and seed.url.startswith("file://")


async def test_a_folder_of_mixed_files(db: Database, tmp_path: Path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "micron.md").write_text(
        "# Micron to expand Idaho fab\n\n*Published: 2025-04-02*\n\n"
        "Micron Technology said it would spend **$15 billion** on a second memory fab in Boise, Idaho, "
        "with production expected by 2027, according to [a filing](https://example.com/filing).\n",
        encoding="utf-8",
    )
    (tmp_path / "wistron.html").write_text(
        "<html><head><title>Wistron adds Texas line</title><meta name='author' content='Jo Chen'></head>"
        "<body><nav>Home | Tech</nav><article><h1>Wistron adds Texas line</h1>"
        "<p>Wistron said on Friday that it would add an AI server assembly line at its plant in Fort Worth, "
        "Texas, to serve demand from cloud customers in the United States.</p>"
        "<p>The company did not say how much the line would cost.</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "bom.txt").write_bytes(
        "\ufeffNikkei-style Wire.\n\nSony raises outlook\n\nSony Group raised its full-year operating profit "
        "forecast on Tuesday as image sensor sales to smartphone makers recovered faster than expected.\n".encode()
    )
    (tmp_path / ".draft.txt").write_text("hidden " * 50)
    (tmp_path / "notes.json").write_text("{}")
    summary = await ingest(db, tmp_path)
    assert summary.count(Status.NEW) == 3 and len(summary.outcomes) == 3
    stored = articles(db)
    micron = stored["Micron to expand Idaho fab"]
    assert micron.published_at is not None and micron.published_at.date().isoformat() == "2025-04-02"
    assert "$15 billion" in micron.text and "**" not in micron.text and "](" not in micron.text
    wistron = stored["Wistron adds Texas line"]
    assert wistron.author == "Jo Chen" and "Home | Tech" not in wistron.text
    sony = stored["Sony raises outlook"]
    assert sony.source_name == "Nikkei-style Wire"


async def test_a_folder_source_read_again_stores_only_what_is_new(db: Database, tmp_path: Path):
    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.jsonl", "README*"))
    with db.session() as session:
        source_id = add_source(
            session, kind=SourceKind.FOLDER, location=str(folder), name="inbox", interval_minutes=5
        ).id
    async with Fetcher(timeout=1, attempts=1, allow_internal=LOOPBACK) as fetcher:
        ingestor = Ingestor(db, fetcher, max_file_bytes=1_000_000)
        first = await ingestor.fetch_source(source_id)
        (folder / "later.txt").write_text(
            "Pegatron plans Vietnam plant\n\nPegatron said its board approved a new plant in Hai Phong, "
            "Vietnam, to assemble networking equipment for customers in the United States and Europe.\n"
        )
        second = await ingestor.fetch_source(source_id)
        third = await ingestor.fetch_source(source_id)
        later = folder / "later.txt"
        later.write_text(later.read_text() + "\nThe plant opens in 2027.\n")  # edited: read again
        fourth = await ingestor.fetch_source(source_id)
    assert first.count(Status.NEW) == 1
    # Files read before and unchanged since are not read again: only the new one is.
    assert [(o.status, Path(o.target).name) for o in second.outcomes] == [(Status.NEW, "later.txt")]
    assert third.outcomes == []
    # An edited file is read again (and found to be the article already stored from that path).
    assert [(o.status, Path(o.target).name) for o in fourth.outcomes] == [(Status.DUPLICATE, "later.txt")]
    stored = articles(db)
    assert stored["Pegatron plans Vietnam plant"].backfill is False
    assert all(a.source_id == source_id for a in stored.values())
