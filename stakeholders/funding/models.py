"""Rows of funding. Money is an integer of minor units beside its ISO 4217 currency; each row
copies the facts its row filter tests (programme, operator, verifier) so that it needs no join.
Balances and totals are computed from the rows, never stored twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, JSONDocument, UTCDateTime, Versioned, enum_column, utcnow
from stakeholders.funding.enums import (
    BatchStatus,
    ClaimStatus,
    DisbursementStatus,
    EntitlementKind,
    EntitlementStatus,
    LineStatus,
    PayeeRule,
    SubsidyOutcome,
)

__all__ = [
    "BudgetLine",
    "ClaimLine",
    "Commitment",
    "Disbursement",
    "Entitlement",
    "FeeSchedule",
    "FundingRule",
    "PaymentBatch",
    "ReimbursementClaim",
    "SubsidyDecision",
]


class FundingRule(Versioned, Base):
    """A programme's subsidy rule, set by its owner: who an evaluation subsidy goes to, which
    audiences earn it, and the training subsidy per completed enrolment."""

    __tablename__ = "funding_rules"
    __table_args__ = (
        UniqueConstraint("programme_id"),
        CheckConstraint("training_rate_minor IS NULL OR training_rate_minor >= 0", name="rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    evaluation_payee: Mapped[PayeeRule] = mapped_column(enum_column(PayeeRule))
    # EmploymentStatus names; empty: every audience.
    evaluation_audiences: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    training_rate_minor: Mapped[int | None] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(255))


class FeeSchedule(Base):
    """The evaluation fee an evaluation body publishes for a level (and a track), from a day
    on. Never changed: a later schedule supersedes it for tests taken from its own day."""

    __tablename__ = "fee_schedules"
    __table_args__ = (CheckConstraint("amount_minor >= 0", name="amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    publisher_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    # A track code of the programme; None: every track.
    track_code: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(120))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    published_by: Mapped[str] = mapped_column(String(255))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Entitlement(Versioned, Base):
    """Money a rule grants for what a trainee achieved, from accrual to payment."""

    __tablename__ = "entitlements"
    __table_args__ = (
        # Once per person, programme, level and kind (an evaluation subsidy), or per
        # enrolment (a training subsidy): re-running anything creates nothing twice.
        UniqueConstraint("kind", "once_key"),
        CheckConstraint("amount_minor >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    kind: Mapped[EntitlementKind] = mapped_column(enum_column(EntitlementKind))
    once_key: Mapped[str] = mapped_column(String(200))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    # The bureau that checks it: the cohort's district, else the programme's owner.
    verifier_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    payee_rule: Mapped[PayeeRule] = mapped_column(enum_column(PayeeRule))
    # The institution paid; None when the person is.
    payee_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(120))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    fee_schedule_id: Mapped[int | None] = mapped_column(ForeignKey("fee_schedules.id"))
    rule: Mapped[str] = mapped_column(String(300))
    status: Mapped[EntitlementStatus] = mapped_column(enum_column(EntitlementStatus))
    status_reason: Mapped[str | None] = mapped_column(Text)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("reimbursement_claims.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    # The budget line its approval was charged to, if the approver named one.
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubsidyDecision(Base):
    """Why a certificate did or did not give rise to a subsidy, kept with the certificate."""

    __tablename__ = "subsidy_decisions"
    __table_args__ = (UniqueConstraint("certificate_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    kind: Mapped[EntitlementKind] = mapped_column(enum_column(EntitlementKind))
    outcome: Mapped[SubsidyOutcome] = mapped_column(enum_column(SubsidyOutcome))
    reason: Mapped[str] = mapped_column(Text)
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReimbursementClaim(Versioned, Base):
    """An institution's claim for the subsidies it advanced: verified by the bureau of its
    cohorts, decided by the programme's owner, then paid; each step by another person."""

    __tablename__ = "reimbursement_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    verifier_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus))
    submitted_by: Mapped[str] = mapped_column(String(255))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by: Mapped[str | None] = mapped_column(String(255))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    paid_by: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paid_reference: Mapped[str | None] = mapped_column(String(120))
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)


class ClaimLine(Base):
    """One entitlement claimed, and the verifier's verdict on it."""

    __tablename__ = "claim_lines"
    __table_args__ = (UniqueConstraint("claim_id", "entitlement_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("reimbursement_claims.id"), index=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlements.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[LineStatus] = mapped_column(enum_column(LineStatus))
    rejection_reason: Mapped[str | None] = mapped_column(Text)


class PaymentBatch(Versioned, Base):
    """Evaluation subsidies owed to persons, paid together by the programme's owner."""

    __tablename__ = "payment_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    payer_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus))
    prepared_by: Mapped[str] = mapped_column(String(255))
    prepared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(255))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Who sent it back unapproved, and why (its entitlements are accrued again).
    rejected_by: Mapped[str | None] = mapped_column(String(255))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    paid_by: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paid_reference: Mapped[str | None] = mapped_column(String(120))
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)


class Commitment(Versioned, Base):
    """Money a sponsor commits to a programme under an agreement it is party to (CDG's
    financing of JobInTech, a bank's sponsorship). What it disbursed and what is left are
    computed from its disbursements."""

    __tablename__ = "commitments"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    sponsor_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Disbursement(Versioned, Base):
    """A tranche a sponsor paid against its commitment; the owner acknowledges receipt."""

    __tablename__ = "disbursements"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    sponsor_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(120))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[DisbursementStatus] = mapped_column(enum_column(DisbursementStatus))
    recorded_by: Mapped[str] = mapped_column(String(255))
    acknowledged_by: Mapped[str | None] = mapped_column(String(255))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class BudgetLine(Versioned, Base):
    """A part of a programme's envelope (GEN's EUR 90M in four projects): what is approved
    against it never exceeds it, and the lines together never exceed the envelope."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("amount_minor >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    set_by: Mapped[str] = mapped_column(String(255))
