"""`digestbot sources add|list|remove`: feeds checked before they are added, folders by path,
duplicates refused, removal keeps the articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from storage.articles import count_articles
from storage.db import Database
from tests.support.webserver import LOOPBACK_SETTING, LocalWebServer
from tests.support.wikinews import article_page, load_corpus, rss_feed


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", LOOPBACK_SETTING)
    monkeypatch.setenv("HTTP_TIMEOUT_SECONDS", "1")
    return db


def test_add_list_and_remove_sources(cli_db: Database, web: LocalWebServer, tmp_path: Path, capsys):
    article = load_corpus()[0]
    web.add(f"/news/{article.slug}", article_page(article))
    feed = web.add("/rss", rss_feed([article], web.url("/news/{slug}")), content_type="application/rss+xml")

    assert main(["sources", "list"]) == 0
    assert "No sources yet" in capsys.readouterr().out

    assert main(["sources", "add", feed, "--name", "Wikinews", "--interval", "15"]) == 0
    assert f"Added source #1 (feed, every 15 min): {feed}" in capsys.readouterr().out
    assert main(["sources", "add", str(tmp_path)]) == 0
    assert main(["sources", "add", feed]) == 1
    assert "already a source (#1)" in capsys.readouterr().err
    assert main(["sources", "add", str(tmp_path / "nowhere")]) == 1
    assert "not a URL nor an existing folder" in capsys.readouterr().err
    assert main(["sources", "add", web.url("/missing")]) == 1
    assert "HTTP 404 Not Found" in capsys.readouterr().err

    assert main(["ingest", feed]) == 0
    assert main(["sources", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Wikinews" in listing and "feed" in listing and "folder" in listing and "15m" in listing

    assert main(["sources", "remove", "1"]) == 0
    assert main(["sources", "remove", "1"]) == 1
    assert "No source #1" in capsys.readouterr().err
    with cli_db.session() as session:
        assert count_articles(session) == 1  # the articles stay
