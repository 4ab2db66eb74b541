"""Key points: the 2 to 4 sentences that carry the news, ranked by where they stand (the lead first),
how much they name (companies, money, places, dates, people) and whether a company fact comes from
them. A sentence that only reports that someone spoke ("He expressed confidence ...") ranks low."""

from __future__ import annotations

import math

from bot.extract.layout import Layout

MIN_POINTS, MAX_POINTS = 2, 4
_INFORMATIVE = {"ORG", "MONEY", "GPE", "LOC", "DATE", "PERSON", "CARDINAL", "PERCENT", "QUANTITY", "PRODUCT"}
_REPORTING = {
    "said",
    "says",
    "stated",
    "noted",
    "remarked",
    "added",
    "told",
    "expressed",
    "believe",
    "believes",
    "suggest",
    "suggests",
}


def key_points(layout: Layout, fact_sentences: set[int], amount_sentences: set[int]) -> list[str]:
    scored: list[tuple[float, int]] = []
    entities = [0] * len(layout.sentences)
    for entity in layout.doc.ents:
        if entity.label_ in _INFORMATIVE:
            entities[layout.sentence_index(entity.start)] += 1
    body_paragraphs = [p for p in layout.paragraph_of if p > 0]
    first_body = min(body_paragraphs) if body_paragraphs else 1
    for index, sentence in enumerate(layout.sentences):
        paragraph = layout.paragraph_of[index]
        if paragraph == 0:
            continue
        words = [t for t in sentence if t.is_alpha]
        if len(words) < 6:
            continue
        density = entities[index] / math.sqrt(len(words))
        position = 1.5 / (1 + paragraph - first_body) + (
            0.5 if index == _first_sentence_of(layout, paragraph) else 0
        )
        score = position + density
        if index in fact_sentences:
            score += 0.6
        if index in amount_sentences:
            score += 0.6
        root = sentence.root
        if root.lower_ in _REPORTING and index not in amount_sentences and entities[index] <= 1:
            score -= 1.0
        if len(words) > 60:
            score -= 0.5
        scored.append((score, index))
    if not scored:
        return []
    scored.sort(reverse=True)
    best = scored[0][0]
    chosen = [index for score, index in scored[:MAX_POINTS] if score >= best * 0.6]
    if len(chosen) < MIN_POINTS:
        chosen = [index for _, index in scored[:MIN_POINTS]]
    return [layout.sentence_text(index) for index in sorted(chosen)]


def _first_sentence_of(layout: Layout, paragraph: int) -> int:
    return layout.paragraph_of.index(paragraph)
