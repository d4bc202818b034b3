"""Quality's inputs and payloads: every field described; money decisions keyed."""

from __future__ import annotations

import datetime as dt

import strawberry

from stakeholders.common.words import IDEMPOTENCY_KEY, VERSION
from stakeholders.delivery.enums import CohortMode
from stakeholders.programmes.schema import MoneyInput
from stakeholders.quality.enums import CallKind, Theme
from stakeholders.quality.types import (
    Application,
    Call,
    Label,
    ProcurementLot,
    Review,
    TrainingOffer,
)

__all__ = [
    "AddOfferSessionInput",
    "AddProcurementLotInput",
    "ApplicationPayload",
    "AssignReviewerInput",
    "AwardLotInput",
    "CallPayload",
    "CreateCallInput",
    "CreateTrainingOfferInput",
    "CriterionInput",
    "DecideApplicationInput",
    "DeclareConflictInput",
    "LabelPayload",
    "LabelStandingInput",
    "LotPayload",
    "NodeVersionInput",
    "OfferTextInput",
    "ProposalInput",
    "RecordReviewInput",
    "RenewLabelInput",
    "ReviewPayload",
    "ScoreInput",
    "SubmitApplicationInput",
    "TrainingOfferPayload",
    "UpdateApplicationInput",
    "UpdateTrainingOfferInput",
]

ID = "Global ID of the object to change."


@strawberry.input(description="What an operator writes of its training (LHEO's formation).")
class OfferTextInput:
    code: str = strawberry.field(
        description="Code in the programme's catalogue: 1-40 upper-case letters, digits or "
        "inner hyphens; kept for ever."
    )
    title: str = strawberry.field(description="Title; 1-255 characters.")
    objective: str = strawberry.field(description="What the learner will be able to do.")
    content: str = strawberry.field(description="What is taught.")
    duration_hours: int = strawberry.field(description="Duration in hours, 1 to 10,000.")
    mode: CohortMode = strawberry.field(description="In person, online or blended.")
    places: int = strawberry.field(description="Places per session, 1 to 100,000.")
    price: MoneyInput = strawberry.field(description="Price of a place, programme's currency.")
    budget: MoneyInput = strawberry.field(description="The training's whole budget.")
    entry_level: str = strawberry.field(description="Level required to enter, in words.")
    audiences: list[str] = strawberry.field(
        default_factory=list, description="Priority audiences of the programme it targets."
    )
    district_code: str | None = strawberry.field(
        default=None, description="Code of the district where it takes place, if one."
    )
    formacode: list[str] = strawberry.field(
        default_factory=list, description="FORMACODE codes (five digits), where known."
    )
    rome: list[str] = strawberry.field(
        default_factory=list, description="ROME codes (a letter and four digits), where known."
    )
    certification: str | None = strawberry.field(
        default=None, description="The certification it leads to, if any."
    )
    contact: str | None = strawberry.field(
        default=None, description="Where a learner asks: a public address, never a person's."
    )


@strawberry.input(description="A new training offer, a draft until its operator publishes it.")
class CreateTrainingOfferInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    text: OfferTextInput = strawberry.field(description="The offer.")
    operator_code: str | None = strawberry.field(
        default=None, description="Code of the operator; your own party when left out."
    )


@strawberry.input(description="A training offer's text, rewritten.")
class UpdateTrainingOfferInput:
    id: strawberry.ID = strawberry.field(description=ID)
    version: int = strawberry.field(description=VERSION)
    text: OfferTextInput = strawberry.field(description="The offer (same code).")


@strawberry.input(description="An object named by its global ID and version.")
class NodeVersionInput:
    id: strawberry.ID = strawberry.field(description=ID)
    version: int = strawberry.field(description=VERSION)


@strawberry.input(description="A cohort of the offer's operator that runs the offer.")
class AddOfferSessionInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the offer.")
    version: int = strawberry.field(description=VERSION)
    cohort_id: strawberry.ID = strawberry.field(description="Global ID of the cohort.")


@strawberry.input(description="A criterion of a call's scoring grid.")
class CriterionInput:
    code: str = strawberry.field(description="Its code, e.g. PEDAGOGY.")
    name: str = strawberry.field(description="What it judges.")
    weight: float = strawberry.field(description="Its weight, above 0 and at most 100.")
    threshold: float = strawberry.field(
        description="Consolidated score (0-5) an accepted application reaches on it."
    )


@strawberry.input(description="A new call, a draft until its owner opens it.")
class CreateCallInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    code: str = strawberry.field(description="Code in the programme, e.g. LABEL-2021.")
    kind: CallKind = strawberry.field(description="Labelling, innovation or procurement.")
    title: str = strawberry.field(description="Title; 1-300 characters.")
    criteria: list[CriterionInput] = strawberry.field(description="The scoring grid.")
    opens_at: dt.datetime = strawberry.field(description="When it takes applications from.")
    closes_at: dt.datetime = strawberry.field(description="When it closes by itself.")
    description: str = strawberry.field(default="", description="What it asks for.")
    themes: list[Theme] = strawberry.field(
        default_factory=list, description="An innovation call's themes (at least one)."
    )
    overall_threshold: float = strawberry.field(
        default=0.0, description="Weighted total (0-5) an accepted application reaches."
    )
    priorities: list[str] = strawberry.field(
        default_factory=list, description="Priority audiences of the programme it favours."
    )
    reviews_required: int = strawberry.field(
        default=3, description="Submitted reviews an application needs before its decision."
    )


