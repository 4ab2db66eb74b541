"""Fact extraction as a reader sees it: the seed article's companies, people, money and facts, the
traps (ASEAN is not ASE, apples are not Apple, agencies and laws are not companies), relative
dates, and bad input that must neither crash nor run unbounded."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from bot.extract.models import ArticleFacts
from bot.extract.pipeline import MAX_CHARS, ArticleText, Extractor
from bot.ingest.folder import read_article_file

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def seed(extractor: Extractor) -> ArticleFacts:
    draft = read_article_file(SEED, max_bytes=1_000_000)
    return extractor.extract(ArticleText(draft.title, draft.text, draft.source_name, None))


def company(facts: ArticleFacts, name: str):
    return next(c for c in facts.companies if c.name == name)


def test_seed_names_its_three_companies_and_nothing_else(seed: ArticleFacts):
    assert [c.name for c in seed.companies] == ["ASE Technology Holding", "Inventec", "TSMC"]
    assert {"ASE", "ASE Technology", "ASE Technology Holding Co."} <= set(
        company(seed, "ASE Technology Holding").aliases
    )
    assert all(c.salient for c in seed.companies)


def test_seed_people_have_their_roles_and_companies(seed: ArticleFacts):
    people = {p.name: (p.role, p.organization) for p in seed.people}
    assert people["Dong Hong-Szu"] == ("chief financial officer", "ASE Technology Holding")
    assert people["Gina Raimondo"] == ("secretary of commerce", None)
    assert people["Chen Huiming"] == ("semiconductor analyst", None)
    assert people["Trump"] == ("former president", None)


def test_seed_money_belongs_to_the_right_company(seed: ArticleFacts):
    amounts = {(a.value, a.currency): a.company for a in seed.amounts}
    # "the company is investing $165 billion in Arizona" is TSMC's, named only in the next sentence.
    assert amounts[(165e9, "USD")] == "TSMC"
    assert amounts[(85e6, "USD")] == "Inventec"
    # The restatement in brackets belongs to the same company.
    assert amounts[(2.76e9, "TWD")] == "Inventec"


def test_seed_facts_say_who_did_what_where(seed: ArticleFacts):
    tsmc = next(f for f in seed.facts if f.amount and f.amount.value == 165e9)
    assert (tsmc.kind, tsmc.company, tsmc.place) == ("investment", "TSMC", "Arizona")
    ase_plans = [f for f in seed.facts if f.company == "ASE Technology Holding" and f.kind == "plan"]
    assert any("evaluating the establishment of a production line" in f.sentence for f in ase_plans)
    approval = next(f for f in seed.facts if f.kind == "approval")
    assert approval.company == "Inventec"
    assert seed.places[:2] == ["United States", "Arizona"] and "Texas" in seed.places


def test_seed_key_points_carry_the_news(seed: ArticleFacts):
    assert 2 <= len(seed.key_points) <= 4
    assert any("$165 billion" in point for point in seed.key_points)
    assert not any(point.startswith("He expressed confidence") for point in seed.key_points)


def test_seed_json_follows_the_public_schema(seed: ArticleFacts):
    data = seed.to_json()
    assert set(data) == {
        "title",
        "source",
        "published",
        "companies",
        "people",
        "places",
        "amounts",
        "facts",
        "key_points",
    }
    assert data["source"] == "Letsnewz" and data["published"] is None
    assert set(data["companies"][0]) == {"name", "aliases", "mentions", "salient"}
    assert set(data["amounts"][0]) == {"text", "value", "currency", "company", "sentence"}
    assert set(data["facts"][0]) == {"kind", "company", "amount", "place", "date", "sentence"}
    assert all(f["amount"] is None or set(f["amount"]) == {"value", "currency"} for f in data["facts"])


def test_short_names_match_only_as_written(extractor: Extractor):
    facts = extractor.extract(
        ArticleText(
            "ASEAN ministers meet in Jakarta",
            "ASEAN trade ministers met in Jakarta on Monday. Separately, ASE said its packaging revenue rose. "
            "An official said the ase of the matter was unclear.",
        )
    )
    assert [(c.name, c.mentions) for c in facts.companies] == [("ASE Technology Holding", 1)]


def test_agencies_laws_and_publications_are_not_companies(extractor: Extractor):
    facts = extractor.extract(
        ArticleText(
            "Micron wins CHIPS Act grant",
            "The Commerce Department awarded Micron Technology $6.1 billion under the CHIPS Act, Bloomberg "
            "reported on Tuesday. The European Commission and Taiwan's Ministry of Economic Affairs declined "
            "to comment. Micron said the money would go to its fab in Boise, Idaho.",
            source="TechWire",
        )
    )
    assert [c.name for c in facts.companies] == ["Micron"]
    assert facts.amounts[0].company == "Micron"


def test_the_fruit_is_not_the_company(extractor: Extractor):
    facts = extractor.extract(
        ArticleText(
            "Apple growers expect a record harvest",
            "Farmers in Aomori said apples were larger this year after a mild summer. The prefecture grows "
            "more than half of the apples sold in Japan, and growers expect prices to hold.",
        )
    )
    assert facts.companies == []


def test_unknown_companies_lose_their_legal_suffix_and_keep_their_short_name(extractor: Extractor):
    facts = extractor.extract(
        ArticleText(
            "Startup raises money",
            "Lumora Photonics Inc. said on Tuesday it had raised $120 million in a funding round. The round "
            "values Lumora at about $900 million. Lumora will use the money to build a pilot line.",
        )
    )
    lumora = company(facts, "Lumora Photonics")
    assert lumora.mentions == 3 and "Lumora" in lumora.aliases
    assert {a.company for a in facts.amounts} == {"Lumora Photonics"}
    assert any(f.kind == "funding" for f in facts.facts)


def test_relative_dates_resolve_against_the_published_date(extractor: Extractor):
    facts = extractor.extract(
        ArticleText(
            "Inventec approves Texas plant",
            "Inventec said on Wednesday that its board had approved a $85 million server plant in Texas.",
            published=date(2025, 3, 28),  # a Friday
        )
    )
    (fact,) = [f for f in facts.facts if f.kind == "approval"]
    assert fact.date == "2025-03-26"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "word " * 3000,  # no sentences at all
        "<div><p>TSMC said <b>revenue</b> rose.</p><script>alert(1)</script></div>",
        "台積電今天宣布在亞利桑那州投資一千億美元。" * 20,
        "Die Bundesregierung hat am Montag beschlossen, die Förderung für Halbleiterwerke zu erhöhen. " * 10,
        "TSMC 🚀 said\u200b revenue rose\u202e 5% \ufeff to NT$1 trillion. ☃" * 5,
    ],
    ids=["empty", "blank", "no-sentences", "markup", "chinese", "german", "odd-unicode"],
)
def test_bad_text_gives_sensible_output_without_crashing(extractor: Extractor, text: str):
    facts = extractor.extract(ArticleText("A title", text))
    data = facts.to_json()
    assert isinstance(data["companies"], list) and isinstance(data["facts"], list)


def test_text_in_another_language_says_so(extractor: Extractor):
    german = (
        "Die Bundesregierung hat am Montag beschlossen, die Förderung für Halbleiterwerke zu erhöhen. " * 10
    )
    facts = extractor.extract(ArticleText("Förderung", german))
    assert any("English" in note for note in facts.notes)


@pytest.mark.long
def test_a_huge_text_is_cut_and_the_output_says_so(extractor: Extractor):
    paragraph = "TSMC said on Monday it would invest $1 billion in a new plant in Arizona. " * 20
    huge = "\n\n".join([paragraph] * 3500)  # about 5 MB
    started = time.monotonic()
    facts = extractor.extract(ArticleText("Huge", huge))
    assert time.monotonic() - started < 120  # bounded: only MAX_CHARS are read
    assert any("text cut" in note and f"{len(huge):,}" in note for note in facts.notes)
    assert len(huge) > 40 * MAX_CHARS
    assert facts.to_json()["notes"] == facts.notes


@pytest.mark.parametrize(
    "junk", ["$" * 20_000, '("€¥%' * 5_000, "%" * 10_000 + "€" * 10_000], ids=["dollars", "mixed", "two-runs"]
)
def test_long_runs_of_symbols_take_no_longer_than_ordinary_text(extractor: Extractor, junk: str):
    """spaCy's tokenizer is quadratic in such runs (20,000 "$" took 84 s): they are cut before it reads
    them, and the facts around them are still found. Measured: a few milliseconds each."""
    text = f"TSMC said on Monday it would invest $1 billion in a new plant in Arizona. {junk} Then it rained."
    started = time.monotonic()
    facts = extractor.extract(ArticleText("Symbols", text))
    assert time.monotonic() - started < 10
    assert [(a.value, a.currency, a.company) for a in facts.amounts] == [(1e9, "USD", "TSMC")]
