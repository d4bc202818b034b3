"""Every area's models, imported in data-flow order so the metadata is complete."""

from stakeholders.audit.models import AuditChain, AuditEvent
from stakeholders.clients.models import OAuthClient
from stakeholders.db import Base
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact
from stakeholders.funding.models import (
    BudgetLine,
    ClaimLine,
    Commitment,
    Disbursement,
    Entitlement,
    FeeSchedule,
    FundingRule,
    PaymentBatch,
    ReimbursementClaim,
    SubsidyDecision,
)
from stakeholders.idempotency import IdempotencyKey
from stakeholders.live.models import OutboxEvent
from stakeholders.outcomes.models import Assessment, Attendance, Certificate, FollowUp, Placement
from stakeholders.parties.models import Party
from stakeholders.programmes.models import (
    Agreement,
    AgreementParty,
    Escalation,
    Participant,
    Programme,
    ProgressUpdate,
    Responsibility,
)
from stakeholders.quality.models import (
    Application,
    Call,
    Label,
    OfferSession,
    ProcurementLot,
    Review,
    ReviewConflict,
    TrainingOffer,
)

__all__ = [
    "Agreement",
    "AgreementParty",
    "Application",
    "Assessment",
    "Attendance",
    "AuditChain",
    "AuditEvent",
    "Base",
    "BudgetLine",
    "Call",
    "Certificate",
    "ClaimLine",
    "Cohort",
    "Commitment",
    "Disbursement",
    "Enrollment",
    "Entitlement",
    "Escalation",
    "FeeSchedule",
    "FollowUp",
    "FundingRule",
    "IdempotencyKey",
    "Label",
    "OAuthClient",
    "OfferSession",
    "OutboxEvent",
    "Participant",
    "Party",
    "PaymentBatch",
    "Placement",
    "ProcurementLot",
    "Programme",
    "ProgressUpdate",
    "ReimbursementClaim",
    "Responsibility",
    "Review",
    "ReviewConflict",
    "SubsidyDecision",
    "Trainee",
    "TraineeContact",
    "TrainingOffer",
]
