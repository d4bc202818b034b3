"""Reads of delivery rows: relations joined into a list's statement obey the same policy as
the same rows loaded on their own."""

from __future__ import annotations

from stakeholders.common.relay import to_global_id
from tests import delivery_factories as df
from tests.factories import build_world

THROUGH_LIST = """
query($c: ID!) { node(id: $c) { ... on Cohort { enrollments { edges { node { id
  trainee { id fullName nationalId phone residenceDistrict { code } }
  certificate { number } placement { jobTitle } } } } } } }
"""
ON_ITS_OWN = """
query($e: ID!) { node(id: $e) { ... on Enrollment { id
  trainee { id fullName nationalId phone residenceDistrict { code } }
  certificate { number } placement { jobTitle } } } }
"""
CALLERS = [
    ("OP-1", "operator_staff"),
    ("UNI", "university_staff"),
    ("MIN", "coordinator"),
    ("DIST-1", "district_officer"),
    ("BANK", "sponsor_staff"),
    ("MIN", "auditor"),
]


def _errors(body) -> set[tuple[str, ...]]:
    return {tuple(str(p) for p in e["path"][-2:]) for e in body.get("errors", [])}


async def test_joined_relations_answer_like_loaded_ones(session, client_for):
    # given a cohort of OP-1 hosted by UNI, with one certified and hired trainee of DIST-1
    world = await build_world(session)
    cohort = await df.create_cohort(
        session, world.programme, world.operator, host_party_id=world.university.id
    )
    people = [
        await df.create_trainee(session, residence_district_id=world.district.id),
        await df.create_trainee(session, residence_district_id=world.other_district.id),
    ]
    enrollments = [await df.enroll(session, p, cohort, status="COMPLETED") for p in people]
    passed = await df.assess(session, enrollments[0], world.university, score=90)
    await df.certify(session, enrollments[0], passed, world.operator)
    await df.place(session, enrollments[0], world.sponsor)
    await session.commit()
    for party, role in CALLERS:
        client = client_for(party, role)
        # when
        listed = await client.execute(THROUGH_LIST, c=to_global_id("Cohort", cohort.id))
        edges = (listed["data"]["node"] or {"enrollments": {"edges": []}})["enrollments"]["edges"]
        alone = [
            await client.execute(ON_ITS_OWN, e=to_global_id("Enrollment", e.id))
            for e in enrollments
        ]
        # then: the same enrolments, the same fields, the same refusals
        expected = [a["data"]["node"] for a in alone if a["data"]["node"] is not None]
        assert [e["node"] for e in edges] == expected, (party, role)
        refused_alone = set().union(*(_errors(a) for a in alone))
        assert _errors(listed) == refused_alone, (party, role)
    # and the policy's outcome is as documented: the operator reads personal data, the host
    # university and the owner only names, the bank only its hire
    operator = await client_for("OP-1", "operator_staff").execute(
        THROUGH_LIST, c=to_global_id("Cohort", cohort.id)
    )
    assert all(
        e["node"]["trainee"]["nationalId"] for e in operator["data"]["node"]["enrollments"]["edges"]
    )
    host = await client_for("UNI", "university_staff").execute(
        THROUGH_LIST, c=to_global_id("Cohort", cohort.id)
    )
    host_people = [e["node"]["trainee"] for e in host["data"]["node"]["enrollments"]["edges"]]
    assert [p["nationalId"] for p in host_people] == [None, None]
    assert all(p["fullName"] for p in host_people)
    bank = await client_for("BANK", "sponsor_staff").execute(
        THROUGH_LIST, c=to_global_id("Cohort", cohort.id)
    )
    assert len(bank["data"]["node"]["enrollments"]["edges"]) == 1
