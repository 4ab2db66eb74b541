"""Story grouping on the Wikinews corpus: false groupings, grouped edited copies, lookup time.

    python -m benchmarks.story_grouping [--database-url URL] [--fill 1700]

1. Distinct stories: every corpus article against all the others as candidates (`same_story`);
   none may be grouped. The most alike pairs (bodies, headlines) are shown: the margins under the
   thresholds of `bot.ingest.stories`.
2. Edited copies: each article edited as another outlet would (rewritten lead, sentences cut, both;
   under the same, a reworded or an own headline, see `tests.support.copies`) against the whole
   corpus; the share grouped with their original, and any grouped with another article.
3. Ingest: the corpus stored through `Ingestor.store` (no HTTP) into a temporary SQLite file or the
   database at `--database-url` (for PostgreSQL its schema `public` is dropped and created again
   first: give it a throwaway database), then one edited copy of each article; the time the story
   lookup (candidates query, shortlist, body comparison) adds to each stored article, and whether
   each copy's story_id is its original. `--fill N` first stores N unrelated filler articles, so the
   lookup scans a window nearer its cap (2000).
Corpus: Wikinews (CC BY 2.5, Wikinews contributors).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from benchmarks.store import fresh_database
from bot.ingest import stories
from bot.ingest.http import Fetcher
from bot.ingest.models import ArticleDraft, Status
from bot.ingest.pipeline import Ingestor
from storage import migrate
from storage.models import Article
from tests.support.copies import own_headline, reworded_headline, rewritten_lead, sentences_cut
from tests.support.wikinews import WikinewsArticle, load_corpus, require_corpus

Edit = Callable[[WikinewsArticle, random.Random], tuple[str, str]]  # -> (title, text)

EDITS: dict[str, Edit] = {
    "same headline, 3 sentences cut": lambda a, r: (a.title, sentences_cut(a.text, 3, r)),
    "reworded headline, lead rewritten": lambda a, r: (
        reworded_headline(a.title, r),
        rewritten_lead(a.text, r),
    ),
    "reworded headline, 3 sentences cut": lambda a, r: (
        reworded_headline(a.title, r),
        sentences_cut(a.text, 3, r),
    ),
    "own headline, lead rewritten": lambda a, r: (own_headline(a.text), rewritten_lead(a.text, r)),
    "own headline, 3 sentences cut": lambda a, r: (own_headline(a.text), sentences_cut(a.text, 3, r)),
    "reworded headline, lead rewritten, 2 cut": lambda a, r: (
        reworded_headline(a.title, r),
        sentences_cut(rewritten_lead(a.text, r), 2, r),
    ),
    "own headline, lead rewritten, 2 cut": lambda a, r: (
        own_headline(a.text),
        sentences_cut(rewritten_lead(a.text, r), 2, r),
    ),
}
INGEST_EDIT = "reworded headline, lead rewritten"


def corpus() -> list[WikinewsArticle]:
    return [a for a in load_corpus() if a.text.strip()]


def candidates(articles: list[WikinewsArticle]) -> list[stories.Candidate]:
    return [stories.Candidate(i, a.title, a.text[: stories.TEXT_CHARS]) for i, a in enumerate(articles)]


def distinct_stories(articles: list[WikinewsArticle]) -> None:
    pool = candidates(articles)
    grouped = [
        (a.title, articles[found].title)
        for i, a in enumerate(articles)
        if (found := stories.same_story(a.title, a.text, pool[:i] + pool[i + 1 :])) is not None
    ]
    print(f"1. {len(articles)} distinct stories, each against the other {len(articles) - 1}:")
    print(f"   grouped: {len(grouped)}")
    for title, other in grouped:
        print(f"     {title[:60]!r} with {other[:60]!r}")
    bodies = [stories.shingles(a.text) for a in articles]
    pairs = list(itertools.combinations(range(len(articles)), 2))
    by_body = sorted(pairs, key=lambda p: -stories.body_similarity(bodies[p[0]], bodies[p[1]]))
    print(f"   most alike bodies (grouped from {stories.SAME_BODY}):")
    for i, j in by_body[:3]:
        score = stories.body_similarity(bodies[i], bodies[j])
        print(f"     {score:.3f}  {articles[i].title[:50]!r} / {articles[j].title[:50]!r}")
    by_title = sorted(
        pairs, key=lambda p: -stories.title_similarity(articles[p[0]].title, articles[p[1]].title)
    )
    print(
        f"   most alike headlines (grouped from {stories.SAME_TITLE} with bodies from {stories.SHARED_BODY}):"
    )
    for i, j in by_title[:3]:
        score = stories.title_similarity(articles[i].title, articles[j].title)
        body = stories.body_similarity(bodies[i], bodies[j])
        print(
            f"     {score:.0f} (bodies {body:.3f})  {articles[i].title[:50]!r} / {articles[j].title[:50]!r}"
        )


def edited_copies(articles: list[WikinewsArticle]) -> None:
    pool = candidates(articles)
    print(f"2. Edited copies of the {len(articles)} articles, against all of them:")
    for name, edit in EDITS.items():
        rng = random.Random(2020)
        right = wrong = 0
        for i, article in enumerate(articles):
            title, body = edit(article, rng)
            found = stories.same_story(title, body, pool)
            right += found == i
            wrong += found is not None and found != i
        print(f"   {name:42} grouped {right / len(articles):6.1%}  with another article: {wrong}")


def filler(count: int, articles: list[WikinewsArticle]) -> list[ArticleDraft]:
    """Unrelated articles: headlines and bodies of words drawn from the whole corpus."""
    rng = random.Random(1)
    title_words = [w for a in articles for w in a.title.split()]
    body_words = [w for a in articles for w in a.text.split()]
    return [
        ArticleDraft(
            title=" ".join(rng.choices(title_words, k=rng.randint(5, 12))),
            text=" ".join(rng.choices(body_words, k=rng.randint(150, 900))),
            url=f"https://filler.example/{n}",
            source_name="Filler",
        )
        for n in range(count)
    ]


def draft(article: WikinewsArticle, title: str, body: str, site: str) -> ArticleDraft:
    return ArticleDraft(
        title=title,
        text=body,
        url=f"https://{site}/{article.slug}",
        source_name=site,
        published_at=article.published_at,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ingest(articles: list[WikinewsArticle], url: str | None, fill: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(url, Path(tmp))
        migrate.upgrade(db.engine)
        fetcher = Fetcher()  # Ingestor wants one; storing drafts never uses it
        try:
            ingestor = Ingestor(db, fetcher, max_file_bytes=5_000_000)
            lookups: list[tuple[float, float]] = []  # (wall, CPU of this process) seconds
            lookup = ingestor._story_of

            def timed(session, article):  # type: ignore[no-untyped-def]
                start, cpu = time.perf_counter(), time.process_time()
                try:
                    return lookup(session, article)
                finally:
                    lookups.append((time.perf_counter() - start, time.process_time() - cpu))

            ingestor._story_of = timed  # type: ignore[method-assign]
            for item in filler(fill, articles):
                ingestor.store(item, target=item.url or "")
            lookups.clear()
            start = time.perf_counter()
            originals = [
                ingestor.store(draft(a, a.title, a.text, "wikinews.example"), target=a.url) for a in articles
            ]
            store_seconds = time.perf_counter() - start
            corpus_lookups = list(lookups)
            rng = random.Random(2020)
            copies = [
                ingestor.store(draft(a, *EDITS[INGEST_EDIT](a, rng), "copies.example"), target=a.url)
                for a in articles
            ]
        finally:
            asyncio.run(fetcher.aclose())
        with db.session() as session:
            story_of = {i: s for i, s in session.execute(select(Article.id, Article.story_id))}
        db.dispose()
    assert all(o.status is Status.NEW for o in originals + copies)
    own_story = sum(story_of[o.article_id] is None for o in originals)
    right = sum(story_of[c.article_id] == o.article_id for o, c in zip(originals, copies, strict=True))
    ms = [wall * 1000 for wall, _cpu in corpus_lookups]
    cpu_ms = [cpu * 1000 for _wall, cpu in corpus_lookups]
    backend = url.split(":", 1)[0] if url else "sqlite (temporary file)"
    print(f"3. Ingest into {backend}, {fill} filler articles stored first:")
    print(f"   {len(originals)} originals stored in {store_seconds:.2f} s; a story of their own: {own_story}")
    print(
        f"   story lookup per stored article: mean {sum(ms) / len(ms):.2f} ms, p50 {percentile(ms, 0.5):.2f}, "
        f"p95 {percentile(ms, 0.95):.2f}, max {max(ms):.2f} ({sum(ms) / 1000 / store_seconds:.0%} of storing)"
    )
    print(
        f"   of which CPU in this process: mean {sum(cpu_ms) / len(cpu_ms):.2f} ms, p95 {percentile(cpu_ms, 0.95):.2f}"
    )
    print(f"   copies ({INGEST_EDIT}) filed under their original: {right} of {len(copies)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a throwaway database (default: a temporary SQLite file)")
    parser.add_argument("--fill", type=int, default=0, help="unrelated articles stored before the corpus")
    args = parser.parse_args(argv)
    require_corpus()
    articles = corpus()
    distinct_stories(articles)
    edited_copies(articles)
    ingest(articles, args.database_url, args.fill)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
