"""Where things are in an article: its sentences, which paragraph each is in, and which is the title.

The extractor parses "title\\n\\nparagraph\\n\\nparagraph..." as one document; paragraph 0 is the title
and paragraph 1 the lead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bot.extract.normalize_places import normalize_place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True)
class Layout:
    doc: Doc
    sentences: list[Span]
    paragraph_of: list[int]  # sentence index -> paragraph index (0 = title)
    _sentence_starts: list[int]

    @classmethod
    def of(cls, doc: Doc) -> Layout:
        sentences = [s for s in doc.sents if s.text.strip()]
        breaks = [m.start() for m in PARAGRAPH_BREAK.finditer(doc.text)]
        paragraph_of = [bisect_right(breaks, s.start_char) for s in sentences]
        # Renumber so paragraphs are consecutive (several blank tokens may separate two paragraphs).
        order = {p: n for n, p in enumerate(sorted(set(paragraph_of)))}
        return cls(doc, sentences, [order[p] for p in paragraph_of], [s.start for s in sentences])

    @cached_property
    def places(self) -> frozenset[str]:
        """The places the model found (GPE, LOC), normalised: asked once per candidate company, so
        read once (each `doc.ents` builds every entity span anew)."""
        return frozenset(
            normalized
            for e in self.doc.ents
            if e.label_ in ("GPE", "LOC") and (normalized := normalize_place(e.text)) is not None
        )

    @cached_property
    def unlabelled_names(self) -> tuple[Span, ...]:
        """Runs of up to four capitalised proper nouns that no entity covers, outside the title and not
        joined by a hyphen or directly to an entity ("Facebook Ireland", "ABS-CBN"): the names the
        NER gave no label at all. A single word that only starts a sentence is left out."""
        doc = self.doc
        in_entity = {t.i for e in doc.ents for t in e}
        tokens = list(doc)
        bare = [_bare_proper_noun(t, in_entity) for t in tokens]
        runs = []
        i = 0
        while i < len(tokens):
            if not bare[i]:
                i += 1
                continue
            end = i + 1
            while end < len(tokens) and end - i < 4 and bare[end]:
                end += 1
            before = tokens[i - 1] if i > 0 else None
            after = tokens[end] if end < len(tokens) else None
            joined = (before is not None and (before.i in in_entity or before.text == "-")) or (
                after is not None and after.text == "-"
            )
            if not (joined or (tokens[i].is_sent_start and end - i == 1) or self.in_title(i)):
                runs.append(doc[i:end])
            i = end
        return tuple(runs)

    def sentence_index(self, token_index: int) -> int:
        return max(0, bisect_right(self._sentence_starts, token_index) - 1)

    def in_title(self, token_index: int) -> bool:
        return self.paragraph_of[self.sentence_index(token_index)] == 0

    def in_lead(self, token_index: int) -> bool:
        return self.paragraph_of[self.sentence_index(token_index)] <= 1

    def sentence_text(self, index: int) -> str:
        return self.sentences[index].text.strip()


def _bare_proper_noun(token: Token, in_entity: set[int]) -> bool:
    return (
        token.tag_ in ("NNP", "NNPS")
        and token.text[:1].isupper()
        and token.text.isalpha()
        and token.i not in in_entity
    )
