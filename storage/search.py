"""Finding stored articles: full-text search over title and text (/search), and the newest ones
(/latest), each with its top fact.

The search index is made by migration 0004 and lives outside the SQLAlchemy models:
- PostgreSQL: the generated column `articles.search_vector` (title weighted A, text B) with a GIN
  index, queried with `websearch_to_tsquery('english', ...)` and ranked with `ts_rank`;
- SQLite: the external-content FTS5 table `articles_fts(title, text)` kept current by triggers,
  queried with `MATCH` and ranked with `bm25`, the title weighing ten times the text.

What people type is never passed to FTS5 as syntax: `fts5_query` rebuilds it from quoted terms, with
the same small language `websearch_to_tsquery` understands on PostgreSQL (words are all required,
"quoted words" are a phrase, `or` between words gives either, `-word` leaves out)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.articles import news_date, source_name
from storage.db import chunks
from storage.models import Article, Company, Fact, Source

if TYPE_CHECKING:
    from alembic.runtime.environment import NameFilterParentNames, NameFilterType

MAX_TERMS = 32
SNIPPET_WORDS = 20
INDEXED_CHARS = 100_000  # PostgreSQL indexes this much of the text (migration 0004)
TITLE_WEIGHT = 10.0  # SQLite bm25: a word in the title counts as much as ten in the text

# What the search index adds to the schema without a model: Alembic's comparison must look past it.
SEARCH_TABLES = frozenset(
    {"articles_fts", "articles_fts_data", "articles_fts_idx", "articles_fts_docsize", "articles_fts_config"}
)
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "ix_articles_search_vector"

_MARK_ON, _MARK_OFF = "\ue000", "\ue001"  # private-use characters around matched words in snippets


def include_name(name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames) -> bool:
    """An Alembic `include_name` hook: False for the full-text search objects of migration 0004."""
    if type_ == "table":
        return name not in SEARCH_TABLES
    if type_ == "column":
        return not (name == SEARCH_COLUMN and parent_names.get("table_name") == "articles")
    if type_ == "index":
        return name != SEARCH_INDEX
    return True


@dataclass(frozen=True)
class TopFact:
    """An article's most telling fact: the first that is not a statement, else the first."""

    kind: str
    company: str | None
    amount_value: float | None
    amount_currency: str | None
    place: str | None
    sentence: str


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    title: str
    url: str | None
    source_name: str | None  # the article's own, else its source's (`storage.articles.source_name`)
    published_at: datetime | None
    ingested_at: datetime
    fact: TopFact | None = None

    @property
    def news_at(self) -> datetime:
        """When its news is from, as /latest orders by it (`storage.articles.news_date`)."""
        if self.published_at is not None and self.published_at <= self.ingested_at:
            return self.published_at
        return self.ingested_at


@dataclass(frozen=True)
class SearchHit(ArticleSummary):
    """An article that matches: `snippet` is a short plain-text passage around the matched words,
    `highlights` the (start, end) offsets in it of the words that matched."""

    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()


# --- the query language ---------------------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|([^\s"]+)')
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # "<b>TSMC</b>" is a search for TSMC on both databases
_WORD = re.compile(r"\w+")


def fts5_query(words: str) -> str | None:
    """What someone typed as a safe FTS5 query, or None when it holds no word to look for.

    Every term becomes a quoted FTS5 string of its word characters only, so nothing typed is ever
    read as FTS5 syntax: 'NEAR(', '*', '^', ':' are only text; HTML tags are left out."""
    alternatives: list[tuple[list[str], list[str]]] = [([], [])]
    terms = 0
    for match in _TOKEN.finditer(_TAG.sub(" ", words)):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.casefold() == "or":
                if alternatives[-1][0]:
                    alternatives.append(([], []))
                continue
            negated, quoted = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        found = _WORD.findall(quoted)
        if not found or terms >= MAX_TERMS:
            continue
        terms += 1
        phrase = '"' + " ".join(found) + '"'
        alternatives[-1][1 if negated else 0].append(phrase)
    parts = []
    for wanted, unwanted in alternatives:
        if not wanted:
            continue
        part = "(" + " AND ".join(wanted) + ")"
        if unwanted:
            part += " NOT (" + " OR ".join(unwanted) + ")"
        parts.append("(" + part + ")")
    return " OR ".join(parts) or None


# --- queries -----------------------------------------------------------------------------------------------

_SQLITE_SEARCH = text(
    f"""
    SELECT articles_fts.rowid AS id,
           snippet(articles_fts, 1, '{_MARK_ON}', '{_MARK_OFF}', '…', {SNIPPET_WORDS}) AS snippet
    FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid
    WHERE articles_fts MATCH :query
    ORDER BY bm25(articles_fts, {TITLE_WEIGHT}, 1.0), articles.ingested_at DESC, articles.id DESC
    LIMIT :limit
    """
)

