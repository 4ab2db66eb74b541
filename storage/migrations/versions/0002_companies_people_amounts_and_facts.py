"""Companies and their aliases; the people, amounts and facts extracted from each article.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:17:37.752964

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("gazetteer_id", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("key", name=op.f("uq_companies_key")),
    )
    op.create_table(
        "company_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("folded", sa.String(length=300), nullable=False),
        sa.Column("is_ticker", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_aliases_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_aliases")),
        sa.UniqueConstraint("company_id", "folded", name=op.f("uq_company_aliases_company_id")),
    )
    with op.batch_alter_table("company_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_aliases_folded"), ["folded"], unique=False)

    op.create_table(
        "article_amounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_amounts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_article_amounts_company_id_companies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_amounts")),
    )
    with op.batch_alter_table("article_amounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_amounts_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_amounts_company_id"), ["company_id"], unique=False)

    op.create_table(
        "article_companies",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("salient", sa.Boolean(), nullable=False),
        sa.Column("surface_forms", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_companies_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_article_companies_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "company_id", name=op.f("pk_article_companies")),
    )
    with op.batch_alter_table("article_companies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_companies_company_id"), ["company_id"], unique=False)

    op.create_table(
        "article_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=300), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_people_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_article_people_company_id_companies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_people")),
    )
    with op.batch_alter_table("article_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_people_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_people_company_id"), ["company_id"], unique=False)

    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("amount_value", sa.Float(), nullable=True),
        sa.Column("amount_currency", sa.String(length=3), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_facts_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_facts_company_id_companies"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts")),
    )
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facts_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facts_company_id"), ["company_id"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extractor_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("key_points", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("places", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("extraction_notes", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_articles_extracted_at"), ["extracted_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_extracted_at"))
        batch_op.drop_column("extraction_notes")
        batch_op.drop_column("places")
        batch_op.drop_column("key_points")
        batch_op.drop_column("extractor_version")
        batch_op.drop_column("extracted_at")

    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facts_company_id"))
        batch_op.drop_index(batch_op.f("ix_facts_article_id"))

    op.drop_table("facts")
    with op.batch_alter_table("article_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_people_company_id"))
        batch_op.drop_index(batch_op.f("ix_article_people_article_id"))

    op.drop_table("article_people")
    with op.batch_alter_table("article_companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_companies_company_id"))

    op.drop_table("article_companies")
    with op.batch_alter_table("article_amounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_amounts_company_id"))
        batch_op.drop_index(batch_op.f("ix_article_amounts_article_id"))

    op.drop_table("article_amounts")
    with op.batch_alter_table("company_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_aliases_folded"))

    op.drop_table("company_aliases")
    op.drop_table("companies")
