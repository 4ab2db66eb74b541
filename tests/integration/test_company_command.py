"""/company on a store that holds the seed article: names, aliases, tickers and typos resolve; a
name that fits several companies offers a choice; an unknown one gets the closest names; the reply
shows the facts, the people and the companies that appear with it, with "More" for older facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.commands.resolve import resolve_company
from bot.commands.router import Chat, handle_action, handle_text
from bot.render.telegram_html import render_html
from bot.render.terminal import choices, render_text
from storage.companies import ensure_company
from storage.db import Database
from tests.support.conversation import say

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
CHAT = Chat(id=77)


@pytest.fixture
def store(stored: Callable[..., Database], monkeypatch: pytest.MonkeyPatch) -> Database:
    db = stored(SEED)
    monkeypatch.setenv("DATABASE_URL", db.url)
    return db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ase", "ASE Technology Holding"),
        ("ASE Technology", "ASE Technology Holding"),
        ("tsmc", "TSMC"),
        ("Taiwan Semiconductor", "TSMC"),
        ("Taiwan Semiconducter", "TSMC"),
        ("  inventec  ", "Inventec"),
        ("Inventek", "Inventec"),
        ("2330.TW", "TSMC"),
    ],
)
def test_names_aliases_tickers_and_typos_find_the_company(store: Database, query: str, expected: str):
    with store.session() as session:
        resolution = resolve_company(session, query)
    assert resolution.company is not None and resolution.company.name == expected


def test_a_short_name_is_never_guessed(store: Database):
    with store.session() as session:
        assert resolve_company(session, "ASX1").company is None


def test_a_name_that_fits_several_companies_offers_a_choice(store: Database):
    with store.session() as session:
        reply = handle_text(session, CHAT, "/company Tokyo")
    text = render_text(reply)
    assert "fits several companies" in text and "Tokyo Electron" in text
    actions = choices(reply)
    assert len(actions) >= 2 and all(a.startswith("co:") for a in actions)


def test_an_unknown_name_gets_not_found_and_the_closest_names(store: Database):
    with store.session() as session:
        typo = render_text(handle_text(session, CHAT, "/company Inventek"))
        unknown = handle_text(session, CHAT, "/company Zorblax Dynamics")
    assert "Inventec" in typo and "Latest facts" in typo
    assert "No company called “Zorblax Dynamics”" in render_text(unknown)


def test_company_ase_shows_the_seed_facts_and_its_cfo(store: Database):
    with store.session() as session:
        text = render_text(handle_text(session, CHAT, "/company ASE"))
    assert "ASE Technology Holding" in text
    assert "Plan or evaluation" in text and "evaluating the establishment of a production line" in text
    assert "Dong Hong-Szu, chief financial officer" in text
    assert "Inventec" in text and "TSMC" in text  # appears with
    assert "1 article in the store" in text


def test_company_tsmc_shows_the_arizona_investment(store: Database):
    with store.session() as session:
        text = render_text(handle_text(session, CHAT, "/company tsmc"))
    assert "USD 165 billion" in text and "Arizona" in text and "Letsnewz" in text


def test_free_text_that_names_a_company_is_a_company_query(store: Database):
    with store.session() as session:
        assert "ASE Technology Holding" in render_text(handle_text(session, CHAT, "ase"))
        assert "/help" in render_text(handle_text(session, CHAT, "hello there"))


def test_commands_for_another_bot_are_ignored_and_ours_work_with_the_suffix(store: Database):
    with store.session() as session:
        assert handle_text(session, CHAT, "/company@other_bot ASE", bot_username="digest_test_bot") is None
        reply = handle_text(session, CHAT, "/company@digest_test_bot ASE", bot_username="digest_test_bot")
    assert "ASE Technology Holding" in render_text(reply)


def test_strange_arguments_get_clear_answers(store: Database):
    with store.session() as session:
        assert "Which company?" in render_text(handle_text(session, CHAT, "/company"))
        long = handle_text(session, CHAT, "/company " + "x" * 5000)
        assert "cut at 100 characters" in render_text(long)
        markup = render_text(handle_text(session, CHAT, "/company <b>Zorblax</b> & *bold*"))
        assert "No company called “Zorblax & bold”" in markup
        assert "don't know /frobnicate" in render_text(handle_text(session, CHAT, "/frobnicate now"))


def test_more_pages_back_and_an_expired_button_says_so(store: Database):
    with store.session() as session:
        first = handle_text(session, CHAT, "/company Inventec")
        assert "Latest facts" in render_text(first)
        expired = handle_action(session, CHAT, "co:999999:0")
        assert "no longer known" in render_text(expired)
        assert "expired" in render_text(handle_action(session, CHAT, "zz:1"))


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("What about TSMC?", "TSMC"),
        ("🚀 TSMC 🚀", "TSMC"),
        ("Any news on Taiwan Semiconductor Manufacturing today?", "TSMC"),
        ("how is Inventec doing", "Inventec"),
    ],
)
def test_free_text_that_names_a_company_inside_a_sentence_answers_about_it(
    store: Database, text: str, heading: str
):
    assert say(store, text, CHAT).startswith(f"{heading}\n")


def test_free_text_that_names_several_companies_asks_which_and_text_naming_none_gets_the_hint(
    store: Database,
):
    with store.session() as session:
        reply = handle_text(session, CHAT, "TSMC or Inventec?")
        assert reply is not None and "fits several companies" in render_text(reply)
        assert len(choices(reply)) == 2
    for text in ("hello there", "the ASEAN summit was long", "thanks!", "my arm hurts", "an apple a day"):
        assert say(store, text, CHAT) == "Send a company name, or /help to see what I can do."


@pytest.mark.parametrize(
    "command",
    [
        "/company <b>ASE</b>",
        "/company **ASE**",
        "/company `ASE`",
        "/company _ASE_",
        "/company <i>ase</i>",
        "<b>ASE</b>",
    ],
)
def test_markup_around_a_company_name_is_taken_out(store: Database, command: str):
    assert say(store, command, CHAT).startswith("ASE Technology Holding\n")


def test_a_person_s_name_says_who_that_person_is_in_the_news(store: Database):
    text = say(store, "/company Gina Raimondo", CHAT)
    assert text.startswith("Gina Raimondo\n")
    assert "a person in the news" in text and "secretary of commerce" in text
    assert "ASE Technology Considers U.S. Investment" in text and "Letsnewz" in text
    assert "Did you mean" not in text and "Sanmina" not in text
    cfo = say(store, "/company dong hong-szu", CHAT)
    assert "chief financial officer, ASE Technology Holding" in cfo
    with store.session() as session:
        reply = handle_text(session, CHAT, "/company Dong Hong-Szu")
        assert reply is not None
        (action,) = choices(reply)  # the company the person is with
        assert render_text(handle_action(session, CHAT, action)).startswith("ASE Technology Holding\n")


@pytest.mark.parametrize(
    "name", ["Zorblax Dynamics", "Joe Biden", "John Smith", "Elon Musk", "Apple growers"]
)
def test_a_name_that_fits_nothing_well_gets_no_far_fetched_guess(store: Database, name: str):
    text = say(store, f"/company {name}", CHAT)
    assert f"No company called “{name}”" in text and "Did you mean" not in text


@pytest.mark.parametrize(("typo", "meant"), [("Nvidea", "Nvidia"), ("Micorn", "Micron")])
def test_a_real_typo_still_gets_the_closest_name(store: Database, typo: str, meant: str):
    assert f"Did you mean: {meant}?" in say(store, f"/company {typo}", CHAT)


def test_a_corrected_typo_says_what_it_shows(store: Database):
    text = say(store, "/company Taiwan Semiconducter", CHAT)
    assert text.startswith("Showing TSMC for “Taiwan Semiconducter”.\n")
    for exact in ("/company TSMC", "/company Taiwan Semiconductor", "/company ASE Technology"):
        assert "Showing" not in say(store, exact, CHAT)


def test_a_long_accented_name_offered_as_a_guess_gets_a_button_that_fits_and_works(store: Database):
    name = "Ørsted Électronique Société Générale de Fabrication Numérique"
    assert len(name) == 61 and len(name.encode()) > 64
    with store.session() as session:
        ensure_company(session, name=name)
    with store.session() as session:
        reply = handle_text(session, CHAT, "/company Ørst")  # too short to be taken: a guess
        assert reply is not None and "Did you mean: " in render_text(reply)
        (action,) = choices(reply)
        assert len(action.encode()) <= 64
        render_html(reply)
        assert render_text(handle_action(session, CHAT, action)).startswith(f"{name}\n")
