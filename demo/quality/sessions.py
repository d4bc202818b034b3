"""The next sessions of labelled trainings: cohorts their operators plan for early 2027 in
the label programme, each named as a session of its offer (what the LHEO export lists)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from auth.roles import Role
from demo.quality.desk import moment
from demo.quality.loading import Quality
from demo.quality.story import AS_OF
from stakeholders.common.mutations import Facts
from stakeholders.delivery import service as delivery
from stakeholders.parties.models import Party
from stakeholders.quality import offers
from stakeholders.quality.calendar import LIVE
from stakeholders.quality.models import TrainingOffer

__all__ = ["open_sessions"]

FIRST_INTAKE = dt.date(2027, 1, 11)
# One labelled training in four opens a session; one in twelve opens a second, later.
EVERY, TWICE = 4, 12


async def open_sessions(quality: Quality) -> None:
    live: dict[int, None] = {}
    for label in quality.granted:
        if await quality.status_on(label, AS_OF.date()) in LIVE:
            live.setdefault(label.offer_id)
    for k, offer_id in enumerate(list(live)[::EVERY]):
        offer = await quality.session.get(TrainingOffer, offer_id)
        assert offer is not None
        for n in range(2 if k % (TWICE // EVERY) == 0 else 1):
            await _session(quality, offer, FIRST_INTAKE + dt.timedelta(weeks=k % 10 + 12 * n), n)


async def _session(quality: Quality, offer: TrainingOffer, starts: dt.date, n: int) -> None:
    code = await quality.session.scalar(
        select(Party.code).where(Party.id == offer.operator_party_id)
    )
    assert code is not None
    operator = await quality.desk.person(code, Role.OPERATOR_STAFF)
    weeks = -(-offer.duration_hours // 35)
    spec = delivery.CohortSpec(
        code=f"{offer.code}-S{starts:%y%m}",
        operator_party_id=offer.operator_party_id,
        host_party_id=None,
        district_party_id=offer.district_party_id,
        mode=offer.mode,
        modules=[offer.code.split("-")[1]],
        starts_on=starts,
        ends_on=starts + dt.timedelta(weeks=weeks, days=-3),
        capacity=offer.places,
        planned_session_days=5 * weeks,
    )
    target = Facts(party_id=offer.operator_party_id, programme_id=quality.label.id)
    quality.desk.check(operator, "createCohort", target, AS_OF)
    cohort = await delivery.create_cohort(
        quality.session, operator, programme=quality.label, spec=spec
    )
    quality.desk.check(operator, "addOfferSession", offer, AS_OF)
    with moment(AS_OF):
        await offers.add_offer_session(
            quality.session,
            operator,
            training_offer=offer,
            version=offer.version,
            cohort_id=cohort.id,
        )
    quality.desk.dated(offer, AS_OF)
    quality.tally.offer_sessions += 1
