"""member communities

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_community",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("member_id", "community"),
    )
    with op.batch_alter_table("member_community", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_community_community"), ["community"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("member_community", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_community_community"))

    op.drop_table("member_community")
