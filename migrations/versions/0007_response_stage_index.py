"""Covering index for the LGA stage aggregates (replaces the item/stage index)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:55:00

"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_item_stage")
        batch_op.create_index(
            "ix_response_assessment_stage",
            ["assessment_id", "current_stage", "item_key", "target_stage", "carried_forward"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_assessment_stage")
        batch_op.create_index("ix_response_item_stage", ["item_key", "current_stage"], unique=False)
