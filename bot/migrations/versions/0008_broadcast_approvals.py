"""broadcast approvals and end dates

Revision ID: 0008_broadcast_approvals
Revises: 0007_dashboard_logins
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_broadcast_approvals"
down_revision = "0007_dashboard_logins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast") as table:
        table.add_column(sa.Column("until_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("approved_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcast") as table:
        table.drop_column("approved_by")
        table.drop_column("until_at")
