"""`/company` reply time over a store holding the Wikinews corpus and the seed article, in milliseconds.

    python -m benchmarks.company_reply [--queries 300] [--warmup 20] [--database-url URL] [--articles N]
                                       [--explain] [--profile 25]

The store is built once: a temporary SQLite file by default, or the database at `--database-url`
(for PostgreSQL its schema `public` is dropped and created again first, so give it a throwaway
database, e.g. the one `.ci/start-postgres` prints). Building migrates, stores the seed article and
every Wikinews article as drafts (no HTTP), syncs the gazetteer and extracts every article; its time is
reported apart from the queries. `--articles N` then copies the extracted articles in SQL, with their
mentions, facts and people, up to N articles (benchmarks/replicate.py), and has the database update
its planner statistics, as its autovacuum would after such a load.

Each timed query is what the bot does for one message: open a session, route the text ("/company X")
or the pressed button ("co:<id>:1", the "More" page) to a Reply, close the session, render the Reply
as Telegram HTML. The queries cycle through exact names, aliases, a ticker, typos, an ambiguous name,
an unknown name, the ten most-mentioned companies of the store and "More" presses; the first
`--warmup` are not timed. Percentiles are nearest-rank. `--profile N` runs the timed queries again
under cProfile and prints the N functions with the most cumulative time and the slowest SQL statements.
`--explain` prints the plan of each statement of one reply for the most-mentioned company, as the
database ran it (PostgreSQL: EXPLAIN ANALYZE; SQLite: EXPLAIN QUERY PLAN), slowest first.
Corpus: Wikinews (CC BY 2.5, Wikinews contributors).
"""

from __future__ import annotations

import argparse
import cProfile
import html
import io
import math
import os
import platform
import pstats
import random
import re
import shlex
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.corpus_store import build_corpus_store
from benchmarks.replicate import replicate
from benchmarks.store import fresh_database, server_version
from bot.commands import actions
from bot.commands.context import Chat
from bot.commands.router import handle_action, handle_text
from bot.extract.pipeline import DEFAULT_MODEL
from bot.render.telegram_html import render_html
from bot.replies import Reply
from storage.db import Database
from storage.models import Article, ArticleCompany, Company, CompanyAlias, Fact, utcnow
from tests.support.wikinews import require_corpus

TARGET_P95_MS = 20.0
SEED = Path(__file__).resolve().parents[1] / "seeds" / "letsnewz-ase-us-investment.txt"
CHAT = Chat(id=1)
TOP_COMPANIES = 10

# (kind, text after "/company"): the fixed part of the mix; corpus companies and "More" are added
# from the store.
FIXED_QUERIES = (
    ("exact", "ASE"),
    ("exact", "tsmc"),
    ("exact", "Inventec"),
    ("alias", "ASE Technology"),
    ("alias", "Taiwan Semiconductor Manufacturing"),
    ("ticker", "2330.TW"),
    ("typo", "Taiwan Semiconducter"),
    ("typo", "Inventek"),
    ("ambiguous", "Tokyo"),
    ("unknown", "Zorblax"),
)
KINDS = ("exact", "alias", "ticker", "typo", "ambiguous", "unknown", "corpus", "more")


@dataclass(frozen=True)
class Query:
    kind: str
    label: str  # what the user sent or pressed
    run: Callable[[Any], Reply]  # session -> reply


# -- building the store ----------------------------------------------------------------------------


def store_size(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
            "companies": session.scalar(select(func.count()).select_from(Company)) or 0,
            "aliases": session.scalar(select(func.count()).select_from(CompanyAlias)) or 0,
            "facts": session.scalar(select(func.count()).select_from(Fact)) or 0,
            "company mentions": session.scalar(select(func.count()).select_from(ArticleCompany)) or 0,
        }


# -- the query mix ---------------------------------------------------------------------------------


def _command(name: str) -> Callable[[Any], Reply]:
    def run(session: Any) -> Reply:
        reply = handle_text(session, CHAT, f"/company {name}")
        if reply is None:  # only for another bot's command; never here
            raise RuntimeError("no reply")
        return reply

    return run


def _more(company_id: int) -> Callable[[Any], Reply]:
    return lambda session: handle_action(session, CHAT, actions.company_page(company_id, 1))


