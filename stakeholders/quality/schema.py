"""Quality's root fields and mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from stakeholders.common.mutations import Facts, run_mutation, stored_version
from stakeholders.common.relay import After, Connection, First, expect_global_id
from stakeholders.common.resolvers import Info
from stakeholders.declared import node_mutation
from stakeholders.errors import BadInput
from stakeholders.idempotency import once_for
from stakeholders.parties.schema import optional_party_id, own_or_named_party, party_id_by_code
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.schema import (
    ProgrammeCode,
    programme_by_id,
    programme_page,
    programme_target,
)
from stakeholders.quality import applications, calls, decisions, labels, offers, reviews
from stakeholders.quality import extensions as _extensions  # noqa: F401 - adds quality's fields
from stakeholders.quality import repository as repo
from stakeholders.quality.calendar import today
from stakeholders.quality.inputs import (
    AddOfferSessionInput,
    AddProcurementLotInput,
    ApplicationPayload,
    AssignReviewerInput,
    AwardLotInput,
    CallPayload,
    CreateCallInput,
    CreateTrainingOfferInput,
    DecideApplicationInput,
    DeclareConflictInput,
    LabelPayload,
    LabelStandingInput,
    LotPayload,
    NodeVersionInput,
    OfferTextInput,
    ProposalInput,
    RecordReviewInput,
    RenewLabelInput,
    ReviewPayload,
    SubmitApplicationInput,
    TrainingOfferPayload,
    UpdateApplicationInput,
    UpdateTrainingOfferInput,
)
from stakeholders.quality.loaders import (
    ApplicationByIdLoader,
    CallByIdLoader,
    LabelByIdLoader,
    LotByIdLoader,
    OfferByIdLoader,
)
from stakeholders.quality.models import Application as ApplicationModel
from stakeholders.quality.models import Call as CallModel
from stakeholders.quality.models import Label as LabelModel
from stakeholders.quality.models import ProcurementLot as LotModel
from stakeholders.quality.models import Review as ReviewModel
from stakeholders.quality.models import TrainingOffer as OfferModel
from stakeholders.quality.types import (
    Application,
    Call,
    Label,
    ProcurementLot,
    Review,
    TrainingOffer,
)
from stakeholders.writes import get_for_update

__all__ = ["QualityMutation", "QualityQuery"]

LabelledOnly = Annotated[
    bool,
    strawberry.argument(description="Only offers holding a label in force today."),
]


@strawberry.type
class QualityQuery:
    @strawberry.field(description="Training offers you may see (the public: published), id order.")
    async def training_offers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        labelled: LabelledOnly = False,
    ) -> Connection[TrainingOffer] | None:
        readable = repo.readable_offers(info.context.principal)
        if labelled:
            live = repo.live_labels(today()).subquery()
            readable = readable.where(
                repo.OFFERS.c.id.in_(live.select().with_only_columns(live.c.offer_id))
            )
        return await programme_page(
            info, readable, repo.OFFERS, TrainingOffer.from_row, first, after, programme
        )

    @strawberry.field(description="Calls you may see (the public: opened ones), in id order.")
    async def calls(
        self, info: Info, first: First = None, after: After = None, programme: ProgrammeCode = None
    ) -> Connection[Call] | None:
        readable = repo.readable_calls(info.context.principal)
        return await programme_page(
            info, readable, repo.CALLS, Call.from_row, first, after, programme
        )

    @strawberry.field(description="Applications you may see, in id order.")
    async def applications(
        self, info: Info, first: First = None, after: After = None, programme: ProgrammeCode = None
    ) -> Connection[Application] | None:
        readable = repo.readable_applications(info.context.principal)
        return await programme_page(
            info, readable, repo.APPLICATIONS, Application.from_row, first, after, programme
        )

    @strawberry.field(description="Labels (public), in id order; statuses as of today.")
    async def labels(
        self, info: Info, first: First = None, after: After = None, programme: ProgrammeCode = None
    ) -> Connection[Label] | None:
        readable = repo.readable_labels(info.context.principal)
        return await programme_page(
            info, readable, repo.LABELS, Label.from_row, first, after, programme
        )


async def _offer_text(info: Info, data: OfferTextInput) -> offers.OfferText:
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


def _proposal(data: ProposalInput) -> applications.Proposal:
    amount = data.amount
    return applications.Proposal(
        title=data.title,
        summary=data.summary,
        themes=list(data.themes),
        amount_minor=amount.amount_minor if amount is not None else None,
        currency=amount.currency if amount is not None else None,
        priorities=list(data.priorities),
    )


async def _locked(
    info: Info,
    action: str,
    gid: str,
    type_name: str,
    loader: Any,
    model: Any,
    change: Any,
    facts: Any = None,
) -> Any:
    """`change(row)` on the object `gid` names, as the caller sees it, its row locked."""
    ctx = info.context
    pk = expect_global_id(gid, type_name)
    seen = await ctx.loaders.get(loader).load(pk)
    target = facts(seen) if facts is not None and seen is not None else seen

    async def work() -> Any:
        return await change(await get_for_update(ctx.session, model, pk))

    return await run_mutation(ctx, action, target, work, stored=stored_version(loader.table, pk))


@strawberry.type
class QualityMutation:
    @strawberry.mutation(description="Write a new training offer of your operator (a draft).")
    async def create_training_offer(
        self,
        info: Info,
        input: Annotated[
            CreateTrainingOfferInput,
            strawberry.argument(description="The programme, the operator and the offer."),
        ],
    ) -> TrainingOfferPayload | None:
        ctx = info.context
        operator = await own_or_named_party(info, input.operator_code, "operatorCode")
        pk, row = await programme_by_id(info, input.programme_id, "programmeId")
        text = await _offer_text(info, input.text)

        async def work() -> Any:
            programme = await get_for_update(ctx.session, ProgrammeModel, pk)
            return await offers.create_offer(
                ctx.session,
                ctx.principal,
                programme=programme,
                operator_party_id=operator,
                text=text,
            )

        facts = Facts(party_id=operator, programme_id=pk) if row is not None else None
        offer = await run_mutation(ctx, "createTrainingOffer", facts, work)
        return TrainingOfferPayload(training_offer=TrainingOffer.from_row(offer))

    @strawberry.mutation(description="Rewrite a training offer of your operator.")
    async def update_training_offer(
        self,
        info: Info,
        input: Annotated[
            UpdateTrainingOfferInput,
            strawberry.argument(description="The offer, its version, text."),
        ],
    ) -> TrainingOfferPayload | None:
        ctx = info.context
        text = await _offer_text(info, input.text)

        def change(offer: OfferModel) -> Any:
            return offers.update_offer(
                ctx.session, ctx.principal, training_offer=offer, version=input.version, text=text
            )

        offer = await _locked(
            info,
            "updateTrainingOffer",
            input.id,
            "TrainingOffer",
            OfferByIdLoader,
            OfferModel,
            change,
        )
        return TrainingOfferPayload(training_offer=TrainingOffer.from_row(offer))

    publish_training_offer = node_mutation(
        "publishTrainingOffer",
        "Publish a training offer of your operator to the public catalogue.",
        NodeVersionInput,
        "The offer and its version.",
        offers.publish_offer,
        TrainingOfferPayload,
        lock=OfferModel,
    )

    @strawberry.mutation(description="Name a cohort of yours as a session of your offer.")
    async def add_offer_session(
        self,
        info: Info,
        input: Annotated[
            AddOfferSessionInput, strawberry.argument(description="The offer, version, cohort.")
        ],
    ) -> TrainingOfferPayload | None:
        ctx = info.context
        cohort = expect_global_id(input.cohort_id, "Cohort", field="cohortId")

        def change(offer: OfferModel) -> Any:
            return offers.add_offer_session(
                ctx.session,
                ctx.principal,
                training_offer=offer,
                version=input.version,
                cohort_id=cohort,
            )

        offer = await _locked(
            info, "addOfferSession", input.id, "TrainingOffer", OfferByIdLoader, OfferModel, change
        )
        return TrainingOfferPayload(training_offer=TrainingOffer.from_row(offer))

    @strawberry.mutation(description="Draft a call of a programme your party owns.")
    async def create_call(
        self,
        info: Info,
        input: Annotated[CreateCallInput, strawberry.argument(description="The call and grid.")],
    ) -> CallPayload | None:
        ctx = info.context
        pk, row = await programme_by_id(info, input.programme_id, "programmeId")
        text = calls.CallText(
            code=input.code,
            kind=input.kind,
            title=input.title,
            description=input.description,
            themes=list(input.themes),
            criteria=[
                {"code": c.code, "name": c.name, "weight": c.weight, "threshold": c.threshold}
                for c in input.criteria
            ],
            overall_threshold=input.overall_threshold,
            priorities=list(input.priorities),
            reviews_required=input.reviews_required,
            opens_at=input.opens_at,
            closes_at=input.closes_at,
        )

        async def work() -> Any:
            programme = await get_for_update(ctx.session, ProgrammeModel, pk)
            return await calls.create_call(
                ctx.session, ctx.principal, programme=programme, text=text
            )

        call = await run_mutation(ctx, "createCall", programme_target(row), work)
        return CallPayload(call=Call.from_row(call))

    open_call = node_mutation(
        "openCall",
        "Open a draft call of a programme your party owns.",
        NodeVersionInput,
        "The call and its version.",
        calls.open_call,
        CallPayload,
        lock=CallModel,
    )
    close_call = node_mutation(
        "closeCall",
        "Close an open call before its closing time (it closes by itself at that time).",
        NodeVersionInput,
        "The call and its version.",
        calls.close_call,
        CallPayload,
        lock=CallModel,
    )

    @strawberry.mutation(description="Add a lot to a draft procurement call your party owns.")
    async def add_procurement_lot(
        self,
        info: Info,
        input: Annotated[AddProcurementLotInput, strawberry.argument(description="The lot.")],
    ) -> LotPayload | None:
        ctx = info.context
        lot = calls.LotText(
            code=input.code,
            title=input.title,
            region_party_id=await party_id_by_code(info, input.region_code, "regionCode"),
            places=input.places,
            price_per_place_minor=input.price_per_place.amount_minor,
            currency=input.price_per_place.currency,
        )

        def change(call: CallModel) -> Any:
            return calls.add_lot(
                ctx.session, ctx.principal, call=call, version=input.version, lot=lot
            )

        row = await _locked(
            info, "addProcurementLot", input.id, "Call", CallByIdLoader, CallModel, change
        )
        return LotPayload(procurement_lot=ProcurementLot.from_row(row))

    @strawberry.mutation(description="Award a lot of a closed procurement call to an operator.")
    async def award_lot(
        self,
        info: Info,
        input: Annotated[AwardLotInput, strawberry.argument(description="The lot, the operator.")],
    ) -> LotPayload | None:
        ctx = info.context
        operator = await party_id_by_code(info, input.operator_code, "operatorCode")

        async def change(lot: LotModel) -> Any:
            return await once_for(
                ctx,
                "awardLot",
                input,
                LotModel,
                lambda: calls.award_lot(
                    ctx.session,
                    ctx.principal,
                    procurement_lot=lot,
                    version=input.version,
                    operator_party_id=operator,
                    budget_line_code=input.budget_line_code,
                ),
            )

        row = await _locked(
            info, "awardLot", input.id, "ProcurementLot", LotByIdLoader, LotModel, change
        )
        return LotPayload(procurement_lot=ProcurementLot.from_row(row))

    @strawberry.mutation(description="Apply to an open call, for your party.")
    async def submit_application(
        self,
        info: Info,
        input: Annotated[
            SubmitApplicationInput, strawberry.argument(description="The call, what.")
        ],
    ) -> ApplicationPayload | None:
        ctx = info.context
        applicant = await own_or_named_party(info, input.applicant_code, "applicantCode")
        offer = (
            expect_global_id(input.offer_id, "TrainingOffer", field="offerId")
            if input.offer_id is not None
            else None
        )
        lot = (
            expect_global_id(input.lot_id, "ProcurementLot", field="lotId")
            if input.lot_id is not None
            else None
        )
        proposal = _proposal(input.proposal)

        def change(call: CallModel) -> Any:
            return applications.submit_application(
                ctx.session,
                ctx.principal,
                call=call,
                applicant_party_id=applicant,
                offer_id=offer,
                lot_id=lot,
                proposal=proposal,
            )

        row = await _locked(
            info,
            "submitApplication",
            input.call_id,
            "Call",
            CallByIdLoader,
            CallModel,
            change,
            facts=lambda seen: Facts(party_id=applicant, programme_id=seen.programme_id),
        )
        return ApplicationPayload(application=Application.from_row(row))

    @strawberry.mutation(description="Rewrite your application while its call is open.")
    async def update_application(
        self,
        info: Info,
        input: Annotated[UpdateApplicationInput, strawberry.argument(description="What, now.")],
    ) -> ApplicationPayload | None:
        ctx = info.context
        proposal = _proposal(input.proposal)

        def change(application: ApplicationModel) -> Any:
            return applications.update_application(
                ctx.session,
                ctx.principal,
                application=application,
                version=input.version,
                proposal=proposal,
            )

        row = await _locked(
            info,
            "updateApplication",
            input.id,
            "Application",
            ApplicationByIdLoader,
            ApplicationModel,
            change,
        )
        return ApplicationPayload(application=Application.from_row(row))

    withdraw_application = node_mutation(
        "withdrawApplication",
        "Withdraw your application while its call is open.",
        NodeVersionInput,
        "The application and its version.",
        applications.withdraw_application,
        ApplicationPayload,
        lock=ApplicationModel,
    )

    @strawberry.mutation(description="Declare your conflict of interest with a party, for a call.")
    async def declare_conflict(
        self,
        info: Info,
        input: Annotated[
            DeclareConflictInput, strawberry.argument(description="The call, the tie.")
        ],
    ) -> CallPayload | None:
        ctx = info.context
        party = await party_id_by_code(info, input.party_code, "partyCode")

        def change(call: CallModel) -> Any:
            return reviews.declare_conflict(
                ctx.session, ctx.principal, call=call, party_id=party, reason=input.reason
            )

        row = await _locked(
            info,
            "declareConflict",
            input.call_id,
            "Call",
            CallByIdLoader,
            CallModel,
            change,
            facts=lambda seen: Facts(
                reviewer_sub=ctx.principal.sub, programme_id=seen.programme_id
            ),
        )
        return CallPayload(call=Call.from_row(row))

    @strawberry.mutation(description="Ask a person with no tie to the applicant to review it.")
    async def assign_reviewer(
        self,
        info: Info,
        input: Annotated[AssignReviewerInput, strawberry.argument(description="Who reviews.")],
    ) -> ReviewPayload | None:
        ctx = info.context
        party = await party_id_by_code(info, input.reviewer_party_code, "reviewerPartyCode")

        def change(application: ApplicationModel) -> Any:
            return reviews.assign_reviewer(
                ctx.session,
                ctx.principal,
                application=application,
                reviewer_sub=input.reviewer_sub,
                reviewer_party_id=party,
            )

        row = await _locked(
            info,
            "assignReviewer",
            input.id,
            "Application",
            ApplicationByIdLoader,
            ApplicationModel,
            change,
        )
        return ReviewPayload(review=Review.from_row(row))

    record_review = node_mutation(
        "recordReview",
        "Submit your scores of an application you were asked to review.",
        RecordReviewInput,
        "Your review, its version and a score per criterion.",
        reviews.record_review,
        ReviewPayload,
        lock=ReviewModel,
    )
    decide_application = node_mutation(
        "decideApplication",
        "Decide an application of a closed call of a programme your party owns.",
        DecideApplicationInput,
        "The application, its version, the decision and its motivation.",
        decisions.decide_application,
        ApplicationPayload,
        lock=ApplicationModel,
        idempotent=ApplicationModel,
    )

    @strawberry.mutation(description="Renew a label in force through a new accepted application.")
    async def renew_label(
        self,
        info: Info,
        input: Annotated[RenewLabelInput, strawberry.argument(description="Label, application.")],
    ) -> LabelPayload | None:
        ctx = info.context
        application = expect_global_id(input.application_id, "Application", field="applicationId")

        def change(label: LabelModel) -> Any:
            return labels.renew_label(
                ctx.session,
                ctx.principal,
                label=label,
                version=input.version,
                application_id=application,
            )

        row = await _locked(
            info, "renewLabel", input.id, "Label", LabelByIdLoader, LabelModel, change
        )
        return LabelPayload(label=Label.from_row(await _with_status(ctx, row)))

    suspend_label = node_mutation(
        "suspendLabel",
        "Suspend a label of a programme your party owns, with the reason.",
        LabelStandingInput,
        "The label, its version and the reason.",
        labels.suspend_label,
        LabelPayload,
        lock=LabelModel,
    )
    reinstate_label = node_mutation(
        "reinstateLabel",
        "Lift a label's suspension, with the reason.",
        LabelStandingInput,
        "The label, its version and the reason.",
        labels.reinstate_label,
        LabelPayload,
        lock=LabelModel,
    )
    withdraw_label = node_mutation(
        "withdrawLabel",
        "Withdraw a label for good, with the reason.",
        LabelStandingInput,
        "The label, its version and the reason.",
        labels.withdraw_label,
        LabelPayload,
        lock=LabelModel,
    )


async def _with_status(ctx: Any, label: LabelModel) -> Any:
    """The label as its readers see it: with its surveillance's status beside it."""
    rows = await ctx.loaders.rows(
        repo.readable_labels(ctx.principal).where(repo.LABELS.c.id == label.id)
    )
    return rows[0] if rows else label
