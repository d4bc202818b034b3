"""shared person records, per-party contacts, planned session days, eligibility combination,
audit events by programme

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trainee_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_trainee_contacts_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_trainee_contacts_trainee_id_trainees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainee_contacts")),
        sa.UniqueConstraint("trainee_id", "party_id", name=op.f("uq_trainee_contacts_trainee_id")),
    )
    op.create_index(op.f("ix_trainee_contacts_party_id"), "trainee_contacts", ["party_id"])
    op.create_index(op.f("ix_trainee_contacts_trainee_id"), "trainee_contacts", ["trainee_id"])
    # Each stored contact becomes the contact of the operator that first enrolled the person.
    op.execute(
        """
        INSERT INTO trainee_contacts (trainee_id, party_id, email, phone, updated_at)
        SELECT t.id, e.operator_party_id, t.email, t.phone, t.updated_at
        FROM trainees t
        JOIN enrollments e ON e.id = (
            SELECT min(f.id) FROM enrollments f WHERE f.trainee_id = t.id
        )
        WHERE t.email IS NOT NULL OR t.phone IS NOT NULL
        """
    )
    with op.batch_alter_table("trainees") as batch:
        batch.drop_column("email")
        batch.drop_column("phone")

    with op.batch_alter_table("cohorts") as batch:
        batch.add_column(
            sa.Column("planned_session_days", sa.Integer(), nullable=False, server_default="1")
        )
    days = (
        "CAST(julianday(ends_on) - julianday(starts_on) AS INTEGER) + 1"
        if op.get_bind().dialect.name == "sqlite"
        else "ends_on - starts_on + 1"
    )
    op.execute(f"UPDATE cohorts SET planned_session_days = {days}")
    with op.batch_alter_table("cohorts") as batch:
        batch.create_check_constraint("planned_session_days", "planned_session_days > 0")

    with op.batch_alter_table("programmes") as batch:
        batch.add_column(
            sa.Column(
                "eligibility_combination",
                sa.Enum(
                    "ALL_OF",
                    "ANY_OF",
                    name="eligibilitycombination",
                    native_enum=False,
                    create_constraint=True,
                    length=24,
                ),
                nullable=False,
                server_default="ALL_OF",
            )
        )

    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_audit_events_programme_id_programmes"), "programmes", ["programme_id"], ["id"]
        )
        batch.create_index(op.f("ix_audit_events_programme_id"), ["programme_id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index(op.f("ix_audit_events_programme_id"))
        batch.drop_constraint(op.f("fk_audit_events_programme_id_programmes"), type_="foreignkey")
        batch.drop_column("programme_id")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_constraint(op.f("ck_programmes_eligibilitycombination"), type_="check")
        batch.drop_column("eligibility_combination")
    with op.batch_alter_table("cohorts") as batch:
        batch.drop_constraint("planned_session_days", type_="check")
        batch.drop_column("planned_session_days")
    with op.batch_alter_table("trainees") as batch:
        batch.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
    op.execute(
        """
        UPDATE trainees SET
            email = (SELECT c.email FROM trainee_contacts c WHERE c.trainee_id = trainees.id
                     ORDER BY c.id LIMIT 1),
            phone = (SELECT c.phone FROM trainee_contacts c WHERE c.trainee_id = trainees.id
                     ORDER BY c.id LIMIT 1)
        """
    )
    op.drop_index(op.f("ix_trainee_contacts_trainee_id"), table_name="trainee_contacts")
    op.drop_index(op.f("ix_trainee_contacts_party_id"), table_name="trainee_contacts")
    op.drop_table("trainee_contacts")
