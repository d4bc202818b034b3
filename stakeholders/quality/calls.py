"""Calls: drafted by the programme's owner with their grid, opened, closed by their owner or
by their closing time, decided; and a procurement call's lots, awarded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.envelope import within_envelope
from stakeholders.funding.service import check_amount, who
from stakeholders.programmes.enums import AgreementKind, ParticipantRole
from stakeholders.programmes.models import Agreement, AgreementParty, Programme
from stakeholders.quality import calendar
from stakeholders.quality.enums import CallKind, CallStatus, LotStatus, Theme
from stakeholders.quality.models import Call, ProcurementLot
from stakeholders.validation import check_code, check_text
from stakeholders.writes import add_audited, audited, check_version

__all__ = [
    "CallText",
    "add_lot",
    "award_lot",
    "close_call",
    "create_call",
    "effective",
    "open_call",
]

SCORE_RANGE = (0, 5)


@dataclass(frozen=True)
class CallText:
    code: str
    kind: CallKind
    title: str
    description: str
    themes: Sequence[Theme]
    criteria: Sequence[dict[str, Any]]
    overall_threshold: float
    priorities: Sequence[str]
    reviews_required: int
    opens_at: dt.datetime
    closes_at: dt.datetime


def effective(call: Call) -> CallStatus:
    return calendar.call_status(call.status, call.closes_at)


def _grid(criteria: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if not criteria:
        raise BadInput("a call scores applications on at least one criterion", field="criteria")
    low, high = SCORE_RANGE
    codes = [c["code"] for c in criteria]
    if len(set(codes)) != len(codes):
        raise BadInput("each criterion has its own code", field="criteria")
    out = []
    for c in criteria:
        if c["weight"] <= 0 or c["weight"] > 100:
            raise BadInput("a criterion's weight is above 0 and at most 100", field="criteria")
        if not low <= c["threshold"] <= high:
            raise BadInput(f"a threshold is {low} to {high}", field="criteria")
        out.append(
            {
                "code": check_code(c["code"], field="criteria"),
                "name": check_text(c["name"], field="criteria", max_length=200),
                "weight": float(c["weight"]),
                "threshold": float(c["threshold"]),
            }
        )
    return out


async def create_call(
    session: AsyncSession, principal: Principal, *, programme: Programme, text: CallText
) -> Call:
    if text.closes_at <= text.opens_at:
        raise BadInput("a call closes after it opens", field="closesAt")
    if text.kind == CallKind.INNOVATION and not text.themes:
        raise BadInput("an innovation call names its themes", field="themes")
    if text.kind != CallKind.INNOVATION and text.themes:
        raise BadInput("only an innovation call has themes", field="themes")
    if not 1 <= text.reviews_required <= 10:
        raise BadInput("an application needs 1 to 10 reviews", field="reviewsRequired")
    if not SCORE_RANGE[0] <= text.overall_threshold <= SCORE_RANGE[1]:
        raise BadInput("the overall threshold is 0 to 5", field="overallThreshold")
    unknown = set(text.priorities) - set(programme.priority_audiences or [])
    if unknown:
        raise BadInput(f"the programme has no priority {sorted(unknown)}", field="priorities")
    code = check_code(text.code, field="code")
    taken = await session.scalar(
        select(Call.id).where(Call.programme_id == programme.id, Call.code == code)
    )
    if taken is not None:
        raise Conflict(f"the programme has a call {code!r} already")
    call = Call(
        programme_id=programme.id,
        code=code,
        kind=text.kind,
        title=check_text(text.title, field="title", max_length=300),
        description=check_text(
            text.description, field="description", max_length=10_000, required=False
        ),
        themes=sorted({t.value for t in text.themes}),
        criteria=_grid(text.criteria),
        overall_threshold=float(text.overall_threshold),
        priorities=sorted(set(text.priorities)),
        reviews_required=text.reviews_required,
        opens_at=text.opens_at,
        closes_at=text.closes_at,
        status=CallStatus.DRAFT,
        created_by=who(principal),
    )
    return await add_audited(session, principal, "createCall", call)


async def open_call(
    session: AsyncSession, principal: Principal, *, call: Call, version: int
) -> Call:
    check_version(call, version)
    if call.status != CallStatus.DRAFT:
        raise Conflict(f"the call is {effective(call)}, not DRAFT", stored_version=call.version)
    if call.closes_at <= calendar.now():
        raise Conflict("the call's closing time is past: it could take no application")
    before = snapshot(call)
    call.status = CallStatus.OPEN
    await session.execute(
        update(ProcurementLot).where(ProcurementLot.call_id == call.id).values(published=True)
    )
    await audited(session, principal, "openCall", call, before)
    return call


async def close_call(
    session: AsyncSession, principal: Principal, *, call: Call, version: int
) -> Call:
    """Close an open call before its closing time (it closes by itself at that time)."""
    check_version(call, version)
    if effective(call) != CallStatus.OPEN:
        raise Conflict(f"the call is {effective(call)}, not OPEN", stored_version=call.version)
    before = snapshot(call)
    call.status = CallStatus.CLOSED
    call.closed_at = calendar.now()
    await audited(session, principal, "closeCall", call, before)
    return call


@dataclass(frozen=True)
class LotText:
    code: str
    title: str
    region_party_id: int
    places: int
    price_per_place_minor: int
    currency: str


async def add_lot(
    session: AsyncSession, principal: Principal, *, call: Call, version: int, lot: LotText
) -> ProcurementLot:
    check_version(call, version)
    if call.kind != CallKind.PROCUREMENT:
        raise BadInput("only a procurement call has lots", field="callId")
    if call.status != CallStatus.DRAFT:
        raise Conflict("lots are set while the call is a draft", stored_version=call.version)
    programme = await session.get(Programme, call.programme_id)
    assert programme is not None
    check_amount(lot.price_per_place_minor, lot.currency, programme, field="pricePerPlace")
    if not 0 < lot.places <= 100_000:
        raise BadInput("a lot has 1 to 100,000 places", field="places")
    code = check_code(lot.code, field="code")
    taken = await session.scalar(
        select(ProcurementLot.id).where(
            ProcurementLot.call_id == call.id, ProcurementLot.code == code
        )
    )
    if taken is not None:
        raise Conflict(f"the call has a lot {code!r} already")
    row = ProcurementLot(
        call_id=call.id,
        programme_id=call.programme_id,
        code=code,
        title=check_text(lot.title, field="title", max_length=300),
        region_party_id=lot.region_party_id,
        places=lot.places,
        price_per_place_minor=lot.price_per_place_minor,
        currency=lot.currency,
        status=LotStatus.OPEN,
        created_by=who(principal),
    )
    session.add(row)
    # The call's version moves: its lots are part of what an applicant reads of it.
    call.updated_at = calendar.now()
    await audited(session, principal, "addProcurementLot", row, None)
    return row


async def grant_agreement(
    session: AsyncSession,
    programme: Programme,
    kind: AgreementKind,
    title: str,
    reference: str,
    party_id: int,
) -> Agreement:
    """The agreement an award or an accepted project becomes: the owner and the operator,
    awaiting their signatures (agreements' own workflow)."""
    agreement = Agreement(
        programme_id=programme.id, kind=kind, title=title[:300], reference=reference[:100]
    )
    session.add(agreement)
    await session.flush()
    session.add_all(
        [
            AgreementParty(
                agreement_id=agreement.id,
                party_id=programme.owner_party_id,
                role=ParticipantRole.OWNER,
            ),
            AgreementParty(
                agreement_id=agreement.id, party_id=party_id, role=ParticipantRole.OPERATOR
            ),
        ]
    )
    return agreement


async def award_lot(
    session: AsyncSession,
    principal: Principal,
    *,
    procurement_lot: ProcurementLot,
    version: int,
    operator_party_id: int,
    budget_line_code: str | None,
) -> ProcurementLot:
    """Award a lot of a closed call: its places times its price are charged to the envelope."""
    check_version(procurement_lot, version)
    if procurement_lot.status != LotStatus.OPEN:
        raise Conflict("the lot is awarded already", stored_version=procurement_lot.version)
    call = await session.get(Call, procurement_lot.call_id)
    assert call is not None
    if effective(call) not in (CallStatus.CLOSED, CallStatus.DECIDED):
        raise Conflict(f"the call is {effective(call)}: lots are awarded once it is closed")
    amount = procurement_lot.places * procurement_lot.price_per_place_minor
    line = await within_envelope(session, call.programme_id, amount, budget_line_code)
    programme = await session.get(Programme, call.programme_id)
    assert programme is not None
    agreement = await grant_agreement(
        session,
        programme,
        AgreementKind.PROCUREMENT,
        f"{call.code} {procurement_lot.code}: {procurement_lot.title}",
        f"{call.code}/{procurement_lot.code}",
        operator_party_id,
    )
    before = snapshot(procurement_lot)
    procurement_lot.status = LotStatus.AWARDED
    procurement_lot.operator_party_id = operator_party_id
    procurement_lot.agreement_id = agreement.id
    procurement_lot.budget_line_id = line
    procurement_lot.awarded_by = who(principal)
    procurement_lot.awarded_on = calendar.today()
    await audited(session, principal, "awardLot", procurement_lot, before, {"amount_minor": amount})
    return procurement_lot
