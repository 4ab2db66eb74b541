"""Stories: is a newly stored article the same story as one stored recently from another source?

Outlets republish wire copy lightly edited: another headline, a rewritten first paragraph, a few
sentences cut. Such copies get past the exact fingerprints of `normalize` (canonical URL, content
hash) and would reach a digest as separate news. This module only decides; it reads and writes
nothing (the pipeline fetches the candidates and records the answer as `Article.story_id`).

Deciding takes two steps. A shortlist, fast over thousands of recent titles (rapidfuzz): the titles
most like the new headline, and the titles most like the new article's opening words (for a copy
under a headline of its own). Then the bodies confirm: the Jaccard similarity of their word shingles.
Different stories that share a company name or a stock headline ("Company profits rise") share
few word sequences, so they stay apart.

The thresholds come from the Wikinews corpus (`python -m benchmarks.story_grouping`): among its 295
distinct articles the most alike bodies (a news story and a follow-up interview built on the same
background paragraphs) score 0.37, and the most alike long headlines ("On the campaign trail in the
USA, June 2020" / "..., July 2020") 95 over bodies at 0.05. Copies with a rewritten lead or three
sentences cut score 0.74 and 0.77 at the median; the ones missed are short articles (under about 250
words), where a rewritten lead is most of the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

SHORTLIST = 5  # per ranking (headline, opening words): how many candidates have their bodies compared
LEAD_WORDS = 80  # the opening words ranked against candidate headlines (a headline summarises the lead)
BODY_WORDS = 600  # at 300, stories built on the same background paragraphs look like copies (0.54)
TEXT_CHARS = 6000  # the prefix of a body read from the database: BODY_WORDS words with room to spare
SHINGLE_WORDS = 4  # word sequences this long rarely repeat by chance, and a light edit keeps most
SAME_BODY = 0.45  # bodies this alike are one story whatever the headlines (distinct stories: ≤ 0.37)
SAME_TITLE = 90  # near-identical headlines (token sort ratio, 0-100; distinct stories reach 95) ...
SAME_TITLE_WORDS = 5  # ... long enough not to be a stock headline like "Company profits rise" ...
SHARED_BODY = 0.2  # ... over bodies that share a fair amount (distinct stories with such headlines: ≤ 0.05)

_WORD = re.compile(r"\w+")

Shingles = frozenset[tuple[str, ...]]


@dataclass(frozen=True)
class Candidate:
    """A recently stored article: its story key (`story_id`, or its own id for a story's first
    article), its title and the first TEXT_CHARS characters of its text."""

    story: int
    title: str
    text: str


def words(text: str, limit: int = BODY_WORDS) -> list[str]:
    """The first `limit` words of the text, case-folded, without punctuation."""
    return _WORD.findall(text[:TEXT_CHARS].casefold())[:limit]


def shingles(text: str) -> Shingles:
    """Every run of SHINGLE_WORDS consecutive words among the body's first BODY_WORDS."""
    tokens = words(text)
    return frozenset(zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False))


def body_similarity(a: Shingles, b: Shingles) -> float:
    """Jaccard similarity of two shingle sets: 1.0 the same words in the same order, 0.0 nothing shared."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def title_similarity(a: str, b: str) -> float:
    """0-100: the same words in any order score 100; a headline that only extends another does not."""
    return fuzz.token_sort_ratio(a, b, processor=utils.default_process)


def shortlist(title: str, text: str, titles: Sequence[str]) -> list[int]:
    """Indexes into `titles` worth a body comparison, the most alike first: the SHORTLIST closest to
    the headline, then the SHORTLIST closest to the opening words (token set ratio: word order and
    extra words do not matter, so a reworded headline still ranks high)."""
    folded = [utils.default_process(t) for t in titles]
    queries = (utils.default_process(title), " ".join(words(text, LEAD_WORDS)))
    picked: dict[int, None] = {}
    for query in queries:
        ranked = process.extract(query, folded, scorer=fuzz.token_set_ratio, limit=SHORTLIST, processor=None)
        picked.update((index, None) for _choice, _score, index in ranked)
    return list(picked)


def copy_score(title: str, body: Shingles, candidate: Candidate) -> float | None:
    """The body similarity when the article is a copy of the candidate, else None."""
    similarity = body_similarity(body, shingles(candidate.text))
    if similarity >= SAME_BODY:
        return similarity
    long_titles = min(len(_WORD.findall(t)) for t in (title, candidate.title)) >= SAME_TITLE_WORDS
    if similarity >= SHARED_BODY and long_titles and title_similarity(title, candidate.title) >= SAME_TITLE:
        return similarity
    return None


def same_story(title: str, text: str, candidates: Sequence[Candidate]) -> int | None:
    """The story key of the candidate this article (title and text) is a copy of; None when it is a
    story of its own. Only the shortlisted candidates' bodies are compared."""
    picked = shortlist(title, text, [c.title for c in candidates])
    return closest_copy(title, text, [candidates[i] for i in picked])


def closest_copy(title: str, text: str, candidates: Sequence[Candidate]) -> int | None:
    """Like `same_story`, comparing every candidate's body (give it a shortlist): the story key of
    the candidate whose body is most alike among those the article is a copy of."""
    body = shingles(text)
    best: tuple[float, int] | None = None
    for candidate in candidates:
        similarity = copy_score(title, body, candidate)
        if similarity is not None and (best is None or similarity > best[0]):
            best = (similarity, candidate.story)
    return best[1] if best else None
