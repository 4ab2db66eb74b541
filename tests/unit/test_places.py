"""One name per place, so mentions of the same country count together (bot/extract/normalize_places.py)."""

from __future__ import annotations

import pytest

from bot.extract.normalize_places import normalize_place


@pytest.mark.parametrize(
    "text",
    [
        "U.S.",
        "US",
        "the U.S.",
        "the US",
        "The U.S.",
        "U.S",
        "United States",
        "the United States",
        "United States of America",
        "America",
        "USA",
        "U.S.A.",
        "U.S.'s",
    ],
)
def test_every_spelling_of_the_us_is_united_states(text):
    assert normalize_place(text) == "United States"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UK", "United Kingdom"),
        ("U.K.", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("Great Britain", "United Kingdom"),
        ("the United Kingdom", "United Kingdom"),
        ("mainland China", "China"),
        ("PRC", "China"),
        ("the People's Republic of China", "China"),
        ("the People’s Republic of China", "China"),
        ("China", "China"),
        ("ROC", "Taiwan"),
        ("Republic of China", "Taiwan"),
        ("Taiwan", "Taiwan"),
        ("S. Korea", "South Korea"),
        ("South Korea", "South Korea"),
        ("Republic of Korea", "South Korea"),
        ("ROK", "South Korea"),
        ("Korea", "South Korea"),
        ("North Korea", "North Korea"),
        ("the Netherlands", "Netherlands"),
        ("Holland", "Netherlands"),
        ("EU", "European Union"),
        ("the European Union", "European Union"),
        ("UAE", "United Arab Emirates"),
        ("U.A.E.", "United Arab Emirates"),
    ],
)
def test_country_aliases_get_one_name(text, expected):
    assert normalize_place(text) == expected


def test_republic_of_china_is_taiwan_but_peoples_republic_is_china():
    assert normalize_place("Republic of China") == "Taiwan"
    assert normalize_place("People's Republic of China") == "China"


def test_america_alone_is_the_us_but_latin_america_is_not():
    assert normalize_place("America") == "United States"
    assert normalize_place("Latin America") == "Latin America"
    assert normalize_place("North America") == "North America"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taiwan's", "Taiwan"),
        ("Taiwan’s", "Taiwan"),
        ("Arizona's", "Arizona"),
        ("the Philippines'", "Philippines"),
        ("Korea's", "South Korea"),
    ],
)
def test_possessive_is_dropped(text, expected):
    assert normalize_place(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Bay Area", "Bay Area"),
        ("The Gambia", "Gambia"),
        ("the Hague", "The Hague"),
        ("The Hague", "The Hague"),
    ],
)
def test_leading_the_is_dropped_unless_it_is_part_of_the_name(text, expected):
    assert normalize_place(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  New   York ", "New York"),
        ("New\nYork", "New York"),
        ("San\u00a0Jose", "San Jose"),
        ("(Taiwan)", "Taiwan"),
    ],
)
def test_spacing_and_surrounding_brackets_are_folded(text, expected):
    assert normalize_place(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Arizona",
        "Texas",
        "Hsinchu",
        "Kumamoto",
        "Penang",
        "Washington, D.C.",
        "Hsinchu Science Park",
        "Theodore",
    ],
)
def test_other_places_keep_their_spelling(text):
    assert normalize_place(text) == text


def test_us_is_only_the_country_in_capitals():
    assert normalize_place("Us") == "Us"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "the", "2025", "1,100", "3.5", "---", "%", "x" * 61],
)
def test_not_a_place_gives_none(text):
    assert normalize_place(text) is None


def test_a_name_of_sixty_characters_is_still_a_place():
    assert normalize_place("A" * 60) == "A" * 60
