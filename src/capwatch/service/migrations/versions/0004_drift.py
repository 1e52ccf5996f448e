"""Release drift: each scan's project key and version, and the drift from the earlier release.

Scans recorded before this revision have no project key (they are not found as earlier
releases) until they are scanned again.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.add_column(sa.Column("project_key", sa.String(220), nullable=True))
        batch.add_column(sa.Column("release_version", sa.String(100), nullable=True))
        batch.add_column(sa.Column("previous_scan_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("drift_json", sa.Text, nullable=True))
        batch.create_index("ix_scans_project_key", ["project_key"])
        batch.create_foreign_key(
            "fk_scans_previous_scan_id", "scans", ["previous_scan_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.drop_constraint("fk_scans_previous_scan_id", type_="foreignkey")
        batch.drop_index("ix_scans_project_key")
        batch.drop_column("drift_json")
        batch.drop_column("previous_scan_id")
        batch.drop_column("release_version")
        batch.drop_column("project_key")
