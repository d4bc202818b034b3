"""Training offers: written by their operator, published to the catalogue, run by cohorts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.delivery.enums import CohortMode
from stakeholders.delivery.models import Cohort
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.service import check_amount, who
from stakeholders.programmes.models import Programme
from stakeholders.quality import calendar
from stakeholders.quality.enums import OfferStatus
from stakeholders.quality.models import OfferSession, TrainingOffer
from stakeholders.validation import check_code, check_text, optional_text
from stakeholders.writes import add_audited, audited, check_version

__all__ = ["OfferText", "add_offer_session", "create_offer", "publish_offer", "update_offer"]

CODES = 20  # FORMACODE or ROME codes an offer may carry


@dataclass(frozen=True)
class OfferText:
    """What an operator writes of its offer (LHEO's formation)."""

    code: str
    title: str
    objective: str
    content: str
    duration_hours: int
    mode: CohortMode
    places: int
    price_minor: int
    budget_minor: int
    currency: str
    entry_level: str
    audiences: list[str]
    district_party_id: int | None
    formacode: list[str]
    rome: list[str]
    certification: str | None
    contact: str | None


def _codes(values: list[str], field: str, pattern: str) -> list[str]:
    if len(values) > CODES:
        raise BadInput(f"at most {CODES} codes", field=field)
    for value in values:
        if not re.fullmatch(pattern, value):
            raise BadInput(f"{value!r} is not a {field} code", field=field)
    return sorted(set(values))


def _apply(offer: TrainingOffer, text: OfferText, programme: Programme) -> None:
    if text.duration_hours <= 0 or text.duration_hours > 10_000:
        raise BadInput("the duration is 1 to 10,000 hours", field="durationHours")
    if text.places <= 0 or text.places > 100_000:
        raise BadInput("places are 1 to 100,000", field="places")
    check_amount(text.price_minor, text.currency, programme, field="price")
    check_amount(text.budget_minor, text.currency, programme, field="budget")
    audiences = sorted(set(text.audiences))
    unknown = set(audiences) - set(programme.priority_audiences or [])
    if unknown:
        raise BadInput(f"the programme has no audience {sorted(unknown)}", field="audiences")
    offer.code = check_code(text.code, field="code")
    offer.title = check_text(text.title, field="title", max_length=255)
    offer.objective = check_text(text.objective, field="objective", max_length=3000)
    offer.content = check_text(text.content, field="content", max_length=10_000)
    offer.duration_hours, offer.mode, offer.places = text.duration_hours, text.mode, text.places
    offer.price_minor, offer.budget_minor = text.price_minor, text.budget_minor
    offer.currency = text.currency
    offer.entry_level = check_text(text.entry_level, field="entryLevel", max_length=120)
    offer.audiences = audiences
    offer.district_party_id = text.district_party_id
    offer.formacode = _codes(text.formacode, "formacode", r"[0-9]{5}")
    offer.rome = _codes(text.rome, "rome", r"[A-N][0-9]{4}")
    offer.certification = optional_text(text.certification, field="certification", max_length=255)
    offer.contact = optional_text(text.contact, field="contact", max_length=255)


async def create_offer(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    operator_party_id: int,
    text: OfferText,
) -> TrainingOffer:
    taken = await session.scalar(
        select(TrainingOffer.id).where(
            TrainingOffer.programme_id == programme.id, TrainingOffer.code == text.code
        )
    )
    if taken is not None:
        raise Conflict(f"the programme has an offer {text.code!r} already")
    offer = TrainingOffer(
        programme_id=programme.id,
        operator_party_id=operator_party_id,
        status=OfferStatus.DRAFT,
        created_by=who(principal),
    )
    _apply(offer, text, programme)
    return await add_audited(session, principal, "createTrainingOffer", offer)


async def update_offer(
    session: AsyncSession,
    principal: Principal,
    *,
    training_offer: TrainingOffer,
    version: int,
    text: OfferText,
) -> TrainingOffer:
    check_version(training_offer, version)
    if text.code != training_offer.code:
        raise BadInput("an offer keeps its code", field="code")
    programme = await session.get(Programme, training_offer.programme_id)
    assert programme is not None
    before = snapshot(training_offer)
    _apply(training_offer, text, programme)
    await audited(session, principal, "updateTrainingOffer", training_offer, before)
    return training_offer


async def publish_offer(
    session: AsyncSession, principal: Principal, *, training_offer: TrainingOffer, version: int
) -> TrainingOffer:
    check_version(training_offer, version)
    if training_offer.status == OfferStatus.PUBLISHED:
        raise Conflict("the offer is published already", stored_version=training_offer.version)
    before = snapshot(training_offer)
    training_offer.status = OfferStatus.PUBLISHED
    training_offer.published_at = calendar.now()
    await audited(session, principal, "publishTrainingOffer", training_offer, before)
    return training_offer


async def add_offer_session(
    session: AsyncSession,
    principal: Principal,
    *,
    training_offer: TrainingOffer,
    version: int,
    cohort_id: int,
) -> TrainingOffer:
    """A cohort of the offer's operator in its programme now runs it (one offer per cohort)."""
    check_version(training_offer, version)
    cohort = await session.get(Cohort, cohort_id)
    if cohort is None or cohort.programme_id != training_offer.programme_id:
        raise BadInput("the cohort is not one of the offer's programme", field="cohortId")
    if cohort.operator_party_id != training_offer.operator_party_id:
        raise BadInput("the cohort is run by another operator", field="cohortId")
    linked = await session.scalar(
        select(OfferSession.offer_id).where(OfferSession.cohort_id == cohort_id)
    )
    if linked is not None:
        raise Conflict("the cohort runs an offer already")
    link = OfferSession(
        offer_id=training_offer.id,
        cohort_id=cohort_id,
        programme_id=training_offer.programme_id,
        operator_party_id=training_offer.operator_party_id,
        added_by=who(principal),
    )
    session.add(link)
    before = snapshot(training_offer)
    # The offer's version moves: its sessions are part of what a catalogue reads.
    training_offer.updated_at = calendar.now()
    await audited(
        session, principal, "addOfferSession", training_offer, before, {"cohort_id": cohort_id}
    )
    return training_offer
