"""Applications: submitted to an open call, edited or withdrawn until it closes, then frozen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.service import who
from stakeholders.programmes.models import Programme
from stakeholders.quality import calendar
from stakeholders.quality.calls import effective
from stakeholders.quality.enums import ApplicationStatus, CallKind, CallStatus, OfferStatus, Theme
from stakeholders.quality.models import Application, Call, ProcurementLot, TrainingOffer
from stakeholders.validation import check_text
from stakeholders.writes import add_audited, audited, check_version

__all__ = [
    "START_UP_SHARE",
    "Proposal",
    "submit_application",
    "update_application",
    "withdraw_application",
]

# A label's start-up subsidy is at most 80% of the training's budget (GEN).
START_UP_SHARE = 0.8


@dataclass(frozen=True)
class Proposal:
    title: str
    summary: str
    themes: Sequence[Theme]
    amount_minor: int | None
    currency: str | None
    priorities: Sequence[str]


def _still_open(call: Call) -> None:
    status = effective(call)
    if status != CallStatus.OPEN or calendar.now() < call.opens_at:
        raise Conflict(f"the call is {status}: applications are taken while it is open")


async def _check(
    session: AsyncSession, call: Call, proposal: Proposal, offer_id: int | None, lot_id: int | None
) -> tuple[TrainingOffer | None, str]:
    """The proposal fits the call's kind; the offer it labels, and the money's currency."""
    programme = await session.get(Programme, call.programme_id)
    assert programme is not None
    if proposal.currency is not None and proposal.currency != programme.currency:
        raise BadInput(f"the amount is in {programme.currency}", field="amount")
    if proposal.amount_minor is not None and proposal.amount_minor < 0:
        raise BadInput("the amount is 0 or more", field="amount")
    unknown = set(proposal.priorities) - set(call.priorities)
    if unknown:
        raise BadInput(f"the call has no priority {sorted(unknown)}", field="priorities")
    offer = None
    if call.kind == CallKind.LABELLING:
        offer = await session.get(TrainingOffer, offer_id) if offer_id is not None else None
        if offer is None or offer.programme_id != call.programme_id:
            raise BadInput(
                "a labelling application names an offer of the programme", field="offerId"
            )
        if offer.status != OfferStatus.PUBLISHED:
            raise BadInput("only a published offer may be labelled", field="offerId")
        asked = proposal.amount_minor or 0
        if asked > START_UP_SHARE * offer.budget_minor:
            raise BadInput(
                "the start-up subsidy is at most 80% of the offer's budget", field="amount"
            )
    elif call.kind == CallKind.INNOVATION:
        themes = {t.value for t in proposal.themes}
        if not themes or not themes <= set(call.themes):
            raise BadInput("a project addresses at least one of the call's themes", field="themes")
        if proposal.amount_minor is None:
            raise BadInput("a project states the amount it asks", field="amount")
    else:
        lot = await session.get(ProcurementLot, lot_id) if lot_id is not None else None
        if lot is None or lot.call_id != call.id:
            raise BadInput("a procurement bid names a lot of the call", field="lotId")
    if call.kind != CallKind.INNOVATION and proposal.themes:
        raise BadInput("only an innovation project names themes", field="themes")
    return offer, programme.currency


def _write(application: Application, proposal: Proposal) -> None:
    application.title = check_text(proposal.title, field="title", max_length=300)
    application.summary = check_text(
        proposal.summary, field="summary", max_length=10_000, required=False
    )
    application.themes = sorted({t.value for t in proposal.themes})
    application.amount_minor = proposal.amount_minor
    application.priorities = sorted(set(proposal.priorities))


async def submit_application(
    session: AsyncSession,
    principal: Principal,
    *,
    call: Call,
    applicant_party_id: int,
    offer_id: int | None,
    lot_id: int | None,
    proposal: Proposal,
) -> Application:
    _still_open(call)
    offer, currency = await _check(session, call, proposal, offer_id, lot_id)
    if offer is not None and offer.operator_party_id != applicant_party_id:
        raise BadInput("an operator applies with its own offer", field="offerId")
    application = Application(
        call_id=call.id,
        programme_id=call.programme_id,
        applicant_party_id=applicant_party_id,
        offer_id=offer_id if call.kind == CallKind.LABELLING else None,
        lot_id=lot_id if call.kind == CallKind.PROCUREMENT else None,
        currency=currency,
        status=ApplicationStatus.SUBMITTED,
        submitted_by=who(principal),
        submitted_at=calendar.now(),
    )
    _write(application, proposal)
    return await add_audited(session, principal, "submitApplication", application)


async def _editable(session: AsyncSession, application: Application, version: int) -> Call:
    check_version(application, version)
    call = await session.get(Call, application.call_id)
    assert call is not None
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(
            f"the application is {application.status}", stored_version=application.version
        )
    try:
        _still_open(call)
    except Conflict as closed:
        closed.extensions["stored_version"] = application.version
        raise
    return call


async def update_application(
    session: AsyncSession,
    principal: Principal,
    *,
    application: Application,
    version: int,
    proposal: Proposal,
) -> Application:
    call = await _editable(session, application, version)
    await _check(session, call, proposal, application.offer_id, application.lot_id)
    before = snapshot(application)
    _write(application, proposal)
    await audited(session, principal, "updateApplication", application, before)
    return application


async def withdraw_application(
    session: AsyncSession, principal: Principal, *, application: Application, version: int
) -> Application:
    await _editable(session, application, version)
    before = snapshot(application)
    application.status = ApplicationStatus.WITHDRAWN
    await audited(session, principal, "withdrawApplication", application, before)
    return application