_HEADLINE = (
    f"StartSel={_MARK_ON}, StopSel={_MARK_OFF}, MaxWords={SNIPPET_WORDS // 2}, MinWords={SNIPPET_WORDS // 4}, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_POSTGRES_SEARCH = text(
    f"""
    SELECT ranked.id,
           ts_headline('english', left(articles.text, {INDEXED_CHARS}), ranked.query, :headline) AS snippet
    FROM (
        SELECT articles.id, articles.ingested_at, found.query,
               ts_rank(articles.search_vector, found.query) AS rank
        FROM articles, websearch_to_tsquery('english', :words) AS found(query)
        WHERE articles.search_vector @@ found.query AND querytree(found.query) <> 'T'
        ORDER BY rank DESC, articles.ingested_at DESC, articles.id DESC
        LIMIT :limit
    ) AS ranked
    JOIN articles ON articles.id = ranked.id
    ORDER BY ranked.rank DESC, ranked.ingested_at DESC, ranked.id DESC
    """
)


def search_articles(session: Session, words: str, *, limit: int = 5) -> list[SearchHit]:
    """Stored articles whose title or text has the words, best match first (a match in the title
    before one in the text only), newest first among equals; at most `limit`."""
    words = _TAG.sub(" ", words.replace("\x00", " ")).strip()
    if not words or limit < 1:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(_POSTGRES_SEARCH, {"words": words, "headline": _HEADLINE, "limit": limit})
    else:
        query = fts5_query(words)
        if query is None:
            return []
        rows = session.execute(_SQLITE_SEARCH, {"query": query, "limit": limit})
    snippets = {row.id: row.snippet or "" for row in rows}
    summaries = _summaries(session, list(snippets))
    hits = []
    for article_id, raw in snippets.items():
        if article_id in summaries:
            snippet, highlights = _unmark(raw)
            hits.append(SearchHit(**vars(summaries[article_id]), snippet=snippet, highlights=highlights))
    return hits


def latest_articles(session: Session, *, limit: int = 5) -> list[ArticleSummary]:
    """The newest articles by the date their news is from (`ArticleSummary.news_at`: the published
    date, or when we stored it when there is none or it lies ahead of that), last stored first among
    equals; so a list of them reads in the order of the dates it shows."""
    if limit < 1:
        return []
    ids = list(
        session.scalars(
            select(Article.id)
            .order_by(news_date().desc(), Article.ingested_at.desc(), Article.id.desc())
            .limit(limit)
        )
    )
    summaries = _summaries(session, ids)
    return [summaries[i] for i in ids if i in summaries]


def article_summaries(session: Session, article_ids: list[int]) -> list[ArticleSummary]:
    """These articles with their source and top fact, in the order given (unknown ids left out)."""
    summaries = _summaries(session, article_ids)
    return [summaries[i] for i in article_ids if i in summaries]


def top_facts(session: Session, article_ids: list[int]) -> dict[int, TopFact]:
    """Each article's top fact: its first fact that is not a statement, else its first fact."""
    found: dict[int, TopFact] = {}
    for chunk in chunks(article_ids):
        rows = session.execute(
            select(
                Fact.article_id,
                Fact.kind,
                Company.name,
                Fact.amount_value,
                Fact.amount_currency,
                Fact.place,
                Fact.sentence,
            )
            .join(Company, Company.id == Fact.company_id, isouter=True)
            .where(Fact.article_id.in_(chunk))
            .order_by(Fact.article_id, Fact.kind == "statement", Fact.position)
        )
        for article_id, kind, company, amount_value, amount_currency, place, sentence in rows:
            found.setdefault(
                article_id, TopFact(kind, company, amount_value, amount_currency, place, sentence)
            )
    return found


def _summaries(session: Session, article_ids: list[int]) -> dict[int, ArticleSummary]:
    facts = top_facts(session, article_ids)
    found: dict[int, ArticleSummary] = {}
    for chunk in chunks(article_ids):
        rows = session.execute(
            select(
                Article.id,
                Article.title,
                Article.url,
                source_name(),
                Article.published_at,
                Article.ingested_at,
            )
            .outerjoin(Source, Source.id == Article.source_id)
            .where(Article.id.in_(chunk))
        )
        found.update((row.id, ArticleSummary(*row, fact=facts.get(row.id))) for row in rows)
    return found


def _unmark(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The snippet without the match markers, whitespace runs made one space, and where the marked
    words are in it."""
    raw = " ".join(raw.split())
    out: list[str] = []
    highlights: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{_MARK_ON}{_MARK_OFF}])", raw):
        if piece == _MARK_ON:
            start = length
        elif piece == _MARK_OFF:
            if start is not None and length > start:
                highlights.append((start, length))
            start = None
        else:
            out.append(piece)
            length += len(piece)
    return "".join(out), tuple(highlights)
