"""Money amounts in news text: find them, and turn each into a value in units and an ISO 4217 currency.

Pure functions, on the standard library and CLDR's English currency names (babel's data: "Polish
zlotys", "Georgian lari", "Kenyan shillings"). `find_money` scans a whole text; `parse_money` reads one amount
expression, such as the text of a spaCy MONEY entity. Run `find_money` over the sentence when you can:
the small English model often cuts the currency off an entity ("1 trillion" for "JPY 1 trillion", "500"
for "₹500 crore"), and a bare number is not money.

What counts as money: a number with a currency, either before it ("$", "NT$", "€", "USD ", "Rs ") or
after it ("yen", "U.S. dollars", "EUR", any currency's English name, and its last word where only one
currency has it: "zlotys", "forints"; letters with accents match their plain form: "złotys"), optionally with a scale (thousand, million, billion, trillion,
bn, mn, crore, lakh; "m", "k" and "b" only right after the number: "$40m"). A plain "$" is US dollars;
"¥" is yen unless written "CN¥" or "RMB ¥". A qualifier in front ("about", "more than", "up to", "~")
is kept in the text and sets `approximate`.

Ranges give two amounts: "$5 to $7 billion" and "$5-7 billion" are 5e9 ("$5") and 7e9 ("$7 billion"):
the first number borrows the scale (and the currency, if it has none) of the second when it is smaller
and written without a scale or thousands separators, so "$900,000 to $1 million" stays 9e5 and 1e6.

Not money: percentages, counts without a currency ("40,000 workers"), years ("2025", "in 2025 dollars"),
"$" with no number, and adjectives like "billion-dollar". "won" and "pounds" are English words too, so
"3 won" and "200 pounds" are not money; "3 trillion won", "50,000 won" and "5 million pounds" are.
Nor is a value that is not finite or is absurd: above `MAX_USD_EQUIVALENT` (10^15 US dollars, about ten
times the world's yearly GDP, so no news amount comes near it), a run of 400 nines or "$1e20 trillion"
is a typo, a test or an attack, never an amount ("USD inf trillion" in a reply, `Infinity` in JSON).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from babel.numbers import get_currency_name, list_currencies

__all__ = ["MAX_USD_EQUIVALENT", "Money", "find_money", "is_plausible", "parse_money"]

# The largest amount that can be news: 10^15 US dollars is about ten times the world's yearly GDP
# (roughly 1.1 x 10^14 USD); the biggest figures reported (national debts, market capitalisations,
# derivatives books) stay below it.
MAX_USD_EQUIVALENT = 1e15

# Currencies worth much less than a dollar, with how many units buy one at most: the exchange rate
# rounded up to a power of ten, so the bound needs no live rates and a currency's fall does not make
# a real amount "absurd" (KRW 3,000 trillion is about USD 2 trillion). The rest count one unit as
# at most a dollar, which for EUR, GBP or CHF only makes the bound a little more generous.
_UNITS_PER_USD_AT_MOST: dict[str, int] = {
    "JPY": 1_000, "KRW": 10_000, "INR": 100, "TWD": 100, "PHP": 100, "THB": 100, "RUB": 1_000,
    "TRY": 100, "IDR": 100_000, "VND": 100_000, "MXN": 100, "ZAR": 100, "SEK": 100, "NOK": 100,
    "CNY": 10, "HKD": 10, "DKK": 10, "MYR": 10, "BRL": 10, "SAR": 10, "AED": 10, "ILS": 10, "PLN": 10,
}  # fmt: skip


@dataclass(frozen=True)
class Money:
    """One amount of money found in a text."""

    text: str  # the exact matched text, e.g. "$85 million", "about $1 billion"
    value: float  # in units of the currency: 85_000_000.0
    currency: str  # ISO 4217 code
    start: int  # character offsets of `text` in the input string
    end: int
    approximate: bool  # a qualifier such as "about", "more than" or "~" came first


# Currency written before the number. Order matters: the longer, more specific forms first.
_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"(?:RMB|CN)\s?¥", "CNY"),
    (r"JP¥", "JPY"),
    (r"US\s?\$", "USD"),
    (r"NT\s?\$", "TWD"),
    (r"HK\$", "HKD"),
    (r"NZ\$", "NZD"),
    (r"AU?\$", "AUD"),
    (r"CA?\$", "CAD"),
    (r"MX\$", "MXN"),
    (r"S\$", "SGD"),
    (r"R\$", "BRL"),
    (r"\$", "USD"),
    (r"€", "EUR"),
    (r"£", "GBP"),
    (r"¥", "JPY"),
    (r"₩", "KRW"),
    (r"₹", "INR"),
    (r"Rs\.?", "INR"),
    (r"₱", "PHP"),
    (r"₫", "VND"),
    (r"₽", "RUB"),
    (r"₺", "TRY"),
)

# ISO codes we accept around a number (upper case only, so no English word collides). RMB is CNY.
_ISO_CODES = (
    "USD", "EUR", "JPY", "GBP", "KRW", "CNY", "INR", "TWD", "HKD", "SGD", "AUD", "CAD", "NZD", "CHF", "BRL",
    "MXN", "SEK", "NOK", "DKK", "ZAR", "THB", "MYR", "IDR", "PHP", "VND", "SAR", "AED", "RUB", "TRY", "PLN",
    "ILS",
)  # fmt: skip
_CODES: dict[str, str] = {code: code for code in _ISO_CODES} | {"RMB": "CNY"}

# Currency written after the number (matched case-insensitively, codes excepted).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (r"(?:U\.?S\.?|American)\s+dollars?", "USD"),
    (r"(?:New\s+)?Taiwan(?:ese)?\s+dollars?|NT\s+dollars?", "TWD"),
    (r"Hong\s+Kong\s+dollars?|HK\s+dollars?", "HKD"),
    (r"Singapore(?:an)?\s+dollars?", "SGD"),
    (r"Australian\s+dollars?", "AUD"),
    (r"Canadian\s+dollars?", "CAD"),
    (r"New\s+Zealand\s+dollars?", "NZD"),
    (r"dollars?", "USD"),
    (r"euros?", "EUR"),
    (r"(?:Japanese\s+)?yen", "JPY"),
    (r"(?:South\s+)?Korean\s+won", "KRW"),
    (r"won", "KRW"),
    (r"(?:Chinese\s+)?(?:yuan|renminbi)", "CNY"),
    (r"(?:Indian\s+)?rupees?", "INR"),
    (r"(?:British\s+)?pounds?\s+sterling|British\s+pounds?|sterling", "GBP"),
    (r"pounds?", "GBP"),
    (r"Swiss\s+francs?", "CHF"),
)
# English words that are also a currency's name ("real", "rand", "mark"): money only with a scale.
_HOMOGRAPHS = frozenset("real reals rand rands mark marks crown crowns sum dong".split())


def _cldr_suffixes() -> tuple[tuple[str, str], ...]:
    """Every currency's English name, singular and plural ("Polish zloty", "Polish zlotys"), and the
    last word of those names where it names one currency only ("zlotys"; "pesos" names several)."""
    known = {code for _pattern, code in _SUFFIXES}
    full: dict[str, str] = {}
    last_words: dict[str, set[str]] = {}
    for code in list_currencies():
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en").casefold()
            if not re.fullmatch(r"[a-z][a-z .'-]*", name) or "(" in name:
                continue
            if code not in known:
                full.setdefault(name, code)
            last_words.setdefault(name.split()[-1], set()).add(code)
    hand_words = {word for pattern, _code in _SUFFIXES for word in re.findall(r"[a-z]{3,}", pattern)}
    unique = {
        word: codes.pop()
        for word, codes in last_words.items()
        if len(codes) == 1 and word not in hand_words and (len(word) >= 4 or word in _HOMOGRAPHS)
    }
    pairs = {**{w: c for w, c in unique.items() if c not in known}, **full}
    return tuple(
        (r"\s+".join(map(re.escape, name.split())), code)
        for name, code in sorted(pairs.items(), key=lambda item: -len(item[0]))
    )


_SUFFIXES = _SUFFIXES + _cldr_suffixes()

# Words that are also ordinary English; they need a scale (or, for won, a grouped number) to be money.
_AMBIGUOUS_SUFFIXES = {"won", "pound", "pounds"} | _HOMOGRAPHS

_SCALES: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "bln": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "trn": Decimal(10) ** 12,
    "lakh": Decimal(10) ** 5,
    "lac": Decimal(10) ** 5,
    "crore": Decimal(10) ** 7,
}

_WORD_NUMBERS: dict[str, Decimal] = {
    "half a": Decimal("0.5"),
    "half an": Decimal("0.5"),
    "a half": Decimal("0.5"),
    "a": Decimal(1),
    "an": Decimal(1),
    "one": Decimal(1),
    "two": Decimal(2),
    "three": Decimal(3),
    "four": Decimal(4),
    "five": Decimal(5),
    "six": Decimal(6),
    "seven": Decimal(7),
    "eight": Decimal(8),
    "nine": Decimal(9),
    "ten": Decimal(10),
}

_APPROX = (
    r"(?:(?<![\w])(?i:about|approximately|approx\.|around|roughly|nearly|almost|more\s+than|less\s+than"
    r"|over|under|up\s+to|some|an\s+estimated|at\s+least|as\s+much\s+as|close\s+to)\s+|~\s*)"
)
_NUMBER = r"(?:\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?![.,]?\d)"
_WORD_NUMBER = r"(?i:half\s+an?|a\s+half|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_SCALE_WORDS = r"thousand|millions?|billions?|trillions?|bn|bln|mn|mln|tn|trn|crores?|lakhs?|lacs?"


def _scale(name: str) -> str:
    """An optional scale after a number: a word (after an optional space or hyphen) or m/k/b glued to
    it. Possessive, so a scale that is there is never given back to make a wider match work."""
    return rf"(?:[\s-]?(?P<{name}>(?i:{_SCALE_WORDS}))(?!\w)|(?P<{name}_glued>(?i:[mkb]))(?!\w))?+"


def _connector(name: str) -> str:
    """What joins the two ends of a range: a dash, "to", "through", "and", "or"."""
    return rf"(?P<{name}>\s*[-–—]\s*|\s+(?i:to|through|and|or)\s+)"


def _alternation(pairs: tuple[tuple[str, str], ...]) -> str:
    return "|".join(f"(?:{pattern})" for pattern, _code in pairs)


_CODE_ALTS = "|".join(sorted(_CODES, key=len, reverse=True))
_PREFIX = rf"(?<![A-Za-z0-9])(?:{_alternation(_PREFIXES)}|(?:{_CODE_ALTS})(?=\s?[\d.]))"
_SUFFIX = rf"(?:(?i:{_alternation(_SUFFIXES)})|(?:{_CODE_ALTS}))(?![\w$])"

_MONEY = re.compile(
    rf"""
    (?P<approx>{_APPROX})?
    (?:
        # Currency first: $5 billion, NT$2.76 billion, USD 1.2 billion, $5 to $7 billion, $5-7 billion
        (?P<pcur>{_PREFIX})\s?(?P<pnum>{_NUMBER}){_scale("pscale")}
        (?:
            {_connector("pconn")}
            (?P<pcur2>{_PREFIX})?\s?(?P<pnum2>{_NUMBER}){_scale("pscale2")}
            (?(pcur2)|(?!\s+{_SUFFIX}))  # "$5 million and 3 trillion won": the won are not dollars
        )?
        (?!\s*%)
    |
        # Currency last: 300 billion yen, half a billion dollars, 5 to 7 billion euros
        (?<![\w.,$])(?P<snum>{_NUMBER}|{_WORD_NUMBER}){_scale("sscale")}
        (?:
            {_connector("sconn")}
            (?P<snum2>{_NUMBER}){_scale("sscale2")}
        )?
        \s+(?P<scur>{_SUFFIX})
    )
    """,
    re.VERBOSE,
)

_PREFIX_CODES = [(re.compile(pattern), code) for pattern, code in _PREFIXES]
_SUFFIX_CODES = [(re.compile(rf"(?i:{pattern})\Z"), code) for pattern, code in _SUFFIXES]
_DASHES = {"-", "–", "—"}
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def _prefix_code(symbol: str) -> str:
    if symbol in _CODES:
        return _CODES[symbol]
    for pattern, code in _PREFIX_CODES:
        if pattern.fullmatch(symbol):
            return code
    raise ValueError(symbol)  # pragma: no cover - the regex only matches known prefixes


def _suffix_code(word: str) -> str:
    if word in _CODES:
        return _CODES[word]
    for pattern, code in _SUFFIX_CODES:
        if pattern.match(word):
            return code
    raise ValueError(word)  # pragma: no cover - the regex only matches known suffixes


def _scale_of(match: re.Match[str], name: str) -> Decimal | None:
    word = match.group(name) or match.group(f"{name}_glued")
    if word is None:
        return None
    word = word.lower()
    return _SCALES.get(word) or _SCALES[word.rstrip("s")]


def _number(text: str) -> Decimal:
    key = " ".join(text.lower().split())
    if key in _WORD_NUMBERS:
        return _WORD_NUMBERS[key]
    return Decimal(text.replace(",", ""))


@dataclass(frozen=True)
class _Part:
    """One end of a match: the number as written, its scale, its currency, and where its text lies."""

    number: str
    scale: Decimal | None
    currency: str
    start: int
    end: int

    @property
    def is_year(self) -> bool:
        return self.scale is None and _YEAR.fullmatch(self.number) is not None

    @property
    def is_word(self) -> bool:
        return not self.number[0].isdigit() and self.number[0] != "."


def _end_of(match: re.Match[str], number: str, scale: str) -> int:
    return max(match.end(number), match.end(scale), match.end(f"{scale}_glued"))


def _range(first: _Part, second: _Part) -> list[_Part]:
    """Both ends of a range. In "$5 to $7 billion" the 5 is billions too (it has no scale of its own
    and is smaller than the 7); in "$900,000 to $1 million" it is not."""
    borrows = (
        first.scale is None
        and second.scale is not None
        and "," not in first.number
        and _number(first.number) < _number(second.number)
    )
    return [replace(first, scale=second.scale) if borrows else first, second]


def _prefixed(match: re.Match[str]) -> list[_Part]:
    """Currency first: "$5 billion", "USD 1.2 billion", "$5 to $7 billion", "$5-7 billion"."""
    currency = _prefix_code(match.group("pcur"))
    first = _Part(
        match.group("pnum"),
        _scale_of(match, "pscale"),
        currency,
        match.start(),
        _end_of(match, "pnum", "pscale"),
    )
    if match.group("pnum2") is None:
        return [first]
    own_currency = match.group("pcur2")
    second_scale = _scale_of(match, "pscale2")
    if own_currency is None and second_scale is None and match.group("pconn").strip() not in _DASHES:
        return [first]  # "$5-7 a share" is a range; "$5 and 7 workers" is not
    second = _Part(
        match.group("pnum2"),
        second_scale,
        _prefix_code(own_currency) if own_currency else currency,
        match.start("pcur2") if own_currency else match.start("pnum2"),
        _end_of(match, "pnum2", "pscale2"),
    )
    return _range(first, second)


def _suffixed(match: re.Match[str]) -> list[_Part]:
    """Currency last: "300 billion yen", "half a billion dollars", "5 to 7 billion euros"."""
    word = match.group("scur")
    currency = _suffix_code(word)
    first = _Part(
        match.group("snum"),
        _scale_of(match, "sscale"),
        currency,
        match.start(),
        _end_of(match, "snum", "sscale"),
    )
    if first.is_word and first.scale is None:
        return []  # "a yen for travel", "one dollar": idiom, not a reported amount
    second = None
    if match.group("snum2") is not None:
        second = _Part(
            match.group("snum2"), _scale_of(match, "sscale2"), currency, match.start("snum2"), match.end()
        )
    last = second or replace(first, end=match.end())
    if last.is_year:
        return []  # "in 2025 dollars"
    if (
        word.lower() in _AMBIGUOUS_SUFFIXES
        and last.scale is None
        and (word.lower() != "won" or "," not in last.number)
    ):
        return []  # "in 2019 won approval", "weighs 200 pounds"
    if second is None:
        return [last]
    if first.is_year:
        return [second]  # "in 2024 and 5 billion yen"
    return _range(first, second)


def is_plausible(value: float, currency: str) -> bool:
    """Whether `value` units of `currency` can be an amount in the news: finite, and at most
    `MAX_USD_EQUIVALENT` US dollars' worth (see `_UNITS_PER_USD_AT_MOST`)."""
    return math.isfinite(value) and abs(value) <= MAX_USD_EQUIVALENT * _UNITS_PER_USD_AT_MOST.get(currency, 1)


