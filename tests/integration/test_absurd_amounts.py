"""A number too large to be money (not finite as a float, or above 10^15 US dollars) is no amount:
`digestbot extract --json` stays valid JSON and no card or reply says "inf"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

ARTICLE = """Chipmaker plans a new plant

Chipmaker plans a new plant

Acme Semiconductor said on Monday it will invest $5 billion in a new plant in Arizona.
A prankster's post claimed Acme Semiconductor would invest ${nines} in the plant.
Another post said Acme Semiconductor had pledged $11111111111111111111 trillion to its suppliers.
"""


def _refuse(constant: str) -> None:
    raise AssertionError(f"not JSON: {constant}")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "absurd.txt"
    path.write_text(ARTICLE.replace("{nines}", "9" * 400), encoding="utf-8")
    return path


def test_extract_json_of_an_absurd_amount_is_valid_json_without_it(article: Path, capsys):
    assert main(["extract", str(article), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out, parse_constant=_refuse)
    assert [amount["value"] for amount in facts["amounts"]] == [5e9]
    assert all(fact["amount"] is None or fact["amount"]["value"] == 5e9 for fact in facts["facts"])


def test_the_card_of_an_absurd_amount_never_says_inf(article: Path, capsys):
    assert main(["extract", str(article)]) == 0
    card = capsys.readouterr().out
    assert "USD 5 billion" in card
    assert "inf" not in card.lower().replace("info", "")
