"""Scores the extractor against hand-written gold facts, on three sets reported apart.

    python -m tests.eval.score            (or: make eval)
    python -m tests.eval.score --verbose  (every miss on the own set and on Wikinews dev)

The sets: "own" (tests/eval/articles, the seed and 28 articles written for this project: the rules
were developed against it, a regression check); "wikinews-dev" (real news by others, looked at
and tuned on); "wikinews-heldout" (real news by others, never tuned on: its misses are not printed,
only its figures, which are the honest ones). The Wikinews gold annotates some fields only (its
"annotated" list); a field that is not annotated for an article is not scored there.

Prints precision and recall per field over each set, and the misses with --verbose. Matching
rules: companies by canonical name (case-insensitive); amounts by currency and value (within 0.5%),
one to one; an amount's company must then be the gold one (null included); people by name (the
surname alone matches a full name, and so do its first or last two words or more); a person's role matches when one role's words contain the
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
ALL_FIELDS = frozenset({"companies", "people", "amounts", "facts", "places", "key_points"})


@dataclass(frozen=True)
class EvalSet:
    name: str
    articles: Path
    gold: Path
    misses_shown: bool  # the held-out set's misses are never printed: nobody tunes on them

    def article_paths(self) -> list[Path]:
        return sorted(self.articles.glob("*.txt"))


OWN = EvalSet("own", ARTICLES, GOLD, misses_shown=True)
WIKINEWS_DEV = EvalSet("wikinews-dev", HERE / "wikinews/dev/articles", HERE / "wikinews/dev/gold", True)
WIKINEWS_HELDOUT = EvalSet(
    "wikinews-heldout", HERE / "wikinews/heldout/articles", HERE / "wikinews/heldout/gold", False
)
SETS = (OWN, WIKINEWS_DEV, WIKINEWS_HELDOUT)
# The own set's targets (the test suite holds the extractor to them); the Wikinews sets are held to
# the targets for news the rules were not written against.
TARGETS = {
    "companies F1": 0.95,
    "amount value recall": 0.95,
    "amount attribution": 0.90,
    "person recall": 0.95,
    "person role and organization": 0.85,
}
UNSEEN_TARGETS = {
    "companies F1": 0.93,
    "companies precision": 0.92,
    "amount attribution": 0.92,
    "person organization": 0.92,
    "person recall": 0.97,
    "fact kind and company": 0.80,
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
    organizations: Ratio = field(default_factory=Ratio)
    places: Tally = field(default_factory=Tally)
    facts: Tally = field(default_factory=Tally)
    fact_kind_company: Ratio = field(default_factory=Ratio)
    key_points: Tally = field(default_factory=Tally)
    misses: list[str] = field(default_factory=list)

    articles: int = 0

    def figures(self) -> dict[str, float]:
        return {
            "companies F1": self.companies.f1,
            "companies precision": self.companies.precision,
            "amount value recall": self.amounts.recall,
            "amount attribution": self.attribution.value,
            "person recall": self.people.recall,
            "person role and organization": self.roles.value,
            "person organization": self.organizations.value,
            "fact kind and company": self.fact_kind_company.value,
        }


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().replace(".", "").split())


def sentence_words(sentence: str) -> str:
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
    """The same name, or the surname alone, or two words or more that the other begins or ends with
    ("Ricardo Rosselló" for "Ricardo Rosselló Nevares", "Leszek Głódź" for "Sławoj Leszek Głódź")."""
    g, p = _fold(gold).split(), _fold(predicted).split()
    shorter, longer = sorted((g, p), key=len)
    return (
        g == p
        or (g[-1:] == p[-1:] and (len(g) == 1 or len(p) == 1))
        or (len(shorter) >= 2 and shorter in (longer[: len(shorter)], longer[-len(shorter) :]))
    )


def score_article(name: str, gold: dict[str, Any], got: dict[str, Any], report: Report) -> None:
    """Adds one article to the report: only the fields its gold lists as annotated (all of them when
    it has no such list)."""
    annotated = frozenset(gold.get("annotated", ALL_FIELDS))
    report.articles += 1
    if "companies" in annotated:
        _score_companies(name, gold, got, report)
    if "amounts" in annotated:
        _score_amounts(name, gold, got, report)
    if "people" in annotated:
        _score_people(name, gold, got, report)
    if "places" in annotated:
        _tally_sets(report.places, gold["places"], got["places"])
    if "facts" in annotated:
        _score_facts(name, gold, got, report)
    if "key_points" in annotated:
        _tally_sets(report.key_points, gold["key_points"], got["key_points"])


def _tally_sets(tally: Tally, gold: list[str], got: list[str]) -> None:
    """Texts compared as sets, folded ("U.S." is "us")."""
    gold_set, got_set = {_fold(t) for t in gold}, {_fold(t) for t in got}
    tally.gold += len(gold_set)
    tally.predicted += len(got_set)
    tally.true_positive += len(gold_set & got_set)


def _score_companies(name: str, gold: dict[str, Any], got: dict[str, Any], report: Report) -> None:
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


def _score_amounts(name: str, gold: dict[str, Any], got: dict[str, Any], report: Report) -> None:
    miss = report.misses.append
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


def _score_people(name: str, gold: dict[str, Any], got: dict[str, Any], report: Report) -> None:
    miss = report.misses.append
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
        report.organizations.total += 1
        same_organization = _fold(person["organization"]) == _fold(match["organization"])
        report.organizations.right += same_organization
        if roles_match(person["role"], match["role"]) and same_organization:
            report.roles.right += 1
        else:
            miss(
                f"{name}: {person['name']} is {person['role']!r} of {person['organization']!r}, "
                f"got {match['role']!r} of {match['organization']!r}"
            )
    for person in remaining:
        miss(f"{name}: not a person (or not in gold): {person['name']}")


def _score_facts(name: str, gold: dict[str, Any], got: dict[str, Any], report: Report) -> None:
    miss = report.misses.append
    got_facts: dict[str, list[dict[str, Any]]] = {}
    for f in got["facts"]:
        got_facts.setdefault(sentence_words(f["sentence"]), []).append(f)
    gold_sentences = {sentence_words(f["sentence"]) for f in gold["facts"]}
    report.facts.gold += len(gold_sentences)
    report.facts.predicted += len(got_facts)
    report.facts.true_positive += len(gold_sentences & set(got_facts))
    for fact in gold["facts"]:
        candidates = got_facts.get(sentence_words(fact["sentence"]), [])
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


def evaluate(extractor: Extractor | None = None, eval_set: EvalSet = OWN) -> Report:
    """The extractor scored over one set: every article that has a gold file."""
    extractor = extractor or Extractor()
    report = Report()
    texts = []
    for path in eval_set.article_paths():
        gold_path = eval_set.gold / f"{path.stem}.json"
        if not gold_path.exists():
            continue
        draft = read_article_file(path, max_bytes=1_000_000)
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        published = draft.published_at.date() if draft.published_at else None
        texts.append((path, gold, ArticleText(draft.title, draft.text, draft.source_name, published)))
    for (path, gold, _), facts in zip(texts, extractor.extract_many(t for _, _, t in texts), strict=True):
        score_article(path.stem, gold, facts.to_json(), report)
    return report


def format_report(report: Report, eval_set: EvalSet = OWN) -> str:
    rows = [
        ("companies", report.companies),
        ("amounts (value)", report.amounts),
        ("people", report.people),
        ("places", report.places),
        ("facts (sentences with one)", report.facts),
        ("key points", report.key_points),
    ]
    lines = [
        f"{eval_set.name}: extraction quality over {report.articles} articles ({eval_set.articles.parent})"
    ]
    lines.append(f"{'field':<30}{'precision':>10}{'recall':>10}{'F1':>8}{'gold':>7}")
    for label, tally in rows:
        if tally.gold or tally.predicted:
            lines.append(
                f"{label:<30}{tally.precision:>10.3f}{tally.recall:>10.3f}{tally.f1:>8.3f}{tally.gold:>7}"
            )
    for label, ratio in (
        ("company salience right", report.salience),
        ("amount attribution right", report.attribution),
        ("person role and org right", report.roles),
        ("person organization right", report.organizations),
        ("fact kind and company right", report.fact_kind_company),
    ):
        if ratio.total:
            lines.append(f"{label:<30}{ratio.value:>10.3f}   ({ratio.right}/{ratio.total})")
    targets = TARGETS if eval_set is OWN else UNSEEN_TARGETS
    figures = report.figures()
    for label, target in targets.items():
        figure = figures[label]
        lines.append(f"target {label:<32} {figure:.3f} {'>=' if figure >= target else '<'} {target:.2f}")
    return "\n".join(lines)


def meets_targets(report: Report) -> bool:
    return all(report.figures()[k] >= t for k, t in TARGETS.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every miss (own set and Wikinews dev only)"
    )
    parser.add_argument("--set", choices=[s.name for s in SETS], action="append", help="score only these")
    args = parser.parse_args(argv)
    extractor = Extractor()
    own_ok = True
    for eval_set in SETS:
        if args.set and eval_set.name not in args.set:
            continue
        report = evaluate(extractor, eval_set)
        print(format_report(report, eval_set), end="\n\n")
        if eval_set is OWN:
            own_ok = meets_targets(report)
        if args.verbose and eval_set.misses_shown:
            print(f"Misses ({eval_set.name}):")
            print("\n".join(f"  {m}" for m in report.misses) or "  none", end="\n\n")
    # The own set is the regression check; the Wikinews figures are reported, not enforced here.
    return 0 if own_ok else 1


if __name__ == "__main__":
    sys.exit(main())
