"""Money amounts in news text: what is found, its value in units, its currency (bot/extract/normalize_money.py)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.extract.normalize_money import Money, find_money, parse_money


def _only(text: str) -> Money:
    found = find_money(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$165 billion", 165e9, "USD"),
        ("US$300 million", 300e6, "USD"),
        ("US $3 billion", 3e9, "USD"),
        ("USD 1.2 billion", 1.2e9, "USD"),
        ("NT$2.76 billion", 2.76e9, "TWD"),
        ("NT$12 billion", 12e9, "TWD"),
        ("€1.2bn", 1.2e9, "EUR"),
        ("EUR 500 million", 500e6, "EUR"),
        ("¥50 billion", 50e9, "JPY"),
        ("300 billion yen", 300e9, "JPY"),
        ("JPY 1 trillion", 1e12, "JPY"),
        ("HK$4.5 million", 4.5e6, "HKD"),
        ("S$200 million", 200e6, "SGD"),
        ("A$1.1 billion", 1.1e9, "AUD"),
        ("AU$3 billion", 3e9, "AUD"),
        ("C$75 million", 75e6, "CAD"),
        ("CA$4 million", 4e6, "CAD"),
        ("NZ$1 billion", 1e9, "NZD"),
        ("R$2 billion", 2e9, "BRL"),
        ("MX$9 million", 9e6, "MXN"),
        ("£40m", 40e6, "GBP"),
        ("GBP 3 million", 3e6, "GBP"),
        ("KRW 3 trillion", 3e12, "KRW"),
        ("3 trillion won", 3e12, "KRW"),
        ("₩3 trillion", 3e12, "KRW"),
        ("Rs 2,000 crore", 20e9, "INR"),
        ("Rs. 500 crore", 5e9, "INR"),
        ("₹500 crore", 5e9, "INR"),
        ("1 lakh rupees", 1e5, "INR"),
        ("RMB 10 billion", 10e9, "CNY"),
        ("RMB ¥3 billion", 3e9, "CNY"),
        ("CN¥3 billion", 3e9, "CNY"),
        ("10 billion yuan", 10e9, "CNY"),
        ("CNY 5bn", 5e9, "CNY"),
        ("5 billion euros", 5e9, "EUR"),
        ("300 million USD", 300e6, "USD"),
        ("$1.5 trillion", 1.5e12, "USD"),
        ("$900,000", 900_000, "USD"),
        ("$2bn", 2e9, "USD"),
        ("$2B", 2e9, "USD"),
        ("$3 mn", 3e6, "USD"),
        ("$40 thousand", 40_000, "USD"),
        ("$40m", 40e6, "USD"),
        ("$500k", 500_000, "USD"),
        ("$1.2-billion", 1.2e9, "USD"),
        ("half a billion dollars", 0.5e9, "USD"),
        ("1.5 billion U.S. dollars", 1.5e9, "USD"),
        ("10 million dollars", 10e6, "USD"),
        ("20 billion New Taiwan dollars", 20e9, "TWD"),
        ("5 million pounds", 5e6, "GBP"),
        ("50,000 won", 50_000, "KRW"),
    ],
)
def test_amount_is_read_whole_with_value_and_currency(text, value, currency):
    money = _only(text)
    assert (money.text, money.value, money.currency) == (text, value, currency)
    assert (money.start, money.end, money.approximate) == (0, len(text), False)


def test_nt_dollar_is_taiwan_dollar():
    assert _only("NT$2.76 billion").currency == "TWD"


def test_plain_dollar_sign_is_us_dollar():
    assert _only("$85 million").currency == "USD"


@pytest.mark.parametrize(
    ("text", "currency"),
    [("¥50 billion", "JPY"), ("CN¥50 billion", "CNY"), ("RMB ¥50 billion", "CNY"), ("RMB¥50 billion", "CNY")],
)
def test_yen_sign_is_yen_unless_marked_chinese(text, currency):
    assert _only(text).currency == currency


@pytest.mark.parametrize(
    ("text", "value"),
    [("Rs 2,000 crore", 2e10), ("₹500 crore", 5e9), ("Rs 3 lakh", 3e5), ("₹12 lakh", 1.2e6)],
)
def test_crore_and_lakh_are_indian_scales(text, value):
    money = _only(text)
    assert (money.value, money.currency) == (value, "INR")


def test_values_have_no_float_noise():
    # 2.76 * 1e9 in floats is 2760000000.0000005; the amount a reader sees is exact.
    assert _only("NT$2.76 billion").value == 2_760_000_000.0
    assert _only("A$1.1 billion").value == 1_100_000_000.0
    assert _only("$0.1 million").value == 100_000.0


def test_amount_with_its_conversion_in_brackets_gives_two_amounts():
    text = "a maximum investment cap of $85 million (approximately NT$2.76 billion) to establish"
    usd, twd = find_money(text)
    assert (usd.text, usd.value, usd.currency, usd.approximate) == ("$85 million", 85e6, "USD", False)
    assert (twd.text, twd.value, twd.currency, twd.approximate) == (
        "approximately NT$2.76 billion",
        2.76e9,
        "TWD",
        True,
    )
    assert text[usd.start : usd.end] == usd.text
    assert text[twd.start : twd.end] == twd.text


@pytest.mark.parametrize(
    "qualifier",
    [
        "about",
        "approximately",
        "around",
        "roughly",
        "nearly",
        "almost",
        "more than",
        "over",
        "up to",
        "some",
        "an estimated",
        "About",
        "less than",
        "at least",
    ],
)
def test_qualifier_is_kept_in_the_text_and_marks_the_amount_approximate(qualifier):
    money = _only(f"It will cost {qualifier} $1 billion.")
    assert money.text == f"{qualifier} $1 billion"
    assert money.approximate is True
    assert money.value == 1e9


def test_tilde_marks_the_amount_approximate():
    money = _only("~$5m")
    assert (money.text, money.value, money.approximate) == ("~$5m", 5e6, True)


def test_exact_amount_is_not_approximate():
    assert _only("It will cost $1 billion.").approximate is False


def test_a_word_inside_another_word_is_not_a_qualifier():
    assert _only("moreover $5 million").text == "$5 million"


def test_article_before_the_amount_is_left_out():
    money = _only("a $20 million grant")
    assert (money.text, money.start, money.end, money.value) == ("$20 million", 2, 13, 20e6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$5 to $7 billion", [("$5", 5e9), ("$7 billion", 7e9)]),
        ("$5-7 billion", [("$5", 5e9), ("7 billion", 7e9)]),
        ("$1.5–2 billion", [("$1.5", 1.5e9), ("2 billion", 2e9)]),
        ("between $5 and $7 billion", [("$5", 5e9), ("$7 billion", 7e9)]),
        ("$5 billion to $7 billion", [("$5 billion", 5e9), ("$7 billion", 7e9)]),
        ("$900,000 to $1 million", [("$900,000", 9e5), ("$1 million", 1e6)]),
        ("between 5 and 7 billion yen", [("5", 5e9), ("7 billion yen", 7e9)]),
        ("$5-7 a share", [("$5", 5), ("7", 7)]),
    ],
)
def test_range_gives_both_ends(text, expected):
    found = find_money(text)
    assert [(money.text, money.value) for money in found] == expected
    assert all(text[money.start : money.end] == money.text for money in found)


def test_range_end_without_its_own_currency_takes_the_first_one():
    assert [money.currency for money in find_money("NT$5-7 billion")] == ["TWD", "TWD"]


def test_qualifier_before_a_range_marks_both_ends_approximate():
    found = find_money("about $5 to $7 billion")
    assert [(money.text, money.approximate) for money in found] == [("about $5", True), ("$7 billion", True)]


def test_a_bare_number_after_and_is_not_part_of_the_amount():
    assert [money.text for money in find_money("$5 and 7 workers")] == ["$5"]


def test_amounts_in_two_currencies_joined_by_and_keep_their_own_currency():
    found = find_money("$5 million and 3 trillion won")
    assert [(money.text, money.currency) for money in found] == [
        ("$5 million", "USD"),
        ("3 trillion won", "KRW"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "5%",
        "a 5% stake",
        "40,000 workers",
        "1,100 acres",
        "2025",
        "in 2025",
        "$",
        "US$",
        "priced in 2025 dollars",
        "Apple in 2019 won approval",
        "the team 3 won",
        "it weighs 200 pounds",
        "she had a yen for travel",
        "a billion-dollar deal",
        "a million-dollar home",
        "3 trillion",
        "1 trillion",
        "500",
        "",
    ],
)
def test_not_money(text):
    assert find_money(text) == []
    assert parse_money(text) is None


def test_numbers_glued_to_letters_are_not_money():
    assert find_money("ABC$5 million") == []


@pytest.mark.parametrize(("text", "amount"), [("$40 m", "$40"), ("$40mg", "$40"), ("$5 billionaires", "$5")])
def test_scale_letters_count_only_glued_to_the_number_and_as_whole_words(text, amount):
    money = _only(text)
    assert (money.text, money.value) == (amount, float(amount[1:]))


def test_seed_paragraph_finds_the_investment_but_not_the_acres_or_workers():
    text = (
        "The U.S. Secretary of Commerce, Gina Raimondo, stated that the company is investing $165 billion "
        "in Arizona to develop 1,100 acres of land dedicated to building a state-of-the-art semiconductor "
        "manufacturing facility, expecting to mobilize 40,000 workers for construction."
    )
    assert [(money.text, money.value, money.currency) for money in find_money(text)] == [
        ("$165 billion", 165e9, "USD")
    ]


def test_amounts_come_in_order_without_overlap():
    text = "It cost $5.5bn in 2024, up from €4bn, and 300 billion yen in 2023."
    found = find_money(text)
    assert [money.text for money in found] == ["$5.5bn", "€4bn", "300 billion yen"]
    assert all(a.end <= b.start for a, b in pairwise(found))


@pytest.mark.parametrize(
    ("span", "text", "value", "currency", "approximate"),
    [
        ("$85 million", "$85 million", 85e6, "USD", False),
        ("approximately NT$2.76 billion", "approximately NT$2.76 billion", 2.76e9, "TWD", True),
        ("about $1 billion", "about $1 billion", 1e9, "USD", True),
        ("more than $500 million", "more than $500 million", 500e6, "USD", True),
        ("300 billion yen", "300 billion yen", 300e9, "JPY", False),
        ("1.5 billion U.S. dollars", "1.5 billion U.S. dollars", 1.5e9, "USD", False),
    ],
)
def test_parse_money_reads_a_spacy_money_entity(span, text, value, currency, approximate):
    money = parse_money(span)
    assert money is not None
    assert (money.text, money.value, money.currency, money.approximate) == (
        text,
        value,
        currency,
        approximate,
    )


def test_parse_money_offsets_are_relative_to_the_span():
    money = parse_money("a $20 million grant")
    assert money is not None
    assert (money.start, money.end) == (2, 13)


def test_parse_money_takes_the_first_of_several_amounts():
    money = parse_money("NT$12 billion, €1.2bn")
    assert money is not None
    assert (money.text, money.currency) == ("NT$12 billion", "TWD")


@pytest.mark.parametrize(
    "text",
    [
        "$" + "9" * 400,  # a float cannot hold it: inf
        "$" + "9" * 310 + " trillion",
        "$11111111111111111111 trillion",  # 1.1e31: no amount in the news is that large
        "$2,000 trillion",  # 2e15 USD: twice the bound
        "KRW 100,000,000 trillion",  # 1e20 won is about 7e16 USD
    ],
)
def test_a_value_that_is_not_finite_or_is_absurd_is_not_an_amount(text):
    assert find_money(text) == []
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$1,000 trillion", 1e15, "USD"),  # the bound itself, 10^15 USD: about ten times world GDP
        ("$300 trillion", 3e14, "USD"),
        ("KRW 3,000 trillion", 3e15, "KRW"),  # about USD 2 trillion: large, but news
        ("IDR 50,000 trillion", 5e16, "IDR"),  # about USD 3 trillion
    ],
)
def test_large_amounts_up_to_the_bound_are_still_amounts(text, value, currency):
    money = _only(text)
    assert (money.value, money.currency) == (value, currency)


def test_an_absurd_end_of_a_range_is_dropped_and_the_other_kept():
    assert [money.text for money in find_money("$5 billion to $9999999999999999 trillion")] == ["$5 billion"]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        # any currency by its English name (CLDR's, through babel), singular or plural
        ("a bail of 250,000 Georgian lari", 250_000, "GEL"),
        ("fined 12 million Hungarian forints", 12e6, "HUF"),
        ("costs 40 Kenyan shillings a day", 40, "KES"),
        # the last word alone where it names one currency; accents match the plain letters
        ("a price of 650 million złotys", 650e6, "PLN"),
        ("a budget of 3 billion forints", 3e9, "HUF"),
    ],
)
def test_a_currency_is_known_by_its_name(text, value, currency):
    money = _only(text)
    assert (money.value, money.currency) == (value, currency)


def test_an_accented_name_keeps_the_text_as_written():
    assert _only("a price of 650 million złotys").text == "650 million złotys"


@pytest.mark.parametrize("text", ["for 5 rand he sold it", "the deal was 5 reals", "20 pesos"])
def test_a_currency_word_that_is_an_english_word_or_names_several_needs_more(text):
    """ "rand" and "real" are words too; "pesos" are Mexican, Philippine, Argentine...: no amount."""
    assert find_money(text) == []


def test_a_currency_word_that_is_an_english_word_is_money_with_a_scale():
    assert (_only("a 3 million rand fine").value, _only("a 3 million rand fine").currency) == (3e6, "ZAR")
