"""the language a member chose (/optout lang)

Revision ID: 0011_member_language
Revises: 0010_welcome
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_member_language"
down_revision = "0010_welcome"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member") as table:
        table.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as table:
        table.drop_column("language")