@strawberry.input(description="A lot of a procurement call, while the call is a draft.")
class AddProcurementLotInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the call.")
    version: int = strawberry.field(description=VERSION)
    code: str = strawberry.field(description="Code in the call, e.g. LOT-HDF.")
    title: str = strawberry.field(description="What it buys.")
    region_code: str = strawberry.field(description="Code of the region (a party) it covers.")
    places: int = strawberry.field(description="Places bought, 1 to 100,000.")
    price_per_place: MoneyInput = strawberry.field(description="Price of a place.")


@strawberry.input(description="A lot awarded to an operator; its cost charged to the budget.")
class AwardLotInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the lot.")
    version: int = strawberry.field(description=VERSION)
    operator_code: str = strawberry.field(description="Code of the operator awarded it.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    budget_line_code: str | None = strawberry.field(
        default=None, description="Budget line charged, if one."
    )


@strawberry.input(description="What an application proposes.")
class ProposalInput:
    title: str = strawberry.field(description="Title of the training or project.")
    summary: str = strawberry.field(default="", description="What is proposed.")
    themes: list[Theme] = strawberry.field(
        default_factory=list, description="Themes a project addresses (innovation calls)."
    )
    amount: MoneyInput | None = strawberry.field(
        default=None,
        description="Amount asked: a project's grant, or a label's start-up subsidy (at most "
        "80% of the offer's budget).",
    )
    priorities: list[str] = strawberry.field(
        default_factory=list, description="The call's priority criteria it claims to meet."
    )


@strawberry.input(description="An application to an open call.")
class SubmitApplicationInput:
    call_id: strawberry.ID = strawberry.field(description="Global ID of the call.")
    proposal: ProposalInput = strawberry.field(description="What is proposed.")
    offer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The published offer to label (labelling calls)."
    )
    lot_id: strawberry.ID | None = strawberry.field(
        default=None, description="The lot bid for (procurement calls)."
    )
    applicant_code: str | None = strawberry.field(
        default=None, description="Code of the applicant; your own party when left out."
    )


@strawberry.input(description="An application rewritten while its call is open.")
class UpdateApplicationInput:
    id: strawberry.ID = strawberry.field(description=ID)
    version: int = strawberry.field(description=VERSION)
    proposal: ProposalInput = strawberry.field(description="What is proposed now.")


@strawberry.input(description="Your conflict of interest with a party, for a call.")
class DeclareConflictInput:
    call_id: strawberry.ID = strawberry.field(description="Global ID of the call.")
    party_code: str = strawberry.field(description="Code of the party you are tied to.")
    reason: str = strawberry.field(description="The tie, in words.")


@strawberry.input(description="A person asked to review an application.")
class AssignReviewerInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the application.")
    reviewer_sub: str = strawberry.field(description="The person's subject (token sub).")
    reviewer_party_code: str = strawberry.field(
        description="Code of the party they review for: not the applicant, above or below it."
    )


@strawberry.input(description="A score on one criterion, with its comment.")
class ScoreInput:
    criterion: str = strawberry.field(description="The criterion's code.")
    score: int = strawberry.field(description="0 (absent) to 5 (excellent).")
    comment: str = strawberry.field(description="Why this score.")


@strawberry.input(description="Your scores of an application, submitted once.")
class RecordReviewInput:
    id: strawberry.ID = strawberry.field(description="Global ID of your review.")
    version: int = strawberry.field(description=VERSION)
    scores: list[ScoreInput] = strawberry.field(description="One score per criterion.")


@strawberry.input(description="The decision on an application of a closed call.")
class DecideApplicationInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the application.")
    version: int = strawberry.field(description=VERSION)
    accept: bool = strawberry.field(description="True to accept, false to reject.")
    motivation: str = strawberry.field(description="The motivation the applicant reads.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    derogation: str | None = strawberry.field(
        default=None, description="Why it is accepted below a threshold of the grid, if it is."
    )
    budget_line_code: str | None = strawberry.field(
        default=None, description="Budget line a grant is charged to, if one."
    )


@strawberry.input(description="A label renewed by a new accepted application.")
class RenewLabelInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the label.")
    version: int = strawberry.field(description=VERSION)
    application_id: strawberry.ID = strawberry.field(
        description="The accepted labelling application for the same offer."
    )


@strawberry.input(description="A label suspended, reinstated or withdrawn, with the reason.")
class LabelStandingInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the label.")
    version: int = strawberry.field(description=VERSION)
    reason: str = strawberry.field(description="Why, in words (the holder reads it).")


@strawberry.type(description="The training offer changed.")
class TrainingOfferPayload:
    training_offer: TrainingOffer = strawberry.field(description="The offer.")


@strawberry.type(description="The call changed.")
class CallPayload:
    call: Call = strawberry.field(description="The call.")


@strawberry.type(description="The lot changed.")
class LotPayload:
    procurement_lot: ProcurementLot = strawberry.field(description="The lot.")


@strawberry.type(description="The application changed.")
class ApplicationPayload:
    application: Application = strawberry.field(description="The application.")


@strawberry.type(description="The review changed.")
class ReviewPayload:
    review: Review = strawberry.field(description="The review.")


@strawberry.type(description="The label changed (or the new label, for a renewal).")
class LabelPayload:
    label: Label = strawberry.field(description="The label.")
