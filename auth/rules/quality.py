"""Rules of quality: training offers, calls, applications, reviews, labels, procurement lots.

What a call, a published offer, a label or a lot says is public: the catalogue and the labels
are there to be read. An application is its applicant's, its reviewers' (while they review
it), the owner's and the auditors'. A review's scores and its reviewer's identity are the
reviewer's own, the owner's and the auditors': a fellow reviewer sees that a review exists,
never what it says, and the applicant never learns who reviewed (only the decision and its
motivation). Quality figures are the programme's parties' and its auditors'; the public gets
them through the observatory, small cells suppressed.
"""

from __future__ import annotations

from auth.relations import (
    ANY_ROW,
    APPLICANT,
    CALL_OPENED,
    LOT_PUBLISHED,
    OFFER_PUBLISHED,
    OWN_PARTY,
    PARTICIPANT,
    REVIEW_PANEL,
    REVIEWER,
    REVIEWING,
    SAME_AS_ROW,
    FieldRule,
    Grant,
    MutationRule,
    TypeRule,
)
from auth.rules.common import AUDITING, STAFF, TRAINERS, action, anyone, row_fields
from auth.rules.delivery import COORDINATING, OWNING, TRAINING

__all__ = ["QUALITY_FIELDS", "QUALITY_MUTATIONS", "QUALITY_TYPES", "QUALITY_VALUE_TYPES"]

APPLYING = Grant(TRAINERS, APPLICANT)
# Any person acting for a party may be asked to review, whatever their role: the assignment
# names them. An auditor reads and writes nothing of its own, reviews included.
SELF = Grant(STAFF, REVIEWER)
ON_PANEL = Grant(STAFF, REVIEWING)
FELLOW = Grant(STAFF, REVIEW_PANEL)
FIGURES = (*anyone(PARTICIPANT), AUDITING)
# What the programme's owner decides with, and its auditors check.
DECIDING = (OWNING, AUDITING)

QUALITY_TYPES: dict[str, TypeRule] = {
    "TrainingOffer": TypeRule(
        rows=(*anyone(OFFER_PUBLISHED), TRAINING, OWNING, COORDINATING, AUDITING),
        fields={
            **row_fields(
                "id code programme operator title objective content durationHours mode places "
                "price entryLevel audiences district formacode rome certification contact "
                "status publishedAt createdAt version sessions labels currentLabel"
            ),
            "budget": (TRAINING, *DECIDING),
            "figures": FIGURES,
        },
    ),
    "Call": TypeRule(
        rows=(*anyone(CALL_OPENED), OWNING, COORDINATING, AUDITING),
        columns={"stage": "status"},
        fields={
            **row_fields(
                "id code programme kind title description themes criteria overallThreshold "
                "priorities reviewsRequired opensAt closesAt status closedAt createdAt version "
                "lots applications viewerCan"
            ),
            "ranking": DECIDING,
        },
    ),
    "Application": TypeRule(
        rows=(APPLYING, ON_PANEL, *DECIDING),
        fields={
            **row_fields(
                "id call programme applicant offer lot title summary themes amount priorities "
                "status submittedAt decidedAt motivation label agreement version viewerCan"
            ),
            "reviews": (ON_PANEL, *DECIDING),
            "consolidated": DECIDING,
            "score": DECIDING,
            "derogation": DECIDING,
            "submittedBy": (APPLYING, *DECIDING),
            "decidedBy": DECIDING,
        },
    ),
    "Review": TypeRule(
        rows=(SELF, FELLOW, *DECIDING),
        fields={
            **row_fields("id application status assignedAt submittedAt version viewerCan"),
            **dict.fromkeys(["reviewer", "scores", "total"], (SELF, *DECIDING)),
        },
    ),
    "Label": TypeRule(
        rows=anyone(ANY_ROW),
        fields={
            **row_fields(
                "id offer programme operator status grantedOn surveillanceFrom "
                "surveillanceUntil expiresOn renews renewedBy version viewerCan"
            ),
            "statusReason": (TRAINING, *DECIDING),
            "application": (TRAINING, *DECIDING),
            "surveillance": (TRAINING, *DECIDING),
        },
    ),
    "ProcurementLot": TypeRule(
        rows=(*anyone(LOT_PUBLISHED), OWNING, COORDINATING, AUDITING),
        fields={
            **row_fields(
                "id code call programme title region places pricePerPlace status operator "
                "awardedOn usedPlaces version"
            ),
            "agreement": (TRAINING, *DECIDING),
            "figures": FIGURES,
        },
    ),
}

QUALITY_VALUE_TYPES = frozenset(
    {
        # Parts of a call, a review and a decision, shown where their holder is.
        "Criterion",
        "CallActions",
        "ApplicationActions",
        "ReviewActions",
        "LabelActions",
        # A session shows what a catalogue publishes of its cohort; the cohort keeps its rule.
        "OfferSession",
        "CriterionScore",
        "ConsolidatedScore",
        "ReviewerIdentity",
        "QualityFigures",
        "OperatorQuality",
    }
)

# Fields quality adds to earlier areas' types.
QUALITY_FIELDS: dict[str, dict[str, FieldRule]] = {
    "Programme": {
        "calls": SAME_AS_ROW,
        "trainingOffers": SAME_AS_ROW,
        "operatorQuality": FIGURES,
    },
}

OFFER_TEXT = (
    "code title objective content durationHours mode places price budget entryLevel audiences "
    "district formacode rome certification contact"
)

QUALITY_MUTATIONS: dict[str, MutationRule] = {
    "createTrainingOffer": action(
        (Grant(TRAINERS, OWN_PARTY),), "the operator party", "TrainingOffer", OFFER_TEXT
    ),
    "updateTrainingOffer": action((TRAINING,), "the offer", "TrainingOffer", OFFER_TEXT),
    "publishTrainingOffer": action((TRAINING,), "the offer", "TrainingOffer", "status"),
    "addOfferSession": action((TRAINING,), "the offer", "TrainingOffer", "sessions"),
    "createCall": action(
        (OWNING,),
        "the programme",
        "Call",
        "code kind title description themes criteria overallThreshold priorities "
        "reviewsRequired opensAt closesAt",
    ),
    "openCall": action((OWNING,), "the call", "Call", "status"),
    "closeCall": action((OWNING,), "the call", "Call", "status closedAt"),
    "addProcurementLot": action(
        (OWNING,), "the call", "ProcurementLot", "code title region places pricePerPlace"
    ),
    "awardLot": action(
        (OWNING,), "the lot", "ProcurementLot", "status operator awardedOn agreement"
    ),
    "submitApplication": action(
        (Grant(TRAINERS, OWN_PARTY),),
        "the applicant party",
        "Application",
        "offer lot title summary themes amount priorities",
    ),
    "updateApplication": action(
        (APPLYING,), "the application", "Application", "title summary themes amount priorities"
    ),
    "withdrawApplication": action((APPLYING,), "the application", "Application", "status"),
    "declareConflict": action((SELF,), "the declaring person", "Call", "reviewers"),
    "assignReviewer": action((OWNING,), "the application", "Review", "reviewer"),
    "recordReview": action((SELF,), "the review", "Review", "scores total status"),
    "decideApplication": action(
        (OWNING,), "the application", "Application", "status motivation derogation"
    ),
    "renewLabel": action((OWNING,), "the label", "Label", "renewedBy"),
    "suspendLabel": action((OWNING,), "the label", "Label", "status statusReason"),
    "reinstateLabel": action((OWNING,), "the label", "Label", "status statusReason"),
    "withdrawLabel": action((OWNING,), "the label", "Label", "status statusReason"),
}
