"""Place names: one canonical spelling per place, so "the U.S.", "USA" and "America" count as one.

Pure functions, standard library only. `normalize_place` takes the text of a spaCy GPE/LOC entity and
returns the name to store and show, or None when the text is not a place worth keeping (empty, a number,
no letters at all, or too long to be a name).

Country aliases map to one name ("U.S." -> "United States", "Britain" -> "United Kingdom", "ROC" ->
"Taiwan", "Korea" -> "South Korea", "Holland" -> "Netherlands", "EU" -> "European Union"). Everything
else keeps the spelling it was written with, minus a leading "the", a possessive "'s" and extra spaces:
"Taiwan's" -> "Taiwan", "the Hague" stays "The Hague" because that is the city's name.
"""

from __future__ import annotations

import re

__all__ = ["normalize_place"]

_MAX_LENGTH = 60

# Upper-case abbreviations, compared with their dots and spaces removed ("U.S.A." -> "USA").
_ABBREVIATIONS: dict[str, str] = {
    "US": "United States",
    "USA": "United States",
    "UK": "United Kingdom",
    "PRC": "China",
    "ROC": "Taiwan",
    "ROK": "South Korea",
    "DPRK": "North Korea",
    "EU": "European Union",
    "UAE": "United Arab Emirates",
    "HK": "Hong Kong",
}

# Names, compared case-folded with dots removed and spaces folded ("S. Korea" -> "s korea").
_NAMES: dict[str, str] = {
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "united kingdom": "United Kingdom",
    "united kingdom of great britain and northern ireland": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "china": "China",
    "mainland china": "China",
    "people's republic of china": "China",
    "peoples republic of china": "China",
    "taiwan": "Taiwan",
    "republic of china": "Taiwan",
    "chinese taipei": "Taiwan",
    "korea": "South Korea",
    "south korea": "South Korea",
    "s korea": "South Korea",
    "republic of korea": "South Korea",
    "north korea": "North Korea",
    "n korea": "North Korea",
    "democratic people's republic of korea": "North Korea",
    "netherlands": "Netherlands",
    "holland": "Netherlands",
    "european union": "European Union",
    "united arab emirates": "United Arab Emirates",
    "russian federation": "Russia",
    "viet nam": "Vietnam",
    "hong kong sar": "Hong Kong",
    "czech republic": "Czechia",
}

# Names whose leading "The" is part of the name.
_KEEP_THE = {"the hague", "the bronx"}

_QUOTES = "\"'“”‘’«»()[]{}"
_THE = re.compile(r"^the(?:\s+|$)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_NUMBER_LIKE = re.compile(r"[\d\s.,:/%+\-–]+")


def _key(name: str) -> str:
    return " ".join(name.replace(".", " ").replace("’", "'").split()).casefold()


def normalize_place(text: str) -> str | None:
    """The canonical name of the place in `text`, or None if it is not a place worth keeping."""
    name = " ".join(text.split()).strip(_QUOTES + " ,;:")
    name = _POSSESSIVE.sub("", name).strip()
    if not name or len(name) > _MAX_LENGTH or _NUMBER_LIKE.fullmatch(name):
        return None
    if not any(char.isalpha() for char in name):
        return None
    if _key(name) in _KEEP_THE:
        return "The " + name.split(None, 1)[1]
    name = _THE.sub("", name)
    if not name:
        return None
    abbreviation = re.sub(r"[.\s]", "", name)
    if abbreviation.isupper() and abbreviation in _ABBREVIATIONS:
        return _ABBREVIATIONS[abbreviation]
    return _NAMES.get(_key(name), name)
