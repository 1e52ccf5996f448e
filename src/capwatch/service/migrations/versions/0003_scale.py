"""Scale-out: the rule-set version of each verdict, the Celery outbox and claim columns, and the
log of verdicts a re-scan changed.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.add_column(sa.Column("ruleset", sa.String(64), nullable=True))
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("task_id", sa.String(64), nullable=True))
        batch.create_index("ix_scans_ruleset", ["ruleset"])
    op.create_table(
        "verdict_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("scans.id"), nullable=False, index=True),
        sa.Column("old_verdict", sa.String(16), nullable=False),
        sa.Column("new_verdict", sa.String(16), nullable=False),
        sa.Column("old_ruleset", sa.String(64), nullable=True),
        sa.Column("new_ruleset", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("verdict_changes")
    with op.batch_alter_table("scans") as batch:
        batch.drop_index("ix_scans_ruleset")
        batch.drop_column("task_id")
        batch.drop_column("dispatched_at")
        batch.drop_column("queued_at")
        batch.drop_column("ruleset")
