"""What quality's mutations make of their inputs for the services: codes and global IDs to
ids, inputs to the services' specs (validated there)."""

from __future__ import annotations

from typing import Any

from stakeholders.common.relay import expect_global_id
from stakeholders.common.resolvers import Info
from stakeholders.errors import BadInput
from stakeholders.parties.schema import optional_party_id, own_or_named_party, party_id_by_code
from stakeholders.quality import applications, calls, offers
from stakeholders.quality.inputs import (
    AddOfferSessionInput,
    AddProcurementLotInput,
    AssignReviewerInput,
    AwardLotInput,
    CreateCallInput,
    CreateTrainingOfferInput,
    OfferTextInput,
    ProposalInput,
    RenewLabelInput,
    UpdateApplicationInput,
)

__all__ = [
    "award_args",
    "call_args",
    "lot_args",
    "new_offer_args",
    "offer_text",
    "proposal",
    "proposal_args",
    "renewal_args",
    "reviewer_args",
    "session_args",
    "with_text",
]


async def offer_text(info: Info, data: OfferTextInput) -> offers.OfferText:
    if data.price.currency != data.budget.currency:
        raise BadInput("price and budget are in the same currency", field="budget")
    return offers.OfferText(
        code=data.code,
        title=data.title,
        objective=data.objective,
        content=data.content,
        duration_hours=data.duration_hours,
        mode=data.mode,
        places=data.places,
        price_minor=data.price.amount_minor,
        budget_minor=data.budget.amount_minor,
        currency=data.price.currency,
        entry_level=data.entry_level,
        audiences=list(data.audiences),
        district_party_id=await optional_party_id(info, data.district_code, "districtCode"),
        formacode=list(data.formacode),
        rome=list(data.rome),
        certification=data.certification,
        contact=data.contact,
    )


async def new_offer_args(info: Info, data: CreateTrainingOfferInput) -> dict[str, Any]:
    operator = await own_or_named_party(info, data.operator_code, "operatorCode")
    return {"operator_party_id": operator, "text": await offer_text(info, data.text)}


async def call_args(_: Info, data: CreateCallInput) -> dict[str, Any]:
    criteria = [
        {"code": c.code, "name": c.name, "weight": c.weight, "threshold": c.threshold}
        for c in data.criteria
    ]
    text = calls.CallText(
        code=data.code,
        kind=data.kind,
        title=data.title,
        description=data.description,
        themes=list(data.themes),
        criteria=criteria,
        overall_threshold=data.overall_threshold,
        priorities=list(data.priorities),
        reviews_required=data.reviews_required,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
    )
    return {"text": text}


def proposal(data: ProposalInput) -> applications.Proposal:
    amount = data.amount
    return applications.Proposal(
        title=data.title,
        summary=data.summary,
        themes=list(data.themes),
        amount_minor=amount.amount_minor if amount is not None else None,
        currency=amount.currency if amount is not None else None,
        priorities=list(data.priorities),
    )


async def with_text(info: Info, data: Any) -> dict[str, Any]:
    return {"version": data.version, "text": await offer_text(info, data.text)}


async def session_args(_: Info, data: AddOfferSessionInput) -> dict[str, Any]:
    cohort = expect_global_id(data.cohort_id, "Cohort", field="cohortId")
    return {"version": data.version, "cohort_id": cohort}


async def lot_args(info: Info, data: AddProcurementLotInput) -> dict[str, Any]:
    lot = calls.LotText(
        code=data.code,
        title=data.title,
        region_party_id=await party_id_by_code(info, data.region_code, "regionCode"),
        places=data.places,
        price_per_place_minor=data.price_per_place.amount_minor,
        currency=data.price_per_place.currency,
    )
    return {"version": data.version, "lot": lot}


async def award_args(info: Info, data: AwardLotInput) -> dict[str, Any]:
    return {
        "version": data.version,
        "operator_party_id": await party_id_by_code(info, data.operator_code, "operatorCode"),
        "budget_line_code": data.budget_line_code,
    }


async def proposal_args(_: Info, data: UpdateApplicationInput) -> dict[str, Any]:
    return {"version": data.version, "proposal": proposal(data.proposal)}


async def reviewer_args(info: Info, data: AssignReviewerInput) -> dict[str, Any]:
    party = await party_id_by_code(info, data.reviewer_party_code, "reviewerPartyCode")
    return {"reviewer_sub": data.reviewer_sub, "reviewer_party_id": party}


async def renewal_args(_: Info, data: RenewLabelInput) -> dict[str, Any]:
    application = expect_global_id(data.application_id, "Application", field="applicationId")
    return {"version": data.version, "application_id": application}
