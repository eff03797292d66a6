"""An organisation's workbench: pseudonymous users, one rating per comparison, who ran a workshop, retention.

- runs.user_id: pseudonym of the signed-in person (never a name); runs.comparison: shared by both sides.
- ratings: one row per comparison, so a rating is counted once.
- workshops.trainer / topics / created_by: what the Art. 4 record names.
- runs_created_at: retention deletes by age.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("runs", sa.Column("user_id", sa.Text))
    op.add_column("runs", sa.Column("comparison", sa.Text))
    op.create_index("runs_created_at", "runs", ["created_at"])
    op.add_column("workshops", sa.Column("trainer", sa.Text))
    op.add_column("workshops", sa.Column("topics", sa.Text))
    op.add_column("workshops", sa.Column("created_by", sa.Text))
    op.create_table(
        "ratings",
        sa.Column("comparison", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("session", sa.Text),
        sa.Column("user_id", sa.Text),
        sa.Column("workshop", sa.Text),
        sa.Column("purpose", sa.Text),
        sa.Column("verdict", sa.Text, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("location_a", sa.Text),
        sa.Column("location_b", sa.Text),
        sa.Column("run_a", sa.Integer),
        sa.Column("run_b", sa.Integer),
    )
    op.create_index("ratings_workshop", "ratings", ["workshop"])


def downgrade() -> None:
    op.drop_index("ratings_workshop", "ratings")
    op.drop_table("ratings")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("created_by")
        batch.drop_column("topics")
        batch.drop_column("trainer")
    op.drop_index("runs_created_at", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("comparison")
        batch.drop_column("user_id")
