"""Ingestion extracts and stores the facts, so no query runs the model again; `reextract` redoes
them in place; `extract --json` is the public interface; names resolve through the alias table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from storage.companies import companies_named
from storage.db import Database
from storage.models import Article, ArticleAmount, ArticleCompany, ArticlePerson, Company, Fact

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", db.url)
    return db


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in (ArticleCompany, ArticlePerson, ArticleAmount, Fact)
        }


def test_ingesting_the_seed_stores_its_facts(cli_db: Database, capsys):
    assert main(["ingest", str(SEED)]) == 0
    assert "Extracted the facts of 1 article(s)." in capsys.readouterr().out
    with cli_db.session() as session:
        article = session.scalar(select(Article))
        assert article.extracted_at is not None and len(article.key_points) >= 2
        assert article.places[:2] == ["United States", "Arizona"]
        links = session.execute(
            select(Company.name, ArticleCompany.mentions, ArticleCompany.salient).join(Company)
        ).all()
        assert {name for name, _, _ in links} == {"ASE Technology Holding", "Inventec", "TSMC"}
        amounts = session.execute(
            select(ArticleAmount.value, ArticleAmount.currency, Company.name).join(Company, isouter=True)
        ).all()
        assert (165e9, "USD", "TSMC") in amounts and (2.76e9, "TWD", "Inventec") in amounts
        people = session.execute(
            select(ArticlePerson.name, ArticlePerson.role, Company.name).join(Company, isouter=True)
        ).all()
        assert ("Dong Hong-Szu", "chief financial officer", "ASE Technology Holding") in people
        facts = session.execute(select(Fact.kind, Company.name, Fact.place).join(Company, isouter=True)).all()
        assert ("investment", "TSMC", "Arizona") in facts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ase", "ASE Technology Holding"),
        ("ASE Technology", "ASE Technology Holding"),
        ("tsmc", "TSMC"),
        ("Taiwan Semiconductor Manufacturing", "TSMC"),
        ("TSM", "TSMC"),
        ("3711.tw", "ASE Technology Holding"),
    ],
)
def test_names_aliases_and_tickers_resolve_through_the_alias_table(
    cli_db: Database, query: str, expected: str
):
    assert main(["ingest", str(SEED)]) == 0
    with cli_db.session() as session:
        assert [c.name for c in companies_named(session, query)] == [expected]


def test_reextract_replaces_the_facts_instead_of_adding_to_them(cli_db: Database, capsys):
    assert main(["ingest", str(SEED)]) == 0
    before = counts(cli_db)
    assert main(["reextract"]) == 0
    assert "Extracted the facts of 1 article(s) again." in capsys.readouterr().out
    assert counts(cli_db) == before
    assert before["facts"] > 0 and before["article_amounts"] == 3


def test_unknown_companies_join_the_store_once(cli_db: Database, tmp_path: Path):
    for n in range(2):
        (tmp_path / f"lumora-{n}.txt").write_text(
            f"Lumora story {n}\n\nLumora Photonics Inc. said on day {n} it had raised ${n + 1}00 million to "
            "build its first photonics pilot line in San Jose, California, with backing from investors.\n"
        )
    assert main(["ingest", str(tmp_path)]) == 0
    with cli_db.session() as session:
        (company,) = companies_named(session, "Lumora Photonics")
        assert company.gazetteer_id is None
        assert (
            session.scalar(
                select(func.count())
                .select_from(ArticleCompany)
                .where(ArticleCompany.company_id == company.id)
            )
            == 2
        )


def test_extract_json_is_one_object_for_one_file_and_a_list_for_several(tmp_path: Path, capsys):
    assert main(["extract", str(SEED), "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["title"].startswith("ASE Technology Considers") and one["source"] == "Letsnewz"
    assert main(["extract", str(SEED), str(SEED), "--json"]) == 0
    several = json.loads(capsys.readouterr().out)
    assert isinstance(several, list) and len(several) == 2


def test_extract_without_json_prints_a_readable_card_and_reports_bad_files(tmp_path: Path, capsys):
    assert main(["extract", str(SEED), str(tmp_path / "missing.txt")]) == 0
    captured = capsys.readouterr()
    assert "Money:" in captured.out and "$165 billion = USD 165 billion – TSMC" in captured.out
    assert "missing.txt: no such file" in captured.err
    assert main(["extract", str(tmp_path / "missing.txt")]) == 1


def test_extract_says_a_missing_path_is_missing_whatever_its_name(tmp_path: Path, capsys):
    assert main(["extract", "/no/such/file", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "/no/such/file: no such file",
        f"{tmp_path}: is a folder, not a file",
    ]