def _amounts(match: re.Match[str], text: str) -> list[Money]:
    approximate = match.group("approx") is not None
    parts = _prefixed(match) if match.group("pcur") is not None else _suffixed(match)
    found = [
        Money(
            text=text[part.start : part.end],
            value=float(_number(part.number) * (part.scale if part.scale is not None else 1)),
            currency=part.currency,
            start=part.start,
            end=part.end,
            approximate=approximate,
        )
        for part in parts
    ]
    return [money for money in found if is_plausible(money.value, money.currency)]


def _plain_letter(char: str) -> str:
    """ "ł" -> "l", "é" -> "e": a letter's plain form when it has one, so offsets stay the same."""
    if char.isascii() or not char.isalpha():
        return char
    base = unicodedata.normalize("NFKD", char)
    if len(base) > 1 and base[0].isascii() and all(unicodedata.combining(c) for c in base[1:]):
        return base[0]
    return _NO_DECOMPOSITION.get(char, char)


_NO_DECOMPOSITION = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}


def find_money(text: str) -> list[Money]:
    """All money amounts in `text`, in order of appearance, non-overlapping."""
    plain = text if text.isascii() else "".join(map(_plain_letter, text))
    found: list[Money] = []
    for match in _MONEY.finditer(plain):
        found.extend(_amounts(match, text))
    return found


def parse_money(span: str) -> Money | None:
    """One amount expression (e.g. a spaCy MONEY entity's text) as Money with offsets relative to
    `span`, or None if it holds no money. If the span holds several amounts, the first is returned."""
    found = find_money(span)
    return found[0] if found else None
