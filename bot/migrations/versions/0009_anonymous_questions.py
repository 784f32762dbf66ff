"""anonymous questions to the moderators, and answer feedback counts

Revision ID: 0009_anonymous_questions
Revises: 0008_broadcast_approvals
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_anonymous_questions"
down_revision = "0008_broadcast_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("notify_workspace", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("notify_user", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inbox_question_scope", "inbox_question", ["platform", "workspace", "state"])
    op.create_index("ix_inbox_question_delivery_id", "inbox_question", ["delivery_id"])
    op.create_table(
        "faq_feedback_count",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "topic", "helpful"),
    )


def downgrade() -> None:
    op.drop_table("faq_feedback_count")
    op.drop_index("ix_inbox_question_delivery_id", table_name="inbox_question")
    op.drop_index("ix_inbox_question_scope", table_name="inbox_question")
    op.drop_table("inbox_question")
