"""Full-text search over articles (title and text) for /search.

PostgreSQL: a stored generated `tsvector` column (`articles.search_vector`, the title weighted A and the
text B, English stemming) and a GIN index on it. Adding the column fills it for every existing row and
PostgreSQL keeps it current on every insert and update. Only the first 100,000 characters of the text
are indexed (as much as extraction reads): a tsvector holds at most 1 MB, and a longer one would make
storing the article fail.

SQLite: an external-content FTS5 table `articles_fts(title, text)` over `articles` (Porter stemming, so
"investments" finds "investment" as on PostgreSQL), kept in step by triggers on insert, delete and on
updates of the title or text, and rebuilt from the existing rows here.

None of this is in the SQLAlchemy models: `storage.search.include_name` tells Alembic's comparison to
look past it. Beware on SQLite: a later batch migration that recreates `articles` drops its triggers;
such a migration must create them again (the statements are below).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UPGRADE = (
    """
    ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', left(coalesce(text, ''), 100000)), 'B')
    ) STORED
    """,
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
)
POSTGRES_DOWNGRADE = (
    "DROP INDEX IF EXISTS ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
)

SQLITE_UPGRADE = (
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END
    """,
    """
    CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS articles_fts_after_update",
    "DROP TRIGGER IF EXISTS articles_fts_after_delete",
    "DROP TRIGGER IF EXISTS articles_fts_after_insert",
    "DROP TABLE IF EXISTS articles_fts",
)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    dialect = op.get_context().dialect.name
    if dialect not in statements:
        raise NotImplementedError(f"full-text search is not set up for {dialect}")
    for statement in statements[dialect]:
        op.execute(statement)


def upgrade() -> None:
    """Upgrade schema."""
    _run({"postgresql": POSTGRES_UPGRADE, "sqlite": SQLITE_UPGRADE})


def downgrade() -> None:
    """Downgrade schema."""
    _run({"postgresql": POSTGRES_DOWNGRADE, "sqlite": SQLITE_DOWNGRADE})
