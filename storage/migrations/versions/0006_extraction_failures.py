"""Extraction failures, kept per article so that one article that breaks the extractor holds back no
other: `articles.extraction_attempts` counts the failed tries (the job gives up after a few) and
`articles.extraction_error` keeps the last one's reason, shown to admins.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 08:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "articles", sa.Column("extraction_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("articles", sa.Column("extraction_error", sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("articles", "extraction_error")
    op.drop_column("articles", "extraction_attempts")
