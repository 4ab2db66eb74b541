"""Scores the extractor against the hand-written gold facts in tests/eval/gold/.

    python -m tests.eval.score            (or: make eval)

Prints precision and recall per field over the whole set, and the misses with --verbose. Matching
rules: companies by canonical name (case-insensitive); amounts by currency and value (within 0.5%),
one to one; an amount's company must then be the gold one (null included); people by name (the
surname alone matches a full name); a person's role matches when one role's words contain the
other's ("chief executive" ~ "chief executive officer", CEO spelled out); places by name; facts by
sentence (a sentence may carry several), then kind and company.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.extract.pipeline import ArticleText, Extractor
from bot.ingest.folder import read_article_file

HERE = Path(__file__).resolve().parent
ARTICLES, GOLD = HERE / "articles", HERE / "gold"
TARGETS = {
    "companies F1": 0.95,
    "amount value recall": 0.95,
    "amount attribution": 0.90,
    "person recall": 0.95,
    "person role and organization": 0.85,
}
_ROLE_SYNONYMS = {
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cto": "chief technology officer",
    "chairwoman": "chairman",
    "chair": "chairman",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
}


@dataclass
class Tally:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    companies: Tally = field(default_factory=Tally)
    salience: Ratio = field(default_factory=Ratio)
    amounts: Tally = field(default_factory=Tally)
    attribution: Ratio = field(default_factory=Ratio)
    people: Tally = field(default_factory=Tally)
    roles: Ratio = field(default_factory=Ratio)
    places: Tally = field(default_factory=Tally)
    facts: Tally = field(default_factory=Tally)
    fact_kind_company: Ratio = field(default_factory=Ratio)
    key_points: Tally = field(default_factory=Tally)
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "companies F1": self.companies.f1,
            "amount value recall": self.amounts.recall,
            "amount attribution": self.attribution.value,
            "person recall": self.people.recall,
            "person role and organization": self.roles.value,
        }


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().replace(".", "").split())


def _words(sentence: str) -> str:
    """A sentence compared by its words only: quotes, dashes and spacing do not count."""
    return " ".join(re.findall(r"\w+", sentence.casefold()))


def _role_words(role: str | None) -> set[str]:
    text = _fold(role)
    for short, long in _ROLE_SYNONYMS.items():
        text = " ".join(long if w == short else w for w in text.split())
    return set(text.replace("-", " ").split()) - {"the", "of", "a", "an"}


def roles_match(gold: str | None, predicted: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    a, b = _role_words(gold), _role_words(predicted)
    return bool(a) and bool(b) and (a <= b or b <= a)


def _same_person(gold: str, predicted: str) -> bool:
    g, p = _fold(gold).split(), _fold(predicted).split()
    return g == p or (g[-1:] == p[-1:] and (len(g) == 1 or len(p) == 1))


def score_article(name: str, gold: dict[str, Any], got: dict[str, Any], report: Report) -> None:
    miss = report.misses.append
    gold_companies = {_fold(c["name"]): c for c in gold["companies"]}
    got_companies = {_fold(c["name"]): c for c in got["companies"]}
    report.companies.gold += len(gold_companies)
    report.companies.predicted += len(got_companies)
    for key, company in gold_companies.items():
        if key in got_companies:
            report.companies.true_positive += 1
            report.salience.total += 1
            if got_companies[key]["salient"] == company["salient"]:
                report.salience.right += 1
            else:
                miss(f"{name}: salience of {company['name']} should be {company['salient']}")
        else:
            miss(f"{name}: company missed: {company['name']}")
    for key, company in got_companies.items():
        if key not in gold_companies:
            miss(f"{name}: not a company (or not in gold): {company['name']}")

    unmatched = list(got["amounts"])
    report.amounts.gold += len(gold["amounts"])
    report.amounts.predicted += len(got["amounts"])
    for amount in gold["amounts"]:
        match = next(
            (
                a
                for a in unmatched
                if a["currency"] == amount["currency"]
                and abs(a["value"] - amount["value"]) <= 0.005 * max(abs(amount["value"]), 1)
            ),
            None,
        )
        if match is None:
            miss(f"{name}: amount missed: {amount['text']} ({amount['currency']} {amount['value']:g})")
            continue
        unmatched.remove(match)
        report.amounts.true_positive += 1
        report.attribution.total += 1
        if _fold(match["company"]) == _fold(amount["company"]):
            report.attribution.right += 1
        else:
            miss(f"{name}: {amount['text']} belongs to {amount['company']}, not {match['company']}")
    for amount in unmatched:
        miss(f"{name}: not an amount (or not in gold): {amount['text']}")

    report.people.gold += len(gold["people"])
    report.people.predicted += len(got["people"])
    remaining = list(got["people"])
    for person in gold["people"]:
        match = next((p for p in remaining if _same_person(person["name"], p["name"])), None)
        if match is None:
            miss(f"{name}: person missed: {person['name']}")
            continue
        remaining.remove(match)
        report.people.true_positive += 1
        report.roles.total += 1
        if roles_match(person["role"], match["role"]) and _fold(person["organization"]) == _fold(
            match["organization"]
        ):
            report.roles.right += 1
        else:
            miss(
                f"{name}: {person['name']} is {person['role']!r} of {person['organization']!r}, "
                f"got {match['role']!r} of {match['organization']!r}"
            )
    for person in remaining:
        miss(f"{name}: not a person (or not in gold): {person['name']}")

    gold_places, got_places = {_fold(p) for p in gold["places"]}, {_fold(p) for p in got["places"]}
    report.places.gold += len(gold_places)
    report.places.predicted += len(got_places)
    report.places.true_positive += len(gold_places & got_places)

    got_facts: dict[str, list[dict[str, Any]]] = {}
    for f in got["facts"]:
        got_facts.setdefault(_words(f["sentence"]), []).append(f)
    gold_sentences = {_words(f["sentence"]) for f in gold["facts"]}
    report.facts.gold += len(gold_sentences)
    report.facts.predicted += len(got_facts)
    report.facts.true_positive += len(gold_sentences & set(got_facts))
    for fact in gold["facts"]:
        candidates = got_facts.get(_words(fact["sentence"]), [])
        if not candidates:
            miss(f"{name}: fact missed: [{fact['kind']}] {fact['company']}: {fact['sentence'][:70]}")
            continue
        report.fact_kind_company.total += 1
        if any(
            c["kind"] == fact["kind"] and _fold(c["company"]) == _fold(fact["company"]) for c in candidates
        ):
            report.fact_kind_company.right += 1
        else:
            got_text = ", ".join(f"[{c['kind']}] {c['company']}" for c in candidates)
            miss(
                f"{name}: fact is [{fact['kind']}] {fact['company']}, got {got_text}: {fact['sentence'][:60]}"
            )

    gold_points, got_points = {_fold(k) for k in gold["key_points"]}, {_fold(k) for k in got["key_points"]}
    report.key_points.gold += len(gold_points)
    report.key_points.predicted += len(got_points)
    report.key_points.true_positive += len(gold_points & got_points)


def evaluate(extractor: Extractor | None = None) -> Report:
    extractor = extractor or Extractor()
    report = Report()
    paths = sorted(ARTICLES.glob("*.txt"))
    texts = []
    for path in paths:
        draft = read_article_file(path, max_bytes=1_000_000)
        gold = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
        published = draft.published_at.date() if draft.published_at else None
        texts.append((path, gold, ArticleText(draft.title, draft.text, draft.source_name, published)))
    for (path, gold, _), facts in zip(texts, extractor.extract_many(t for _, _, t in texts), strict=True):
        score_article(path.stem, gold, facts.to_json(), report)
    return report


def format_report(report: Report, articles: int) -> str:
    rows = [
        ("companies", report.companies),
        ("amounts (value)", report.amounts),
        ("people", report.people),
        ("places", report.places),
        ("facts (sentences with one)", report.facts),
        ("key points", report.key_points),
    ]
    lines = [f"Extraction quality over {articles} articles (tests/eval)", ""]
    lines.append(f"{'field':<30}{'precision':>10}{'recall':>10}{'F1':>8}")
    for label, tally in rows:
        lines.append(f"{label:<30}{tally.precision:>10.3f}{tally.recall:>10.3f}{tally.f1:>8.3f}")
    lines.append("")
    for label, ratio in (
        ("company salience right", report.salience),
        ("amount attribution right", report.attribution),
        ("person role and org right", report.roles),
        ("fact kind and company right", report.fact_kind_company),
    ):
        lines.append(f"{label:<30}{ratio.value:>10.3f}   ({ratio.right}/{ratio.total})")
    lines.append("")
    for label, figure in report.figures().items():
        target = TARGETS[label]
        lines.append(f"target {label:<32} {figure:.3f} {'>=' if figure >= target else '<'} {target:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    report = evaluate()
    print(format_report(report, len(list(ARTICLES.glob("*.txt")))))
    if args.verbose:
        print("\nMisses:")
        print("\n".join(f"  {m}" for m in report.misses) or "  none")
    return 0 if all(report.figures()[k] >= t for k, t in TARGETS.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
