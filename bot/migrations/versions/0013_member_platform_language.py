"""the language a member's platform reports, for the DMs sent later

Revision ID: 0013_member_platform_language
Revises: 0012_broadcast_local_time
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_member_platform_language"
down_revision = "0012_broadcast_local_time"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member") as table:
        table.add_column(sa.Column("platform_language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as table:
        table.drop_column("platform_language")
