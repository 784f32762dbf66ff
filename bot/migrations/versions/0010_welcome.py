"""welcome DMs: the communities that switched them on and the one-per-member marker

Revision ID: 0010_welcome
Revises: 0009_anonymous_questions
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010_welcome"
down_revision = "0009_anonymous_questions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welcome_community",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("switched_on_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "community"),
    )
    op.create_table(
        "welcomed_member",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "user_id"),
    )
    op.create_index(
        op.f("ix_welcomed_member_community"), "welcomed_member", ["community"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_welcomed_member_community"), table_name="welcomed_member")
    op.drop_table("welcomed_member")
    op.drop_table("welcome_community")
