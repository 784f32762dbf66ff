"""broadcasts at each member's local time

Revision ID: 0012_broadcast_local_time
Revises: 0011_member_language
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_broadcast_local_time"
down_revision = "0011_member_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast") as table:
        table.add_column(
            sa.Column("local_time", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcast") as table:
        table.drop_column("local_time")
