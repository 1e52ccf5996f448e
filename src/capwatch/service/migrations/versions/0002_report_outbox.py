"""Reporting inside the service: the outbox of observations to send, and each report's trigger.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _trigger() -> sa.Enum:
    return sa.Enum("review", "auto", name="report_trigger", native_enum=False, length=16)


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("trigger", _trigger(), nullable=True))
    op.create_table(
        "pending_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("scans.id"), nullable=False, index=True),
        sa.Column("trigger", _trigger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pending_reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("trigger")