def query_mix(db: Database) -> list[Query]:
    """One round of the mix: the fixed queries, the store's most-mentioned companies, and a "More"
    press after every few queries, on the companies with the most facts."""
    with db.session() as session:
        mentions = func.sum(ArticleCompany.mentions)
        top = session.execute(
            select(Company.id, Company.name)
            .join(ArticleCompany, ArticleCompany.company_id == Company.id)
            .group_by(Company.id, Company.name)
            .order_by(mentions.desc(), Company.name)
            .limit(TOP_COMPANIES)
        ).all()
        facts = func.count(Fact.id)
        most_facts = session.execute(
            select(Company.id, Company.name)
            .join(Fact, Fact.company_id == Company.id)
            .group_by(Company.id, Company.name)
            .order_by(facts.desc(), Company.name)
            .limit(4)
        ).all()
    plain = [Query(kind, name, _command(name)) for kind, name in FIXED_QUERIES]
    plain += [Query("corpus", name, _command(name)) for _, name in top]
    presses = [Query("more", f"More ▸ on {name} (co:{cid}:1)", _more(cid)) for cid, name in most_facts]
    mix: list[Query] = []
    for i, query in enumerate(plain):
        mix.append(query)
        if presses and i % 5 == 4:  # a "More" press after every fifth query
            mix.append(presses[(i // 5) % len(presses)])
    return mix


def answer(db: Database, query: Query) -> list:
    """One timed unit: session, routing and the command, rendering."""
    with db.session() as session:
        reply = query.run(session)
    return render_html(reply)


def describe(messages: list) -> str:
    """A short account of a rendered reply, to show the mix does what it says."""
    first = messages[0].html.split("\n", 1)[0] if messages else "(nothing)"
    first = html.unescape(re.sub(r"<[^>]+>", "", first))
    buttons = sum(len(row) for m in messages if m.keyboard for row in m.keyboard)
    chars = sum(len(m.html) for m in messages)
    short = first if len(first) <= 60 else first[:59] + "…"
    return f"{short}  [{len(messages)} msg, {chars} chars, {buttons} button(s)]"


# -- timing ----------------------------------------------------------------------------------------


def percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[max(0, math.ceil(share * len(sorted_ms)) - 1)]


def stats_line(label: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    median = ms[len(ms) // 2] if len(ms) % 2 else (ms[len(ms) // 2 - 1] + ms[len(ms) // 2]) / 2
    return (
        f"  {label:<11}{len(ms):>5}{median:>10.2f}{percentile(ms, 0.95):>10.2f}"
        f"{percentile(ms, 0.99):>10.2f}{ms[-1]:>10.2f}"
    )


def run_queries(db: Database, mix: list[Query], count: int, offset: int = 0) -> list[tuple[Query, float]]:
    timings = []
    for i in range(offset, offset + count):
        query = mix[i % len(mix)]
        start = time.perf_counter()
        answer(db, query)
        timings.append((query, time.perf_counter() - start))
    return timings


@dataclass(frozen=True)
class Statement:
    seconds: float  # wall time, as the client saw it
    sql: str
    params: Any


@contextmanager
def sql_timer(db: Database) -> Iterator[list[Statement]]:
    """Each SQL statement run meanwhile, in order, with its parameters and wall time."""
    run: list[Statement] = []

    def before(conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        context._bench_start = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, params: Any, context: Any, _many: bool) -> None:
        run.append(Statement(time.perf_counter() - context._bench_start, statement, params))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield run
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)


def profile(db: Database, mix: list[Query], count: int, warmup: int, top: int) -> None:
    profiler = cProfile.Profile()
    with sql_timer(db) as run:
        profiler.enable()
        timings = run_queries(db, mix, count, offset=warmup)
        profiler.disable()
    total = sum(t for _, t in timings)
    print(f"\nProfile of {count} queries ({total * 1000:.0f} ms in all), by cumulative time:")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])
    sql: dict[str, list[float]] = defaultdict(list)
    for statement in run:
        sql[statement.sql].append(statement.seconds)
    slow = sorted(sql.items(), key=lambda item: -sum(item[1]))[:8]
    sql_total = sum(sum(v) for v in sql.values())
    print(
        f"\nSQL statements: {sum(len(v) for v in sql.values())} run, {sql_total * 1000:.0f} ms in all; slowest:"
    )
    for statement, spent in slow:
        one_line = " ".join(statement.split())
        print(
            f"  {sum(spent) * 1000:8.1f} ms  {len(spent):5}x  {sum(spent) / len(spent) * 1000:7.2f} ms each  "
            f"{one_line[:160]}"
        )


def explain(db: Database, query: Query, top: int = 4) -> None:
    """The plans of the `top` slowest statements of one run of `query`, as the database ran them."""
    with sql_timer(db) as run:
        answer(db, query)
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if db.backend == "postgresql" else "EXPLAIN QUERY PLAN "
    print(f"\nPlans of {query.label!r} ({len(run)} statements), slowest first:")
    for statement in sorted(run, key=lambda s: -s.seconds)[:top]:
        print(f"\n  {statement.seconds * 1000:.2f} ms: {' '.join(statement.sql.split())[:300]}")
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(prefix + statement.sql, statement.params)
            for row in cursor.fetchall():
                print("    " + " | ".join(str(v) for v in row))
        finally:
            raw.close()


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=300, help="timed queries (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed queries first (default 20)")
    parser.add_argument("--database-url", help="build the store here instead of a temporary SQLite file")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument(
        "--articles", type=int, default=0, metavar="N", help="copy the store up to N articles"
    )
    parser.add_argument("--explain", action="store_true", help="plans of a reply's slowest statements")
    parser.add_argument("--profile", type=int, metavar="N", default=0, help="cProfile; print the top N")
    args = parser.parse_args(argv)
    require_corpus()
    queries = max(1, args.queries)

    reproduce = ["python", "-m", "benchmarks.company_reply", "--queries", str(queries)]
    if args.warmup != 20:
        reproduce += ["--warmup", str(args.warmup)]
    if args.database_url:
        reproduce += ["--database-url", make_url(args.database_url).render_as_string(hide_password=True)]
    if args.model != DEFAULT_MODEL:
        reproduce += ["--model", args.model]
    if args.articles:
        reproduce += ["--articles", str(args.articles)]
    if args.explain:
        reproduce += ["--explain"]

    with tempfile.TemporaryDirectory(prefix="digestbot-bench-") as tmp:
        db = fresh_database(args.database_url, Path(tmp))
        try:
            print(
                f"/company reply time: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPU(s), "
                f"Python {platform.python_version()}, {server_version(db)}"
            )
            steps = build_corpus_store(db, args.model, seed=SEED)
            if args.articles:
                start = time.perf_counter()
                replicate(db, args.articles, utcnow(), random.Random(1), news_span=timedelta(days=1))
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
                steps["copy articles"] = time.perf_counter() - start
            size = store_size(db)
            print("Store: " + ", ".join(f"{v:,} {k}" for k, v in size.items()))
            print(
                f"Build: {sum(steps.values()):.1f} s  ("
                + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
                + ")"
            )

            mix = query_mix(db)
            print(f"\nThe mix ({len(mix)} queries, cycled), first reply line of each:")
            for query in mix:
                print(f"  {query.kind:<10} {query.label[:44]:<44} → {describe(answer(db, query))}")

            run_queries(db, mix, args.warmup)  # warm-up, untimed (on top of the round above)
            timings = run_queries(db, mix, queries, offset=args.warmup)

            print(
                f"\n{queries} timed queries after {args.warmup} warm-up, command received to reply rendered (ms):"
            )
            print(f"  {'kind':<11}{'n':>5}{'median':>10}{'p95':>10}{'p99':>10}{'max':>10}")
            by_kind: dict[str, list[float]] = defaultdict(list)
            for query, seconds in timings:
                by_kind[query.kind].append(seconds)
            for kind in KINDS:
                if by_kind[kind]:
                    print(stats_line(kind, by_kind[kind]))
            every = [seconds for _, seconds in timings]
            print(stats_line("overall", every))
            p95 = percentile(sorted(s * 1000 for s in every), 0.95)
            verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
            print(f"\nTarget p95 < {TARGET_P95_MS:.0f} ms: {verdict} (p95 {p95:.2f} ms)")
            if args.explain:
                explain(db, next(q for q in mix if q.kind == "corpus"))
            if args.profile:
                profile(db, mix, queries, args.warmup, args.profile)
        finally:
            db.dispose()
    print(f"Reproduce: {shlex.join(reproduce)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
