"""Labels: granted by an accepted labelling application for three years, surveyed between
month 14 and month 22 (a responsibility of the holder from the start), renewed through a new
accepted application before expiry, or suspended, reinstated and withdrawn by the owner."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.service import who
from stakeholders.programmes.enums import ResponsibilityStatus
from stakeholders.programmes.models import Responsibility
from stakeholders.quality import calendar
from stakeholders.quality.enums import ApplicationStatus, CallKind, LabelStatus
from stakeholders.quality.models import Application, Call, Label, TrainingOffer
from stakeholders.validation import check_text
from stakeholders.writes import add_audited, audited, check_version

__all__ = [
    "grant_label",
    "live_label_of",
    "reinstate_label",
    "renew_label",
    "status_of",
    "suspend_label",
    "withdraw_label",
]


async def status_of(session: AsyncSession, label: Label) -> LabelStatus:
    surveyed = None
    if label.surveillance_responsibility_id is not None:
        surveyed = await session.scalar(
            select(Responsibility.status).where(
                Responsibility.id == label.surveillance_responsibility_id
            )
        )
    return calendar.label_status(label, surveyed == ResponsibilityStatus.DONE)


async def live_label_of(session: AsyncSession, offer_id: int) -> Label | None:
    labels = (await session.scalars(select(Label).where(Label.offer_id == offer_id))).all()
    for label in sorted(labels, key=lambda lb: lb.expires_on, reverse=True):
        if await status_of(session, label) in calendar.LIVE | {LabelStatus.SUSPENDED}:
            return label
    return None


async def grant_label(
    session: AsyncSession,
    principal: Principal,
    *,
    application: Application,
    offer: TrainingOffer,
    starts_on: dt.date,
    renews: Label | None = None,
) -> Label:
    """A label from `starts_on` for three years, and the holder's surveillance duty."""
    surveillance_from = calendar.add_months(starts_on, calendar.SURVEILLANCE_MONTHS[0])
    surveillance_until = calendar.add_months(starts_on, calendar.SURVEILLANCE_MONTHS[1])
    duty = Responsibility(
        programme_id=offer.programme_id,
        assignee_party_id=offer.operator_party_id,
        title=f"Surveillance review of the label of {offer.title}"[:300],
        description=(
            f"Between {surveillance_from.isoformat()} and {surveillance_until.isoformat()} "
            f"(months 14 to 22 of the label), show the training still meets the call's grid."
        ),
        due_on=surveillance_until,
        status=ResponsibilityStatus.PLANNED,
        progress=0,
        created_by=who(principal),
    )
    await add_audited(session, principal, "assignResponsibility", duty)
    label = Label(
        offer_id=offer.id,
        application_id=application.id,
        programme_id=offer.programme_id,
        operator_party_id=offer.operator_party_id,
        granted_on=starts_on,
        surveillance_from=surveillance_from,
        surveillance_until=surveillance_until,
        expires_on=calendar.add_months(starts_on, 12 * calendar.LABEL_YEARS),
        surveillance_responsibility_id=duty.id,
        standing=LabelStatus.ACTIVE.value,
        renews_label_id=renews.id if renews is not None else None,
        granted_by=who(principal),
    )
    return await add_audited(session, principal, "grantLabel", label)


async def renew_label(
    session: AsyncSession,
    principal: Principal,
    *,
    label: Label,
    version: int,
    application_id: int,
) -> Label:
    """The label continues, from its expiry, under a new accepted application for the same
    offer decided before it expired; the new label is returned."""
    check_version(label, version)
    status = await status_of(session, label)
    if status not in calendar.LIVE:
        raise Conflict(f"the label is {status}: only a label in force is renewed")
    renewed = await session.scalar(select(Label.id).where(Label.renews_label_id == label.id))
    if renewed is not None:
        raise Conflict("the label is renewed already", stored_version=label.version)
    application = await session.get(Application, application_id)
    call = await session.get(Call, application.call_id) if application is not None else None
    if (
        application is None
        or call is None
        or call.kind != CallKind.LABELLING
        or application.offer_id != label.offer_id
    ):
        raise BadInput("name a labelling application for the same offer", field="applicationId")
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict("the renewal's application is not accepted")
    used = await session.scalar(select(Label.id).where(Label.application_id == application.id))
    if used is not None:
        raise Conflict("the application granted a label already")
    offer = await session.get(TrainingOffer, label.offer_id)
    assert offer is not None
    before = snapshot(label)
    new = await grant_label(
        session,
        principal,
        application=application,
        offer=offer,
        starts_on=label.expires_on,
        renews=label,
    )
    label.updated_at = calendar.now()
    await audited(session, principal, "renewLabel", label, before, {"renewed_by_label_id": new.id})
    return new


async def _stand(
    session: AsyncSession,
    principal: Principal,
    action: str,
    label: Label,
    version: int,
    reason: str,
    allowed: frozenset[LabelStatus],
    standing: LabelStatus,
) -> Label:
    check_version(label, version)
    status = await status_of(session, label)
    if status not in allowed:
        raise Conflict(f"the label is {status}", stored_version=label.version)
    before = snapshot(label)
    label.standing = standing.value
    label.standing_reason = check_text(reason, field="reason", max_length=2000)
    await audited(session, principal, action, label, before)
    return label


async def suspend_label(
    session: AsyncSession, principal: Principal, *, label: Label, version: int, reason: str
) -> Label:
    return await _stand(
        session,
        principal,
        "suspendLabel",
        label,
        version,
        reason,
        calendar.LIVE,
        LabelStatus.SUSPENDED,
    )


async def reinstate_label(
    session: AsyncSession, principal: Principal, *, label: Label, version: int, reason: str
) -> Label:
    return await _stand(
        session,
        principal,
        "reinstateLabel",
        label,
        version,
        reason,
        frozenset({LabelStatus.SUSPENDED}),
        LabelStatus.ACTIVE,
    )


async def withdraw_label(
    session: AsyncSession, principal: Principal, *, label: Label, version: int, reason: str
) -> Label:
    return await _stand(
        session,
        principal,
        "withdrawLabel",
        label,
        version,
        reason,
        calendar.LIVE | {LabelStatus.SUSPENDED},
        LabelStatus.WITHDRAWN,
    )
