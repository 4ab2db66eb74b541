"""Checks the Wikinews gold files against their articles and the annotation rules' mechanics.

    python -m tests.eval.wikinews.check [STEM_OR_PATH ...]     (default: every gold file)

A gold file is `{split}/gold/{stem}.json`, in the `digestbot extract --json` schema, plus the list
`annotated`: the fields that were annotated for that article ("companies" and "people" always;
"amounts" always; "facts" for articles about companies). The scorer scores only those fields.

What is checked is what a reader cannot get wrong by judgement: the shape of each entry, sentences
copied verbatim from the body, amount texts inside their sentence, names that occur in the article,
organisations and fact companies that are among the article's companies. Prints one line per
problem and exits 1 when there is any.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bot.ingest.folder import read_article_file
from tests.eval.score import sentence_words
from tests.eval.wikinews.build import HERE, SPLITS

FIELDS = ("companies", "people", "amounts", "facts")
KINDS = {"investment", "expansion", "funding", "earnings", "approval", "plan", "statement"}


def gold_files(selection: list[str]) -> list[Path]:
    every = sorted(p for split in SPLITS for p in (HERE / split / "gold").glob("*.json"))
    if not selection:
        return every
    wanted = {Path(s).stem for s in selection}
    return [p for p in every if p.stem in wanted]


def article_of(gold_path: Path) -> Path:
    return gold_path.parent.parent / "articles" / f"{gold_path.stem}.txt"


def problems_of(gold_path: Path) -> list[str]:
    article = article_of(gold_path)
    if not article.exists():
        return ["no article with this stem"]
    try:
        gold: dict[str, Any] = json.loads(gold_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"not JSON: {exc}"]
    draft = read_article_file(article, max_bytes=1_000_000)
    whole = sentence_words(f"{draft.title}\n{draft.text}")
    body = sentence_words(draft.text)
    found: list[str] = []
    say = found.append

    annotated = gold.get("annotated")
    if not isinstance(annotated, list) or not {"companies", "people", "amounts"} <= set(annotated):
        say('"annotated" must list at least "companies", "people", "amounts"')
        annotated = list(FIELDS)
    if set(annotated) - set(FIELDS):
        say(f'"annotated" may only hold {FIELDS}')
    if gold.get("title") != draft.title:
        say(f"title should be {draft.title!r}")
    if gold.get("published") != (draft.published_at.date().isoformat() if draft.published_at else None):
        say("published should be the article's date")
    for key in ("companies", "people", "places", "amounts", "facts", "key_points"):
        if not isinstance(gold.get(key), list):
            say(f'"{key}" must be a list (empty when not annotated)')
            return found

    names = set()
    for company in gold["companies"]:
        name = company.get("name")
        if not isinstance(name, str) or not name.strip():
            say(f"company without a name: {company}")
            continue
        names.add(name)
        if not isinstance(company.get("salient"), bool):
            say(f"company {name}: salient must be true or false")
        aliases = company.get("aliases")
        if not isinstance(aliases, list) or not aliases:
            say(f"company {name}: aliases must list the forms written in the article")
            continue
        for alias in aliases:
            if sentence_words(alias) not in whole:
                say(f"company {name}: alias {alias!r} is not in the article")
    if len(names) != len(gold["companies"]):
        say("a company is listed twice")

    for person in gold["people"]:
        name = person.get("name")
        if not isinstance(name, str) or not name.strip():
            say(f"person without a name: {person}")
            continue
        if sentence_words(name.split()[-1]) not in whole:
            say(f"person {name}: the surname is not in the article")
        role = person.get("role")
        if role is not None and (not isinstance(role, str) or role != role.lower()):
            say(f"person {name}: role must be lower case or null")
        organization = person.get("organization")
        if organization is not None and organization not in names:
            say(f"person {name}: organization {organization!r} is not among the companies")

    for amount in gold["amounts"]:
        sentence = amount.get("sentence") or ""
        if sentence_words(sentence) not in body:
            say(f"amount {amount.get('text')!r}: sentence not found verbatim in the body")
        if not isinstance(amount.get("text"), str) or amount["text"] not in sentence:
            say(f"amount {amount.get('text')!r}: text not found in its sentence")
        if not isinstance(amount.get("value"), int | float) or isinstance(amount.get("value"), bool):
            say(f"amount {amount.get('text')!r}: value must be a number")
        if not re.fullmatch(r"[A-Z]{3}", str(amount.get("currency"))):
            say(f"amount {amount.get('text')!r}: currency must be an ISO 4217 code")
        if amount.get("company") is not None and amount["company"] not in names:
            say(f"amount {amount.get('text')!r}: company {amount['company']!r} is not among the companies")

    if "facts" not in annotated and gold["facts"]:
        say('facts are given but "facts" is not in "annotated"')
    for fact in gold["facts"]:
        sentence = fact.get("sentence") or ""
        if sentence_words(sentence) not in body:
            say(f"fact: sentence not found verbatim in the body: {sentence[:60]!r}")
        if fact.get("kind") not in KINDS:
            say(f"fact: kind {fact.get('kind')!r} is not one of {sorted(KINDS)}")
        if fact.get("company") is not None and fact["company"] not in names:
            say(f"fact: company {fact['company']!r} is not among the companies")
        amount = fact.get("amount")
        if amount is not None and (not isinstance(amount, dict) or set(amount) != {"value", "currency"}):
            say(f"fact: amount must be null or {{value, currency}}: {sentence[:40]!r}")
    return found


def main(argv: list[str]) -> int:
    paths = gold_files(argv)
    bad = 0
    for path in paths:
        for problem in problems_of(path):
            bad += 1
            print(f"{path.parent.parent.name}/{path.stem}: {problem}")
    print(f"{len(paths)} gold files checked, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
