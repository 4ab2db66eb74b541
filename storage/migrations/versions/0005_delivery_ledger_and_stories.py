"""The delivery ledger, digest schedules read back from the table, and stories.

- `deliveries`: one row per subscriber and digest period or alert story (unique), holding the reply as
  composed and how many of its messages Telegram accepted.
- `subscribers.next_digest_at`: when the next scheduled digest falls due (UTC).
- `articles.ready_at`: when an article first had its facts (digest cursors compare against it); filled
  from `extracted_at` for articles extracted before this revision.
- `articles.story_id`: the first article of the same story, for near-duplicates from other sources.

Columns are added with ALTER TABLE ... ADD COLUMN (no batch rebuild of `articles`, which on SQLite
would drop the full-text triggers of revision 0004).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("articles", sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("articles", sa.Column("story_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_articles_ready_at"), "articles", ["ready_at"], unique=False)
    op.create_index(op.f("ix_articles_story_id"), "articles", ["story_id"], unique=False)
    op.execute("UPDATE articles SET ready_at = extracted_at WHERE extracted_at IS NOT NULL")

    op.add_column("subscribers", sa.Column("next_digest_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_subscribers_next_digest_at"), "subscribers", ["next_digest_at"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("digest", "alert", name="deliverykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "sent", "empty", "failed", name="deliverystate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_deliveries_subscriber_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("subscriber_id", "kind", "key", name=op.f("uq_deliveries_subscriber_id")),
    )
    op.create_index(op.f("ix_deliveries_state"), "deliveries", ["state"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_deliveries_state"), table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index(op.f("ix_subscribers_next_digest_at"), table_name="subscribers")
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("next_digest_at")
    op.drop_index(op.f("ix_articles_story_id"), table_name="articles")
    op.drop_index(op.f("ix_articles_ready_at"), table_name="articles")
    # SQLite 3.35+ drops a column in place (no rebuild), so the full-text triggers survive.
    op.drop_column("articles", "story_id")
    op.drop_column("articles", "ready_at")
