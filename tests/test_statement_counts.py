"""Nested reads cost one SQL statement per list level, however many rows there are."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from auth.roles import PartyKind
from gateway.principal_cache import PrincipalCache
from stakeholders.programmes.enums import ParticipantRole
from tests.factories import (
    add_participant,
    add_update,
    create_party,
    create_programme,
    create_responsibility,
)

NESTED = """
{
  programmes {
    edges { node {
      code
      responsibilities {
        totalCount
        edges { node {
          title
          assignee { name }
          updates { edges { node { note } } }
        } }
      }
    } }
  }
}
"""


async def _populate(session, *, programmes: int, responsibilities: int, updates: int) -> None:
    ministry = await create_party(session, "MIN", PartyKind.MINISTRY)
    operators = [
        await create_party(session, f"OP-{i}", PartyKind.OPERATOR, name=f"Opérateur {i}")
        for i in range(5)
    ]
    for p in range(programmes):
        programme = await create_programme(session, ministry, code=f"PROG-{p}")
        for operator in operators:
            await add_participant(session, programme, operator, ParticipantRole.OPERATOR)
        for r in range(responsibilities):
            assignee = operators[r % len(operators)]
            responsibility = await create_responsibility(
                session, programme, assignee, title=f"Duty {r}", due_on=dt.date(2030, 1, 1 + r % 28)
            )
            for u in range(updates):
                await add_update(session, responsibility, assignee, f"note {u}")
    await session.commit()


@pytest.fixture(autouse=True)
def _no_recheck_while_counting(app) -> None:
    # The stored identity generation is read every few seconds: never inside a count here.
    app.state.hub.principals = PrincipalCache(recheck_seconds=math.inf)


async def _statements_for(backend, client) -> tuple[int, dict]:
    await client.execute(NESTED)  # the caller's principal, built once and cached
    with backend.counter.counting() as statements:
        body = await client.execute(NESTED)
    assert "errors" not in body, body
    return len(statements), body


async def test_nested_query_statements_do_not_grow_with_rows(backend, session, client_for):
    # given: one programme with one duty
    await _populate(session, programmes=1, responsibilities=1, updates=1)
    coordinator = client_for("MIN", "coordinator")
    small, body = await _statements_for(backend, coordinator)
    assert len(body["data"]["programmes"]["edges"]) == 1

    # when: twelve programmes with 15 duties each and 3 updates per duty
    await _populate_more(session)
    large, body = await _statements_for(backend, coordinator)

    # then
    edges = body["data"]["programmes"]["edges"]
    assert len(edges) == 13
    assert sum(e["node"]["responsibilities"]["totalCount"] for e in edges) == 1 + 12 * 15
    assert large == small, (small, large)
    print(f"nested query: {large} SQL statements for 1 and for 181 responsibilities")
    # none to know the caller (its principal is cached) + 1 per list or relation level
    assert large <= 4, f"{large} statements"


async def _populate_more(session) -> None:
    from sqlalchemy import select

    from stakeholders.parties.models import Party

    ministry = (await session.execute(select(Party).where(Party.code == "MIN"))).scalar_one()
    operators = (
        (await session.execute(select(Party).where(Party.kind == "OPERATOR"))).scalars().all()
    )
    for p in range(1, 13):
        programme = await create_programme(session, ministry, code=f"MORE-{p}")
        for operator in operators:
            await add_participant(session, programme, operator, ParticipantRole.OPERATOR)
        for r in range(15):
            assignee = operators[r % len(operators)]
            responsibility = await create_responsibility(session, programme, assignee)
            for u in range(3):
                await add_update(session, responsibility, assignee, f"mise à jour {u}")
    await session.commit()


DELIVERY = """
{
  programmes { edges { node {
    cohorts { edges { node {
      code
      enrollments { totalCount edges { node {
        status
        trainee { fullName residenceDistrict { name } }
        certificate { number }
      } } }
    } } }
  } } }
}
"""


async def _delivery(session, *, cohorts: int, per_cohort: int) -> None:
    from tests import delivery_factories as df

    ministry = await create_party(session, "MIN", PartyKind.MINISTRY)
    operator = await create_party(session, "OP", PartyKind.OPERATOR)
    districts = [
        await create_party(session, f"D-{i}", PartyKind.DISTRICT, parent=ministry) for i in range(3)
    ]
    programme = await create_programme(session, ministry)
    await add_participant(session, programme, operator, ParticipantRole.OPERATOR)
    for _ in range(cohorts):
        cohort = await df.create_cohort(session, programme, operator, capacity=100)
        for n in range(per_cohort):
            district = districts[n % len(districts)]
            trainee = await df.create_trainee(session, residence_district_id=district.id)
            enrollment = await df.enroll(session, trainee, cohort, status="COMPLETED")
            if n % 2:
                passed = await df.assess(session, enrollment, operator, score=80)
                await df.certify(session, enrollment, passed, operator)
    await session.commit()


async def test_nested_delivery_reads_cost_one_statement_per_level(backend, session, client_for):
    # given: 1 cohort of 1 trainee, then (in a fresh world) 6 cohorts of 12
    await _delivery(session, cohorts=1, per_cohort=1)
    small, _ = await _delivery_statements(backend, client_for)
    await _wipe(session)
    await _delivery(session, cohorts=6, per_cohort=12)
    # when
    large, body = await _delivery_statements(backend, client_for)
    # then: the same count whatever the rows, and all 72 enrolments came back
    cohorts = body["data"]["programmes"]["edges"][0]["node"]["cohorts"]["edges"]
    assert sum(c["node"]["enrollments"]["totalCount"] for c in cohorts) == 72
    assert large == small, (small, large)
    print(f"nested delivery query: {large} SQL statements for 1 and for 72 enrolments")
    # none for the caller (cached) + one per list (programmes, cohorts, enrolments): the
    # trainee, its district and the certificate are to-one, read in the enrolments' statement
    assert large <= 3, f"{large} statements"


async def _delivery_statements(backend, client_for) -> tuple[int, dict]:
    client = client_for("MIN", "coordinator")
    await client.execute(DELIVERY)  # the caller's principal, built once and cached
    with backend.counter.counting() as statements:
        body = await client.execute(DELIVERY)
    assert "errors" not in body, body
    return len(statements), body


async def _wipe(session) -> None:
    from sqlalchemy import delete

    from stakeholders.models import (
        Assessment,
        Certificate,
        Cohort,
        Enrollment,
        Participant,
        Party,
        Programme,
        Trainee,
        TraineeContact,
    )

    for model in (
        Certificate,
        Assessment,
        Enrollment,
        TraineeContact,
        Trainee,
        Cohort,
        Participant,
        Programme,
    ):
        await session.execute(delete(model))
    await session.execute(delete(Party).where(Party.parent_id.is_not(None)))
    await session.execute(delete(Party))
    await session.commit()
