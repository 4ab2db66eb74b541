"""How much of the gold the model's own output covers at all: an upper bound for any rule on top.

    python -m tests.eval.coverage

For each Wikinews set, the share of gold companies that an entity of the model (any label, or ORG),
or a run of proper nouns the NER left unlabelled (`Layout.unlabelled_names`), or the gazetteer
covers; the same for people (a PERSON entity, any entity, or a run). Aggregates only: it prints no
name, so running it on the held-out half shows nothing to tune on. A gold name counts as covered when
one of its forms is a span's text, one of its words, or (longer than three letters) inside it.
"""

from __future__ import annotations

import json
import sys

from bot.extract.layout import Layout
from bot.extract.pipeline import ArticleText, Extractor, _document_text
from bot.ingest.folder import read_article_file
from tests.eval.score import WIKINEWS_DEV, WIKINEWS_HELDOUT, EvalSet


def _covered(forms: set[str], spans: list[str]) -> bool:
    return any(f == s or f in s.split() or (len(f) > 3 and f in s) for f in forms for s in spans)


def coverage(extractor: Extractor, eval_set: EvalSet) -> dict[str, float]:
    counts = dict.fromkeys(
        ["companies", "company entity", "company ORG", "company entity or run", "company gazetteer"], 0
    ) | dict.fromkeys(["people", "person PERSON", "person entity", "person entity or run"], 0)
    for path in eval_set.article_paths():
        gold_path = eval_set.gold / f"{path.stem}.json"
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        draft = read_article_file(path, max_bytes=1_000_000)
        text, _ = _document_text(ArticleText(draft.title, draft.text, draft.source_name, None))
        doc = extractor.nlp(text)
        entities = [e.text.casefold() for e in doc.ents]
        orgs = [e.text.casefold() for e in doc.ents if e.label_ == "ORG"]
        known = [e.text.casefold() for e in doc.ents if e.ent_id_]
        persons = [e.text.casefold() for e in doc.ents if e.label_ == "PERSON"]
        runs = entities + [r.text.casefold() for r in Layout.of(doc).unlabelled_names]
        for company in gold["companies"]:
            forms = {f.casefold() for f in [company["name"], *company.get("aliases", [])]}
            counts["companies"] += 1
            counts["company entity"] += _covered(forms, entities)
            counts["company ORG"] += _covered(forms, orgs)
            counts["company entity or run"] += _covered(forms, runs)
            counts["company gazetteer"] += _covered(forms, known)
        for person in gold["people"]:
            forms = {person["name"].casefold(), person["name"].split()[-1].casefold()}
            counts["people"] += 1
            counts["person PERSON"] += _covered(forms, persons)
            counts["person entity"] += _covered(forms, entities)
            counts["person entity or run"] += _covered(forms, runs)
    shares = {k: v / counts["companies"] for k, v in counts.items() if k.startswith("company ")}
    shares |= {k: v / counts["people"] for k, v in counts.items() if k.startswith("person ")}
    return shares | {"companies": counts["companies"], "people": counts["people"]}


def main() -> int:
    extractor = Extractor()
    for eval_set in (WIKINEWS_DEV, WIKINEWS_HELDOUT):
        shares = coverage(extractor, eval_set)
        print(f"{eval_set.name}: {shares['companies']:.0f} gold companies, {shares['people']:.0f} people")
        for key, value in shares.items():
            if key not in ("companies", "people"):
                print(f"  covered by {key:<28}{value:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
