"""Rules of responsibilities and escalations. Services flush, never commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import utcnow
from stakeholders.errors import BadInput, Conflict
from stakeholders.programmes.enums import EscalationStatus, ResponsibilityStatus
from stakeholders.programmes.models import (
    Agreement,
    Escalation,
    Programme,
    ProgressUpdate,
    Responsibility,
)
from stakeholders.programmes.service import is_participant
from stakeholders.validation import check_text
from stakeholders.writes import add_audited, audited, check_version, get_for_update

__all__ = [
    "acknowledge_escalation",
    "assign_responsibility",
    "cancel_responsibility",
    "raise_escalation",
    "resolve_escalation",
    "update_progress",
]

NOTE_MAX = 4000


async def assign_responsibility(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    assignee_party_id: int,
    title: str,
    description: str,
    due_on: dt.date | None,
    agreement_id: int | None,
) -> Responsibility:
    """A new PLANNED duty for a participant of the programme."""
    if not await is_participant(session, programme, assignee_party_id):
        raise BadInput("the assignee must take part in the programme", field="assigneeCode")
    if agreement_id is not None:
        agreement = await session.get(Agreement, agreement_id)
        if agreement is None or agreement.programme_id != programme.id:
            raise BadInput("the agreement must belong to the programme", field="agreementId")
    responsibility = Responsibility(
        programme_id=programme.id,
        agreement_id=agreement_id,
        assignee_party_id=assignee_party_id,
        title=check_text(title, field="title", max_length=300),
        description=check_text(
            description, field="description", max_length=NOTE_MAX, required=False
        ),
        due_on=due_on,
        status=ResponsibilityStatus.PLANNED,
        progress=0,
        created_by=principal.sub or "system",
    )
    return await add_audited(session, principal, "assignResponsibility", responsibility)


def _checked_progress(
    current: Responsibility, status: ResponsibilityStatus | None, progress: int | None
) -> tuple[ResponsibilityStatus, int]:
    if current.status in (ResponsibilityStatus.CANCELLED, ResponsibilityStatus.DONE):
        raise Conflict(f"this responsibility is {current.status}: it can no longer change")
    if status == ResponsibilityStatus.CANCELLED:
        raise BadInput("only the programme's owner cancels (cancelResponsibility)", field="status")
    new_status = status or ResponsibilityStatus(current.status)
    new_progress = current.progress if progress is None else progress
    if not 0 <= new_progress <= 100:
        raise BadInput("progress is a percentage from 0 to 100", field="progress")
    if new_status == ResponsibilityStatus.DONE and progress is None:
        new_progress = 100
    if new_status == ResponsibilityStatus.DONE and new_progress != 100:
        raise BadInput("a DONE responsibility is at 100 percent", field="progress")
    return new_status, new_progress


async def update_progress(
    session: AsyncSession,
    principal: Principal,
    *,
    responsibility_id: int,
    version: int,
    status: ResponsibilityStatus | None,
    progress: int | None,
    note: str,
) -> Responsibility:
    """The assignee reports status and progress; each report joins the history."""
    responsibility = await get_for_update(session, Responsibility, responsibility_id)
    check_version(responsibility, version)
    new_status, new_progress = _checked_progress(responsibility, status, progress)
    note = check_text(note, field="note", max_length=NOTE_MAX, required=False)
    if status is None and progress is None and not note:
        raise BadInput("report a status, a progress or a note", field="input")
    before = snapshot(responsibility)
    responsibility.status, responsibility.progress = new_status, new_progress
    responsibility.updated_at = utcnow()
    _add_update(session, principal, responsibility, note)
    await audited(
        session, principal, "updateResponsibilityProgress", responsibility, before, {"note": note}
    )
    return responsibility


def _add_update(
    session: AsyncSession, principal: Principal, responsibility: Responsibility, note: str
) -> None:
    session.add(
        ProgressUpdate(
            responsibility_id=responsibility.id,
            programme_id=responsibility.programme_id,
            author_sub=principal.sub or "system",
            author_party_id=principal.party_id,
            status=responsibility.status,
            progress=responsibility.progress,
            note=note,
        )
    )


async def cancel_responsibility(
    session: AsyncSession,
    principal: Principal,
    *,
    responsibility_id: int,
    version: int,
    reason: str,
) -> Responsibility:
    responsibility = await get_for_update(session, Responsibility, responsibility_id)
    check_version(responsibility, version)
    reason = check_text(reason, field="reason", max_length=NOTE_MAX)
    if responsibility.status in (ResponsibilityStatus.CANCELLED, ResponsibilityStatus.DONE):
        raise Conflict(f"a {responsibility.status} responsibility cannot be cancelled")
    before = snapshot(responsibility)
    responsibility.status = ResponsibilityStatus.CANCELLED
    responsibility.updated_at = utcnow()
    _add_update(session, principal, responsibility, reason)
    await audited(
        session, principal, "cancelResponsibility", responsibility, before, {"note": reason}
    )
    return responsibility


async def raise_escalation(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    raised_by_party_id: int,
    addressed_to_party_id: int,
    responsibility_id: int | None,
    subject: str,
    description: str,
) -> Escalation:
    """A difficulty reported by a party of the programme to another one (by default its owner)."""
    if not await is_participant(session, programme, raised_by_party_id):
        raise BadInput("the raising party must take part in the programme", field="raisedByCode")
    if not await is_participant(session, programme, addressed_to_party_id):
        raise BadInput("the addressee must take part in the programme", field="addressedToCode")
    if addressed_to_party_id == raised_by_party_id:
        raise BadInput("an escalation goes to another party", field="addressedToCode")
    if responsibility_id is not None:
        responsibility = await session.get(Responsibility, responsibility_id)
        if responsibility is None or responsibility.programme_id != programme.id:
            raise BadInput(
                "the responsibility must belong to the programme", field="responsibilityId"
            )
    escalation = Escalation(
        programme_id=programme.id,
        responsibility_id=responsibility_id,
        raised_by_party_id=raised_by_party_id,
        addressed_to_party_id=addressed_to_party_id,
        subject=check_text(subject, field="subject", max_length=300),
        description=check_text(
            description, field="description", max_length=NOTE_MAX, required=False
        ),
        status=EscalationStatus.OPEN,
        raised_by_sub=principal.sub or "system",
    )
    return await add_audited(session, principal, "raiseEscalation", escalation)


async def acknowledge_escalation(
    session: AsyncSession, principal: Principal, *, escalation_id: int, version: int
) -> Escalation:
    escalation = await get_for_update(session, Escalation, escalation_id)
    check_version(escalation, version)
    if escalation.status != EscalationStatus.OPEN:
        raise Conflict(f"an {escalation.status} escalation cannot be acknowledged")
    before = snapshot(escalation)
    escalation.status, escalation.acknowledged_at = EscalationStatus.ACKNOWLEDGED, utcnow()
    await audited(session, principal, "acknowledgeEscalation", escalation, before)
    return escalation


async def resolve_escalation(
    session: AsyncSession,
    principal: Principal,
    *,
    escalation_id: int,
    version: int,
    resolution: str,
) -> Escalation:
    escalation = await get_for_update(session, Escalation, escalation_id)
    check_version(escalation, version)
    resolution = check_text(resolution, field="resolution", max_length=NOTE_MAX)
    if escalation.status == EscalationStatus.RESOLVED:
        raise Conflict("this escalation is resolved already")
    before = snapshot(escalation)
    escalation.status, escalation.resolution = EscalationStatus.RESOLVED, resolution
    escalation.resolved_at = utcnow()
    await audited(session, principal, "resolveEscalation", escalation, before)
    return escalation
