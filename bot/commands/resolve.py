"""Finding the company a user means: exact names, aliases and tickers in any case first, then
tolerance for typos in long names ("Taiwan Semiconducter"), with a choice when several fit and the
closest known names when none does; and the companies a sentence names ("What about TSMC?")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from bot.extract.gazetteer import matchable_ticker
from storage.companies import alias_table, aliases_folded_as, companies_named, fold

MAX_QUERY = 100
FUZZY_MIN_LENGTH = 5  # short names must be exact: "ASE" is not "ASX"
FUZZY_ACCEPT = 85
SUGGEST_MIN = 75  # below this a guess is far-fetched: "Joe Biden" is not Ibiden, "John Smith" not onsemi
MAX_NAME_WORDS = 6  # the longest company name looked for in a sentence, in words
# A word of a sentence: letters and digits, with the inner punctuation names have ("AT&T", "2330.TW",
# "Hewlett-Packard", "Amazon.com"); a possessive "'s" is left off.
_WORD = re.compile(r"\w(?:[\w&.'’-]*\w)?")


@dataclass(frozen=True)
class Match:
    company_id: int
    name: str


@dataclass
class Resolution:
    query: str
    matches: list[Match] = field(default_factory=list)  # one: found; several: ask which
    suggestions: list[Match] = field(default_factory=list)  # none found: the closest known names
    fuzzy: bool = False  # the matches forgave a typo: none goes by the name as given

    @property
    def company(self) -> Match | None:
        return self.matches[0] if len(self.matches) == 1 else None


def similarity(query: str, alias: str, **_: object) -> float:
    """Edit similarity of the whole names, or of the query and the start of a longer name (a typo
    in "Taiwan Semiconducter" still finds "Taiwan Semiconductor Manufacturing"). A much shorter
    alias never scores high by being contained in the query ("ter" in "semiconducter")."""
    whole = fuzz.ratio(query, alias)
    if len(alias) > len(query):
        return max(whole, fuzz.ratio(query, alias[: len(query)]))
    return whole


def resolve_company(session: Session, query: str) -> Resolution:
    query = " ".join(query.split())[:MAX_QUERY]
    resolution = Resolution(query)
    if not query:
        return resolution
    exact = companies_named(session, query)
    if exact:
        resolution.matches = [Match(c.id, c.name) for c in exact]
        return resolution
    choices = alias_table(session)
    folded_query = fold(query)
    # A word-for-word start of a longer name: "ASE Technology" -> "ASE Technology Holding".
    starts = {choices[f] for f in choices if f.startswith(folded_query + " ")}
    if starts:
        resolution.matches = [Match(cid, name) for cid, name in sorted(starts, key=lambda x: x[1])]
        return resolution
    scored = process.extract(folded_query, list(choices), scorer=similarity, limit=10)
    best: dict[int, tuple[float, str]] = {}
    for alias, score, _ in scored:
        company_id, name = choices[alias]
        if score > best.get(company_id, (0.0, ""))[0]:
            best[company_id] = (score, name)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    if len(folded_query) >= FUZZY_MIN_LENGTH:
        accepted = [(cid, name, score) for cid, (score, name) in ranked if score >= FUZZY_ACCEPT]
        if accepted:
            top = accepted[0][2]
            resolution.matches = [Match(cid, name) for cid, name, score in accepted if score >= top - 3]
            resolution.fuzzy = True
            return resolution
    resolution.suggestions = [Match(cid, name) for cid, (score, name) in ranked[:3] if score >= SUGGEST_MIN]
    return resolution


def companies_in_text(session: Session, text: str) -> Resolution:
    """The known companies a sentence names ("What about TSMC?", "🚀 TSMC 🚀"), in the order it names
    them, by their names, aliases and tickers as whole words. The case rules are the extractor's
    (seeds/README.md): names of several words in any case; one-word names and tickers as written,
    so "ASEAN" is not ASE, "my arm hurts" is not about Arm and "news on TSMC" has no onsemi (ticker
    ON) in it. Where names overlap the longest wins ("Foxconn Industrial Internet" over "Foxconn")."""
    resolution = Resolution(" ".join(text.split())[:MAX_QUERY])
    words = []
    for word in _WORD.finditer(text):
        end = word.end() - 2 if word.group().endswith(("'s", "’s")) and len(word.group()) > 2 else word.end()
        words.append((word.start(), end))
    spans: dict[str, list[tuple[int, int, str]]] = {}  # folded form: (start, end, as written)
    for i, (start, _) in enumerate(words):
        for _, end in words[i : i + MAX_NAME_WORDS]:
            written = text[start:end]
            spans.setdefault(fold(written), []).append((start, end, written))
            if text[end : end + 1] == ".":  # "Nvidia Corp."
                spans.setdefault(fold(written + "."), []).append((start, end + 1, written + "."))
    as_written: list[tuple[int, int, Match]] = []
    for alias in aliases_folded_as(session, spans):
        one_word = len(alias.alias.split()) == 1
        for start, end, written in spans[alias.folded]:
            hit = (start, end, Match(alias.company_id, alias.company))
            if alias.is_ticker:
                if written == alias.alias and matchable_ticker(alias.alias):
                    as_written.append(hit)
            elif not one_word or written == alias.alias:
                as_written.append(hit)
    taken: list[tuple[int, int, Match]] = []
    for hit in sorted(as_written, key=lambda h: (h[0] - h[1], h[0])):
        if all(hit[1] <= start or hit[0] >= end for start, end, _ in taken):
            taken.append(hit)
    for _, _, match in sorted(taken, key=lambda h: h[0]):
        if match not in resolution.matches:
            resolution.matches.append(match)
    return resolution
