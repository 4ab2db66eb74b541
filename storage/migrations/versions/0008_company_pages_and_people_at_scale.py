"""A company page and a name's lookup at 100,000 articles read index rows in order instead of
sorting every row of the company or scanning every person: company mentions, facts and people
indexed by company and article, people by folded name and article, and the words of each folded
name in `person_name_words` (how a part of a name finds the whole names). Existing people are folded here, with the store's own
fold (`storage.companies.fold`); a later change to it needs a migration that folds again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 18:50:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.companies import fold

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "article_people", sa.Column("folded", sa.String(length=300), server_default="", nullable=False)
    )
    op.create_table(
        "person_name_words",
        sa.Column("word", sa.String(length=300), nullable=False),
        sa.Column("folded", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("word", "folded", name=op.f("pk_person_name_words")),
    )
    people = sa.table("article_people", sa.column("id", sa.Integer), sa.column("name"), sa.column("folded"))
    words = sa.table("person_name_words", sa.column("word"), sa.column("folded"))
    conn = op.get_bind()
    names: set[str] = set()
    last = 0
    while rows := conn.execute(
        sa.select(people.c.id, people.c.name).where(people.c.id > last).order_by(people.c.id).limit(BATCH)
    ).all():
        folded = [{"row_id": row_id, "f": fold(name)} for row_id, name in rows]
        conn.execute(
            people.update().where(people.c.id == sa.bindparam("row_id")).values(folded=sa.bindparam("f")),
            folded,
        )
        names.update(row["f"] for row in folded)
        last = rows[-1][0]
    pairs = sorted({(word, name) for name in names for word in name.split()})
    for start in range(0, len(pairs), BATCH):
        conn.execute(words.insert(), [{"word": w, "folded": f} for w, f in pairs[start : start + BATCH]])

    op.drop_index(op.f("ix_article_companies_company_id"), table_name="article_companies")
    op.create_index("ix_article_companies_company_article", "article_companies", ["company_id", "article_id"])
    op.drop_index(op.f("ix_facts_company_id"), table_name="facts")
    op.create_index("ix_facts_company_article", "facts", ["company_id", "article_id"])
    op.drop_index(op.f("ix_article_people_company_id"), table_name="article_people")
    op.create_index("ix_article_people_company_article", "article_people", ["company_id", "article_id"])
    op.create_index("ix_article_people_folded_article", "article_people", ["folded", "article_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_article_people_folded_article", table_name="article_people")
    op.drop_index("ix_article_people_company_article", table_name="article_people")
    op.create_index(op.f("ix_article_people_company_id"), "article_people", ["company_id"])
    op.drop_index("ix_facts_company_article", table_name="facts")
    op.create_index(op.f("ix_facts_company_id"), "facts", ["company_id"])
    op.drop_index("ix_article_companies_company_article", table_name="article_companies")
    op.create_index(op.f("ix_article_companies_company_id"), "article_companies", ["company_id"])
    op.drop_table("person_name_words")
    with op.batch_alter_table("article_people") as batch:
        batch.drop_column("folded")
