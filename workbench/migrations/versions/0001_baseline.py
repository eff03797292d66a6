"""The run log and workshops as the single-file version left them.

A SQLite file written by that version (versioned by PRAGMA user_version, no alembic_version table) is
brought to the same state here: the steps it has not had yet are applied, its rows stay.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

# The single-file version's numbered steps, in order (its PRAGMA user_version counted them).
LEGACY_STEPS = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        session TEXT,
        purpose TEXT,
        schutzstufe INTEGER,
        endpoint_id TEXT,
        model TEXT,
        location TEXT,
        decision TEXT NOT NULL,
        reason TEXT,
        findings TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        ttft_s REAL,
        total_s REAL,
        complete INTEGER
    )
    """,
    "CREATE INDEX runs_session ON runs(session)",
    "ALTER TABLE runs ADD COLUMN prompt_text TEXT",
    "ALTER TABLE runs ADD COLUMN answer_text TEXT",
    "ALTER TABLE runs ADD COLUMN rating TEXT",
    "ALTER TABLE runs ADD COLUMN rating_comment TEXT",
    """
    CREATE TABLE workshops (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        exercises TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
    "ALTER TABLE runs ADD COLUMN workshop TEXT",
    "CREATE INDEX runs_workshop ON runs(workshop)",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        done = bind.exec_driver_sql("PRAGMA user_version").scalar() or 0
        for step in LEGACY_STEPS[done:]:
            bind.exec_driver_sql(step)
        return
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("session", sa.Text),
        sa.Column("purpose", sa.Text),
        sa.Column("schutzstufe", sa.Integer),
        sa.Column("endpoint_id", sa.Text),
        sa.Column("model", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("findings", sa.Text),
        sa.Column("prompt_tokens", sa.Integer),
        sa.Column("completion_tokens", sa.Integer),
        sa.Column("ttft_s", sa.Float),
        sa.Column("total_s", sa.Float),
        sa.Column("complete", sa.Integer),
        sa.Column("prompt_text", sa.Text),
        sa.Column("answer_text", sa.Text),
        sa.Column("rating", sa.Text),
        sa.Column("rating_comment", sa.Text),
        sa.Column("workshop", sa.Text),
    )
    op.create_index("runs_session", "runs", ["session"])
    op.create_index("runs_workshop", "runs", ["workshop"])
    op.create_table(
        "workshops",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("exercises", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("workshops")
    op.drop_table("runs")
