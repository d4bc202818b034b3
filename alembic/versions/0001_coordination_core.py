"""coordination core

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit_chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.bulk_insert(audit_chain, [{"id": 1, "seq": 0, "head_hash": "0" * 64}])
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "MINISTRY",
                "DISTRICT",
                "UNIVERSITY",
                "OPERATOR",
                "SPONSOR",
                name="partykind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["parties.id"], name=op.f("fk_parties_parent_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("code", name=op.f("uq_parties_code")),
    )
    op.create_index(op.f("ix_parties_parent_id"), "parties", ["parent_id"], unique=False)
    op.create_index(op.f("ix_parties_path"), "parties", ["path"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(length=255), nullable=False),
        sa.Column("actor_party_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=128), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_party_id"], ["parties.id"], name=op.f("fk_audit_events_actor_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_events_seq")),
    )
    op.create_index(
        op.f("ix_audit_events_actor_party_id"), "audit_events", ["actor_party_id"], unique=False
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)
    op.create_index(op.f("ix_audit_events_entity_id"), "audit_events", ["entity_id"], unique=False)

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("owner_party_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "ACTIVE",
                "CLOSED",
                name="programmestatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("budget_minor", sa.BigInteger(), nullable=True),
        sa.Column(
            "tracks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "eligibility_rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "priority_audiences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "budget_minor IS NULL OR budget_minor >= 0", name=op.f("ck_programmes_budget")
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_programmes_period")
        ),
        sa.ForeignKeyConstraint(
            ["owner_party_id"], ["parties.id"], name=op.f("fk_programmes_owner_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    op.create_index(
        op.f("ix_programmes_owner_party_id"), "programmes", ["owner_party_id"], unique=False
    )

    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "CONVENTION",
                "PROCUREMENT",
                "GRANT",
                name="agreementkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_agreements_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(
        op.f("ix_agreements_programme_id"), "agreements", ["programme_id"], unique=False
    )

    op.create_table(
        "programme_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "OWNER",
                "COORDINATOR",
                "SUPERVISOR",
                "CONTENT_DESIGNER",
                "DISTRICT",
                "HOST",
                "OPERATOR",
                "EVALUATOR",
                "FUNDER",
                "EMPLOYER",
                name="participantrole",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_programme_participants_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_participants_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_participants")),
        sa.UniqueConstraint(
            "programme_id", "party_id", "role", name=op.f("uq_programme_participants_programme_id")
        ),
    )
    op.create_index(
        op.f("ix_programme_participants_party_id"),
        "programme_participants",
        ["party_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_programme_participants_programme_id"),
        "programme_participants",
        ["programme_id"],
        unique=False,
    )

    op.create_table(
        "agreement_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "OWNER",
                "COORDINATOR",
                "SUPERVISOR",
                "CONTENT_DESIGNER",
                "DISTRICT",
                "HOST",
                "OPERATOR",
                "EVALUATOR",
                "FUNDER",
                "EMPLOYER",
                name="participantrole",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_parties_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_agreement_parties_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_parties")),
        sa.UniqueConstraint(
            "agreement_id", "party_id", name=op.f("uq_agreement_parties_agreement_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_parties_agreement_id"),
        "agreement_parties",
        ["agreement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agreement_parties_party_id"), "agreement_parties", ["party_id"], unique=False
    )

    op.create_table(
        "responsibilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("assignee_party_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PLANNED",
                "IN_PROGRESS",
                "DONE",
                "BLOCKED",
                "CANCELLED",
                name="responsibilitystatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_responsibilities_progress")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_responsibilities_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_party_id"],
            ["parties.id"],
            name=op.f("fk_responsibilities_assignee_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_responsibilities_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsibilities")),
    )
    op.create_index(
        op.f("ix_responsibilities_agreement_id"), "responsibilities", ["agreement_id"], unique=False
    )
    op.create_index(
        op.f("ix_responsibilities_assignee_party_id"),
        "responsibilities",
        ["assignee_party_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_responsibilities_due_on"), "responsibilities", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_responsibilities_programme_id"), "responsibilities", ["programme_id"], unique=False
    )
    op.create_index(
        op.f("ix_responsibilities_status"), "responsibilities", ["status"], unique=False
    )

    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("responsibility_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_party_id", sa.Integer(), nullable=False),
        sa.Column("addressed_to_party_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "ACKNOWLEDGED",
                "RESOLVED",
                name="escalationstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("raised_by_sub", sa.String(length=255), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressed_to_party_id"],
            ["parties.id"],
            name=op.f("fk_escalations_addressed_to_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_escalations_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_party_id"],
            ["parties.id"],
            name=op.f("fk_escalations_raised_by_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["responsibility_id"],
            ["responsibilities.id"],
            name=op.f("fk_escalations_responsibility_id_responsibilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    op.create_index(
        op.f("ix_escalations_addressed_to_party_id"),
        "escalations",
        ["addressed_to_party_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_escalations_programme_id"), "escalations", ["programme_id"], unique=False
    )
    op.create_index(
        op.f("ix_escalations_raised_by_party_id"),
        "escalations",
        ["raised_by_party_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_escalations_responsibility_id"), "escalations", ["responsibility_id"], unique=False
    )
    op.create_index(op.f("ix_escalations_status"), "escalations", ["status"], unique=False)

    op.create_table(
        "progress_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("responsibility_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_sub", sa.String(length=255), nullable=False),
        sa.Column("author_party_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PLANNED",
                "IN_PROGRESS",
                "DONE",
                "BLOCKED",
                "CANCELLED",
                name="responsibilitystatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_party_id"],
            ["parties.id"],
            name=op.f("fk_progress_updates_author_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_progress_updates_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["responsibility_id"],
            ["responsibilities.id"],
            name=op.f("fk_progress_updates_responsibility_id_responsibilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_updates")),
    )
    op.create_index(
        op.f("ix_progress_updates_programme_id"), "progress_updates", ["programme_id"], unique=False
    )
    op.create_index(
        op.f("ix_progress_updates_responsibility_id"),
        "progress_updates",
        ["responsibility_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_progress_updates_responsibility_id"), table_name="progress_updates")
    op.drop_index(op.f("ix_progress_updates_programme_id"), table_name="progress_updates")

    op.drop_table("progress_updates")
    op.drop_index(op.f("ix_escalations_status"), table_name="escalations")
    op.drop_index(op.f("ix_escalations_responsibility_id"), table_name="escalations")
    op.drop_index(op.f("ix_escalations_raised_by_party_id"), table_name="escalations")
    op.drop_index(op.f("ix_escalations_programme_id"), table_name="escalations")
    op.drop_index(op.f("ix_escalations_addressed_to_party_id"), table_name="escalations")

    op.drop_table("escalations")
    op.drop_index(op.f("ix_responsibilities_status"), table_name="responsibilities")
    op.drop_index(op.f("ix_responsibilities_programme_id"), table_name="responsibilities")
    op.drop_index(op.f("ix_responsibilities_due_on"), table_name="responsibilities")
    op.drop_index(op.f("ix_responsibilities_assignee_party_id"), table_name="responsibilities")
    op.drop_index(op.f("ix_responsibilities_agreement_id"), table_name="responsibilities")

    op.drop_table("responsibilities")
    op.drop_index(op.f("ix_agreement_parties_party_id"), table_name="agreement_parties")
    op.drop_index(op.f("ix_agreement_parties_agreement_id"), table_name="agreement_parties")

    op.drop_table("agreement_parties")
    op.drop_index(
        op.f("ix_programme_participants_programme_id"), table_name="programme_participants"
    )
    op.drop_index(op.f("ix_programme_participants_party_id"), table_name="programme_participants")

    op.drop_table("programme_participants")
    op.drop_index(op.f("ix_agreements_programme_id"), table_name="agreements")

    op.drop_table("agreements")
    op.drop_index(op.f("ix_programmes_owner_party_id"), table_name="programmes")

    op.drop_table("programmes")
    op.drop_index(op.f("ix_audit_events_entity_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_actor_party_id"), table_name="audit_events")

    op.drop_table("audit_events")
    op.drop_index(op.f("ix_parties_path"), table_name="parties")
    op.drop_index(op.f("ix_parties_parent_id"), table_name="parties")

    op.drop_table("parties")
    op.drop_table("audit_chain")
