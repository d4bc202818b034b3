"""payment batches sent back: who and why, and the REJECTED state

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("PREPARED", "APPROVED", "PAID")


def _states(*states: str) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade() -> None:
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejected_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.Text(), nullable=True))
        # The state is a VARCHAR with a CHECK of its names: a new state is a new CHECK.
        batch_op.drop_constraint(op.f("ck_payment_batches_batchstatus"), type_="check")
        batch_op.create_check_constraint("batchstatus", _states(*STATES, "REJECTED"))


def downgrade() -> None:
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_payment_batches_batchstatus"), type_="check")
        batch_op.create_check_constraint("batchstatus", _states(*STATES))
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("rejected_by")
