"""A store of N articles from the extracted corpus, copied in SQL (with their company mentions,
facts and people) the way the /company and dispatch benchmarks scale it: extracting 100,000 articles would take
hours, copying them takes seconds, and the queries see the same shapes of data, repeated."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, literal, select, text, update

from storage.db import Database
from storage.models import Article, ArticleCompany, ArticlePerson, Fact


def replicate(db: Database, target: int, now: datetime, rng: random.Random, *, news_span: timedelta) -> int:
    """Copy the extracted articles (with their company mentions, facts and people) in SQL up to `target`
    articles, then spread every article's ready_at over the last `news_span`; returns the copy
    rounds. A copy keeps everything else of its original but its id, URLs and content hash."""
    articles, mentions = Article.__table__, ArticleCompany.__table__
    facts, people = Fact.__table__, ArticlePerson.__table__
    with db.session() as session:
        base = list(session.scalars(select(Article.id).order_by(Article.id)))
        if not base:
            raise SystemExit("no article was stored")
        stride = base[-1]
        remaining, rounds = target - len(base), 0
        while remaining > 0:
            rounds += 1
            take = min(len(base), remaining)
            cutoff, shift, tag = base[take - 1], rounds * stride, f"#copy-{rounds}"
            columns: dict[str, Any] = {c.name: c for c in articles.c}
            columns.update(
                id=articles.c.id + shift,
                canonical_url=articles.c.canonical_url + tag,
                url=articles.c.url + tag,
                content_hash=literal(f"{rounds:04x}") + func.substr(articles.c.content_hash, 5),
                story_id=articles.c.story_id + shift,  # NULL stays NULL
            )
            session.execute(
                insert(articles).from_select(
                    list(columns), select(*columns.values()).where(articles.c.id <= cutoff)
                )
            )
            copied = [mentions.c.article_id + shift, *(c for c in mentions.c if c.name != "article_id")]
            session.execute(
                insert(mentions).from_select(
                    ["article_id", *(c.name for c in mentions.c if c.name != "article_id")],
                    select(*copied).where(mentions.c.article_id <= cutoff),
                )
            )
            for table in (facts, people):  # rows with an id of their own: a new one each
                columns_of = [c for c in table.c if c.name != "id"]
                session.execute(
                    insert(table).from_select(
                        [c.name for c in columns_of],
                        select(
                            *(table.c.article_id + shift if c.name == "article_id" else c for c in columns_of)
                        ).where(table.c.article_id <= cutoff),
                    )
                )
            remaining -= take
        ids = list(session.scalars(select(Article.id)))
        span = news_span.total_seconds()
        session.execute(
            update(Article),
            [
                {"id": i, "ready_at": now - timedelta(seconds=rng.uniform(60, span)), "backfill": False}
                for i in ids
            ],
        )
        if db.backend == "postgresql":
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles))"
                )
            )
    return rounds
