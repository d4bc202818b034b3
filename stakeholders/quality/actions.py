"""What the caller may do now to a call, an application, a review or a label (`viewerCan`):
the policy and the object's state today, so that a frontend enables the right buttons."""

from __future__ import annotations

import strawberry

from auth.policy import may
from stakeholders.common.extending import add_field
from stakeholders.common.resolvers import Info
from stakeholders.quality import calendar
from stakeholders.quality import loaders as ld
from stakeholders.quality.enums import (
    ApplicationStatus,
    CallKind,
    CallStatus,
    LabelStatus,
    ReviewStatus,
)
from stakeholders.quality.types import Application, Call, Label, Review

__all__ = ["ApplicationActions", "CallActions", "LabelActions", "ReviewActions"]


@strawberry.type(description="What you may do to this call now (to enable buttons).")
class CallActions:
    open: bool = strawberry.field(description="openCall")
    close: bool = strawberry.field(description="closeCall")
    add_lot: bool = strawberry.field(description="addProcurementLot")


@strawberry.type(description="What you may do to this application now (to enable buttons).")
class ApplicationActions:
    update: bool = strawberry.field(description="updateApplication")
    withdraw: bool = strawberry.field(description="withdrawApplication")
    assign_reviewer: bool = strawberry.field(description="assignReviewer")
    decide: bool = strawberry.field(description="decideApplication")


@strawberry.type(description="What you may do to this review now (to enable buttons).")
class ReviewActions:
    record: bool = strawberry.field(description="recordReview")


@strawberry.type(description="What you may do to this label now (to enable buttons).")
class LabelActions:
    renew: bool = strawberry.field(description="renewLabel")
    suspend: bool = strawberry.field(description="suspendLabel")
    reinstate: bool = strawberry.field(description="reinstateLabel")
    withdraw: bool = strawberry.field(description="withdrawLabel")


def call_actions(root: Call, info: Info) -> CallActions:
    principal = info.context.principal
    draft = root.status is CallStatus.DRAFT
    return CallActions(
        open=draft and may(principal, "openCall", root),
        close=root.status is CallStatus.OPEN and may(principal, "closeCall", root),
        add_lot=draft
        and root.kind is CallKind.PROCUREMENT
        and may(principal, "addProcurementLot", root),
    )


async def application_actions(root: Application, info: Info) -> ApplicationActions:
    principal = info.context.principal
    call = await info.context.loaders.get(ld.CallByIdLoader).load(root.call_pk)
    stage = calendar.call_status(call.status, call.closes_at) if call is not None else None
    pending = root.status is ApplicationStatus.SUBMITTED
    editable = pending and stage is CallStatus.OPEN
    reviews = await info.context.loaders.get(ld.ReviewsByApplicationLoader).load(
        root.application_id
    )
    reviewer = principal.sub in {r.reviewer_sub for r in reviews}
    return ApplicationActions(
        update=editable and may(principal, "updateApplication", root),
        withdraw=editable and may(principal, "withdrawApplication", root),
        assign_reviewer=pending and may(principal, "assignReviewer", root),
        decide=pending
        and stage is CallStatus.CLOSED
        and not reviewer
        and may(principal, "decideApplication", root),
    )


async def review_actions(root: Review, info: Info) -> ReviewActions:
    call = await info.context.loaders.get(ld.CallByIdLoader).load(root.call_pk)
    closed = call is not None and calendar.call_status(call.status, call.closes_at) is (
        CallStatus.CLOSED
    )
    return ReviewActions(
        record=root.status is ReviewStatus.ASSIGNED
        and closed
        and may(info.context.principal, "recordReview", root)
    )


def label_actions(root: Label, info: Info) -> LabelActions:
    principal = info.context.principal
    live = root.status in calendar.LIVE
    return LabelActions(
        renew=live and may(principal, "renewLabel", root),
        suspend=live and may(principal, "suspendLabel", root),
        reinstate=root.status is LabelStatus.SUSPENDED and may(principal, "reinstateLabel", root),
        withdraw=(live or root.status is LabelStatus.SUSPENDED)
        and may(principal, "withdrawLabel", root),
    )


WORDS = "What the policy lets you do to it now."
add_field(Call, "viewer_can", call_actions, description=WORDS)
add_field(Application, "viewer_can", application_actions, description=WORDS)
add_field(Review, "viewer_can", review_actions, description=WORDS)
add_field(Label, "viewer_can", label_actions, description=WORDS)
