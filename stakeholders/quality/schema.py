"""Quality's root fields and mutations."""

from __future__ import annotations

from operator import itemgetter
from typing import Annotated, Any

import strawberry

from stakeholders.common.mutations import Facts, run_mutation, stored_version
from stakeholders.common.relay import After, Connection, First, expect_global_id
from stakeholders.common.resolvers import Info
from stakeholders.declared import node_mutation
from stakeholders.parties.schema import own_or_named_party, party_id_by_code
from stakeholders.programmes.declared import programme_mutation
from stakeholders.programmes.schema import ProgrammeCode, programme_list, programme_page
from stakeholders.quality import actions as _actions  # noqa: F401 - adds viewerCan
from stakeholders.quality import applications, arguments, calls, decisions, labels, offers, reviews
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
    RecordReviewInput,
    RenewLabelInput,
    ReviewPayload,
    SubmitApplicationInput,
    TrainingOfferPayload,
    UpdateApplicationInput,
    UpdateTrainingOfferInput,
)
from stakeholders.quality.loaders import (
    CallByIdLoader,
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

    calls = programme_list(
        "Calls you may see (the public: opened ones), in id order.",
        Call,
        repo.readable_calls,
        repo.CALLS,
    )
    applications = programme_list(
        "Applications you may see, in id order.",
        Application,
        repo.readable_applications,
        repo.APPLICATIONS,
    )
    labels = programme_list(
        "Labels (public), in id order; statuses as of today.",
        Label,
        repo.readable_labels,
        repo.LABELS,
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
    create_training_offer = programme_mutation(
        "createTrainingOffer",
        "Write a new training offer of your operator (a draft).",
        CreateTrainingOfferInput,
        "The programme, the operator and the offer.",
        offers.create_offer,
        TrainingOfferPayload,
        args=arguments.new_offer_args,
        party=itemgetter("operator_party_id"),
    )

    update_training_offer = node_mutation(
        "updateTrainingOffer",
        "Rewrite a training offer of your operator.",
        UpdateTrainingOfferInput,
        "The offer, its version and its text.",
        offers.update_offer,
        TrainingOfferPayload,
        lock=OfferModel,
        args=arguments.with_text,
    )
    publish_training_offer = node_mutation(
        "publishTrainingOffer",
        "Publish a training offer of your operator to the public catalogue.",
        NodeVersionInput,
        "The offer and its version.",
        offers.publish_offer,
        TrainingOfferPayload,
        lock=OfferModel,
    )

    add_offer_session = node_mutation(
        "addOfferSession",
        "Name a cohort of yours as a session of your offer.",
        AddOfferSessionInput,
        "The offer, its version and the cohort.",
        offers.add_offer_session,
        TrainingOfferPayload,
        lock=OfferModel,
        args=arguments.session_args,
    )

    create_call = programme_mutation(
        "createCall",
        "Draft a call of a programme your party owns.",
        CreateCallInput,
        "The call and grid.",
        calls.create_call,
        CallPayload,
        args=arguments.call_args,
    )

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

    add_procurement_lot = node_mutation(
        "addProcurementLot",
        "Add a lot to a draft procurement call your party owns.",
        AddProcurementLotInput,
        "The call, its version and the lot.",
        calls.add_lot,
        LotPayload,
        node="Call",
        lock=CallModel,
        args=arguments.lot_args,
    )
    award_lot = node_mutation(
        "awardLot",
        "Award a lot of a closed procurement call to an operator.",
        AwardLotInput,
        "The lot, its version, the operator and your idempotency key.",
        calls.award_lot,
        LotPayload,
        lock=LotModel,
        idempotent=LotModel,
        args=arguments.award_args,
    )

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
        proposal = arguments.proposal(input.proposal)

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

    update_application = node_mutation(
        "updateApplication",
        "Rewrite your application while its call is open.",
        UpdateApplicationInput,
        "The application, its version and what it proposes now.",
        applications.update_application,
        ApplicationPayload,
        lock=ApplicationModel,
        args=arguments.proposal_args,
    )
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

    assign_reviewer = node_mutation(
        "assignReviewer",
        "Ask a person with no tie to the applicant to review it.",
        AssignReviewerInput,
        "The application and who reviews it.",
        reviews.assign_reviewer,
        ReviewPayload,
        node="Application",
        lock=ApplicationModel,
        args=arguments.reviewer_args,
    )
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

    renew_label = node_mutation(
        "renewLabel",
        "Renew a label in force through a new accepted application.",
        RenewLabelInput,
        "The label, its version and the accepted application for the same offer.",
        labels.renew_label,
        LabelPayload,
        lock=LabelModel,
        args=arguments.renewal_args,
    )

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
