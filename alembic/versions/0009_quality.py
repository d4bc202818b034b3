"""quality: training offers, calls, applications, reviews, labels and procurement lots

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:09:43.404558
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "LABELLING",
                "INNOVATION",
                "PROCUREMENT",
                name="callkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "themes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "criteria",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("overall_threshold", sa.Double(), nullable=False),
        sa.Column(
            "priorities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reviews_required", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "OPEN",
                "CLOSED",
                "DECIDED",
                name="callstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_calls_period")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_calls_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_calls_programme_id")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "training_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("operator_party_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("duration_hours", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "IN_PERSON",
                "ONLINE",
                "BLENDED",
                name="cohortmode",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("budget_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("entry_level", sa.String(length=120), nullable=False),
        sa.Column(
            "audiences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("district_party_id", sa.Integer(), nullable=True),
        sa.Column(
            "formacode",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "rome",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("certification", sa.String(length=255), nullable=True),
        sa.Column("contact", sa.String(length=255), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "PUBLISHED",
                name="offerstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_hours > 0", name=op.f("ck_training_offers_duration")),
        sa.CheckConstraint("places > 0", name=op.f("ck_training_offers_places")),
        sa.CheckConstraint(
            "price_minor >= 0 AND budget_minor >= 0", name=op.f("ck_training_offers_money")
        ),
        sa.ForeignKeyConstraint(
            ["district_party_id"],
            ["parties.id"],
            name=op.f("fk_training_offers_district_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_party_id"],
            ["parties.id"],
            name=op.f("fk_training_offers_operator_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_training_offers_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_offers")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_training_offers_programme_id")),
    )
    with op.batch_alter_table("training_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_offers_district_party_id"), ["district_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_offers_operator_party_id"), ["operator_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_offers_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "offer_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("operator_party_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=255), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_offer_sessions_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["training_offers.id"],
            name=op.f("fk_offer_sessions_offer_id_training_offers"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_party_id"],
            ["parties.id"],
            name=op.f("fk_offer_sessions_operator_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_offer_sessions_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_sessions")),
        sa.UniqueConstraint("cohort_id", name=op.f("uq_offer_sessions_cohort_id")),
    )
    with op.batch_alter_table("offer_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_sessions_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_offer_sessions_operator_party_id"), ["operator_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offer_sessions_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "procurement_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("region_party_id", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("price_per_place_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "AWARDED",
                name="lotstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("operator_party_id", sa.Integer(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("awarded_by", sa.String(length=255), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "places > 0 AND price_per_place_minor >= 0", name=op.f("ck_procurement_lots_lot")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_procurement_lots_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_procurement_lots_budget_line_id_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_procurement_lots_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["operator_party_id"],
            ["parties.id"],
            name=op.f("fk_procurement_lots_operator_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_procurement_lots_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["region_party_id"],
            ["parties.id"],
            name=op.f("fk_procurement_lots_region_party_id_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_lots")),
        sa.UniqueConstraint("call_id", "code", name=op.f("uq_procurement_lots_call_id")),
    )
    with op.batch_alter_table("procurement_lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_procurement_lots_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_procurement_lots_operator_party_id"), ["operator_party_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_procurement_lots_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_procurement_lots_region_party_id"), ["region_party_id"], unique=False
        )

    op.create_table(
        "review_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_sub", sa.String(length=255), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_review_conflicts_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_review_conflicts_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_review_conflicts_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_conflicts")),
        sa.UniqueConstraint(
            "call_id", "reviewer_sub", "party_id", name=op.f("uq_review_conflicts_call_id")
        ),
    )
    with op.batch_alter_table("review_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_conflicts_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_conflicts_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("applicant_party_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "themes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "priorities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "SUBMITTED",
                "WITHDRAWN",
                "ACCEPTED",
                "REJECTED",
                name="applicationstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("submitted_by", sa.String(length=255), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("motivation", sa.Text(), nullable=True),
        sa.Column("derogation", sa.Text(), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_minor IS NULL OR amount_minor >= 0", name=op.f("ck_applications_amount")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_applications_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_party_id"],
            ["parties.id"],
            name=op.f("fk_applications_applicant_party_id_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_applications_budget_line_id_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_applications_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["procurement_lots.id"],
            name=op.f("fk_applications_lot_id_procurement_lots"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["training_offers.id"],
            name=op.f("fk_applications_offer_id_training_offers"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_applications_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_applicant_party_id"), ["applicant_party_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_applications_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_applications_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("operator_party_id", sa.Integer(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("surveillance_from", sa.Date(), nullable=False),
        sa.Column("surveillance_until", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("surveillance_responsibility_id", sa.Integer(), nullable=True),
        sa.Column("standing", sa.String(length=16), nullable=False),
        sa.Column("standing_reason", sa.Text(), nullable=True),
        sa.Column("renews_label_id", sa.Integer(), nullable=True),
        sa.Column("granted_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("expires_on > granted_on", name=op.f("ck_labels_validity")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_labels_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["training_offers.id"], name=op.f("fk_labels_offer_id_training_offers")
        ),
        sa.ForeignKeyConstraint(
            ["operator_party_id"], ["parties.id"], name=op.f("fk_labels_operator_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_labels_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["renews_label_id"], ["labels.id"], name=op.f("fk_labels_renews_label_id_labels")
        ),
        sa.ForeignKeyConstraint(
            ["surveillance_responsibility_id"],
            ["responsibilities.id"],
            name=op.f("fk_labels_surveillance_responsibility_id_responsibilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
        sa.UniqueConstraint("application_id", name=op.f("uq_labels_application_id")),
    )
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_labels_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_labels_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_labels_operator_party_id"), ["operator_party_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_labels_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_sub", sa.String(length=255), nullable=False),
        sa.Column("reviewer_party_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "ASSIGNED",
                "SUBMITTED",
                name="reviewstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "scores",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total", sa.Double(), nullable=True),
        sa.Column("assigned_by", sa.String(length=255), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_reviews_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_reviews_call_id_calls")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_reviews_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_party_id"], ["parties.id"], name=op.f("fk_reviews_reviewer_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "application_id", "reviewer_sub", name=op.f("uq_reviews_application_id")
        ),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviews_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reviews_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reviews_reviewer_party_id"), ["reviewer_party_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reviews_reviewer_sub"), ["reviewer_sub"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_reviewer_sub"))
        batch_op.drop_index(batch_op.f("ix_reviews_reviewer_party_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_programme_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_call_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_application_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labels_programme_id"))
        batch_op.drop_index(batch_op.f("ix_labels_operator_party_id"))
        batch_op.drop_index(batch_op.f("ix_labels_offer_id"))
        batch_op.drop_index(batch_op.f("ix_labels_expires_on"))

    op.drop_table("labels")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_programme_id"))
        batch_op.drop_index(batch_op.f("ix_applications_offer_id"))
        batch_op.drop_index(batch_op.f("ix_applications_lot_id"))
        batch_op.drop_index(batch_op.f("ix_applications_call_id"))
        batch_op.drop_index(batch_op.f("ix_applications_applicant_party_id"))

    op.drop_table("applications")
    with op.batch_alter_table("review_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_conflicts_programme_id"))
        batch_op.drop_index(batch_op.f("ix_review_conflicts_call_id"))

    op.drop_table("review_conflicts")
    with op.batch_alter_table("procurement_lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procurement_lots_region_party_id"))
        batch_op.drop_index(batch_op.f("ix_procurement_lots_programme_id"))
        batch_op.drop_index(batch_op.f("ix_procurement_lots_operator_party_id"))
        batch_op.drop_index(batch_op.f("ix_procurement_lots_call_id"))

    op.drop_table("procurement_lots")
    with op.batch_alter_table("offer_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_sessions_programme_id"))
        batch_op.drop_index(batch_op.f("ix_offer_sessions_operator_party_id"))
        batch_op.drop_index(batch_op.f("ix_offer_sessions_offer_id"))

    op.drop_table("offer_sessions")
    with op.batch_alter_table("training_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_offers_programme_id"))
        batch_op.drop_index(batch_op.f("ix_training_offers_operator_party_id"))
        batch_op.drop_index(batch_op.f("ix_training_offers_district_party_id"))

    op.drop_table("training_offers")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_programme_id"))

    op.drop_table("calls")
