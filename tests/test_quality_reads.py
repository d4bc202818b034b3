"""Reading quality: the public catalogue of labelled offers with their sessions in a constant
number of statements, and quality figures that are the raw records' own."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import select

from gateway.principal_cache import PrincipalCache
from stakeholders.common.relay import to_global_id
from stakeholders.delivery.models import Cohort
from stakeholders.parties.models import Party
from stakeholders.quality.models import Application, Call, Label, OfferSession, TrainingOffer
from tests import delivery_factories as df
from tests.factories import build_world

CATALOGUE = """
{ trainingOffers(labelled: true) { totalCount edges { node { title durationHours
  operator { name } district { name } sessions { code startsOn }
  currentLabel { status grantedOn expiresOn } } } } }
"""
FIGURES = """
query($id: ID!) { node(id: $id) { ... on TrainingOffer { figures { enrolled completed
  firstAttempts firstTimePassed firstTimePassRate placedWithinSixMonths placementRate } } } }
"""
OPERATORS = """
{ programme(code: "PROG-1") { operatorQuality { operator { code } figures { enrolled
  firstTimePassRate placementRate } } } }
"""


@pytest.fixture(autouse=True)
def _no_recheck_while_counting(app) -> None:
    app.state.hub.principals = PrincipalCache(recheck_seconds=math.inf)


async def _offers(session, world, count: int, start: int = 0) -> list[TrainingOffer]:
    """`count` published offers of OP-1, each labelled in 2026 and run by two cohorts."""
    offers = []
    for n in range(start, start + count):
        offer = TrainingOffer(
            programme_id=world.programme.id,
            operator_party_id=world.operator.id,
            code=f"OFFER-{n}",
            title=f"Formation n°{n} — 数字技能",
            objective="Objectif",
            content="Contenu",
            duration_hours=300,
            mode="ONLINE",
            places=20,
            price_minor=100,
            budget_minor=2000,
            currency="VND",
            entry_level="Bac",
            district_party_id=world.district.id,
            status="PUBLISHED",
            created_by="factory",
        )
        session.add(offer)
        await session.flush()
        for _ in range(2):
            cohort = await df.create_cohort(session, world.programme, world.operator)
            session.add(
                OfferSession(
                    offer_id=offer.id,
                    cohort_id=cohort.id,
                    programme_id=world.programme.id,
                    operator_party_id=world.operator.id,
                    added_by="factory",
                )
            )
        offers.append(offer)
    await session.flush()
    for offer in offers:
        session.add(_label(offer))
    await session.commit()
    return offers


def _label(offer: TrainingOffer) -> Label:
    granted = dt.date.today() - dt.timedelta(days=30)
    return Label(
        offer_id=offer.id,
        application_id=_application_stub(),
        programme_id=offer.programme_id,
        operator_party_id=offer.operator_party_id,
        granted_on=granted,
        surveillance_from=granted + dt.timedelta(days=426),
        surveillance_until=granted + dt.timedelta(days=669),
        expires_on=granted.replace(year=granted.year + 3),
        standing="ACTIVE",
        granted_by="factory",
    )


# Accepted applications waiting for the label they granted (made by _applications).
_APPLICATIONS: list[int] = []


def _application_stub() -> int:
    return _APPLICATIONS.pop()


async def _applications(session, world, count: int) -> None:
    """Labels name the application that granted them: minimal accepted ones."""
    call = Call(
        programme_id=world.programme.id,
        code=f"CALL-{len(_APPLICATIONS)}-{count}",
        kind="LABELLING",
        title="Appel",
        criteria=[],
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        status="DECIDED",
        created_by="factory",
    )
    session.add(call)
    await session.flush()
    for _ in range(count):
        application = Application(
            call_id=call.id,
            programme_id=world.programme.id,
            applicant_party_id=world.operator.id,
            title="Dossier",
            currency="VND",
            status="ACCEPTED",
            submitted_by="factory",
        )
        session.add(application)
        await session.flush()
        _APPLICATIONS.append(application.id)


async def _catalogue(backend, client) -> tuple[int, dict]:
    await client.execute(CATALOGUE)
    with backend.counter.counting() as statements:
        body = await client.execute(CATALOGUE)
    assert "errors" not in body, body
    return len(statements), body


async def test_the_labelled_catalogue_costs_the_same_for_2_and_12_offers(
    backend, session, client_for
):
    world = await build_world(session)
    await _applications(session, world, 2)
    await _offers(session, world, 2)
    anonymous = client_for(None)
    small, body = await _catalogue(backend, anonymous)
    assert body["data"]["trainingOffers"]["totalCount"] == 2

    await _applications(session, world, 10)
    await _offers(session, world, 10, start=2)
    large, body = await _catalogue(backend, anonymous)
    edges = body["data"]["trainingOffers"]["edges"]
    assert len(edges) == 12
    assert all(len(e["node"]["sessions"]) == 2 for e in edges)
    assert {e["node"]["currentLabel"]["status"] for e in edges} == {"ACTIVE"}
    assert large == small, (small, large)
    # the page with its total, operators, districts, session links, cohorts, labels
    assert large <= 7, large


async def test_quality_figures_are_the_raw_records(session, client_for):
    world = await build_world(session)
    await _applications(session, world, 1)
    (offer,) = await _offers(session, world, 1)
    cohort_id = await session.scalar(
        select(OfferSession.cohort_id).where(OfferSession.offer_id == offer.id).limit(1)
    )
    cohort = await session.get(Cohort, cohort_id)
    employer = await session.scalar(select(Party).where(Party.code == "BANK"))
    people = [await df.create_trainee(session) for _ in range(5)]
    e1, e2, e3, _dropped = [
        await df.enroll(session, p, cohort, status=s)
        for p, s in zip(people, ["COMPLETED", "COMPLETED", "COMPLETED", "DROPPED"], strict=False)
    ]
    # an application still pending is not a training that took place
    await df.enroll(session, people[4], cohort, status="APPLIED")
    a1 = await df.assess(session, e1, world.university, 80)
    await df.assess(session, e2, world.university, 30)
    await df.assess(session, e2, world.university, 70, attempt=2)
    await df.assess(session, e3, world.university, 60)
    await df.place(session, e1, employer, starts_on=cohort.ends_on + dt.timedelta(days=90))
    await df.place(session, e3, employer, starts_on=cohort.ends_on + dt.timedelta(days=250))
    await session.commit()
    assert a1.passed

    figures = await client_for("MIN", "coordinator").execute(
        FIGURES, id=_gid("TrainingOffer", offer.id)
    )
    assert figures["data"]["node"]["figures"] == {
        "enrolled": 4,
        "completed": 3,
        "firstAttempts": 3,
        "firstTimePassed": 2,
        "firstTimePassRate": 66.7,
        "placedWithinSixMonths": 1,
        "placementRate": 33.3,
    }
    # The public reads the catalogue, not the figures of small groups of people.
    public = await client_for(None).execute(FIGURES, id=_gid("TrainingOffer", offer.id))
    assert public["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    operators = await client_for("OP-1", "operator_staff").execute(OPERATORS)
    rows = operators["data"]["programme"]["operatorQuality"]
    assert rows == [
        {
            "operator": {"code": "OP-1"},
            "figures": {"enrolled": 4, "firstTimePassRate": 66.7, "placementRate": 33.3},
        }
    ]


def _gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)
