"""Lightly edited copies of an article, as another outlet republishing wire copy would make them.

Deterministic for a given `random.Random`. A rewritten paragraph keeps its words in another order:
to word shingles that is what a rewrite looks like (the same names and numbers, none of the word
sequences), and it is the hardest rewrite for them.
"""

from __future__ import annotations

import random
import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
LEAD_MIN_WORDS = 20  # a shorter first paragraph is a dateline or a standfirst, not the lead


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _lead_index(parts: list[str]) -> int:
    return next((i for i, p in enumerate(parts) if len(p.split()) >= LEAD_MIN_WORDS), 0)


def rewritten_lead(text: str, rng: random.Random) -> str:
    """The text with its first real paragraph rewritten (its words shuffled)."""
    parts = paragraphs(text)
    lead = _lead_index(parts)
    words = parts[lead].split()
    rng.shuffle(words)
    parts[lead] = " ".join(words)
    return "\n\n".join(parts)


def sentences_cut(text: str, count: int, rng: random.Random) -> str:
    """The text without `count` sentences picked among its first twenty of more than five words."""
    parts = [_SENTENCE_END.split(p) for p in paragraphs(text)]
    early = [(i, k) for i, p in enumerate(parts) for k, s in enumerate(p) if len(s.split()) > 5][:20]
    cut = set(rng.sample(early, min(count, len(early))))
    kept = [" ".join(s for k, s in enumerate(p) if (i, k) not in cut) for i, p in enumerate(parts)]
    return "\n\n".join(p for p in kept if p)


def reworded_headline(title: str, rng: random.Random) -> str:
    """The headline with up to two words dropped and a kicker in front."""
    words = title.split()
    for _ in range(min(2, max(0, len(words) - 4))):
        words.pop(rng.randrange(len(words)))
    return "Report: " + " ".join(words)


def own_headline(text: str) -> str:
    """A headline of the copy's own: the first eight words of its lead, title-cased."""
    parts = paragraphs(text)
    first_sentence = _SENTENCE_END.split(parts[_lead_index(parts)])[0]
    return " ".join(first_sentence.split()[:8]).title()
