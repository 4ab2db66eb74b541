"""/search and /latest on a store built with the real `digestbot ingest`, on SQLite (FTS5) and on
PostgreSQL (tsvector): what is found and in which order, hostile input, articles searchable the moment
they are stored, the newest articles with their top facts, and migration 0004 up, down and up again."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.commands.context import Chat
from bot.commands.router import handle_text
from bot.digest.compose import story_line
from bot.render.telegram_html import render_html
from bot.render.terminal import render_text
from bot.replies import Paragraph, Reply
from storage import migrate
from storage.articles import add_article
from storage.companies import ensure_company
from storage.db import Database
from storage.digest import DigestStory
from storage.models import Article, Base, Fact, SourceKind
from storage.search import fts5_query, include_name, latest_articles, search_articles, top_facts
from storage.sources import add_source
from tests.support.conversation import say

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "letsnewz-ase-us-investment.txt"
EVAL = ROOT / "tests" / "eval" / "articles"
TSMC_AWARD = EVAL / "01-tsmc-chips-act-award.txt"  # "Arizona" in the title
AMD_ARIZONA = EVAL / "04-amd-arizona-production.txt"  # "Arizona" in the title
TSMC_REVENUE = EVAL / "15-tsmc-march-revenue.txt"
WIWYNN = EVAL / "17-wiwynn-texas-expansion.txt"
SEED_TITLE = "ASE Technology Considers U.S. Investment"
USER = Chat(id=1)


@pytest.fixture
def store(stored: Callable[..., Database], monkeypatch: pytest.MonkeyPatch) -> Database:
    """The seed first, then three eval articles, each ingested on its own (so stored in this order)."""
    db = stored(SEED, TSMC_AWARD, AMD_ARIZONA, TSMC_REVENUE)
    monkeypatch.setenv("DATABASE_URL", db.url)
    return db


def titles(db: Database, words: str) -> list[str]:
    with db.session() as session:
        return [hit.title for hit in search_articles(session, words)]


# --- /search ---------------------------------------------------------------------------------------------


def test_search_finds_the_seed_by_a_place_with_its_source_date_and_top_fact(store: Database):
    text = say(store, "/search Arizona", USER)
    assert "Best matches for “Arizona”" in text
    assert SEED_TITLE in text and "Letsnewz" in text
    assert "investing $165 billion in Arizona" in text  # the passage
    assert "Plan or evaluation · ASE Technology Holding" in text  # the seed's top fact
    assert "Funding or subsidy · TSMC · USD 6.6 billion" in text  # the CHIPS Act award's


def test_search_finds_the_seed_by_two_words_that_are_both_in_it(store: Database):
    assert titles(store, "Inventec Texas") == [
        "ASE Technology Considers U.S. Investment to Meet Customer Demands: Initial Discussions Underway"
    ]
    assert SEED_TITLE in say(store, "/search inventec texas", USER)
    assert titles(store, "Inventec Nvidia") == []  # every word is wanted


def test_search_stems_words_alike_on_both_databases(store: Database):
    assert any(SEED_TITLE in t for t in titles(store, "investments"))  # the seed says "investment"


def test_a_title_match_ranks_above_a_body_match(store: Database):
    found = titles(store, "Arizona")
    seed = next(i for i, t in enumerate(found) if t.startswith(SEED_TITLE))
    in_title = [i for i, t in enumerate(found) if "Arizona" in t]
    assert len(in_title) == 2 and max(in_title) < seed


def test_search_for_a_word_in_no_article_finds_nothing(store: Database):
    assert titles(store, "Zorblaxian") == []
    assert "No article mentions “Zorblaxian”" in say(store, "/search Zorblaxian", USER)


def test_search_without_words_shows_an_example(store: Database):
    for text in ("/search", "/search    "):
        reply = say(store, text, USER)
        assert "What should I look for?" in reply and "Example: /search Arizona fab" in reply


def test_phrases_alternatives_and_exclusions_work_alike_on_both_databases(store: Database):
    assert any("Arizona" in t for t in titles(store, '"Arizona Fabs"'))
    assert titles(store, '"Fabs Arizona"') == []
    assert set(titles(store, "Inventec OR Zorblaxian")) == set(titles(store, "Inventec"))
    assert not any(t.startswith(SEED_TITLE) for t in titles(store, "Arizona -Raimondo"))
    assert titles(store, "-Arizona") == []  # nothing wanted, nothing found


HOSTILE = [
    '"',
    '""',
    "*",
    "Arizona*",
    '"Arizona',
    'Arizona"',
    "NEAR(",
    "NEAR(Arizona TSMC, 3)",
    "OR",
    "AND OR NOT",
    "Arizona OR",
    "OR Arizona",
    "^Arizona",
    "title:Arizona",
    "{title}: Arizona",
    "<b>Arizona</b>",
    "<script>alert(1)</script>",
    "a & b | !c",
    "'; DROP TABLE articles; --",
    "(((",
    "-",
    "--Arizona",
    "Arizona\x00TSMC",
    "\\",
    "ñ 台積電 Ärizona",
    "x" * 500,
    " ".join(["Arizona"] * 100),
]


@pytest.mark.parametrize("words", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_errors(store: Database, words: str):
    text = say(store, f"/search {words}", USER)
    assert "Best matches for" in text or "No article mentions" in text
    with store.session() as session:
        search_articles(session, words)  # also without the router's cut at 200 characters
        assert session.scalar(select(Article.id).limit(1)) is not None


@pytest.mark.parametrize("words", ["Arizona*", '"Arizona', "Arizona OR", "OR Arizona", "<b>Arizona</b>"])
def test_stray_syntax_around_a_word_still_finds_it(store: Database, words: str):
    assert any("Arizona" in t for t in titles(store, words))


def test_a_long_search_is_cut_with_a_notice(store: Database):
    assert "Your text was cut at 200 characters." in say(store, "/search " + "Arizona " * 60, USER)


def test_an_article_is_searchable_the_moment_it_is_stored_changed_or_gone(store: Database):
    assert titles(store, "Wiwynn") == []
    assert main(["ingest", str(WIWYNN)]) == 0
    assert titles(store, "Wiwynn") == ["Wiwynn board approves US expansion as server makers race to Texas"]
    with store.session() as session:
        article = session.scalars(select(Article).where(Article.title.startswith("Wiwynn"))).one()
        article.title = "Quokka servers head to Texas"
        article.text = article.text.replace("Wiwynn", "Quokka")
    assert titles(store, "Wiwynn") == []
    assert titles(store, "Quokka") == ["Quokka servers head to Texas"]
    with store.session() as session:
        session.execute(delete(Article).where(Article.title.startswith("Quokka")))
    assert titles(store, "Quokka") == []
    assert any(t.startswith(SEED_TITLE) for t in titles(store, "Texas"))


def test_a_huge_article_is_stored_and_found_by_its_title_and_opening(db: Database):
    """A tsvector holds at most 1 MB: the index must not make storing a long text fail."""
    words = [f"w{n:07d}x" for n in range(300_000)]  # 3 MB of distinct words
    with db.session() as session:
        add_article(
            session,
            canonical_url="https://news.example/huge",
            content_hash="h" * 64,
            title="Pangolin annual report",
            text="Pangolin opens. " + " ".join(words),
            url="https://news.example/huge",
            source_name="Example",
            source_id=None,
            author=None,
            published_at=None,
        )
    assert titles(db, "pangolin") == ["Pangolin annual report"]
    assert titles(db, "opens") == ["Pangolin annual report"]
    assert "Pangolin annual report" in say(db, "/search Pangolin opens", USER)


def test_hits_carry_a_snippet_with_the_matched_words_marked(store: Database):
    with store.session() as session:
        hit = next(h for h in search_articles(session, "Raimondo") if h.title.startswith(SEED_TITLE))
    assert "Raimondo" in hit.snippet and "\ue000" not in hit.snippet
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Raimondo"]
    assert hit.fact is not None and hit.fact.company == "ASE Technology Holding"


def test_fts5_queries_are_built_from_quoted_words_only():
    assert fts5_query('NEAR(a b) OR "x y" -z *') == '(("NEAR a" AND "b")) OR (("x y") NOT ("z"))'
    assert fts5_query("<b>TSMC</b>") == '(("TSMC"))'
    assert fts5_query('* ( ) : ^ OR - "') is None
    assert fts5_query('"OR a') == '(("OR a"))'  # quoted, OR is a word


# --- /latest ----------------------------------------------------------------------------------------------


def bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  • ")]


def test_latest_lists_the_newest_news_first_with_their_top_facts(store: Database):
    text = say(store, "/latest", USER)
    lines = bullets(text)
    assert len(lines) == 4 and "The latest 4 articles" in text
    today = datetime.now(UTC).date().isoformat()
    # The undated two as of the day we stored them (the last stored first), then the dated ones.
    assert "AMD to make server chips" in lines[0] and f"Silicon Ledger · {today}" in lines[0]
    assert SEED_TITLE in lines[1] and f"Letsnewz · {today}" in lines[1]
    assert "TSMC March Revenue" in lines[2] and "Taipei Tech Times · 2025-04-10" in lines[2]
    assert "TSMC Finalizes CHIPS Act Award" in lines[3] and "2024-11-15" in lines[3]
    assert "Funding or subsidy · TSMC · USD 6.6 billion" in text
    assert "Plan or evaluation · ASE Technology Holding" in text


def test_latest_respects_n(store: Database):
    assert main(["ingest", str(WIWYNN), str(EVAL / "02-foxconn-q1-results.txt")]) == 0
    assert len(bullets(say(store, "/latest", USER))) == 5  # the default
    two = say(store, "/latest 2", USER)
    assert len(bullets(two)) == 2 and "The latest 2 articles" in two
    assert "TSMC March Revenue" not in two
    assert len(bullets(say(store, "/latest 20", USER))) == 6
    one = say(store, "/latest 1", USER)
    assert "The latest article" in one and len(bullets(one)) == 1


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("0", "I can list from 1 to 20 articles, not 0."),
        ("99", "I can list from 1 to 20 articles, not 99."),
        ("-3", "I can list from 1 to 20 articles, not -3."),
        ("abc", "“abc” is not a number."),
        ("5 articles", "“5 articles” is not a number."),
        ("<b>5</b>", "“<b>5</b>” is not a number."),
    ],
)
def test_latest_rejects_what_is_not_a_count_from_1_to_20(store: Database, argument: str, message: str):
    text = say(store, f"/latest {argument}", USER)
    assert message in text and "Example: /latest 10" in text


def test_latest_on_an_empty_store(db: Database):
    assert say(db, "/latest", USER) == "No articles are stored yet."


def test_the_top_fact_is_the_first_that_is_not_a_statement(db: Database):
    with db.session() as session:
        ids = []
        for n, kinds in enumerate((["statement", "investment", "plan"], ["statement", "statement"], [])):
            article = store_article(session, n)
            ids.append(article.id)
            for position, kind in enumerate(kinds):
                session.add(
                    Fact(article_id=article.id, position=position, kind=kind, sentence=f"{kind} {position}")
                )
        session.flush()
        facts = top_facts(session, ids)
        assert facts[ids[0]].sentence == "investment 1"
        assert facts[ids[1]].sentence == "statement 0"
        assert ids[2] not in facts
        newest = latest_articles(session, limit=2)
        assert [a.title for a in newest] == ["Article 2", "Article 1"]
        assert newest[0].ingested_at <= datetime.now(UTC)
    assert "Article 0 — unknown source" in say(db, "/latest 3", USER)


# --- migration 0004 --------------------------------------------------------------------------------------


def search_objects(db: Database) -> set[str]:
    found = inspect(db.engine)
    names = set(found.get_table_names())
    names |= {f"articles.{c['name']}" for c in found.get_columns("articles")}
    names |= {i["name"] for i in found.get_indexes("articles") if i["name"]}
    if db.backend == "sqlite":
        with db.engine.connect() as connection:
            names |= set(
                connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
            )
    return {n for n in names if "fts" in n or "search" in n}


def downgrade(db: Database, revision: str) -> None:
    config = migrate.alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_migration_0004_goes_down_and_up_again_and_indexes_stored_articles(store: Database):
    with_search = search_objects(store)
    assert with_search
    downgrade(store, "0003")
    assert migrate.current_revision(store.engine) == "0003"
    assert search_objects(store) == set()
    with store.session() as session:
        assert session.scalar(select(Article.id).limit(1)) is not None  # the articles stay
    migrate.upgrade(store.engine)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    assert search_objects(store) == with_search
    assert any(t.startswith(SEED_TITLE) for t in titles(store, "Raimondo"))  # stored rows indexed again
    assert main(["ingest", str(WIWYNN)]) == 0
    assert titles(store, "Wiwynn")  # and new ones as they come


def test_alembic_sees_no_difference_once_told_to_look_past_the_search_objects(db: Database):
    with db.engine.connect() as connection:
        unfiltered = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        filtered = compare_metadata(
            MigrationContext.configure(connection, opts={"include_name": include_name}), Base.metadata
        )
    assert filtered == []
    named = set()
    for diff in unfiltered:
        kind, *rest = diff
        obj = rest[-1]
        named.add(f"{kind} {getattr(obj, 'name', obj)}")
    expected = {
        "sqlite": {
            "remove_table articles_fts",
            "remove_table articles_fts_config",
            "remove_table articles_fts_data",
            "remove_table articles_fts_docsize",
            "remove_table articles_fts_idx",
        },
        "postgresql": {"remove_column search_vector", "remove_index ix_articles_search_vector"},
    }[db.backend]
    assert named == expected


def store_article(session: Session, n: int, **fields: object) -> Article:
    values: dict = dict(
        canonical_url=f"https://news.example/{n}",
        content_hash=f"{n:064d}",
        title=f"Article {n}",
        text="Some text.",
        url=None,
        source_name=None,
        source_id=None,
        author=None,
        published_at=None,
    )
    values.update(fields)
    article, created = add_article(session, **values)
    assert created
    session.flush()
    return article


def dates_shown(text: str) -> list[str]:
    return re.findall(r"· (\d{4}-\d\d-\d\d)", text)


def test_latest_is_in_the_order_its_dates_read(db: Database):
    with db.session() as session:
        # Stored in this order: yesterday's news, then a feed's archive item from last year, then an
        # undated article (shown with the day we stored it), then one dated a month ahead (a feed's
        # clock or zone gone wrong: not news from the future, news of the day we stored it).
        store_article(session, 1, published_at=datetime.now(UTC) - timedelta(days=1))
        store_article(session, 2, published_at=datetime(2025, 3, 1, tzinfo=UTC))
        store_article(session, 3)
        store_article(session, 4, published_at=datetime.now(UTC) + timedelta(days=30))
    text = say(db, "/latest", USER)
    assert [int(n) for n in re.findall(r"Article (\d)", text)] == [4, 3, 1, 2]
    today = datetime.now(UTC).date()
    assert dates_shown(text) == [str(today), str(today), str(today - timedelta(days=1)), "2025-03-01"]


def test_an_article_from_a_folder_is_labelled_by_its_source_alike_in_latest_company_and_digests(
    db: Database, tmp_path: Path
):
    notes = tmp_path / "analyst-notes"
    with db.session() as session:
        source = add_source(
            session, kind=SourceKind.FOLDER, location=str(notes), name="Analyst notes", interval_minutes=30
        )
        tsmc = ensure_company(session, name="TSMC")
        named = store_article(session, 1, url=(notes / "a.md").as_uri(), source_id=source.id, title="Named")
        loose = store_article(session, 2, url=(notes / "b.md").as_uri(), title="Loose")
        for article in (named, loose):
            session.add(
                Fact(
                    article_id=article.id,
                    position=0,
                    kind="investment",
                    company_id=tsmc.id,
                    sentence=f"{article.title} fact.",
                )
            )
    latest = say(db, "/latest", USER)
    company = say(db, "/company TSMC", USER)
    assert "Named — Analyst notes ·" in latest and "Loose — analyst-notes ·" in latest
    assert "“Named fact.” — Analyst notes" in company and "“Loose fact.” — analyst-notes" in company
    story = DigestStory(
        key=2,
        article_id=2,
        title="Loose",
        url=(notes / "b.md").as_uri(),
        source_name=None,
        news_at=datetime.now(UTC),
    )
    assert "Loose (analyst-notes)" in render_text(Reply((Paragraph(story_line(story, {})),)))
    assert "unknown source" not in latest + company


def test_links_shown_to_users_drop_tracking_parameters(db: Database):
    url = "https://news.example/story?utm_source=rss&id=5&utm_medium=feed"
    with db.session() as session:
        tsmc = ensure_company(session, name="TSMC")
        article = store_article(session, 1, url=url, source_name="Example News")
        session.add(
            Fact(article_id=article.id, position=0, kind="investment", company_id=tsmc.id, sentence="A fact.")
        )
    story = DigestStory(
        key=1, article_id=1, title="Article 1", url=url, source_name="Example News", news_at=datetime.now(UTC)
    )
    with db.session() as session:
        replies = [
            handle_text(session, USER, "/latest"),
            handle_text(session, USER, "/company TSMC"),
            Reply((Paragraph(story_line(story, {})),)),
        ]
    for reply in replies:
        assert reply is not None
        html = "".join(m.html for m in render_html(reply))
        assert 'href="https://news.example/story?id=5"' in html and "utm_" not in html
        assert "<https://news.example/story?id=5>" in render_text(reply)
