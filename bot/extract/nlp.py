"""The spaCy pipeline: the configured model, paragraph breaks as sentence boundaries, and the
company gazetteer as EntityRulers ahead of the statistical NER (which keeps those entities and
predicts around them). Loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.extract.gazetteer import COMPANY_LABEL, DEFAULT_PATH, Gazetteer
from bot.extract.installed import not_installed
from bot.extract.layout import PARAGRAPH_BREAK

# What extraction reads: POS tags, the dependency parse and entities. Lemmas are never used.
UNUSED_COMPONENTS = ("lemmatizer",)


_PROPER = ("NNP", "NNPS")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and datelines have no final period. And a name is
    never cut in two: the parser, left alone, makes "Lam" a sentence of its own before "Research
    said on Monday ..." at the start of a paragraph."""
    for match in PARAGRAPH_BREAK.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and span.end < len(doc):
            doc[span.end].is_sent_start = True
    for token in doc[1:]:
        if token.is_sent_start is None and token.tag_ in _PROPER and doc[token.i - 1].tag_ in _PROPER:
            token.is_sent_start = False
    return doc


def load_model(name: str) -> Language:
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError:
        raise not_installed(name) from None


@lru_cache(maxsize=4)
def build_nlp(model: str, gazetteer_path: Path = DEFAULT_PATH) -> Language:
    """The model plus two EntityRulers with the gazetteer's names as phrase patterns (hash lookups):
    names of several words in any case first, so "Samsung Electronics" wins over "Samsung"; then
    one-word names and tickers exactly as written. The NER keeps what they found."""
    nlp = load_model(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    gazetteer = Gazetteer.load(gazetteer_path)
    before = "ner" if "ner" in nlp.pipe_names else None
    any_case = nlp.add_pipe(
        "entity_ruler", name="companies_any_case", before=before, config={"phrase_matcher_attr": "LOWER"}
    )
    exact = nlp.add_pipe("entity_ruler", name="companies_exact", before=before)
    with nlp.select_pipes(enable=[]):  # pattern texts only need the tokenizer
        any_case.add_patterns(  # type: ignore[attr-defined]
            [
                {"label": COMPANY_LABEL, "pattern": form, "id": cid}
                for cid, form, one_word in gazetteer.phrases
                if not one_word
            ]
        )
        exact.add_patterns(  # type: ignore[attr-defined]
            [
                {"label": COMPANY_LABEL, "pattern": form, "id": cid}
                for cid, form, one_word in gazetteer.phrases
                if one_word
            ]
        )
    return nlp
