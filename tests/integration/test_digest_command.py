"""/digest: the digest now, followed companies first with why they are there, then other company
news; the next /digest only has what was stored since; a first fetch of a new source is left out."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.render.telegram_html import MESSAGE_LIMIT, render_html, visible_length
from bot.render.terminal import render_text
from storage.db import Database
from storage.models import Article, Fact, Subscriber, utcnow
from tests.support.conversation import ask, say

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
EVAL = ROOT / "tests" / "eval" / "articles"
USER = Chat(id=31)


@pytest.fixture
def store(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", db.url)
    return db


def test_digest_puts_followed_companies_first_and_says_why(store: Database):
    assert (
        main(
            [
                "ingest",
                str(EVAL / "17-wiwynn-texas-expansion.txt"),
                str(EVAL / "15-tsmc-march-revenue.txt"),
                str(EVAL / "13-typhoon-lanmei.txt"),
            ]
        )
        == 0
    )
    say(store, "/follow TSMC", USER)
    digest = say(store, "/digest", USER)
    assert "Companies you follow" in digest and "Other company news" in digest
    mine, others = digest.split("Other company news")
    assert "you follow TSMC" in mine
    assert "TSMC March Revenue" in mine and "Wiwynn" in others
    assert "Typhoon" not in digest  # a story about no company is not in a company digest


def test_the_next_digest_has_only_what_is_new(store: Database):
    assert main(["ingest", str(SEED)]) == 0
    assert "ASE Technology Considers" in say(store, "/digest", USER)
    assert "Nothing new about companies since" in say(store, "/digest", USER)
    assert main(["ingest", str(EVAL / "17-wiwynn-texas-expansion.txt")]) == 0
    again = say(store, "/digest", USER)
    assert "Wiwynn" in again and "ASE Technology Considers" not in again


def test_a_new_sources_first_fetch_brings_its_recent_news_but_not_its_archive(store: Database):
    wiwynn, tsmc = EVAL / "17-wiwynn-texas-expansion.txt", EVAL / "15-tsmc-march-revenue.txt"
    assert main(["ingest", str(SEED), str(wiwynn), str(tsmc)]) == 0
    with store.session() as session:  # all three came with a new source's first fetch
        for article in session.scalars(select(Article)):
            article.backfill = True
            if "Wiwynn" in article.title:
                article.published_at = article.ingested_at - timedelta(days=3)
            elif "TSMC" in article.title:
                article.published_at = article.ingested_at - timedelta(hours=2)
            else:
                article.published_at = None  # the seed has no date
    daily = say(store, "/digest", USER)
    assert "ASE Technology Considers" in daily and "TSMC March Revenue" in daily
    assert "Wiwynn" not in daily  # older than a day before the fetch: archive for a daily digest
    weekly = Chat(id=32)
    with store.session() as session:
        handle_text(session, weekly, "/subscribe weekly mon 08:00")
    with store.session() as session:
        week = render_text(handle_text(session, weekly, "/digest"))
    assert "Wiwynn" in week and "TSMC March Revenue" in week and "ASE Technology Considers" in week


def test_archive_beyond_a_week_is_in_no_digest(store: Database):
    assert main(["ingest", str(SEED)]) == 0
    with store.session() as session:
        session.execute(update(Article).values(backfill=True, published_at=utcnow() - timedelta(days=30)))
    assert "Nothing new" in say(store, "/digest", USER)


def test_a_digest_of_a_day_of_news_lists_each_company_story_once_and_fits_telegram(store: Database):
    """29 articles: every one with company news is in the digest exactly once, with its source; the
    two without (a typhoon, a marathon) are not; each message is within Telegram's limit."""
    assert main(["ingest", str(EVAL)]) == 0
    messages = render_html(ask(store, "/digest", USER))
    assert all(visible_length(m.html) <= MESSAGE_LIMIT for m in messages)
    shown = html.unescape("\n".join(m.html for m in messages))
    with store.session() as session:
        articles = session.scalars(select(Article)).all()
        company_news = set(session.scalars(select(Fact.article_id).where(Fact.company_id.is_not(None))))
    assert len(articles) == 29 and len(company_news) == 27
    for article in articles:
        expected = 1 if article.id in company_news else 0
        assert shown.count(f"<b>{article.title}</b> ({article.source_name})") == expected, article.title
    assert "Typhoon Lanmei" not in shown and "Marathon" not in shown


def test_the_digest_command_line_prints_a_chats_digest(store: Database, capsys: pytest.CaptureFixture[str]):
    assert main(["ingest", str(SEED)]) == 0
    say(store, "/follow TSMC", USER)  # chat 31 is known: it follows a company
    capsys.readouterr()
    assert main(["digest", "--chat", "31"]) == 0
    printed = capsys.readouterr().out
    assert "Your digest" in printed and "ASE Technology Considers" in printed
    assert "Nothing new about companies since" in say(store, "/digest", USER)  # as /digest there, it moved on


def test_the_digest_command_line_makes_up_no_subscriber_for_an_unknown_chat(
    store: Database, capsys: pytest.CaptureFixture[str]
):
    assert main(["ingest", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["digest", "--chat", "12345"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "digestbot: chat 12345 is not a subscriber (it never subscribed, followed a company or asked for /digest)"
    )
    with store.session() as session:
        assert session.scalars(select(Subscriber.chat_id)).all() == []
