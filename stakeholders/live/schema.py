"""The subscriptions: a change announced in the outbox, delivered as the row now reads to you.

Each event is re-read through the type's `readable(principal)` loader, as `node(id:)` reads
it, and its fields resolve under the same field rules as a query's: a party hears only of
rows it may read, sees only the fields it may read, and an unrelated party hears nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Any

import strawberry

from auth import policy
from auth.errors import Forbidden, Unauthenticated
from stakeholders.common.relay import expect_global_id, to_global_id
from stakeholders.common.resolvers import Info, load_node
from stakeholders.delivery.types import Enrollment
from stakeholders.errors import BadInput
from stakeholders.funding.types import ReimbursementClaim
from stakeholders.live.broker import Change, Interest
from stakeholders.live.link import link_of
from stakeholders.programmes.loaders import ProgrammeByCodeLoader
from stakeholders.programmes.work_types import Responsibility

__all__ = ["LiveSubscription"]

MAX_EVENT_ID = 2**63 - 1

ProgrammeArgument = Annotated[
    str, strawberry.argument(description="Code of the programme, e.g. BD-DIGITAL-SKILLS-2025.")
]
CohortArgument = Annotated[strawberry.ID, strawberry.argument(description="Global ID of a cohort.")]
AfterArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description=(
            "Resume: first every stored change after this eventId (the last one you received), "
            "then the new ones. Without it, only changes committed from now on."
        )
    ),
]


@strawberry.interface(description="A change announced once its transaction committed.")
class ChangeEvent:
    event_id: strawberry.ID = strawberry.field(
        description="The event's number, increasing in commit order: resume after it with after:."
    )
    at: dt.datetime = strawberry.field(description="When the change was recorded (UTC).")
    action: str = strawberry.field(
        description="The mutation that made it, e.g. updateResponsibilityProgress."
    )


@strawberry.type(description="A responsibility changed: the row as you may read it now.")
class ResponsibilityEvent(ChangeEvent):
    responsibility: Responsibility = strawberry.field(
        description="The responsibility as stored when the event is delivered."
    )


@strawberry.type(description="An enrolment changed: the row as you may read it now.")
class EnrollmentEvent(ChangeEvent):
    enrollment: Enrollment = strawberry.field(
        description="The enrolment as stored when the event is delivered."
    )


@strawberry.type(description="A reimbursement claim changed: the row as you may read it now.")
class ClaimEvent(ChangeEvent):
    claim: ReimbursementClaim = strawberry.field(
        description="The claim as stored when the event is delivered."
    )


def _event_id(after: strawberry.ID | None) -> int | None:
    if after is None:
        return None
    text = str(after)
    if not text.isascii() or not text.isdigit() or int(text) > MAX_EVENT_ID:
        raise BadInput("after must be an eventId you received", field="after")
    return int(text)


def _head(change: Change) -> dict[str, Any]:
    return {"event_id": strawberry.ID(str(change.id)), "at": change.at, "action": change.action}


async def _programme_id(info: Info, code: str) -> int:
    async with link_of(info.context).reading(info.context) as context:
        row = await context.loaders.get(ProgrammeByCodeLoader).load(code)
    if row is None:
        raise BadInput(f"no programme you may see has the code {code!r}", field="programme")
    return int(row.id)


async def _cohort_id(info: Info, cohort: strawberry.ID) -> int:
    pk = expect_global_id(str(cohort), "Cohort", field="cohort")
    async with link_of(info.context).reading(info.context) as context:
        found = await load_node(context, str(cohort), expected="Cohort")
    if found is None:
        raise BadInput("no cohort you may see has this id", field="cohort")
    return pk


def _interest(info: Info, subscription: str, scope: str, key: int) -> Interest:
    """What the subscription listens to, once the caller may read some row it delivers."""
    type_name = policy.SUBSCRIPTIONS[subscription].type_name
    principal = info.context.principal
    if not policy.may_read_somewhere(principal, type_name, "id"):
        if principal.is_anonymous:
            raise Unauthenticated(f"sign in to subscribe to {subscription}")
        raise Forbidden(f"you may read no {type_name}: {subscription} would deliver nothing")
    return Interest(type_name, scope, key)


async def _readable(info: Info, interest: Interest, after: int | None) -> AsyncIterator[Any]:
    """Each change of `interest` the caller may read, as (change, object), with the event's
    session open while the caller's selection of it resolves."""
    link = link_of(info.context)
    changes = link.broker.changes(interest, after)
    try:
        async for change in changes:
            try:
                async with link.reading(info.context) as context:
                    found = await load_node(context, to_global_id(change.topic, change.entity_pk))
                    if found is not None:
                        yield change, found
            except Unauthenticated as refused:
                await link.refuse(refused.message)
                return
    finally:
        await changes.aclose()


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description="Changes to the programme's responsibilities you may read (progress reports, "
        "new duties, cancellations)."
    )
    async def responsibility_changed(
        self, info: Info, programme: ProgrammeArgument, after: AfterArgument = None
    ) -> AsyncGenerator[ResponsibilityEvent, None]:
        start = _event_id(after)
        key = await _programme_id(info, programme)
        interest = _interest(info, "responsibilityChanged", "programme_id", key)
        async for change, found in _readable(info, interest, start):
            yield ResponsibilityEvent(**_head(change), responsibility=found)

    @strawberry.subscription(
        description="Changes to the cohort's enrolments you may read (admissions, eligibility, "
        "completion, drop-out)."
    )
    async def enrollment_changed(
        self, info: Info, cohort: CohortArgument, after: AfterArgument = None
    ) -> AsyncGenerator[EnrollmentEvent, None]:
        start = _event_id(after)
        key = await _cohort_id(info, cohort)
        interest = _interest(info, "enrollmentChanged", "cohort_id", key)
        async for change, found in _readable(info, interest, start):
            yield EnrollmentEvent(**_head(change), enrollment=found)

    @strawberry.subscription(
        description="Changes to the programme's reimbursement claims you may read (submitted, "
        "verified, approved, sent back, paid)."
    )
    async def claim_changed(
        self, info: Info, programme: ProgrammeArgument, after: AfterArgument = None
    ) -> AsyncGenerator[ClaimEvent, None]:
        start = _event_id(after)
        key = await _programme_id(info, programme)
        interest = _interest(info, "claimChanged", "programme_id", key)
        async for change, found in _readable(info, interest, start):
            yield ClaimEvent(**_head(change), claim=found)
