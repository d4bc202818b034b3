"""What may change in a programme in each state of its life, for every area at once.

An ACTIVE programme takes every action its rules allow. A DRAFT is being set up by its owner:
parties, agreements and duties, no delivery yet. A CLOSED programme keeps what happens after
training (hires, follow-ups, difficulties still open being answered) and nothing else.
An action named nowhere here is an ACTIVE programme's only.
"""

from __future__ import annotations

__all__ = ["ALWAYS", "OPEN_IN"]

SETTING_UP = frozenset(
    {
        "updateProgrammeStatus",
        "addParticipant",
        "createAgreement",
        "signAgreement",
        "assignResponsibility",
        "cancelResponsibility",
        "updateResponsibilityProgress",
        "raiseEscalation",
        "acknowledgeEscalation",
        "resolveEscalation",
        "setFundingRule",
        "setBudgetLine",
        # Sponsors commit and pay tranches from the convention's signature (GITEX).
        "recordCommitment",
        "recordDisbursement",
        "acknowledgeDisbursement",
        # The catalogue and the calls are prepared before the programme starts.
        "createTrainingOffer",
        "updateTrainingOffer",
        "publishTrainingOffer",
        "createCall",
        "addProcurementLot",
    }
)
# A label lives its three years whatever becomes of the programme that granted it.
LABELS = frozenset({"renewLabel", "suspendLabel", "reinstateLabel", "withdrawLabel"})
# A closed programme still settles what it owes for the training it gave.
SETTLING = frozenset(
    {
        "submitClaim",
        "verifyClaim",
        "approveClaim",
        "rejectClaim",
        "preparePaymentBatch",
        "approvePaymentBatch",
        "rejectPaymentBatch",
        "voidEntitlement",
        "recordPayment",
        "recordDisbursement",
        "acknowledgeDisbursement",
    }
)
AFTER_TRAINING = (
    frozenset(
        {
            "updateCohortStatus",
            "recordPlacement",
            "recordFollowUp",
            "acknowledgeEscalation",
            "resolveEscalation",
        }
    )
    | SETTLING
    | LABELS
)

# Actions that create the programme itself, or that no programme's state can stop.
ALWAYS = frozenset({"createProgramme"})

OPEN_IN: dict[str, frozenset[str]] = {"DRAFT": SETTING_UP, "CLOSED": AFTER_TRAINING}
