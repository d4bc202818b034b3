"""funding: subsidy rules, published fees, entitlements and why, claims, payment batches,
budget lines, sponsors' commitments and disbursements; idempotency keys of money mutations

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=600), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("caller", "key", name=op.f("uq_idempotency_keys_caller")),
    )
    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("set_by", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_budget_lines_amount")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_budget_lines_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_budget_lines_programme_id")),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_lines_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "fee_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("publisher_party_id", sa.Integer(), nullable=False),
        sa.Column("track_code", sa.String(length=40), nullable=True),
        sa.Column("level", sa.String(length=120), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("published_by", sa.String(length=255), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_fee_schedules_amount")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_fee_schedules_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["publisher_party_id"],
            ["parties.id"],
            name=op.f("fk_fee_schedules_publisher_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_schedules")),
    )
    with op.batch_alter_table("fee_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fee_schedules_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fee_schedules_publisher_party_id"), ["publisher_party_id"], unique=False
        )

    op.create_table(
        "funding_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column(
            "evaluation_payee",
            sa.Enum(
                "PERSON",
                "ADVANCING_INSTITUTION",
                name="payeerule",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "evaluation_audiences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("training_rate_minor", sa.BigInteger(), nullable=True),
        sa.Column("set_by", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "training_rate_minor IS NULL OR training_rate_minor >= 0",
            name=op.f("ck_funding_rules_rate"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_funding_rules_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_rules")),
        sa.UniqueConstraint("programme_id", name=op.f("uq_funding_rules_programme_id")),
    )
    op.create_table(
        "payment_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("payer_party_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PREPARED",
                "APPROVED",
                "PAID",
                name="batchstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("prepared_by", sa.String(length=255), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=255), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.String(length=255), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_reference", sa.String(length=120), nullable=True),
        sa.Column("paid_minor", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payer_party_id"],
            ["parties.id"],
            name=op.f("fk_payment_batches_payer_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_payment_batches_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batches")),
    )
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_batches_payer_party_id"), ["payer_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_batches_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "reimbursement_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("operator_party_id", sa.Integer(), nullable=False),
        sa.Column("verifier_party_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "SUBMITTED",
                "VERIFIED",
                "APPROVED",
                "REJECTED",
                "PAID",
                name="claimstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("submitted_by", sa.String(length=255), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by", sa.String(length=255), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("paid_by", sa.String(length=255), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_reference", sa.String(length=120), nullable=True),
        sa.Column("paid_minor", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_party_id"],
            ["parties.id"],
            name=op.f("fk_reimbursement_claims_operator_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_reimbursement_claims_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["verifier_party_id"],
            ["parties.id"],
            name=op.f("fk_reimbursement_claims_verifier_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reimbursement_claims")),
    )
    with op.batch_alter_table("reimbursement_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reimbursement_claims_operator_party_id"),
            ["operator_party_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_reimbursement_claims_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reimbursement_claims_verifier_party_id"),
            ["verifier_party_id"],
            unique=False,
        )

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_party_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_commitments_amount")),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_commitments_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_commitments_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_party_id"],
            ["parties.id"],
            name=op.f("fk_commitments_sponsor_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitments_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitments_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitments_sponsor_party_id"), ["sponsor_party_id"], unique=False
        )

    op.create_table(
        "disbursements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_party_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "RECORDED",
                "ACKNOWLEDGED",
                name="disbursementstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("recorded_by", sa.String(length=255), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=255), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_disbursements_amount")),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_disbursements_commitment_id_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_disbursements_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_party_id"],
            ["parties.id"],
            name=op.f("fk_disbursements_sponsor_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursements")),
    )
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disbursements_commitment_id"), ["commitment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disbursements_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disbursements_sponsor_party_id"), ["sponsor_party_id"], unique=False
        )

    op.create_table(
        "entitlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "EVALUATION_SUBSIDY",
                "TRAINING_SUBSIDY",
                name="entitlementkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("once_key", sa.String(length=200), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("operator_party_id", sa.Integer(), nullable=False),
        sa.Column("verifier_party_id", sa.Integer(), nullable=False),
        sa.Column(
            "payee_rule",
            sa.Enum(
                "PERSON",
                "ADVANCING_INSTITUTION",
                name="payeerule",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("payee_party_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=120), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fee_schedule_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "ACCRUED",
                "CLAIMED",
                "VERIFIED",
                "APPROVED",
                "PAID",
                "REJECTED",
                "VOIDED",
                name="entitlementstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_entitlements_amount")),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["payment_batches.id"],
            name=op.f("fk_entitlements_batch_id_payment_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_entitlements_budget_line_id_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_entitlements_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["reimbursement_claims.id"],
            name=op.f("fk_entitlements_claim_id_reimbursement_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_entitlements_enrollment_id_enrollments"),
        ),
        sa.ForeignKeyConstraint(
            ["fee_schedule_id"],
            ["fee_schedules.id"],
            name=op.f("fk_entitlements_fee_schedule_id_fee_schedules"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_party_id"],
            ["parties.id"],
            name=op.f("fk_entitlements_operator_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["payee_party_id"], ["parties.id"], name=op.f("fk_entitlements_payee_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_entitlements_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_entitlements_trainee_id_trainees")
        ),
        sa.ForeignKeyConstraint(
            ["verifier_party_id"],
            ["parties.id"],
            name=op.f("fk_entitlements_verifier_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlements")),
        sa.UniqueConstraint("kind", "once_key", name=op.f("uq_entitlements_kind")),
    )
    with op.batch_alter_table("entitlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entitlements_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_entitlements_budget_line_id"), ["budget_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entitlements_certificate_id"), ["certificate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_entitlements_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_entitlements_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entitlements_operator_party_id"), ["operator_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entitlements_payee_party_id"), ["payee_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entitlements_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entitlements_trainee_id"), ["trainee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entitlements_verifier_party_id"), ["verifier_party_id"], unique=False
        )

    op.create_table(
        "claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("entitlement_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "ACCEPTED",
                "REJECTED",
                name="linestatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["reimbursement_claims.id"],
            name=op.f("fk_claim_lines_claim_id_reimbursement_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlements.id"],
            name=op.f("fk_claim_lines_entitlement_id_entitlements"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_claim_lines_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
        sa.UniqueConstraint("claim_id", "entitlement_id", name=op.f("uq_claim_lines_claim_id")),
    )
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_lines_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_lines_entitlement_id"), ["entitlement_id"], unique=False
        )

    op.create_table(
        "subsidy_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "EVALUATION_SUBSIDY",
                "TRAINING_SUBSIDY",
                name="entitlementkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "GRANTED",
                "NOT_FIRST_ATTEMPT",
                "NOT_ELIGIBLE_AUDIENCE",
                "NO_PUBLISHED_FEE",
                "NO_SUBSIDY_RULE",
                "ALREADY_GRANTED",
                name="subsidyoutcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entitlement_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_subsidy_decisions_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlements.id"],
            name=op.f("fk_subsidy_decisions_entitlement_id_entitlements"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_subsidy_decisions_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_decisions")),
        sa.UniqueConstraint(
            "certificate_id", "kind", name=op.f("uq_subsidy_decisions_certificate_id")
        ),
    )
    with op.batch_alter_table("subsidy_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subsidy_decisions_programme_id"), ["programme_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("subsidy_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_decisions_programme_id"))

    op.drop_table("subsidy_decisions")
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_lines_entitlement_id"))
        batch_op.drop_index(batch_op.f("ix_claim_lines_claim_id"))

    op.drop_table("claim_lines")
    with op.batch_alter_table("entitlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entitlements_verifier_party_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_programme_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_payee_party_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_operator_party_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_claim_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_certificate_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_budget_line_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_batch_id"))

    op.drop_table("entitlements")
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursements_sponsor_party_id"))
        batch_op.drop_index(batch_op.f("ix_disbursements_programme_id"))
        batch_op.drop_index(batch_op.f("ix_disbursements_commitment_id"))

    op.drop_table("disbursements")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_sponsor_party_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_programme_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_agreement_id"))

    op.drop_table("commitments")
    with op.batch_alter_table("reimbursement_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reimbursement_claims_verifier_party_id"))
        batch_op.drop_index(batch_op.f("ix_reimbursement_claims_programme_id"))
        batch_op.drop_index(batch_op.f("ix_reimbursement_claims_operator_party_id"))

    op.drop_table("reimbursement_claims")
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_batches_programme_id"))
        batch_op.drop_index(batch_op.f("ix_payment_batches_payer_party_id"))

    op.drop_table("payment_batches")
    op.drop_table("funding_rules")
    with op.batch_alter_table("fee_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_schedules_publisher_party_id"))
        batch_op.drop_index(batch_op.f("ix_fee_schedules_programme_id"))

    op.drop_table("fee_schedules")
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_lines_programme_id"))

    op.drop_table("budget_lines")
    op.drop_table("idempotency_keys")
